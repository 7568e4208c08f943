# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An authentik application with its provider, outpost attachment and group bindings, as one desired state.

The provider and the application are CRUD resources run through the resource engine; attaching a forward-auth
provider to an outpost is a read-modify-write of the outpost's provider list (the only way to use the embedded
outpost, which cannot be created); group bindings are reconciled as a set against the application's bindings.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.authentik_resource import CollectionApi, merge_results
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.resource import (
    Field,
    ResourceDescriptor,
    ResourceEngine,
)

DEFAULT_SCOPES = ("openid", "email", "profile")
PROVIDER_PATHS = {
    "oidc": "providers/oauth2",
    "forward_auth": "providers/proxy",
}
MODEL_PATHS = {
    "authentik_providers_oauth2.oauth2provider": "providers/oauth2",
    "authentik_providers_proxy.proxyprovider": "providers/proxy",
}


def redirect_uri_entries(value):
    """[{matching_mode, url}] from the user's entries or the API's (which add redirect_uri_type)."""
    if isinstance(value, str):  # authentik before 2024.10.3: one regex per line
        return [{"matching_mode": "regex", "url": line} for line in value.splitlines() if line.strip()]
    entries = []
    for item in value:
        if isinstance(item, str):
            item = {"url": item}
        mode = item.get("matching_mode") or "strict"
        if mode not in ("strict", "regex"):
            raise ValueError("matching_mode must be strict or regex, got %r" % mode)
        if not item.get("url"):
            raise ValueError("every redirect URI needs a url")
        entries.append({"matching_mode": mode, "url": item["url"]})
    return entries


def oidc_descriptor():
    return ResourceDescriptor(
        "oauth2 provider",
        "name",
        [
            Field("name"),
            Field("authorization_flow"),
            Field("invalidation_flow"),
            Field("client_type"),
            Field("client_id"),
            Field("client_secret", secret=True),
            # Order matters: authentik tries the entries in turn and uses the first for the launch URL.
            Field("redirect_uris", kind="list", normalise=redirect_uri_entries),
            Field("property_mappings", kind="set"),
            Field("signing_key"),
            Field("access_token_validity"),
            Field("refresh_token_validity"),
            Field("sub_mode"),
            Field("include_claims_in_id_token", kind="bool"),
        ],
        endpoint="providers/oauth2",
    )


def proxy_descriptor():
    # redirect_uris and property_mappings are left out: set_oauth_defaults() generates them on every save.
    return ResourceDescriptor(
        "proxy provider",
        "name",
        [
            Field("name"),
            Field("authorization_flow"),
            Field("invalidation_flow"),
            Field("mode"),
            Field("external_host"),
            Field("internal_host"),
            Field("cookie_domain"),
            Field("skip_path_regex"),
            Field("access_token_validity"),
        ],
        endpoint="providers/proxy",
    )


APPLICATION = ResourceDescriptor(
    "application",
    "slug",
    [
        Field("slug"),
        Field("name"),
        Field("provider", kind="int"),
        Field("meta_launch_url"),
        Field("meta_icon"),
        Field("meta_description"),
        Field("meta_publisher"),
        Field("open_in_new_tab", kind="bool"),
        Field("policy_engine_mode"),
        Field("group"),
    ],
    endpoint="core/applications",
)


def check_access(params):
    """Refuse, before anything is read or written, an application nobody is deliberately allowed into."""
    if params["state"] == "present" and not params.get("groups") and not params.get("public"):
        raise InvalidInput(
            "groups",
            "application %r would let no group in: list the groups allowed to use it, or set public: true "
            "to let every user in" % params["slug"],
        )


def _redirect_uris_as_list(client, existing):
    """Whether this authentik takes redirect URIs as a list: the existing provider's own field says so without a
    version probe (a no-op run never asks); only a provider still to be made asks for the version."""
    if existing and "redirect_uris" in existing:
        return not isinstance(existing["redirect_uris"], str)
    return client.redirect_uris_as_list()


