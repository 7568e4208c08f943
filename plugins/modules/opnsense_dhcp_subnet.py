#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_dhcp_subnet
short_description: Manage a Kea DHCPv4 subnet on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a Kea DHCPv4 subnet (Services > Kea DHCP > Subnets), identified by its CIDR.
  - Pools and option lists are compared as sets.
  - OPNsense refuses to remove a subnet that still has reservations; the module reports its message.
  - Changes reach Kea when M(tappaas.platform.opnsense_apply) applies the C(kea) service.
options:
  subnet:
    description: The subnet in CIDR notation, for example C(10.2.10.0/24).
    type: str
    required: true
  pools:
    description: Address ranges handed out, as C(first-last) or CIDR, inside O(subnet).
    type: list
    elements: str
  routers:
    description: Default gateways offered to clients.
    type: list
    elements: str
  dns_servers:
    description: DNS servers offered to clients.
    type: list
    elements: str
  domain_name:
    description: Domain name offered to clients, for example C(srv-home.internal).
    type: str
  autocollect:
    description: Whether OPNsense fills routers and DNS servers from the interface by itself.
    type: bool
  description:
    description: Free text shown in the GUI.
    type: str
  state:
    description: Whether the subnet should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: DHCP for the home zone
  tappaas.platform.opnsense_dhcp_subnet:
    subnet: 10.3.10.0/24
    pools: [10.3.10.50-10.3.10.250]
    routers: [10.3.10.1]
    dns_servers: [10.3.10.1]
    domain_name: home.internal
    autocollect: false
"""

RETURN = r"""
action:
  description: What was done, C(create), C(update), C(delete) or C(none).
  returned: always
  type: str
  sample: create
changed_fields:
  description: Options that differed and were written.
  returned: always
  type: list
  elements: str
before:
  description: The object before the change, normalised.
  returned: always
  type: dict
after:
  description: The object after the change, normalised.
  returned: always
  type: dict
resource:
  description: The object as the API holds it (raw values).
  returned: when it exists
  type: dict
pending_services:
  description: Services with changes waiting for M(tappaas.platform.opnsense_apply), or an empty list.
  returned: always
  type: list
  elements: str
  sample: [kea]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    ControllerResource,
    connect,
    module_result,
    newline_list,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "DHCP subnet",
    "subnet",
    [
        Field("subnet"),
        Field("pools", kind="set", normalise=newline_list),
        Field("routers", kind="set", api_name="option_data.routers"),
        Field("dns_servers", kind="set", api_name="option_data.domain_name_servers"),
        Field("domain_name", api_name="option_data.domain_name"),
        Field("autocollect", kind="bool", api_name="option_data_autocollect"),
        Field("description"),
    ],
    endpoint=("kea/dhcpv4", "Subnet", "subnet4"),
)


def _lines(value):
    return "\n".join(value)


def run(module):
    params = module.params
    controller = connect(params).controller(*DESCRIPTOR.endpoint)
    desired = {name: params[name] for name in DESCRIPTOR.fields}
    engine = ResourceEngine(
        ControllerResource(controller, DESCRIPTOR, {"pools": _lines}), DESCRIPTOR, module.check_mode
    )
    return module_result(engine.ensure(desired, params["state"]), "kea")


def main():
    module = create_module(
        "opnsense",
        dict(
            subnet=dict(type="str", required=True),
            pools=dict(type="list", elements="str"),
            routers=dict(type="list", elements="str"),
            dns_servers=dict(type="list", elements="str"),
            domain_name=dict(type="str"),
            autocollect=dict(type="bool"),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
