#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_ha
short_description: High availability for a Proxmox VE guest, with a preferred node and fallbacks
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Makes a VM an HA resource (C(/cluster/ha/resources)) with its requested state and restart and relocate
    limits.
  - With O(preferred_node), pins it to that node with O(fallback_nodes) as the next choice. On PVE 9 this is a
    node-affinity rule (C(/cluster/ha/rules)); on PVE 8 an HA group (C(/cluster/ha/groups)) the resource joins.
    The PVE version is read once per task.
  - O(state=absent) removes the PVE 9 rule before the HA resource, and the PVE 8 HA resource before its group; the
    guest itself stays.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
options:
  vmid:
    description: The VM to manage.
    type: int
    required: true
  ha_state:
    description:
      - The state the HA manager keeps the guest in. PVE's default for a new resource is V(started).
      - When not given, the state of an existing resource is left alone.
    type: str
    choices: [started, stopped, disabled, ignored]
  max_restart:
    description: Restarts on the same node before relocating (PVE default 1).
    type: int
  max_relocate:
    description: Relocations to other nodes before giving up (PVE default 1).
    type: int
  failback:
    description: On PVE 9, move the guest back to its preferred node when that node returns (PVE default true).
    type: bool
  comment:
    description: Free text on the HA resource.
    type: str
  preferred_node:
    description: The node the guest should run on.
    type: str
  fallback_nodes:
    description: Nodes to run on when the preferred node is down, all with the same lower priority.
    type: list
    elements: str
    default: []
  strict:
    description: Only ever run on the listed nodes (otherwise any node is used when all of them are down).
    type: bool
    default: false
  rule:
    description: Name of the node-affinity rule (PVE 9) or HA group (PVE 8). Defaults to C(tappaas-vm<vmid>).
    type: str
  state:
    description: Whether the guest is HA-managed.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Nextcloud prefers tappaas1 and falls back to tappaas2
  tappaas.platform.proxmox_ha:
    vmid: 210
    ha_state: started
    preferred_node: tappaas1
    fallback_nodes: [tappaas2]

- name: Stop managing it
  tappaas.platform.proxmox_ha:
    vmid: 210
    state: absent
"""

RETURN = r"""
pve_version:
  description: The PVE major and minor version the task found.
  returned: always
  type: str
  sample: "9.1"
resource:
  description: What happened to the HA resource (action, changed_fields, before, after).
  returned: always
  type: dict
