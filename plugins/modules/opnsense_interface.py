#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_interface
short_description: Assign a device to an OPNsense interface
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Assigns a device (a VLAN such as C(vlan01)) to an interface C(optN) with a description, or removes the
    assignment, through the interface assignment API of OPNsense 26.7 and later. OPNsense picks the next free
    C(optN); it is returned in RV(resource) as C(uuid).
  - The device is the identity. Locked interfaces cannot be removed.
  - Releases before 26.7 have no assignment API. The module then fails before any write and says so; the
    C(tappaas.platform.network) role assigns the interfaces there over SSH instead (see the network guide).
  - No released OPNsense can set an interface's IP address through the API yet; the network guide explains the
    bootstrap step for that as well.
  - Changes take effect when M(tappaas.platform.opnsense_apply) applies the C(assignment) service.
options:
  device:
    description: Device to assign, for example C(vlan01).
    type: str
    required: true
  description:
    description: Interface description, shown as its name in the GUI and in rules, for example C(srv_home).
    type: str
  locked:
    description: Whether the interface is protected against removal.
    type: bool
  state:
    description: Whether the device should be assigned.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: Assign the srv_home VLAN
  tappaas.platform.opnsense_interface:
    device: vlan01
    description: srv_home
  register: interface
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
  sample: [assignment]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_client import ASSIGNMENT_API_VERSION
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    ControllerResource,
    connect,
    module_result,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "interface",
    "device",
    [
        Field("device", api_name="if"),
        Field("description", api_name="descr"),
        Field("locked", kind="bool", api_name="lock"),
    ],
    endpoint=("interfaces/assignment", "Item", "interface", "identifier"),
)


def run(module):
    params = module.params
    api = connect(params)
    # Decided by the release, not by probing: a 404 could as well be a proxy or a typo in the path.
    if not api.at_least(ASSIGNMENT_API_VERSION):
        raise ApiError(
            "OPNsense %s has no interface assignment API (it arrived in 26.7): assign %s with the SSH bootstrap "
            "of the network role (assign_interfaces_ssh.yml, see the network guide)"
            % (api.detect_version(), params["device"])
        )
    controller = api.controller(*DESCRIPTOR.endpoint)
    desired = {name: params[name] for name in DESCRIPTOR.fields}
    engine = ResourceEngine(ControllerResource(controller, DESCRIPTOR), DESCRIPTOR, module.check_mode)
    return module_result(engine.ensure(desired, params["state"]), "assignment")


def main():
    module = create_module(
        "opnsense",
        dict(
            device=dict(type="str", required=True),
            description=dict(type="str"),
            locked=dict(type="bool"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
