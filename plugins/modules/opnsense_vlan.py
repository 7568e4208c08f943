#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_vlan
short_description: Manage a VLAN device on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a VLAN device (Interfaces > Devices > VLAN), identified by its parent and tag,
    through the OPNsense API.
  - OPNsense names the device (C(vlan01), C(vlan02), ...) unless O(device) is given; the name is returned in
    RV(resource) as C(vlanif) for M(tappaas.platform.opnsense_interface).
  - OPNsense refuses to re-tag or remove a VLAN that is assigned to an interface; the module reports its message.
options:
  parent:
    description: Parent device, for example C(vtnet0).
    type: str
    required: true
  tag:
    description: VLAN tag, 1 to 4094.
    type: int
    required: true
  description:
    description: Free text shown in the GUI.
    type: str
  device:
    description: Device name to create the VLAN under. It cannot change once the VLAN exists.
    type: str
  state:
    description: Whether the VLAN should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: VLAN 210 for the srv_home zone
  tappaas.platform.opnsense_vlan:
    parent: vtnet0
    tag: 210
    description: srv_home
  register: vlan
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
  sample: [vlan]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    ControllerResource,
    connect,
    module_result,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "VLAN",
    ("parent", "tag"),
    [
        Field("parent", api_name="if"),
        Field("tag", kind="int"),
        Field("description", api_name="descr"),
        Field("device", api_name="vlanif", create_only=True),
    ],
    endpoint=("interfaces/vlan_settings", "Item", "vlan"),
)


def run(module):
    params = module.params
    controller = connect(params).controller(*DESCRIPTOR.endpoint)
    desired = {name: params[name] for name in DESCRIPTOR.fields}
    engine = ResourceEngine(ControllerResource(controller, DESCRIPTOR), DESCRIPTOR, module.check_mode)
    return module_result(engine.ensure(desired, params["state"]), "vlan")


def main():
    module = create_module(
        "opnsense",
        dict(
            parent=dict(type="str", required=True),
            tag=dict(type="int", required=True),
            description=dict(type="str"),
            device=dict(type="str"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
