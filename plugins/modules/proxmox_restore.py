#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_restore
short_description: Restore a Proxmox VE VM from a PBS snapshot or a vzdump archive
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Restores a VM from a backup volume onto a node and storage, as the same vmid or a new one. The volume is a PBS
    snapshot such as C(tappaas_backup:backup/vm/110/2026-11-21T21:00:00Z) or a plain vzdump archive on a file
    storage such as C(local:backup/vzdump-qemu-110-2026_11_21-21_00_00.vma.zst).
  - The backup is O(archive), or the newest (or O(snapshot)) backup of O(source_vmid) on O(source_storage).
  - A storage that is not shared (such as C(local)) is one directory per node, so its archives are found and
    restored only on the node that wrote them; give that node as O(node).
  - A guest that exists already is left alone (no change) unless O(force) is set; a running guest is replaced only
    when O(stop_running) is also set. So a rerun restores nothing twice unless asked to.
  - Everything is checked (node, storage, archive) before anything is changed.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
attributes:
  diff_mode:
    support: full
    details: Before is the guest's config now (empty when there is none), after is the config the archive holds;
      C(cipassword) is masked.
  idempotent:
    support: partial
    details: Without O(force) a second run changes nothing; with O(force) every run restores again.
options:
  vmid:
    description: The vmid the restored guest gets.
    type: int
    required: true
  node:
    description: The node to restore onto.
    type: str
    required: true
  storage:
    description: Where the guest's disks go; their old storage when not set.
    type: str
  archive:
    description:
      - The backup volume to restore, V(<storage>:backup/vm/<vmid>/<YYYY-MM-DDTHH:MM:SSZ>) (PBS) or
        V(<storage>:backup/vzdump-qemu-<vmid>-<YYYY_MM_DD-HH_MM_SS>.vma[.zst|.gz|.lzo]) (vzdump).
      - It must exist on O(node)'s view of the storage.
    type: str
  source_storage:
    description: The backup storage (PBS, or a file storage with content C(backup)) to pick the backup from, when
      O(archive) is not given.
    type: str
  source_vmid:
    description: The guest whose backup is restored; O(vmid) when not set (restore as a new guest otherwise).
    type: int
  snapshot:
    description:
      - V(latest), or the backup to restore by its time in UTC (for example V(2026-11-21T21:00:00Z)) or by the
        last part of its volume id (for example V(vzdump-qemu-110-2026_11_21-21_00_00.vma.zst)).
    type: str
    default: latest
  force:
    description: Replace a guest that exists already with O(vmid).
    type: bool
    default: false
  stop_running:
    description: With O(force), stop a running guest before replacing it; without it a running guest is refused.
    type: bool
    default: false
  unique:
    description: Give the restored guest new MAC addresses (use it when the original still runs elsewhere).
    type: bool
    default: false
  start:
    description: Start the guest after the restore.
    type: bool
    default: false
  timeout:
    description: Seconds to wait for each task (stop, restore, start).
    type: int
    default: 1800
"""

EXAMPLES = r"""
- name: Restore nextcloud from its newest PBS backup onto tappaas2
  tappaas.platform.proxmox_restore:
    vmid: 210
    node: tappaas2
    storage: tank1
    source_storage: tappaas_backup
    force: true
    start: true

- name: Restore the newest vzdump archive of guest 110 on tappaas1's local storage as a new guest 310
  tappaas.platform.proxmox_restore:
    vmid: 310
    node: tappaas1
    storage: tank1
    source_storage: local
    source_vmid: 110
    unique: true

- name: Restore one named vzdump archive over the stopped guest 110
  tappaas.platform.proxmox_restore:
    vmid: 110
    node: tappaas1
    archive: local:backup/vzdump-qemu-110-2026_11_21-21_00_00.vma.zst
    force: true
"""

RETURN = r"""
archive:
  description: The backup volume restored (or that would be).
  returned: always
  type: str
restored:
  description: Whether a restore was made (or would be, in check mode).
  returned: always
  type: bool
seconds:
  description: Wall-clock seconds the restore took, from the first task to the last.
  returned: when restored and not in check mode
  type: float
diff:
  description: The guest's config before and after (the archive's), with C(cipassword) masked.
  returned: in diff mode
  type: dict
msg:
  description: Why nothing was restored.
  returned: when nothing was restored
  type: str
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.backup_restore import diff, plan, restore
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient


def main():
    module = create_module(
        "proxmox",
        {
            "vmid": {"type": "int", "required": True},
            "node": {"type": "str", "required": True},
            "storage": {"type": "str"},
            "archive": {"type": "str"},
            "source_storage": {"type": "str"},
            "source_vmid": {"type": "int"},
            "snapshot": {"type": "str", "default": "latest"},
            "force": {"type": "bool", "default": False},
            "stop_running": {"type": "bool", "default": False},
            "unique": {"type": "bool", "default": False},
            "start": {"type": "bool", "default": False},
            "timeout": {"type": "int", "default": 1800},
        },
        required_one_of=[("archive", "source_storage")],
        mutually_exclusive=[("archive", "source_storage")],
    )
    params = module.params

    def operation():
        client = PveClient.from_params(params)
        steps = plan(client, params)
        result = {"archive": steps["archive"], "restored": steps["action"] == "restore"}
        if module._diff:
            result["diff"] = diff(client, params, steps)
        if steps["action"] == "none":
            return dict(result, changed=False, msg=steps["reason"])
        result["changed"] = True
        if not module.check_mode:
            result["seconds"] = restore(client, params, steps)
        return result

    run_module(module, operation)


if __name__ == "__main__":
    main()
