#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_reverse_proxy
short_description: Publish a domain through the Caddy reverse proxy on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Makes one route of the os-caddy plugin (Services > Caddy Web Server > Reverse Proxy) match the options
    (a domain, the handler that forwards it to an upstream, and an access list of the networks allowed in).
  - The domain is the identity; the access list is named after it and the handler is the domain's catch-all
    handler (no path).
  - Removing a route deletes the handler first, then the domain, then its access list, as Caddy's safe delete
    requires.
  - Needs the C(os-caddy) plugin (M(tappaas.platform.opnsense_package)). Changes reach Caddy when
    M(tappaas.platform.opnsense_apply) applies the C(caddy) service.
options:
  domain:
    description: Domain served, for example C(cloud.example.org).
    type: str
    required: true
  upstream_host:
    description: Host name or address of the upstream. Required when O(state=present).
    type: str
  upstream_port:
    description: Port of the upstream.
    type: int
  upstream_tls:
    description: Whether Caddy talks HTTPS to the upstream.
    type: bool
    default: false
  allowed_networks:
    description:
      - Client networks allowed in (CIDRs); everyone else gets HTTP 403.
      - Leave empty to let everyone in.
    type: list
    elements: str
    default: []
  dns_challenge:
    description:
      - Obtain the domain's certificate by DNS-01.
      - The provider and its token are set with M(tappaas.platform.opnsense_caddy_settings).
    type: bool
    default: false
  certificate:
    description: Reference id of an OPNsense certificate to serve instead of one Caddy obtains itself.
    type: str
  description:
    description: Free text shown in the GUI.
    type: str
  state:
    description: Whether the route should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: Publish nextcloud to the home and work zones
  tappaas.platform.opnsense_reverse_proxy:
    domain: cloud.example.org
    upstream_host: nextcloud.srv-home.internal
    upstream_port: 80
    allowed_networks: [10.3.10.0/24, 10.3.20.0/24]
"""

RETURN = r"""
parts:
  description: What was done to the access list, the domain and the handler (C(create), C(update), C(delete), C(none)).
  returned: always
  type: dict
  sample: {access_list: create, domain: create, handler: create}
pending_services:
  description: C([caddy]) when something changed, else an empty list.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import ControllerResource, connect
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

BASE = "caddy/reverse_proxy"
ACCESS_LIST = ResourceDescriptor(
    "Caddy access list",
    "name",
    [
        Field("name", api_name="accesslistName"),
        Field("networks", kind="set", api_name="clientIps"),
        Field("description"),
    ],
    endpoint=(BASE, "AccessList", "accesslist"),
)
DOMAIN = ResourceDescriptor(
    "Caddy domain",
    "domain",
    [
        Field("domain", api_name="FromDomain"),
        Field("access_list", api_name="accesslist"),
        Field("certificate", api_name="CustomCertificate"),
        Field("dns_challenge", kind="bool", api_name="DnsChallenge"),
        Field("description"),
        Field("enabled", kind="bool"),
    ],
    endpoint=(BASE, "ReverseProxy", "reverse"),
)
HANDLER = ResourceDescriptor(
    "Caddy handler",
    ("domain_uuid", "path"),
    [
        Field("domain_uuid", api_name="reverse"),
        Field("path", api_name="HandlePath"),
        Field("directive", api_name="HandleDirective"),
        Field("upstream_host", api_name="ToDomain"),
        Field("upstream_port", kind="int", api_name="ToPort"),
        Field("upstream_tls", api_name="HttpTls"),
        Field("description"),
    ],
    endpoint=(BASE, "Handle", "handle"),
)
# A uuid that cannot exist, for the parts a check-mode run would create under a domain it did not create.
NOT_YET_CREATED = "00000000-0000-4000-8000-000000000000"


def _engine(api, descriptor, check_mode):
    return ResourceEngine(ControllerResource(api.controller(*descriptor.endpoint), descriptor), descriptor, check_mode)


def _uuid(result):
    return (result.resource or {}).get("uuid") or NOT_YET_CREATED


def present(module, api):
    params = module.params
    check = module.check_mode
    parts = {}
    access_lists = _engine(api, ACCESS_LIST, check)
    access_uuid = ""
    if params["allowed_networks"]:
        access = access_lists.ensure(
            {"name": params["domain"], "networks": params["allowed_networks"], "description": "clients allowed in"}
        )
        parts["access_list"], access_uuid = access.action, _uuid(access)
    domain = _engine(api, DOMAIN, check).ensure(
        {
            "domain": params["domain"],
            "access_list": access_uuid,
            "certificate": params["certificate"] or "",
            "dns_challenge": params["dns_challenge"],
            "description": params["description"],
            "enabled": True,
        }
    )
    parts["domain"] = domain.action
    if not params["allowed_networks"]:
        # Only now that the domain no longer points at it does Caddy's safe delete let the list go.
        parts["access_list"] = access_lists.ensure({"name": params["domain"]}, "absent").action
    handler = _engine(api, HANDLER, check).ensure(
        {
            "domain_uuid": _uuid(domain),
            "path": "",
            "directive": "reverse_proxy",
            "upstream_host": params["upstream_host"],
            "upstream_port": params["upstream_port"],
            "upstream_tls": "1" if params["upstream_tls"] else "0",
            "description": params["description"],
        }
    )
    parts["handler"] = handler.action
    return parts


def absent(module, api):
    check = module.check_mode
    parts = {}
    domains = api.controller(*DOMAIN.endpoint).find({"FromDomain": module.params["domain"]})
    handlers = api.controller(*HANDLER.endpoint)
    handler_rows = [row for row in handlers.rows().values() if domains and row.get("reverse") == domains[0]["uuid"]]
    for row in handler_rows:
        if not check:
            handlers.delete(row["uuid"])
    parts["handler"] = "delete" if handler_rows else "none"
    parts["domain"] = _engine(api, DOMAIN, check).ensure({"domain": module.params["domain"]}, "absent").action
    parts["access_list"] = _engine(api, ACCESS_LIST, check).ensure({"name": module.params["domain"]}, "absent").action
    return parts


def run(module):
    api = connect(module.params)
    try:
        parts = present(module, api) if module.params["state"] == "present" else absent(module, api)
    except NotFound as exc:
        raise ApiError("the Caddy API is missing (%s); install os-caddy with opnsense_package first" % exc) from exc
    changed = any(action != "none" for action in parts.values())
    return {"changed": changed, "parts": parts, "pending_services": ["caddy"] if changed else []}


def main():
    module = create_module(
        "opnsense",
        dict(
            domain=dict(type="str", required=True),
            upstream_host=dict(type="str"),
            upstream_port=dict(type="int"),
            upstream_tls=dict(type="bool", default=False),
            allowed_networks=dict(type="list", elements="str", default=[]),
            dns_challenge=dict(type="bool", default=False),
            certificate=dict(type="str"),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ("upstream_host",))],
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