def _provider_desired(client, params, kind, existing=None):
    desired = {
        "name": params["provider_name"] or params["slug"],
        "authorization_flow": client.flow_pk(params["authorization_flow"], option="authorization_flow"),
        "invalidation_flow": client.flow_pk(params["invalidation_flow"], option="invalidation_flow"),
    }
    if kind == "oidc":
        oidc = params["oidc"] or {}
        if not oidc.get("redirect_uris"):
            raise InvalidInput("oidc.redirect_uris", "an OIDC application needs at least one redirect URI")
        desired.update(
            client_type=oidc.get("client_type"),
            client_id=oidc.get("client_id"),
            client_secret=oidc.get("client_secret"),
            redirect_uris=oidc["redirect_uris"],
            property_mappings=client.scope_mapping_pks(oidc.get("scopes") or DEFAULT_SCOPES, option="oidc.scopes"),
            access_token_validity=oidc.get("access_token_validity"),
            refresh_token_validity=oidc.get("refresh_token_validity"),
            sub_mode=oidc.get("sub_mode"),
            include_claims_in_id_token=oidc.get("include_claims_in_id_token"),
        )
        if oidc.get("signing_key"):
            desired["signing_key"] = client.certificate_pk(oidc["signing_key"], option="oidc.signing_key")
        if not _redirect_uris_as_list(client, existing):
            desired["redirect_uris"] = "\n".join(entry["url"] for entry in redirect_uri_entries(oidc["redirect_uris"]))
    else:
        forward = params["forward_auth"] or {}
        if not forward.get("external_host"):
            raise InvalidInput("forward_auth.external_host", "is required for a forward_auth application")
        if forward.get("mode") == "forward_domain" and not forward.get("cookie_domain"):
            raise InvalidInput("forward_auth.cookie_domain", "is required with mode forward_domain")
        desired.update(
            mode=forward.get("mode") or "forward_single",
            external_host=forward["external_host"],
            cookie_domain=forward.get("cookie_domain"),
            skip_path_regex=forward.get("skip_path_regex"),
            access_token_validity=forward.get("access_token_validity"),
        )
    return desired


