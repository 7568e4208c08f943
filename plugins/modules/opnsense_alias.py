#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_alias
short_description: Manage an OPNsense firewall alias
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a firewall alias (Firewall > Aliases) through the OPNsense API, identified by name.
  - The content is compared as a set, so order and duplicates never cause a change.
  - Writes persist at once but reach the running firewall only when applied; the module returns
    RV(pending_services) for M(tappaas.platform.opnsense_apply).
  - Needs OPNsense 25.7 or later.
options:
  name:
    description: Name of the alias (letters, digits and underscores, at most 32 characters).
    type: str
    required: true
  type:
    description: Kind of alias. Required when the alias is created.
    type: str
    choices: [host, network, port, url]
  content:
    description: Addresses, networks, ports or URLs of the alias, depending on O(type).
    type: list
    elements: str
  description:
    description: Free text shown in the GUI.
    type: str
  enabled:
    description: Whether the alias is active.
    type: bool
  state:
    description: Whether the alias should exist. Removing an alias that a rule uses fails with OPNsense's message.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: Web servers reachable from the home zone
  tappaas.platform.opnsense_alias:
    name: tappaas_module_nextcloud
    type: host
    content: [nextcloud.srv-home.internal]
    description: nextcloud VM
  register: alias

- name: Apply what changed
  tappaas.platform.opnsense_apply:
    services: "{{ alias.pending_services }}"
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
  description: The alias before the change, normalised (content as a sorted list).
  returned: always
  type: dict
after:
  description: The alias after the change, normalised.
  returned: always
  type: dict
resource:
  description: The alias as the API holds it (raw values).
  returned: when it exists
  type: dict
pending_services:
  description: Services with changes waiting to be applied (C(alias)) or an empty list.
  returned: always
  type: list
  elements: str
  sample: [alias]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    ControllerResource,
    connect,
    module_result,
    newline_list,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "alias",
    "name",
    [
        Field("name"),
        Field("type"),
        Field("content", kind="set", normalise=newline_list),
        Field("description"),
        Field("enabled", kind="bool"),
    ],
    endpoint=("firewall/alias", "Item", "alias"),
)


def _content(value):
    return "\n".join(value)


def run(module):
    params = module.params
    api = connect(params)
    controller = api.controller(*DESCRIPTOR.endpoint)
    desired = {name: params[name] for name in DESCRIPTOR.fields}
    if params["state"] == "present" and not controller.find({"name": params["name"]}) and not params["type"]:
        raise InvalidInput("type", "is required to create alias %s" % params["name"])
    engine = ResourceEngine(
        ControllerResource(controller, DESCRIPTOR, {"content": _content}), DESCRIPTOR, module.check_mode
    )
    return module_result(engine.ensure(desired, params["state"]), "alias")


def main():
    module = create_module(
        "opnsense",
        dict(
            name=dict(type="str", required=True),
            type=dict(type="str", choices=["host", "network", "port", "url"]),
            content=dict(type="list", elements="str"),
            description=dict(type="str"),
            enabled=dict(type="bool"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
