#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_reverse_proxy
short_description: Publish a host name through the Caddy reverse proxy on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Makes one route of the os-caddy plugin (Services > Caddy Web Server > Reverse Proxy) match the options
    (a domain or a subdomain, the handler that forwards it to an upstream, and an access list of the networks
    allowed in).
  - Without O(wildcard_domain) the route is its own domain and gets its own certificate. With it, the route is a
    subdomain of that wildcard domain (for example C(cloud.example.org) under C(*.example.org)) and shares the
    wildcard's one certificate. The wildcard domain itself is a route without O(upstream_host).
  - The host name O(domain) is the identity in both forms; when a route changes form, the new form is made first
    and the old one removed after. The access list is named after the host name and the handler is the catch-all
    handler (no path) of the domain or subdomain.
  - Removing a route deletes the handler first, then the subdomain or domain, then its access list, as Caddy's
    safe delete requires. A domain that subdomains still hang under is not removed; the API's refusal is reported
    and nothing is changed.
  - Needs the C(os-caddy) plugin (M(tappaas.platform.opnsense_package)). Changes reach Caddy when
    M(tappaas.platform.opnsense_apply) applies the C(caddy) service.
options:
  domain:
    description:
      - Host name served, for example C(cloud.example.org), or a wildcard domain such as C(*.example.org).
    type: str
    required: true
  wildcard_domain:
    description:
      - Publish O(domain) as a subdomain of this wildcard domain (C(*.example.org)), which must exist already
        (in check mode it may be one an earlier task would create).
      - O(domain) must then be exactly one label under it; anything else is refused before a write.
    type: str
  upstream_host:
    description:
      - Host name or address of the upstream.
      - Required for a subdomain. A domain without it has no handler of its own, which is how a wildcard domain
        that only carries subdomains is declared.
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
  forward_auth:
    description:
      - Send every request through the forward-auth provider of Caddy's general settings (an authentik outpost,
        set with M(tappaas.platform.opnsense_caddy_settings)) before it reaches the upstream.
    type: bool
    default: false
  dns_challenge:
    description:
      - Obtain the domain's certificate by DNS-01 (a wildcard domain needs it).
      - The provider and its token are set with M(tappaas.platform.opnsense_caddy_settings).
      - Not for a subdomain, which serves its wildcard domain's certificate.
    type: bool
    default: false
  certificate:
    description:
      - Reference id of an OPNsense certificate to serve instead of one Caddy obtains itself.
      - Not for a subdomain.
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
- name: Publish nextcloud to the home and work zones, with its own certificate
  tappaas.platform.opnsense_reverse_proxy:
    domain: cloud.example.org
    upstream_host: nextcloud.srv-home.internal
    upstream_port: 80
    allowed_networks: [10.3.10.0/24, 10.3.20.0/24]

- name: One wildcard certificate by DNS-01 for every application
  tappaas.platform.opnsense_reverse_proxy:
    domain: "*.example.org"
    dns_challenge: true

- name: Publish whoami as a subdomain of it, behind the authentik outpost
  tappaas.platform.opnsense_reverse_proxy:
    domain: whoami.example.org
    wildcard_domain: "*.example.org"
    upstream_host: whoami.srv-home.internal
    forward_auth: true
"""

RETURN = r"""
parts:
  description:
    - What was done to each part (C(create), C(update), C(delete), C(none)) - C(access_list), C(domain) or
      C(subdomain), and C(handler); C(replaced_*) parts are those of the old form when the route changed form.
  returned: always
  type: dict
  sample: {access_list: create, subdomain: create, handler: create}
diff:
  description: The parts that changed, before and after, normalised.
  returned: always
  type: dict
pending_services:
  description: C([caddy]) when something changed, else an empty list.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_caddy import CaddyRoute
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import connect


def check_options(params):
    """Option combinations the argument spec cannot express, refused before anything is read or written."""
    if params["state"] == "absent" or not params["wildcard_domain"]:
        return
    if not params["upstream_host"]:
        raise InvalidInput("upstream_host", "is required for a subdomain route (one with wildcard_domain)")
    for name in ("certificate", "dns_challenge"):
        if params[name]:
            raise InvalidInput(name, "a subdomain serves the certificate of its wildcard domain; set %s there" % name)


def run(module):
    params = module.params
    check_options(params)
    route = CaddyRoute(connect(params), module.check_mode)
    try:
        if params["state"] == "absent":
            parts = route.absent(params)
        elif params["wildcard_domain"]:
            parts = route.present_subdomain(params)
        else:
            parts = route.present_domain(params)
    except NotFound as exc:
        raise ApiError("the Caddy API is missing (%s); install os-caddy with opnsense_package first" % exc) from exc
    changed = any(action != "none" for action in parts.values())
    return {"changed": changed, "parts": parts, "diff": route.diff(), "pending_services": ["caddy"] if changed else []}


def main():
    module = create_module(
        "opnsense",
        dict(
            domain=dict(type="str", required=True),
            wildcard_domain=dict(type="str"),
            upstream_host=dict(type="str"),
            upstream_port=dict(type="int"),
            upstream_tls=dict(type="bool", default=False),
            allowed_networks=dict(type="list", elements="str", default=[]),
            forward_auth=dict(type="bool", default=False),
            dns_challenge=dict(type="bool", default=False),
            certificate=dict(type="str"),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
