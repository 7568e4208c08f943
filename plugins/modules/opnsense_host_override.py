#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_host_override
short_description: Manage an Unbound DNS host override on OPNsense
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a host override (Services > Unbound DNS > Overrides), identified by host name and
    domain, through the OPNsense API.
  - Changes reach the resolver when M(tappaas.platform.opnsense_apply) applies the C(unbound) service.
options:
  hostname:
    description: Host part of the name, for example C(nextcloud).
    type: str
    required: true
  domain:
    description: Domain of the name, for example C(srv-home.internal).
    type: str
    required: true
  record_type:
    description: DNS record type.
    type: str
    choices: [A, AAAA]
    default: A
  address:
    description: IP address the name resolves to. Required when O(state=present).
    type: str
  description:
    description: Free text shown in the GUI.
    type: str
  enabled:
    description: Whether the override is active.
    type: bool
  state:
    description: Whether the override should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: nextcloud.srv-home.internal resolves to its VM
  tappaas.platform.opnsense_host_override:
    hostname: nextcloud
    domain: srv-home.internal
    address: 10.2.10.89
    description: tappaas module nextcloud
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
  sample: [unbound]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import (
    ControllerResource,
    connect,
    module_result,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "host override",
    ("hostname", "domain"),
    [
        Field("hostname"),
        Field("domain"),
        Field("record_type", api_name="rr"),
        Field("address", api_name="server"),
        Field("description"),
        Field("enabled", kind="bool"),
    ],
    endpoint=("unbound/settings", "HostOverride", "host"),
)


def run(module):
    params = module.params
    controller = connect(params).controller(*DESCRIPTOR.endpoint)
    desired = {name: params[name] for name in DESCRIPTOR.fields}
    engine = ResourceEngine(ControllerResource(controller, DESCRIPTOR), DESCRIPTOR, module.check_mode)
    return module_result(engine.ensure(desired, params["state"]), "unbound")


def main():
    module = create_module(
        "opnsense",
        dict(
            hostname=dict(type="str", required=True),
            domain=dict(type="str", required=True),
            record_type=dict(type="str", choices=["A", "AAAA"], default="A"),
            address=dict(type="str"),
            description=dict(type="str"),
            enabled=dict(type="bool"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
        required_if=[("state", "present", ("address",))],
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
