#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_vm
short_description: The whole lifecycle of a Proxmox VE virtual machine in one task
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates a QEMU VM by cloning a template (linked or full) or by importing a cloud image into a new disk
    (C(import-from)), configures it, grows its disks and starts it, all in the same task.
  - Finds the VM by O(vmid), or by a unique O(name) anywhere in the cluster (HA moves guests between nodes).
  - Reads the config back (with pending changes) and sends only the keys that differ, with C(delete=) for removed
    NICs and ipconfigs and the config C(digest), so a run with nothing to do makes no write.
  - NICs keep their MAC address, tags compare as a set, SSH keys compare as a set of decoded keys, memory compares
    whether PVE spells it as a number or a string.
  - A change that a running VM only takes at its next boot is reported in RV(reboot_required).
  - Disks only grow. Asking for a smaller disk fails before anything is changed.
  - Lock timeouts and C(got no worker upid) are retried within a bound; a task ending in C(WARNINGS) counts as
    success; a failed task fails the module with the task's last log lines.
  - If creating the VM fails halfway, the half-made VM is removed again and the error says so.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
attributes:
  check_mode:
    details: A VM that does not exist yet is reported with the vmid it would get and the config that was asked for.
  diff_mode:
    details: Shows only the config keys this task manages; the cloud-init password is always redacted.
  idempotent:
    details: With O(update_password=always) the password is sent on every run and the task reports a change.
