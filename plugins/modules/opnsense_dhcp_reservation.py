#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_dhcp_reservation
short_description: Manage a Kea DHCPv4 reservation on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a Kea DHCPv4 reservation (Services > Kea DHCP > Reservations), identified by its
    subnet and MAC address.
  - The subnet is named by its CIDR; the module finds its uuid in the same single read of the subnets.
  - Changes reach Kea when M(tappaas.platform.opnsense_apply) applies the C(kea) service.
options:
  subnet:
    description: CIDR of an existing Kea subnet, for example C(10.2.10.0/24).
    type: str
    required: true
  mac_address:
    description: MAC address of the client, compared without regard to case.
    type: str
    required: true
  ip_address:
    description: Address reserved for the client. Required when the reservation is created.
    type: str
  hostname:
    description: Host name handed to the client.
    type: str
  description:
    description: Free text shown in the GUI.
    type: str
  state:
    description: Whether the reservation should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: Fixed address for the nextcloud VM
  tappaas.platform.opnsense_dhcp_reservation:
    subnet: 10.2.10.0/24
    mac_address: "BC:24:11:00:02:59"
    ip_address: 10.2.10.89
    hostname: nextcloud
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
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    ControllerResource,
    connect,
    module_result,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine


def _lower(value):
    return value.lower() if isinstance(value, str) else value


DESCRIPTOR = ResourceDescriptor(
    "DHCP reservation",
    ("subnet_uuid", "mac_address"),
    [
        Field("subnet_uuid", api_name="subnet"),
        Field("mac_address", api_name="hw_address", normalise=_lower),
        Field("ip_address"),
        Field("hostname"),
        Field("description"),
    ],
    endpoint=("kea/dhcpv4", "Reservation", "reservation"),
)
SUBNETS = ("kea/dhcpv4", "Subnet", "subnet4")


def run(module):
    params = module.params
    api = connect(params)
    subnets = api.controller(*SUBNETS).find({"subnet": params["subnet"]})
    if not subnets:
        raise InvalidInput("subnet", "no Kea subnet %s exists; create it with opnsense_dhcp_subnet" % params["subnet"])
    desired = {name: params.get(name) for name in DESCRIPTOR.fields if name != "subnet_uuid"}
    desired["subnet_uuid"] = subnets[0]["uuid"]
    controller = api.controller(*DESCRIPTOR.endpoint)
    engine = ResourceEngine(ControllerResource(controller, DESCRIPTOR), DESCRIPTOR, module.check_mode)
    return module_result(engine.ensure(desired, params["state"]), "kea")


def main():
    module = create_module(
        "opnsense",
        dict(
            subnet=dict(type="str", required=True),
            mac_address=dict(type="str", required=True),
            ip_address=dict(type="str"),
            hostname=dict(type="str"),
            description=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
