# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plain vzdump archives on file storages (``dir`` with content ``backup``, such as ``local``), as PVE keeps them.

As PVE does (pve-manager PVE/VZDump.pm, pve-storage Plugin.pm list_volumes, qemu-server API2/Qemu.pm create_vm):
- ``POST /nodes/{node}/vzdump`` to such a storage is a ``vzdump`` task writing one archive per guest,
  ``backup/vzdump-qemu-<vmid>-<YYYY_MM_DD-HH_MM_SS>.vma[.zst|.gz|.lzo]`` (local time, extension from
  ``compress``, none by default), holding the guest's config as the archive's ``qemu-server.conf`` and the
  rendered ``notes-template`` as its notes. A storage without content ``backup`` fails the task with vzdump's
  "could not get storage information ..." wording;
- a storage that is not ``shared`` is one directory per node: its archives are listed, restored and removed only
  on the node that wrote them (elsewhere the file is not there: "can't find file '<volid>'");
- the content list shows them with ``format`` ``vma.zst``, ``subtype`` ``qemu``, ``vmid``, ``ctime`` and
  ``notes``; ``DELETE`` removes them (fakepve's content API, with PVE's permission checks);
- ``GET /nodes/{node}/vzdump/extractconfig`` returns the config an archive holds (PBS snapshots too);
- ``POST /nodes/{node}/qemu`` with ``archive`` set to such a volume is the ``qmrestore`` worker of
  lab/pve/pbs_backups.py: an existing vmid is refused without ``force=1``, a running guest fails the task.
