# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Disks created from import content (``scsi0=tank1:0,import-from=local:import/debian.qcow2``) and cloud-init
drives named as PVE names them, where fakepve allocates an empty disk or a ``vm-N-disk-K`` volume.

PVE's rules kept here: ``import-from`` needs the special size 0, its source must exist and be an image or import
volume (not an ISO), and the new disk gets the source's virtual size; the option itself is not stored. A
``<storage>:cloudinit`` drive becomes ``vm-<vmid>-cloudinit``, and a clone gets its own cloud-init drive rather
than sharing the template's.
"""

from __future__ import annotations

import re
import time

from fakepve.lxc import format_size
from fakepve.qemu import DRIVE_KEY, NEW_DISK, join_drive, split_drive, volume_ref
from fakepve.routing import die, param_error
from fakepve.storage import _is_file

CLOUDINIT_SIZE = 4 * 1024**2


class ImportFromDisks:
    """Mixin of FakePve: import-from on create and update, and PVE's cloud-init volume names."""

    def _import_source(self, user, key, source):
        sid, name = volume_ref(source)
        if sid is None or sid not in self.storages:
            raise param_error(**{key: "unable to parse volume ID '%s'" % source})
        volume = self._volumes(sid).get(name)
        if volume is None:
            raise die("volume '%s' does not exist" % source)
        if volume.get("content") not in ("images", "import"):
            raise param_error(**{key: "'import-from': content type needs to be 'images' or 'import'"})
        self._check_access(user, sid, volume.get("content"), volume.get("vmid"), source)
        return volume

    def _qm_check_drive(self, user, vmid, pool, key, value, default):
        volume, props = split_drive(value)
        source = props.get("import-from")
        if source is None:
            return super()._qm_check_drive(user, vmid, pool, key, value, default)
        found = NEW_DISK.match(volume)
        if not found or float(found.group(2)) != 0:
            raise param_error(
                **{key: "'import-from' requires special syntax - use <storage ID>:0,import-from=<source>"}
            )
        self._qm_image_store(found.group(1) or default, user)
        self._import_source(user, key, source)
        return None

    def _qm_new_drive(self, vmid, key, value, default):
        volume, props = split_drive(value)
        if props.get("import-from") is not None:
            props = dict(props)
            sid = NEW_DISK.match(volume).group(1) or default
            source = self._import_volume(props.pop("import-from"))
            size = int(source.get("virtual_size") or source.get("size") or 0)
            volid, _fmt = self._qm_alloc(sid, vmid, props.pop("format", None), size)
            props["size"] = format_size(size)
            return join_drive(volid, props), [volid]
        if volume.endswith(":cloudinit"):
            volid = self._cloudinit_volume(volume_ref(volume)[0] or default, vmid)
            props = dict(props, media="cdrom")
            props.pop("size", None)
            return join_drive(volid, props), [volid]
        return super()._qm_new_drive(vmid, key, value, default)

    def _import_volume(self, source):
        sid, name = volume_ref(source)
        return self._volumes(sid)[name]

    def _cloudinit_volume(self, sid, vmid):
        """PVE::QemuServer::Cloudinit: vm-<vmid>-cloudinit (a qcow2 file under <vmid>/ on file storages)."""
        store = self.storages[sid]
        if _is_file(store):
            name, fmt = "%d/vm-%d-cloudinit.qcow2" % (vmid, vmid), "qcow2"
        else:
            name, fmt = "vm-%d-cloudinit" % vmid, "raw"
        if name in store.setdefault("volumes", {}):
            raise die("unable to create VM %d - volume '%s:%s' already exists" % (vmid, sid, name))
        store["volumes"][name] = {
            "content": "images",
            "format": fmt,
            "size": CLOUDINIT_SIZE,
            "vmid": vmid,
            "ctime": int(time.time()),
        }
        return "%s:%s" % (sid, name)

    async def _apply_config(self, vm, user, p):
        """fakepve stores ``scsi1=tank1:8`` verbatim on update; PVE allocates the disk (or imports it) first."""
        p = dict(p)
        for key in sorted(k for k in p if DRIVE_KEY.match(k)):
            volume = split_drive(p[key])[0]
            if NEW_DISK.match(volume) or volume.endswith(":cloudinit"):
                self._qm_check_drive(user, vm.vmid, None, key, p[key], None)
                p[key] = self._qm_new_drive(vm.vmid, key, p[key], None)[0]
        return await super()._apply_config(vm, user, p)

    async def _qm_clone(self, v, user):
        upid = await super()._qm_clone(v, user)
        clone = self.vm(int(v["newid"]))
        if clone is not None:
            for key in [k for k in clone.config if DRIVE_KEY.match(k)]:
                volume, props = split_drive(clone.config[key])
                if re.search(r"-cloudinit(\.qcow2)?$", volume):
                    sid = volume_ref(volume)[0]
                    clone.config[key] = join_drive(self._cloudinit_volume(sid, clone.vmid), props)
        return upid