class ApplicationManager:
    """Runs the four parts in order and collects their results; check mode reaches every part."""

    def __init__(self, client, params, check_mode):
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.parts = []
        self._applications = None

    def ensure(self):
        if self.params["state"] == "absent":
            return self._absent()
        kind = self.params["provider_type"]
        provider_api = self._provider_api(kind)
        # Read once (the API caches it for the engine below).
        existing = provider_api.read({"name": self.params["provider_name"] or self.params["slug"]})
        provider_desired = _provider_desired(self.client, self.params, kind, existing)
        group_pks = self.client.group_pks(self.params["groups"] or [], option="groups")
        descriptor = oidc_descriptor() if kind == "oidc" else proxy_descriptor()
        retired = None
        if existing is None:
            retired = self._retire_provider_of_another_type(kind)
        try:
            provider_result = ResourceEngine(provider_api, descriptor, self.check_mode).ensure(provider_desired)
        except (ApiError, InvalidInput) as error:
            if retired is None:
                raise
            left = (
                " (the application's previous %s provider %r was already deleted: application %r has no provider "
                "until a run succeeds)" % (retired["type"], retired["name"], self.params["slug"])
            )
            if isinstance(error, InvalidInput):
                raise InvalidInput(error.field_path, error.problem + left) from error
            error.message += left
            raise
        self.parts.append(("provider", provider_result))
        provider = provider_result.resource if provider_result.resource and "pk" in provider_result.resource else None
        app_result = self._ensure_application(provider)
        application = app_result.resource if app_result.resource and "pk" in app_result.resource else None
        if kind == "forward_auth":
            self.parts.append(("outpost", self._attach_to_outpost(provider)))
        self.parts.append(("bindings", self._ensure_bindings(application, group_pks)))
        return self._output(provider, application, kind)

    def _provider_api(self, kind):
        if kind == "oidc":
            return CollectionApi(self.client, "providers/oauth2", "name")
        # Always send mode and internal_host: authentik validates a PATCH body as if missing fields were mode=proxy.
        return CollectionApi(
            self.client, "providers/proxy", "name", filter_name="name__iexact", patch_always=("mode", "internal_host")
        )

    def _application_api(self):
        # One instance per run: its read cache lets the switch check and the engine share one GET.
        if self._applications is None:
            self._applications = CollectionApi(
                self.client, "core/applications", "slug", url_key="slug", list_params={"superuser_full_list": "true"}
            )
        return self._applications

    def _retire_provider_of_another_type(self, kind):
        """Deletes the application's provider when it is of the other type (oidc <-> forward_auth).

        authentik's provider names are unique across types, so the new provider can only be made once the old one
        is gone; deleting it leaves the application in place without a provider (SET_NULL) and takes the provider
        off its outposts. Only asked when the wanted provider does not exist, so a run without a switch pays nothing.
        """
        application = self._application_api().read({"slug": self.params["slug"]})
        previous = (application or {}).get("provider_obj") or {}
        path = MODEL_PATHS.get(previous.get("meta_model_name"))
        if path is None or path == PROVIDER_PATHS[kind]:
            return None
        previous_type = next(name for name, known in PROVIDER_PATHS.items() if known == path)
        if not self.check_mode:
            self.client.delete(path, previous["pk"])
        self.parts.append(
            ("previous provider", _Change("previous provider", {"name": previous["name"], "type": previous_type}, {}))
        )
        return {"name": previous["name"], "type": previous_type}

    def _ensure_application(self, provider):
        params = self.params
        desired = {
            "slug": params["slug"],
            "name": params["name"],
            "provider": provider["pk"] if provider else None,
            "meta_launch_url": params["launch_url"],
            "meta_icon": params["icon"],
            "meta_description": params["description"],
            "meta_publisher": params["publisher"],
            "open_in_new_tab": params["open_in_new_tab"],
            "policy_engine_mode": params["policy_engine_mode"],
            "group": params["section"],
        }
        result = ResourceEngine(self._application_api(), APPLICATION, self.check_mode).ensure(desired)
        self.parts.append(("application", result))
        return result

    def _attach_to_outpost(self, provider):
        outpost = self.client.outpost(self.params["outpost"])
        current = list(outpost["providers"])
        wanted = current if provider is not None and provider["pk"] in current else None
        if wanted is None:
            wanted = current + ([provider["pk"]] if provider is not None else ["(new provider)"])
        change = _Change("outpost", {"providers": current}, {"providers": wanted})
        if change.changed and not self.check_mode:
            # Read-modify-write: the providers other modules attached stay in the list.
            self.client.patch("outposts/instances", outpost["pk"], body={"providers": wanted})
        return change

    def _ensure_bindings(self, application, group_pks):
        bindings = []
        if application is not None:
            bindings = [
                b
                for b in self.client.list("policies/bindings", target=application["pk"])
                if b["target"] == application["pk"]
            ]
        bound = {b["group"]: b for b in bindings if b.get("group")}
        wanted = set(group_pks)
        to_add = [pk for pk in group_pks if pk not in bound]
        to_remove = [b for pk, b in bound.items() if pk not in wanted]
        change = _Change("bindings", {"groups": sorted(bound)}, {"groups": sorted(wanted)})
        if change.changed and not self.check_mode:
            order = max([b["order"] for b in bindings] + [-1]) + 1
            for pk in to_add:
                self.client.post("policies/bindings", body={"target": application["pk"], "group": pk, "order": order})
                order += 1
            for binding in to_remove:
                self.client.delete("policies/bindings", binding["pk"])
        return change

    def _absent(self):
        api = self._application_api()
        application = api.read({"slug": self.params["slug"]})
        result = ResourceEngine(api, APPLICATION, self.check_mode).ensure({"slug": self.params["slug"]}, "absent")
        self.parts.append(("application", result))
        provider_obj = (application or {}).get("provider_obj")
        if provider_obj and provider_obj.get("meta_model_name") in MODEL_PATHS:
            path = MODEL_PATHS[provider_obj["meta_model_name"]]
            if not self.check_mode:
                self.client.delete(path, provider_obj["pk"])
            self.parts.append(("provider", _Change("provider", {"name": provider_obj["name"]}, {})))
        changed, diff = merge_results(*self.parts)
        return {"changed": changed, "diff": diff}

    def _output(self, provider, application, kind):
        changed, diff = merge_results(*self.parts)
        output = {"changed": changed, "diff": diff}
        if application is not None:
            output["application"] = application
        if provider is not None:
            output["provider"] = (
                dict(provider, client_secret="**REDACTED**") if "client_secret" in provider else provider
            )
            if kind == "oidc":
                urls = self.client.get("providers/oauth2", provider["pk"], "setup_urls")
                output["oidc"] = {
                    "client_id": provider["client_id"],
                    "client_secret": provider["client_secret"],
                    "issuer": urls["issuer"],
                    "discovery_url": urls["provider_info"],
                    "authorize_url": urls["authorize"],
                    "token_url": urls["token"],
                    "userinfo_url": urls["user_info"],
                    "jwks_url": urls["jwks"],
                    "logout_url": urls["logout"],
                }
        return output


class _Change:
    """A result for the parts that are not engine resources, shaped like the engine's for merge_results."""

    def __init__(self, label, before, after):
        self.changed = before != after
        self.diff = {"before": before, "after": after}
