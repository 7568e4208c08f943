#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_caddy_settings
short_description: Set the general settings of the Caddy reverse proxy on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Sets Caddy's general settings (Services > Caddy Web Server > General Settings) - whether it runs, the ACME
    account e-mail, the DNS provider and API token Caddy uses for DNS-01 challenges, and the forward-auth
    provider that routes with C(forward_auth) send their requests through.
  - Only the options given are compared and written. The DNS API token is never shown in output or diffs.
  - Needs the C(os-caddy) plugin. Changes reach Caddy when M(tappaas.platform.opnsense_apply) applies C(caddy).
options:
  enabled:
    description: Whether Caddy runs.
    type: bool
  acme_email:
    description: E-mail address of the ACME account.
    type: str
  dns_provider:
    description: DNS provider for DNS-01 challenges, one the installed Caddy offers (for example C(cloudflare)).
    type: str
  dns_api_key:
    description: API token of O(dns_provider). Keep it in the vault.
    type: str
  auth_provider:
    description:
      - Forward-auth provider of the routes with C(forward_auth) (M(tappaas.platform.opnsense_reverse_proxy)),
        C(authentik) or C(authelia); an empty string turns it off.
    type: str
    choices: ["", authentik, authelia]
  auth_host:
    description: Host name or address where Caddy reaches the provider, for authentik the server that runs its outpost.
    type: str
  auth_port:
    description: Port of O(auth_host).
    type: int
  auth_tls:
    description: Whether Caddy talks HTTPS to O(auth_host).
    type: bool
  auth_uri:
    description: Path Caddy asks, for authentik's outpost C(/outpost.goauthentik.io/auth/caddy).
    type: str
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: Caddy gets certificates by DNS-01 through Cloudflare
  tappaas.platform.opnsense_caddy_settings:
    enabled: true
    acme_email: admin@example.org
    dns_provider: cloudflare
    dns_api_key: "{{ vault_cloudflare_token }}"

- name: Routes with forward_auth ask the authentik outpost first
  tappaas.platform.opnsense_caddy_settings:
    auth_provider: authentik
    auth_host: auth.example.org
    auth_port: 443
    auth_tls: true
    auth_uri: /outpost.goauthentik.io/auth/caddy
"""

RETURN = r"""
action:
  description: C(update) or C(none).
  returned: always
  type: str
changed_fields:
  description: Options that differed and were written.
  returned: always
  type: list
  elements: str
before:
  description: The settings before, normalised; the token redacted.
  returned: always
  type: dict
after:
  description: The settings after, normalised; the token redacted.
  returned: always
  type: dict
pending_services:
  description: C([caddy]) when something changed, else an empty list.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_client import SettingsNode
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    SettingsResource,
    connect,
    module_result,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "Caddy settings",
    "section",
    [
        Field("section"),
        Field("enabled", kind="bool"),
        Field("acme_email", api_name="TlsEmail"),
        Field("dns_provider", api_name="TlsDnsProvider"),
        Field("dns_api_key", api_name="TlsDnsApiKey", secret=True),
        Field("auth_provider", api_name="AuthProvider"),
        Field("auth_host", api_name="AuthToDomain"),
        Field("auth_port", kind="int", api_name="AuthToPort"),
        Field("auth_tls", kind="bool", api_name="AuthToTls"),
        Field("auth_uri", api_name="AuthToUri"),
    ],
)


def run(module):
    params = module.params
    node = SettingsNode(connect(params), "caddy/general", "caddy", "general")
    desired = {name: params.get(name) for name in DESCRIPTOR.fields if name != "section"}
    desired["section"] = "general"
    engine = ResourceEngine(SettingsResource(node, "section"), DESCRIPTOR, module.check_mode)
    try:
        result = engine.ensure(desired)
    except NotFound as exc:
        raise ApiError("the Caddy API is missing (%s); install os-caddy with opnsense_package first" % exc) from exc
    output = module_result(result, "caddy")
    output.pop("resource", None)  # the raw settings carry the token
    return output


def main():
    module = create_module(
        "opnsense",
        dict(
            enabled=dict(type="bool"),
            acme_email=dict(type="str"),
            dns_provider=dict(type="str"),
            dns_api_key=dict(type="str", no_log=True),
            auth_provider=dict(type="str", choices=["", "authentik", "authelia"]),
            auth_host=dict(type="str"),
            auth_port=dict(type="int"),
            auth_tls=dict(type="bool"),
            auth_uri=dict(type="str"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
