# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The only Ansible-aware layer: connection options per platform, module creation, and error-to-fail_json mapping.

Convention (checked by tools/check_action_groups.py): an API module calls `create_module("<platform>", ...)` with
the platform as a string literal, documents `tappaas.platform.<platform>` and
`tappaas.platform.attributes.actiongroup_<platform>`, and is listed in meta/runtime.yml action_groups.<platform>.
"""

from __future__ import annotations

import copy

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    InvalidInput,
    TappaasError,
)


def _opt(env, **spec):
    spec["fallback"] = (env_fallback, [env])
    return spec


def _tls_and_timeout(prefix):
    return {
        "ca_path": _opt(prefix + "_CA_PATH", type="path"),
        "validate_certs": _opt(prefix + "_VALIDATE_CERTS", type="bool", default=True),
        "api_timeout": _opt(prefix + "_TIMEOUT", type="int", default=30),
    }


def _ticket_or_token_spec(prefix, port):
    """Proxmox VE and PBS share one shape: a user with a password (ticket) or an API token."""
    spec = {
        "api_host": _opt(prefix + "_HOST", type="str", required=True),
        "api_port": _opt(prefix + "_PORT", type="int", default=port),
        "api_user": _opt(prefix + "_USER", type="str"),
        "api_password": _opt(prefix + "_PASSWORD", type="str", no_log=True),
        # The id names the token, it is not the secret; say so, or sanity flags the word "token".
        "api_token_id": _opt(prefix + "_TOKEN_ID", type="str", no_log=False),
        "api_token_secret": _opt(prefix + "_TOKEN_SECRET", type="str", no_log=True),
    }
    spec.update(_tls_and_timeout(prefix))
    return spec


_OPNSENSE_SPEC = {
    "api_host": _opt("OPNSENSE_HOST", type="str", required=True),
    "api_port": _opt("OPNSENSE_PORT", type="int", default=443),
    "api_key": _opt("OPNSENSE_API_KEY", type="str", required=True, no_log=True),
    "api_secret": _opt("OPNSENSE_API_SECRET", type="str", required=True, no_log=True),
    # The release an earlier task of the run reported: saves each module process its own firmware probe.
    "known_version": _opt("OPNSENSE_KNOWN_VERSION", type="str"),
}
_OPNSENSE_SPEC.update(_tls_and_timeout("OPNSENSE"))

_AUTHENTIK_SPEC = {
    "api_url": _opt("AUTHENTIK_URL", type="str", required=True),
    "api_token": _opt("AUTHENTIK_TOKEN", type="str", required=True, no_log=True),
}
_AUTHENTIK_SPEC.update(_tls_and_timeout("AUTHENTIK"))

_PROXMOX_SPEC = _ticket_or_token_spec("PROXMOX", 8006)
# The release an earlier task of the run reported (proxmox_ha's pve_version): saves a later call its version probe.
_PROXMOX_SPEC["known_version"] = _opt("PROXMOX_KNOWN_VERSION", type="str")

CONNECTION_SPECS = {
    "proxmox": _PROXMOX_SPEC,
    "opnsense": _OPNSENSE_SPEC,
    "authentik": _AUTHENTIK_SPEC,
    "pbs": _ticket_or_token_spec("PBS", 8007),
}

_TICKET_OR_TOKEN_CONSTRAINTS = {
    "required_one_of": [("api_password", "api_token_id")],
    "required_together": [("api_token_id", "api_token_secret")],
    "required_by": {"api_password": ("api_user",)},
}

# create_module() adds these, so no module can forget them; a module's own constraints are added on top.
CONNECTION_CONSTRAINTS = {
    "proxmox": _TICKET_OR_TOKEN_CONSTRAINTS,
    "opnsense": {},
    "authentik": {},
    "pbs": _TICKET_OR_TOKEN_CONSTRAINTS,
}

_LIST_CONSTRAINTS = ("mutually_exclusive", "required_together", "required_one_of", "required_if")


def connection_spec(platform):
    """A fresh copy of one platform's connection argument spec."""
    if platform not in CONNECTION_SPECS:
        raise ValueError(f"unknown platform {platform!r} (use one of {', '.join(sorted(CONNECTION_SPECS))})")
    return copy.deepcopy(CONNECTION_SPECS[platform])


