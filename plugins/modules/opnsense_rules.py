#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_rules
short_description: Own a declared set of OPNsense filter rules within a named scope
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Makes the filter rules of one scope match a declared list (Firewall > Automation > Filter).
  - A rule belongs to the scope through its description, C([<scope>] <id>), so the same O(rules[].id) is the same
    rule on every run. Rules without this scope's marker are never changed or removed, including rules made in the
    GUI and rules of other scopes.
  - Sequences come from TAPPaaS sequence bands (O(rules[].band)); within a band rules keep their declared order.
  - Reads the rule list once per run, however many rules are declared, and writes only the rules that differ.
  - Changes reach the running firewall when M(tappaas.platform.opnsense_apply) applies the C(filter) service.
options:
  scope:
    description: "Name of the scope, for example C(tappaas-network): letters, digits and C(_ . : -)."
    type: str
    required: true
  rules:
    description: The rules of the scope.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: Identity of the rule within the scope.
        type: str
        required: true
      band:
        description: Sequence band the rule is placed in.
        type: str
        choices: [anti_lockout, infrastructure, deny_default, module_ingress, module_egress, zone, logging, admin]
        default: zone
      sequence:
        description: Explicit sequence inside O(rules[].band), instead of the next free slot.
        type: int
      action:
        description: What the rule does.
        type: str
        choices: [pass, block, reject]
        default: pass
      interface:
        description: Interfaces the rule applies to, for example C(lan) or C(opt1). Empty makes a floating rule.
        type: list
        elements: str
        default: []
      direction:
        description: Direction of the traffic.
        type: str
        choices: [in, out]
        default: in
      ipprotocol:
        description: IP version.
        type: str
        choices: [inet, inet6, inet46]
        default: inet
      protocol:
        description: Protocol, for example C(any), C(TCP), C(UDP), C(TCP/UDP) or C(ICMP).
        type: str
        default: any
      source_net:
        description: Source network, address, alias or C(any).
        type: str
        default: any
      source_port:
        description: Source port, range or port alias.
        type: str
        default: ""
      source_not:
        description: Whether the rule matches every source except O(rules[].source_net).
        type: bool
        default: false
      destination_net:
        description: Destination network, address, alias or C(any).
        type: str
        default: any
      destination_not:
        description: Whether the rule matches every destination except O(rules[].destination_net).
        type: bool
        default: false
      destination_port:
        description: Destination port, range or port alias.
        type: str
        default: ""
      log:
        description: Whether matches are logged.
        type: bool
        default: false
      enabled:
        description: Whether the rule is active.
        type: bool
        default: true
      quick:
        description: Whether the first match wins.
        type: bool
        default: true
      description:
        description: Text appended to the scope marker in the rule's description.
        type: str
  purge:
    description: Remove rules of this scope that are not in O(rules).
    type: bool
    default: false
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_opnsense
"""

EXAMPLES = r"""
- name: Zone policy
  tappaas.platform.opnsense_rules:
    scope: tappaas-network
    purge: true
    rules:
      - id: anti-lockout
        band: anti_lockout
        interface: [lan]
        protocol: TCP
        destination_net: (self)
        destination_port: "443"
      - id: home-to-srv_home
        interface: [opt2]
        source_net: opt2
        destination_net: opt1
  register: policy
"""

RETURN = r"""
rules:
  description: What was done to each rule of the scope, by id (C(create), C(update), C(delete) or C(none)).
  returned: always
  type: dict
  sample: {anti-lockout: none, home-to-srv_home: create}
pending_services:
  description: C([filter]) when a rule changed, else an empty list.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import ControllerResource, connect
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_rules import BANDS, compile_rules, rule_id_of
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "filter rule",
    "description",
    [
        Field("description"),
        Field("sequence", kind="int"),
        Field("action"),
        Field("interface", kind="set"),
        Field("direction"),
        Field("ipprotocol"),
        Field("protocol"),
        Field("source_net"),
        Field("source_port"),
        Field("source_not", kind="bool"),
        Field("destination_net"),
        Field("destination_not", kind="bool"),
        Field("destination_port"),
        Field("log", kind="bool"),
        Field("enabled", kind="bool"),
        Field("quick", kind="bool"),
    ],
    endpoint=("firewall/filter", "Rule", "rule"),
)
RULE_SPEC = dict(
    id=dict(type="str", required=True),
    band=dict(type="str", choices=list(BANDS), default="zone"),
    sequence=dict(type="int"),
    action=dict(type="str", choices=["pass", "block", "reject"], default="pass"),
    interface=dict(type="list", elements="str", default=[]),
    direction=dict(type="str", choices=["in", "out"], default="in"),
    ipprotocol=dict(type="str", choices=["inet", "inet6", "inet46"], default="inet"),
    protocol=dict(type="str", default="any"),
    source_net=dict(type="str", default="any"),
    source_port=dict(type="str", default=""),
    source_not=dict(type="bool", default=False),
    destination_net=dict(type="str", default="any"),
    destination_not=dict(type="bool", default=False),
    destination_port=dict(type="str", default=""),
    log=dict(type="bool", default=False),
    enabled=dict(type="bool", default=True),
    quick=dict(type="bool", default=True),
    description=dict(type="str"),
)


def run(module):
    params = module.params
    scope = params["scope"]
    declared = compile_rules(scope, params["rules"])  # all input problems surface before any request
    controller = connect(params).controller(*DESCRIPTOR.endpoint)
    engine = ResourceEngine(ControllerResource(controller, DESCRIPTOR), DESCRIPTOR, module.check_mode)
    actions, before, after = {}, {}, {}
    for rule_id, values in declared.items():
        result = engine.ensure(values)
        actions[rule_id] = result.action
        if result.changed:
            before[rule_id], after[rule_id] = result.diff["before"], result.diff["after"]
    if params["purge"]:
        for row in list(controller.rows().values()):
            rule_id = rule_id_of(scope, row.get("description"))
            if rule_id is None or rule_id in declared:
                continue
            result = engine.ensure({"description": row["description"]}, state="absent")
            actions[rule_id] = result.action
            before[rule_id], after[rule_id] = result.before, None
    changed = any(action != "none" for action in actions.values())
    return {
        "changed": changed,
        "rules": actions,
        "diff": {"before": before, "after": after},
        "pending_services": ["filter"] if changed else [],
    }


def main():
    module = create_module(
        "opnsense",
        dict(
            scope=dict(type="str", required=True),
            rules=dict(type="list", elements="dict", default=[], options=RULE_SPEC),
            purge=dict(type="bool", default=False),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