options:
  vmid:
    description: The VM id. When not given, the VM is found by O(name), and a new VM gets the next free id.
    type: int
  name:
    description:
      - The VM name (a DNS name). It identifies the VM when O(vmid) is not given and must then be unique in the
        cluster.
    type: str
  node:
    description:
      - The node to create the VM on. It must be online.
      - Without it a new VM lands on the least loaded online node, and a clone beside its template.
      - A clone for another node than its template's is made beside the template as a full clone and then migrated
        offline, disks included, because PVE clones onto another node only from shared storage. A linked clone
        cannot leave its template's node; asking for one (O(full=false)) on another node is an error.
      - An existing VM is never moved; the node it runs on is returned.
    type: str
  state:
    description:
      - V(present) makes sure the VM exists and is configured, and leaves its power state alone.
      - V(started) and V(stopped) also power it on or shut it down (a shutdown that times out is forced).
      - V(restarted) reboots a running VM or starts a stopped one; it always reports a change.
      - V(absent) stops the VM if it runs and destroys it with its disks.
    type: str
    choices: [present, started, stopped, restarted, absent]
    default: present
  clone:
    description: Name or vmid of the template (or VM) to clone the new VM from. Only used when the VM is created.
    type: str
  full:
    description:
      - Make a full clone instead of a linked clone. PVE's default is a linked clone of a template.
    type: bool
  storage:
    description:
      - Storage for new disks, the cloud-init drive and the EFI disk when these do not name their own, and the
        target storage of a full clone.
    type: str
  pool:
    description:
      - Resource pool the VM belongs to. A new VM is created in it; an existing VM in another pool, or in none, is
        moved into it.
      - When not given, the VM's pool membership is left as it is.
    type: str
  cores:
    description: CPU cores per socket.
    type: int
  sockets:
    description: CPU sockets.
    type: int
  cpu:
    description: CPU type, for example V(host) or V(x86-64-v2-AES).
    type: str
  memory:
    description: Memory in MiB, as a number or a string.
    type: raw
  balloon:
    description: Minimum memory in MiB for the balloon device; V(0) disables ballooning.
    type: int
  bios:
    description: Firmware.
    type: str
    choices: [seabios, ovmf]
  machine:
    description: Machine type, for example V(q35).
    type: str
  ostype:
    description: Guest OS type, for example V(l26).
    type: str
  scsihw:
    description: SCSI controller model, for example V(virtio-scsi-single).
    type: str
  boot:
    description: Boot order in PVE's form, for example V(order=scsi0;net0).
    type: str
  efidisk:
    description: An EFI vars disk (for O(bios=ovmf)); added when the VM has none, never changed afterwards.
    type: dict
    suboptions:
      storage:
        description: Storage of the EFI disk; defaults to O(storage).
        type: str
      efitype:
        description: Size of the EFI vars.
        type: str
        choices: ['2m', '4m']
      pre_enrolled_keys:
        description: Enrol the default Secure Boot keys.
        type: bool
  disks:
    description:
      - Disks by slot (V(scsi0), V(virtio0), V(sata0), V(ide0), ...). Each is a dictionary with C(size) (V(32G),
        V(512M), or a number of GiB), C(storage), C(import_from) (a volume such as
        V(local:import/debian-12.qcow2); at creation only) and the options C(discard), C(ssd), C(iothread),
        C(cache), C(backup), C(replicate), C(format), C(aio).
      - A disk that exists grows to C(size) through a resize; a smaller C(size) is an error. C(storage) and
        C(import_from) only matter when the disk is created.
      - Disks that are not listed are left alone, never removed.
    type: dict
  nics:
    description:
      - NICs by slot (V(net0), V(net1), ...). Each is a dictionary with C(bridge) (required), C(model) (default
        V(virtio)), C(tag) (VLAN), C(firewall), C(macaddr), C(mtu), C(queues), C(rate), C(link_down), C(trunks).
      - The MAC address is kept unless C(macaddr) is given. When O(nics) is given, NICs not listed are removed.
    type: dict
  ipconfig:
    description:
      - Cloud-init IP configuration by slot (V(ipconfig0) for V(net0), ...), each a dictionary with C(ip)
        (V(dhcp) or an address with prefix), C(gw), C(ip6), C(gw6), or PVE's string form V(ip=dhcp).
      - When given, ipconfig slots not listed are removed.
    type: dict
  ciuser:
    description: Cloud-init user.
    type: str
  cipassword:
    description:
      - Cloud-init password. PVE never returns it, so it cannot be compared; see O(update_password).
    type: str
  update_password:
    description:
      - V(on_create) sets O(cipassword) only when the VM is created; V(always) sends it on every run.
    type: str
    choices: [on_create, always]
    default: on_create
  sshkeys:
    description:
      - Public SSH keys for cloud-init, as a list or a newline-separated string, in plain text.
      - They are percent-encoded for PVE and compared as a set of keys.
    type: list
    elements: str
  nameserver:
    description: Cloud-init DNS servers, space separated.
    type: str
  searchdomain:
    description: Cloud-init DNS search domains.
    type: str
  citype:
    description: Cloud-init configuration format.
    type: str
    choices: [nocloud, configdrive2]
  cloudinit_storage:
    description: Storage for the cloud-init drive of a new VM; defaults to O(storage).
    type: str
  cloudinit_drive:
    description: Slot of the cloud-init drive of a new VM.
    type: str
    default: ide2
  agent:
    description: Enable the QEMU guest agent.
    type: bool
  onboot:
    description: Start the VM when its node boots.
    type: bool
  startup:
    description: Startup order and delays in PVE's form, for example V(order=2,up=30).
    type: str
  tags:
    description: Tags; compared as a set, so order and duplicates do not matter.
    type: list
    elements: str
  description:
    description: Notes shown in the PVE web interface.
    type: str
  timeouts:
    description: Seconds each operation may take, by the wall clock.
    type: dict
    suboptions:
      create:
        description: Creating a VM, including an image import.
        type: int
        default: 600
      clone:
        description: Cloning a template.
        type: int
        default: 900
      config:
        description: Applying a config change.
        type: int
        default: 120
      resize:
        description: Growing a disk.
        type: int
        default: 120
      start:
        description: Starting or rebooting.
        type: int
        default: 180
      stop:
        description: Shutting down (then forcing the stop).
        type: int
        default: 300
      delete:
        description: Destroying the VM and its disks.
        type: int
        default: 300
      migrate:
        description: Moving a new clone from its template's node to O(node), disks included.
        type: int
        default: 900
notes:
  - Unlike C(community.proxmox.proxmox_kvm), hardware and cloud-init options apply to a clone in the same task,
    NIC and disk changes need no extra switch, and nothing is reported as changed that did not change.
seealso:
  - module: tappaas.platform.proxmox_vm_info
  - module: tappaas.platform.proxmox_ha
"""

EXAMPLES = r"""
- name: A VM cloned from the Debian template, sized, on VLAN 210, started
  tappaas.platform.proxmox_vm:
    name: nextcloud
    vmid: 210
    clone: debian-12-template
    cores: 4
    memory: 8192
    disks:
      scsi0:
        size: 64G
    nics:
      net0:
        bridge: lan
        tag: 210
        firewall: true
    ciuser: tappaas
    sshkeys:
      - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1 admin@example.org
    ipconfig:
      ipconfig0:
        ip: 10.2.10.20/24
        gw: 10.2.10.1
    tags: [tappaas, srv]
    state: started