def create_module(platform, argument_spec, supports_check_mode=True, **kwargs):
    """An AnsibleModule whose spec is the platform's connection options plus the module's own."""
    spec = connection_spec(platform)
    clashes = sorted(set(spec) & set(argument_spec))
    if clashes:
        raise ValueError(f"module options {', '.join(clashes)} clash with the {platform} connection options")
    spec.update(argument_spec)
    for name, value in CONNECTION_CONSTRAINTS[platform].items():
        if name in _LIST_CONSTRAINTS:
            kwargs[name] = list(value) + list(kwargs.get(name) or [])
        else:
            merged = dict(value)
            merged.update(kwargs.get(name) or {})
            kwargs[name] = merged
    return AnsibleModule(argument_spec=spec, supports_check_mode=supports_check_mode, **kwargs)


def run_module(module, operation):
    """Run operation() and exit with its result; typed errors become fail_json with the API's own message."""
    try:
        result = operation()
    except InvalidInput as exc:
        module.fail_json(msg=str(exc), field=exc.field_path)
    except ApiError as exc:
        details = {key: getattr(exc, key) for key in ("status", "method", "url") if getattr(exc, key) is not None}
        module.fail_json(msg=str(exc), **details)
    except TappaasError as exc:  # WaitTimeout and any other deliberate failure
        module.fail_json(msg=str(exc))
    if hasattr(result, "as_module_result"):
        result = result.as_module_result()
    module.exit_json(**result)


def _host_port(params):
    host = params["api_host"]
    if "://" in host or "/" in host:
        raise InvalidInput("api_host", f"give a host name or address, not a URL: {host!r}")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # a bare IPv6 address
    return f"{host}:{params['api_port']}"


def _full_token_id(params):
    token_id = params["api_token_id"]
    if "!" in token_id:
        return token_id
    if not params.get("api_user"):
        raise InvalidInput("api_token_id", "give the full id 'user@realm!name', or set api_user")
    return f"{params['api_user']}!{token_id}"


def http_client_kwargs(platform, params):
    """HttpClient keyword arguments from a module's connection params.

    Proxmox VE and PBS with a password need a ticket login, which their clients do themselves from
    api_user/api_password; then only the transport settings are returned. A token, when given, wins.
    """
    kwargs = {
        "validate_certs": params["validate_certs"],
        "ca_path": params.get("ca_path"),
        "timeout": params["api_timeout"],
    }
    if platform in ("proxmox", "pbs"):
        kwargs["base_url"] = f"https://{_host_port(params)}/api2/json"
        if params.get("api_token_id"):
            if platform == "proxmox":
                header = f"PVEAPIToken={_full_token_id(params)}={params['api_token_secret']}"
            else:
                header = f"PBSAPIToken={_full_token_id(params)}:{params['api_token_secret']}"
            kwargs["headers"] = {"Authorization": header}
    elif platform == "opnsense":
        kwargs["base_url"] = f"https://{_host_port(params)}/api"
        kwargs["user"], kwargs["password"] = params["api_key"], params["api_secret"]
    elif platform == "authentik":
        url = params["api_url"].rstrip("/")
        if not url.startswith(("https://", "http://")):
            raise InvalidInput("api_url", f"must start with https:// (got {url!r})")
        if not url.endswith("/api/v3"):
            url += "/api/v3"
        kwargs["base_url"] = url
        kwargs["headers"] = {"Authorization": f"Bearer {params['api_token']}"}
    else:
        raise ValueError(f"unknown platform {platform!r}")
    return kwargs