placement:
  description: What happened to the node-affinity rule or HA group (action, changed_fields, before, after).
  returned: always
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.pve_resources import (
    HaGroupApi,
    HaResourceApi,
    HaRuleApi,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

PREFERRED_PRIORITY = 2
FALLBACK_PRIORITY = 1


def node_priorities(value):
    """'tappaas1:2,tappaas2:1' or a list as a sorted set of 'node:priority' (no priority means 0)."""
    items = value.split(",") if isinstance(value, str) else list(value)
    result = set()
    for item in (str(entry).strip() for entry in items):
        if item:
            node, _sep, priority = item.partition(":")
            result.add(f"{node.strip()}:{int(priority or 0)}")
    return sorted(result)


RESOURCE = ResourceDescriptor(
    "HA resource",
    "sid",
    [
        Field("sid"),
        Field("state"),
        Field("max_restart", kind="int"),
        Field("max_relocate", kind="int"),
        Field("failback", kind="bool"),
        Field("comment"),
        Field("group"),
    ],
    endpoint="/cluster/ha/resources",
)
RULE = ResourceDescriptor(
    "HA node-affinity rule",
    "rule",
    [
        Field("rule"),
        Field("type", create_only=True),
        Field("resources", kind="set"),
        Field("nodes", kind="set", normalise=node_priorities),
        Field("strict", kind="bool"),
    ],
    endpoint="/cluster/ha/rules",
)
GROUP = ResourceDescriptor(
    "HA group",
    "group",
    [
        Field("group"),
        Field("nodes", kind="set", normalise=node_priorities),
        Field("restricted", kind="bool"),
    ],
    endpoint="/cluster/ha/groups",
)


def _summary(result):
    return {key: value for key, value in result.as_module_result().items() if key not in ("diff", "resource")}


def ensure_ha(client, params, check_mode):
    vmid, state = params["vmid"], params["state"]
    sid = f"vm:{vmid}"
    name = params["rule"] or f"tappaas-vm{vmid}"
    major, minor = client.version()
    with_rules = major >= 9
    if params["failback"] is not None and not with_rules:
        raise InvalidInput("failback", f"needs PVE 9 (this cluster runs {major}.{minor})")
    if params["fallback_nodes"] and not params["preferred_node"]:
        raise InvalidInput("fallback_nodes", "only make sense with preferred_node")
    nodes = []
    if params["preferred_node"]:
        nodes = [f"{params['preferred_node']}:{PREFERRED_PRIORITY}"]
        nodes += [
            f"{node}:{FALLBACK_PRIORITY}" for node in params["fallback_nodes"] if node != params["preferred_node"]
        ]

    resource_engine = ResourceEngine(HaResourceApi(client), RESOURCE, check_mode=check_mode)
    if with_rules:
        placement_engine = ResourceEngine(HaRuleApi(client), RULE, check_mode=check_mode)
        placement = {
            "rule": name,
            "type": "node-affinity",
            "resources": [sid],
            "nodes": nodes,
            "strict": params["strict"],
        }
        key = {"rule": name}
    else:
        placement_engine = ResourceEngine(HaGroupApi(client), GROUP, check_mode=check_mode)
        placement = {"group": name, "nodes": nodes, "restricted": params["strict"]}
        key = {"group": name}

    resource = {"sid": sid}
    for option, field in (("ha_state", "state"), ("max_restart", "max_restart"), ("max_relocate", "max_relocate")):
        resource[field] = params[option]
    resource["failback"] = params["failback"]
    resource["comment"] = params["comment"]
    if not with_rules and nodes:
        resource["group"] = name

    if state == "absent" and not with_rules:
        # A PVE 8 resource names its group, and PVE refuses to delete a group in use: the resource goes first.
        resource_result = resource_engine.ensure({"sid": sid}, state="absent")
        placement_result = placement_engine.ensure(key, state="absent")
    elif state == "absent" or not nodes:
        # A PVE 9 rule names its resources: the rule goes first.
        placement_result = placement_engine.ensure(key, state="absent")
        resource_result = resource_engine.ensure({"sid": sid} if state == "absent" else resource, state=state)
    else:
        # A PVE 8 group must exist before a resource joins it; a PVE 9 rule needs its resource to exist.
        if with_rules:
            resource_result = resource_engine.ensure(resource)
            placement_result = placement_engine.ensure(placement)
        else:
            placement_result = placement_engine.ensure(placement)
            resource_result = resource_engine.ensure(resource)
    return {
        "changed": resource_result.changed or placement_result.changed,
        "pve_version": f"{major}.{minor}",
        "resource": _summary(resource_result),
        "placement": _summary(placement_result),
        "diff": {
            "before": {"resource": resource_result.diff["before"], "placement": placement_result.diff["before"]},
            "after": {"resource": resource_result.diff["after"], "placement": placement_result.diff["after"]},
        },
    }


def main():
    module = create_module(
        "proxmox",
        {
            "vmid": {"type": "int", "required": True},
            "ha_state": {"type": "str", "choices": ["started", "stopped", "disabled", "ignored"]},
            "max_restart": {"type": "int"},
            "max_relocate": {"type": "int"},
            "failback": {"type": "bool"},
            "comment": {"type": "str"},
            "preferred_node": {"type": "str"},
            "fallback_nodes": {"type": "list", "elements": "str", "default": []},
            "strict": {"type": "bool", "default": False},
            "rule": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
    )
    run_module(module, lambda: ensure_ha(PveClient.from_params(module.params), module.params, module.check_mode))


if __name__ == "__main__":
    main()
