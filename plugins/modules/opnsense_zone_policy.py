#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_zone_policy
short_description: Compile a site's zones and module specs into the OPNsense network plan
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Turns C(tappaas_zones) and the module specs into what the network and ingress roles write to OPNsense
    (VLANs, Kea subnets with pools, Unbound records C(<module>.<zone>.internal), aliases, the filter rules of the
    zone policy and the reverse proxy routes). It talks to no API and changes nothing.
  - "The zone policy, in band order: an anti-lockout rule per management port first, DNS on the firewall for
    every zone, the reverse proxy ports for the zones published modules let in, then per zone its C(access_to)
    rules, a block of every other private (RFC 1918) network, and internet egress unless the zone has
    C(egress: false)."
  - Module pinholes are not part of it; each module's pinholes are a rule scope of their own that the module role
    compiles with the C(tappaas.platform.module_pinholes) filter.
  - Fails naming the field when an isolated zone appears in the access list of a zone that is not a management
    zone.
options:
  zones:
    description: The zones, as in C(tappaas_zones).
    type: dict
    required: true
  modules:
    description: The modules, as in C(tappaas_modules).
    type: dict
    default: {}
  addresses:
    description: The address of each module by name (the C(tappaas.platform.module_ip) filter gives them).
    type: dict
    default: {}
  site:
    description: The site, as in C(tappaas_site); its C(domain) names the published routes.
    type: dict
    default: {}
  interfaces:
    description: "The OPNsense interface of each zone, for example C({mgmt: lan, srv_home: opt1})."
    type: dict
    default: {}
  parent:
    description: Parent device of the zone VLANs.
    type: str
    default: vtnet0
  management_zones:
    description: Zones allowed to reach the firewall and the isolated zones.
    type: list
    elements: str
    default: [mgmt]
  management_ports:
    description: TCP ports of the firewall that management zones always reach (the anti-lockout rules).
    type: list
    elements: int
    default: [443]
  isolated_zones:
    description: Zones no other zone may reach as a whole (only by pinholes); management zones excepted.
    type: list
    elements: str
    default: []
attributes:
  check_mode:
    description: Computes the same plan in check mode.
    support: full
  diff_mode:
    description: Nothing to diff; it changes nothing.
    support: none
  idempotent:
    description: The same input gives the same plan.
    support: full
"""

EXAMPLES = r"""
- name: Network plan of the site
  tappaas.platform.opnsense_zone_policy:
    zones: "{{ tappaas_zones }}"
    modules: "{{ tappaas_modules }}"
    addresses: "{{ network_addresses }}"
    site: "{{ tappaas_site }}"
    interfaces: {mgmt: lan}
  register: plan
"""

RETURN = r"""
vlans:
  description: One VLAN per active tagged zone (zone, tag, parent, description, and address, the gateway as CIDR).
  returned: always
  type: list
  elements: dict
subnets:
  description: Kea subnets of the zones with DHCP (zone, subnet, pools, routers, dns_servers, domain_name).
  returned: always
  type: list
  elements: dict
host_overrides:
  description: Unbound records of the modules (hostname, domain, address).
  returned: always
  type: list
  elements: dict
aliases:
  description: Firewall aliases the rules use (name, type, content, description).
  returned: always
  type: list
  elements: dict
rules:
  description: The zone policy, as O(tappaas.platform.opnsense_rules#module:rules).
  returned: always
  type: list
  elements: dict
routes:
  description: Reverse proxy routes (module, domain, upstream_host, upstream_port, allowed_networks).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_zone_policy import (
    active_zones,
    aliases,
    dhcp_subnets,
    filter_rules,
    host_overrides,
    reverse_proxy_routes,
    vlans,
)


def plan(params):
    zones = params["zones"]
    internal = (params["site"] or {}).get("internal_domain") or "internal"
    modules = params["modules"] or {}
    addresses = params["addresses"] or {}
    return {
        "changed": False,
        "vlans": vlans(zones, params["parent"]),
        "subnets": dhcp_subnets(zones, internal),
        "host_overrides": host_overrides(modules, addresses, internal),
        "aliases": aliases(modules, addresses),
        "rules": filter_rules(
            zones,
            modules,
            params["interfaces"] or {},
            params["management_zones"],
            params["management_ports"],
            params["isolated_zones"],
        ),
        "routes": reverse_proxy_routes(params["site"] or {}, modules, addresses, active_zones(zones), internal),
    }


def main():
    module = AnsibleModule(
        argument_spec=dict(
            zones=dict(type="dict", required=True),
            modules=dict(type="dict", default={}),
            addresses=dict(type="dict", default={}),
            site=dict(type="dict", default={}),
            interfaces=dict(type="dict", default={}),
            parent=dict(type="str", default="vtnet0"),
            management_zones=dict(type="list", elements="str", default=["mgmt"]),
            management_ports=dict(type="list", elements="int", default=[443]),
            isolated_zones=dict(type="list", elements="str", default=[]),
        ),
        supports_check_mode=True,
    )
    try:
        result = plan(module.params)
    except InvalidInput as exc:
        module.fail_json(msg=str(exc), field=exc.field_path)
    except (KeyError, TypeError, ValueError) as exc:
        module.fail_json(
            msg="the zones or modules are not a valid definition (run tappaas.platform.validate): %s" % exc
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
