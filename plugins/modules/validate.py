#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: validate
short_description: Check a whole TAPPaaS platform definition before anything is touched
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Checks the platform definition (the inventory variables C(tappaas_site), C(tappaas_nodes), C(tappaas_zones),
    C(tappaas_tanks) and C(tappaas_modules)) against the schema shipped in C(schemas/definition.schema.json) and
    against the rules that span fields.
  - "Fails listing every problem with the path of the field, for example
    C(tappaas_modules.nextcloud.zone: unknown zone 'srv_hme'), so that one run shows all of them."
  - The rules cover overlapping zone CIDRs, duplicate VLANs, vmids, IP addresses and published hostnames, an
    address outside its zone, on its gateway or inside its DHCP range, unknown zones, nodes, tanks, pinhole peers
    and dependencies, dependency cycles, SSO without a group allowed in, malformed Proxmox calendar events,
    retention that keeps nothing and invalid znapzend plans.
  - On success returns the resolved definition, with defaults applied and derived values filled in, for the roles
    that follow.
  - Runs on the controller; it never connects to a host and never changes anything.
options:
  site:
    description: The site. Defaults to the inventory variable C(tappaas_site).
    type: dict
  nodes:
    description: The Proxmox VE nodes. Defaults to the inventory variable C(tappaas_nodes).
    type: list
    elements: dict
  zones:
    description: The network zones by name. Defaults to the inventory variable C(tappaas_zones).
    type: dict
  tanks:
    description: The ZFS tanks per node. Defaults to the inventory variable C(tappaas_tanks).
    type: dict
  modules:
    description: The modules by name. Defaults to the inventory variable C(tappaas_modules).
    type: dict
  check_inventory_group:
    description:
      - When the inventory has a group C(tappaas_nodes), require its hosts and C(tappaas_nodes) to name the same
        nodes.
    type: bool
    default: true
attributes:
  check_mode:
    description: Can run in check mode.
    support: full
    details: The action never changes anything, so check mode behaves exactly like a normal run.
  diff_mode:
    description: Would show a diff of what it changes.
    support: none
    details: There is nothing to diff; the resolved definition is returned instead.
  idempotent:
    description: Running it again with the same input gives the same result and changes nothing.
    support: full
  action:
    description: Runs on the controller as an action plugin, without connecting to the host.
    support: full
  platform:
    description: The targets it can run against.
    support: full
    platforms: all
requirements:
  - jsonschema (on the controller)
  - netaddr (on the controller)
notes:
  - The field-by-field reference of the definition is in the collection documentation (docs/reference/definition.md).
seealso:
  - name: TAPPaaS platform definition
    description: The variables, their defaults and the rules.
    link: https://github.com/TAPPaaS/tappaas-platform/blob/main/docs/definition.md
"""

EXAMPLES = r"""
- name: Check the definition of the inventory (tappaas_site, tappaas_nodes, ...) before touching anything
  tappaas.platform.validate:
  register: tappaas_validated

- name: Show where nextcloud will live
  ansible.builtin.debug:
    msg: "{{ tappaas_validated.definition.tappaas_modules.nextcloud.fqdn }}"

- name: Validate a definition passed explicitly
  tappaas.platform.validate:
    site: {name: lab, domain: lab.example.org, admin_email: admin@example.org}
    nodes: [{name: tappaas1, ip: 10.0.0.10}]
    zones:
      mgmt: {vlan: 0, cidr: 10.0.0.0/24}
    check_inventory_group: false
"""

RETURN = r"""
problems:
  description: "Every problem found, as C(path: message); empty when the definition is valid."
  returned: always
  type: list
  elements: str
  sample: ["tappaas_modules.nextcloud.zone: unknown zone 'srv_hme' (known zones: home, mgmt, srv_home)"]
definition:
  description:
    - The resolved definition, keyed by the inventory variable names, with every schema default applied.
    - Zones gain C(gateway) (explicit or the first host) and C(prefix).
    - Modules gain C(name), C(ip) (static or allocated from the vmid), C(ip_source) (C(static) or C(allocated)),
      C(fqdn), C(url) when published, and a znapzend plan normalised as znapzend stores it.
    - C(fqdn) is C(<name>.<zone-label>.<internal_domain>), the zone label being the zone name with C(_) as C(-).
    - C(tappaas_module_order) lists the modules in dependency order.
  returned: success
  type: dict
  sample:
    tappaas_module_order: [postgresql, nextcloud]
    tappaas_modules:
      nextcloud:
        fqdn: nextcloud.srv-home.internal
        ip: 10.2.10.48
        ip_source: allocated
        url: https://cloud.example.org
"""