- name: A new VM whose disk is imported from a cloud image, on the least loaded node
  tappaas.platform.proxmox_vm:
    name: builder
    storage: tank1
    memory: 2048
    disks:
      scsi0:
        import_from: local:import/debian-12-genericcloud-amd64.qcow2
        size: 20G
        discard: true
    nics:
      net0:
        bridge: lan
    ipconfig:
      ipconfig0: ip=dhcp
    agent: true

- name: Remove a VM and its disks
  tappaas.platform.proxmox_vm:
    name: builder
    state: absent
"""

RETURN = r"""
vmid:
  description: The VM id.
  returned: success
  type: int
  sample: 210
node:
  description: The node the VM is on.
  returned: success
  type: str
  sample: tappaas1
status:
  description: Power status after the task (V(absent) once destroyed).
  returned: success
  type: str
  sample: running
config:
  description:
    - The VM config as the next start sees it, normalised (NICs, disks and ipconfigs as dictionaries, sizes
      spelled out, tags and SSH keys as sorted lists); the cloud-init password is never returned.
  returned: success
  type: dict
  sample: {"cores": 4, "memory": 8192, "net0": {"model": "virtio", "macaddr": "BC:24:11:2A:00:01", "bridge": "lan"}}
macs:
  description: The MAC address of each NIC.
  returned: success
  type: dict
  sample: {"net0": "BC:24:11:2A:00:01"}
reboot_required:
  description: Whether config changes wait for a reboot of the running VM.
  returned: success
  type: bool
changed_keys:
  description: The config keys (and disks resized) that changed or would change.
  returned: when the VM exists
  type: list
  elements: str
  sample: [memory, scsi0]
actions:
  description: What was done (or would be in check mode), in order.
  returned: success
  type: list
  elements: str
  sample: [clone, configure, resize scsi0, start]
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.pve_vm import DEFAULT_TIMEOUTS, VmOrchestrator


def argument_spec():
    timeouts = {name: {"type": "int", "default": seconds} for name, seconds in DEFAULT_TIMEOUTS.items()}
    return {
        "vmid": {"type": "int"},
        "name": {"type": "str"},
        "node": {"type": "str"},
        "state": {
            "type": "str",
            "default": "present",
            "choices": ["present", "started", "stopped", "restarted", "absent"],
        },
        "clone": {"type": "str"},
        "full": {"type": "bool"},
        "storage": {"type": "str"},
        "pool": {"type": "str"},
        "cores": {"type": "int"},
        "sockets": {"type": "int"},
        "cpu": {"type": "str"},
        "memory": {"type": "raw"},
        "balloon": {"type": "int"},
        "bios": {"type": "str", "choices": ["seabios", "ovmf"]},
        "machine": {"type": "str"},
        "ostype": {"type": "str"},
        "scsihw": {"type": "str"},
        "boot": {"type": "str"},
        "efidisk": {
            "type": "dict",
            "options": {
                "storage": {"type": "str"},
                "efitype": {"type": "str", "choices": ["2m", "4m"]},
                "pre_enrolled_keys": {"type": "bool"},
            },
        },
        "disks": {"type": "dict"},
        "nics": {"type": "dict"},
        "ipconfig": {"type": "dict"},
        "ciuser": {"type": "str"},
        "cipassword": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "default": "on_create", "choices": ["on_create", "always"], "no_log": False},
        "sshkeys": {"type": "list", "elements": "str", "no_log": False},
        "nameserver": {"type": "str"},
        "searchdomain": {"type": "str"},
        "citype": {"type": "str", "choices": ["nocloud", "configdrive2"]},
        "cloudinit_storage": {"type": "str"},
        "cloudinit_drive": {"type": "str", "default": "ide2"},
        "agent": {"type": "bool"},
        "onboot": {"type": "bool"},
        "startup": {"type": "str"},
        "tags": {"type": "list", "elements": "str"},
        "description": {"type": "str"},
        "timeouts": {"type": "dict", "options": timeouts},
    }


def main():
    module = create_module("proxmox", argument_spec(), required_one_of=[("vmid", "name")])

    def operation():
        client = PveClient.from_params(module.params)
        return VmOrchestrator(client, check_mode=module.check_mode).ensure(dict(module.params))

    run_module(module, operation)


if __name__ == "__main__":
    main()
