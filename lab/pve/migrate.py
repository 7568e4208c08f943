# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Moving a VM between nodes as PVE allows it, where fakepve has no route or is lenient.

- A clone onto another node (``target``) needs every disk of the source on shared storage; PVE refuses a
  template on local ZFS with "can't clone VM to node 'X' (VM uses local storage)". fakepve only checked the
  ``storage`` parameter.
- ``POST .../qemu/{vmid}/migrate`` moves a stopped VM offline, its local disks with it, when the target node has
  the same storages; a running VM needs ``online``.
"""

from __future__ import annotations

from fakepve.model import PveError
from fakepve.qemu import DRIVE_KEY, split_drive, volume_ref
from fakepve.routing import die, param_error

MIGRATE_SECS = 5  # PVE seconds of a small offline migration


class MigrateApi:
    """Mixin of FakePve: cross-node clone rules and offline/online migration of VMs."""

    def _routes_migrate(self):
        return [("POST", "/nodes/{node}/qemu/{vmid}/migrate", self._qm_migrate)]

    def _local_storages_of(self, vm):
        """Storage ids of the VM's disks (not CD-ROMs) that are not shared."""
        local = set()
        for key, value in vm.config.items():
            if not DRIVE_KEY.match(key) or "media=cdrom" in str(value):
                continue
            storage = volume_ref(split_drive(value)[0])[0]
            if storage and not (self.storages.get(storage) or {}).get("shared"):
                local.add(storage)
        return local

    def _storage_on_node(self, storage, node):
        nodes = str((self.storages.get(storage) or {}).get("nodes") or "")
        return not nodes or node in nodes.split(",")

    async def _qm_clone(self, v, user):
        target = v.get("target")
        if target and target not in (v["node"], "localhost"):
            source = self.find(v["node"], int(v["vmid"]))
            if self._local_storages_of(source) and not v.get("storage"):
                raise die("can't clone VM to node '%s' (VM uses local storage)" % target)
        return await super()._qm_clone(v, user)

    async def _qm_migrate(self, v, user):
        node, vmid, target = v["node"], int(v["vmid"]), v["target"]
        self.require(user, "/vms/%d" % vmid, "VM.Migrate")
        if target == node:
            raise param_error(target="target is local node.")
        if target not in self.nodes:
            raise die("no such cluster node '%s'" % target)
        if not self.nodes[target].get("online", True):
            raise PveError(500, "target node '%s' is not online" % target)
        self.need_quorum()
        vm = self.find(node, vmid)
        self._check_lock(vm)
        if vm.template:
            raise die("can't migrate a template")  # PVE migrates templates only offline; we never need it
        if vm.status == "running" and not v.get("online"):
            raise die("can't migrate running VM without --online")
        for storage in sorted(self._local_storages_of(vm)):
            if not self._storage_on_node(v.get("targetstorage") or storage, target):
                raise die("storage '%s' is not available on node '%s'" % (v.get("targetstorage") or storage, target))
        return await self.migrate(vmid, target, secs=MIGRATE_SECS, user=user)