Not modelled: pruning by ``prune-backups`` after a run, the ``.log`` files beside the archives, containers.
"""

from __future__ import annotations

import time

from fakepve.model import PveError, TaskError
from fakepve.qemu import DRIVE_KEY
from fakepve.routing import die, split_list
from fakepve.storage import STORAGE_ID, spec_of

from lab.pve.pbs_backups import _disk_size, config_text

EXTRACT_CONFIG = "/nodes/{node}/vzdump/extractconfig"
# vzdump's compress option -> the archive's extension (PVE::VZDump::compressor_info).
COMPRESS_EXT = {"0": "", "1": ".lzo", "lzo": ".lzo", "gzip": ".gz", "zstd": ".zst"}
# A nominal compression ratio, so that compressed archives are smaller than the disks they hold.
COMPRESSED_SHARE = 0.4


class FileBackups:
    """Mixin of FakePve (before PbsBackups in the MRO): vzdump archives on file storages."""

    def _routes_vzdump_files(self):
        return [("GET", EXTRACT_CONFIG, self._extract_config)]

    def _is_file_store(self, sid):
        spec = spec_of(self.storages.get(sid) or {})
        return bool(spec and spec["files"])

    def _archive_here(self, vol, sid, node):
        """A non-shared directory storage is one directory per node: the archive is only where it was written."""
        return not vol.get("node") or self.storages[sid].get("shared") or vol["node"] == node

    # vzdump.

    async def _vzdump(self, v, user):
        sid = v.get("storage") or "local"
        store = self._store(sid)
        if store.get("type") == "pbs":
            return await super()._vzdump(v, user)
        node = v["node"]
        ext = COMPRESS_EXT.get(str(v.get("compress", "0")), "")
        guests = self._vzdump_guests(node, v)
        for vm in guests:
            self.require(user, "/vms/%d" % vm.vmid, "VM.Backup")
        self.require(user, "/storage/" + sid, "Datastore.AllocateSpace")
        template = v.get("notes-template")

        async def body():
            if "backup" not in split_list(store.get("content")):
                raise TaskError(
                    "could not get storage information for '%s': can't use storage '%s' for backups - "
                    "wrong content type" % (sid, sid)
                )
            try:
                self._active_store(sid, node)
            except PveError as exc:
                raise TaskError("could not get storage information for '%s': %s" % (sid, exc.message)) from exc
            for vm in guests:
                self._write_archive(sid, store, node, vm, ext, template)
                await self.pause(1)
            return "INFO: Backup job finished successfully"

        return await self.task(
            node,
            "vzdump",
            v.get("vmid") if len(guests) == 1 else "",
            user,
            body,
            lock=False,
            log=[
                "INFO: starting new backup job: vzdump %s --storage %s" % (" ".join(str(g.vmid) for g in guests), sid)
            ],
        )

    def _write_archive(self, sid, store, node, vm, ext, template):
        now = int(time.time())
        volname = "backup/vzdump-qemu-%d-%s.vma%s" % (
            vm.vmid,
            time.strftime("%Y_%m_%d-%H_%M_%S", time.localtime(now)),
            ext,
        )
        disks = sum(
            _disk_size(value)
            for key, value in vm.config.items()
            if DRIVE_KEY.match(key) and "media=cdrom" not in str(value)
        )
        size = int(disks * COMPRESSED_SHARE) if ext else disks
        if "avail" in store:
            if size > store["avail"]:
                raise TaskError(
                    "Backup of VM %d failed - vma_queue_write: write error - No space left on device" % vm.vmid
                )
            store["avail"] -= size
        vol = {
            "content": "backup",
            "format": "vma" + ext,
            "subtype": "qemu",
            "size": size,
            "vmid": vm.vmid,
            "ctime": now,
            "node": node,
            "config": config_text(dict(vm.config)),
        }
        if template:
            vol["notes"] = (
                template.replace("{{guestname}}", vm.name)
                .replace("{{vmid}}", str(vm.vmid))
                .replace("{{node}}", node)
                .replace("{{cluster}}", self.cluster_name or "")
            )
        # Same guest, same second: vzdump renames its temporary file over the older archive.
        store.setdefault("volumes", {})[volname] = vol

    # Content of the storage, as seen from one node.

    def _item(self, name, volname, vol):
        item = super()._item(name, volname, vol)
        if vol.get("subtype"):
            item["subtype"] = vol["subtype"]
        return item

    async def _content_list(self, v, user):
        items = await super()._content_list(v, user)
        sid = v["storage"]
        if not self._is_file_store(sid):
            return items
        volumes = self.storages[sid].get("volumes", {})
        return [
            item
            for item in items
            if self._archive_here(volumes.get(item["volid"].partition(":")[2], {}), sid, v["node"])
        ]

    async def _content_delete(self, v, user):
        vol, sid, volname = self._file_volume(v.get("volume"), v.get("storage"))
        if vol is None or self._archive_here(vol, sid, v["node"]):
            return await super()._content_delete(v, user)
        # The file is on another node: archive_remove ignores ENOENT, so the task succeeds and removes nothing.
        self.require(user, "/storage/" + sid, "Datastore.AllocateSpace")
        self.require(user, "/vms/%d" % vol["vmid"], "VM.Backup")
        volid = "%s:%s" % (sid, volname)

        async def body():
            return "Removed volume '%s'" % volid

        return await self.task(v["node"], "imgdel", "%s@%s" % (vol["vmid"], sid), user, body, lock=False)

    def _file_volume(self, volume, sid=None):
        """(volume record or None, storage id, volname) of a backup volume id on a file storage."""
        found = STORAGE_ID.match(str(volume or ""))
        if found:
            sid, volname = found.group(1), found.group(2)
        else:
            volname = volume
        if not sid or sid not in self.storages or not self._is_file_store(sid):
            return None, sid, volname
        return self.storages[sid].get("volumes", {}).get(volname), sid, volname

    def _backup_archive(self, user, node, vmid, archive):
        """check_volume_access(..., 'backup') then abs_filesystem_path: the archive's record on this node."""
        found = STORAGE_ID.match(archive)
        if not found:
            raise die("can't find file '%s'" % archive)
        sid, volname = found.group(1), found.group(2)
        store = self._store(sid)
        vtype, owner, _fmt = self._parse_volname(store, volname)
        if vtype != "backup":
            raise die("unable to use volume %s - content type needs to be 'backup'" % archive)
        if owner != vmid:
            self._check_access(user, sid, vtype, owner, archive)
        vol = store.get("volumes", {}).get(volname)
        if vol is None or vol.get("content") != "backup" or not self._archive_here(vol, sid, node):
            raise die("can't find file '%s'" % archive)
        return vol

    async def _extract_config(self, v, user):
        volume = v["volume"]
        found = STORAGE_ID.match(volume)
        if found and (self.storages.get(found.group(1)) or {}).get("type") == "pbs":
            snap = self._find_archive(volume)
            self._check_access(user, found.group(1), "backup", int(snap["backup-id"]), volume)
            return snap["blobs"]["qemu-server.conf.blob"]
        return self._backup_archive(user, v["node"], None, volume)["config"]

    # Restore.

    async def _qm_create(self, v, user):
        archive = v.get("archive")
        found = STORAGE_ID.match(str(archive or ""))
        if not archive or (found and (self.storages.get(found.group(1)) or {}).get("type") == "pbs"):
            return await super()._qm_create(v, user)
        return await self._restore(
            v, user, lambda node, vmid: self._backup_archive(user, node, vmid, archive)["config"]
        )
