#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_vm_info
short_description: One Proxmox VE VM or a filtered list, from one cluster-wide call
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Lists QEMU VMs of the whole cluster with one C(GET /cluster/resources?type=vm) call, filtered by the options.
  - With O(config=true) it also reads the config of each VM found (one more call per VM), normalised the same
    way M(tappaas.platform.proxmox_vm) compares it.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes.actiongroup_proxmox
attributes:
  check_mode:
    description: Can run in check mode; it only reads, so the result is the same.
    support: full
  diff_mode:
    description: Would show a diff of what it changes.
    support: none
    details: It never changes anything.
  idempotent:
    description: Running it again changes nothing.
    support: full
options:
  vmid:
    description: Only the VM with this id.
    type: int
  name:
    description: Only VMs with this name.
    type: str
  node:
    description: Only VMs on this node.
    type: str
  tags:
    description: Only VMs that carry all these tags.
    type: list
    elements: str
  status:
    description: Only VMs with this power status.
    type: str
    choices: [running, stopped]
  templates:
    description: Include templates.
    type: bool
    default: false
  config:
    description: Also read and return each VM's config (the pending view, as the next start sees it).
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: All running VMs tagged tappaas
  tappaas.platform.proxmox_vm_info:
    tags: [tappaas]
    status: running
  register: running

- name: One VM with its config
  tappaas.platform.proxmox_vm_info:
    name: nextcloud
    config: true
  register: nextcloud
"""

RETURN = r"""
vms:
  description: The VMs found, sorted by vmid.
  returned: success
  type: list
  elements: dict
  contains:
    vmid:
      description: VM id.
      type: int
    name:
      description: VM name.
      type: str
    node:
      description: Node the VM is on.
      type: str
    status:
      description: Power status.
      type: str
    template:
      description: Whether it is a template.
      type: bool
    tags:
      description: Tags, sorted.
      type: list
      elements: str
    maxmem:
      description: Memory in bytes.
      type: int
    maxcpu:
      description: Virtual CPUs.
      type: int
    maxdisk:
      description: Size of the boot disk in bytes.
      type: int
    uptime:
      description: Seconds since start.
      type: int
    pool:
      description: Resource pool, when the VM is in one.
      type: str
    hastate:
      description: HA state, when the VM is HA-managed.
      type: str
    lock:
      description: The lock held on the VM (a running backup, clone, ...), when there is one.
      type: str
    config:
      description: The normalised config, with O(config=true).
      type: dict
      returned: when O(config=true)
  sample: [{"vmid": 210, "name": "nextcloud", "node": "tappaas1", "status": "running", "template": false}]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.pve_props import parse_tags
from ansible_collections.tappaas.platform.plugins.module_utils.pve_vm_config import (
    config_view,
    merged_pending,
    public_config,
)

FIELDS = ("vmid", "name", "node", "status", "maxmem", "maxcpu", "maxdisk", "uptime", "pool", "hastate", "lock")


def summary(resource):
    vm = {key: resource[key] for key in FIELDS if key in resource}
    vm["vmid"] = int(vm["vmid"])
    vm["template"] = bool(int(resource.get("template") or 0))
    vm["tags"] = parse_tags(resource.get("tags") or "")
    return vm


def matches(vm, params):
    if params["vmid"] is not None and vm["vmid"] != params["vmid"]:
        return False
    for key in ("name", "node", "status"):
        if params[key] is not None and vm.get(key) != params[key]:
            return False
    if vm["template"] and not params["templates"]:
        return False
    return set(params["tags"] or []) <= set(vm["tags"])


def list_vms(client, params):
    vms = sorted(
        (
            vm
            for vm in (summary(item) for item in client.resources("vm") if item.get("type") == "qemu")
            if matches(vm, params)
        ),
        key=lambda vm: vm["vmid"],
    )
    if params["config"]:
        for vm in vms:
            config, _waiting = merged_pending(client.get(f"nodes/{vm['node']}/qemu/{vm['vmid']}/pending"))
            vm["config"] = public_config(config_view(config))
    return {"changed": False, "vms": vms}


def main():
    module = create_module(
        "proxmox",
        {
            "vmid": {"type": "int"},
            "name": {"type": "str"},
            "node": {"type": "str"},
            "tags": {"type": "list", "elements": "str"},
            "status": {"type": "str", "choices": ["running", "stopped"]},
            "templates": {"type": "bool", "default": False},
            "config": {"type": "bool", "default": False},
        },
    )
    run_module(module, lambda: list_vms(PveClient.from_params(module.params), module.params))


if __name__ == "__main__":
    main()
