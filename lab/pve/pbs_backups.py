# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PVE side of backups to the PBS twin: ``pbs`` storages, vzdump runs, their content, and restores.

As PVE does:
- adding a ``pbs`` storage activates it at once, so a wrong fingerprint, bad credentials or a missing datastore
  fail the ``POST /storage`` (the password is kept apart, as in /etc/pve/priv/storage/<id>.pw);
- ``POST /nodes/{node}/vzdump`` with a ``pbs`` storage is a ``vzdump`` task that adds one snapshot
  ``vm/<vmid>/<time>`` per guest on that node, holding the guest's config as ``qemu-server.conf.blob``;
- the storage's content lists those snapshots as volumes ``<storage>:backup/vm/<vmid>/<ISO time>``;
- ``POST /nodes/{node}/qemu`` with ``archive`` set to such a volume is a ``qmrestore`` task that creates the guest
  from the backed-up config, its disks allocated anew on ``storage`` (or their old storage); an existing guest
  is replaced only with ``force=1`` and never while it runs.
vzdump archives on file storages (``dir``, content ``backup``) are lab/pve/vzdump_files.py; they share the restore
worker here. Other storage types are refused as not supported by the lab.
"""

from __future__ import annotations

import re
import time

from fakepve.model import PveError, TaskError
from fakepve.qemu import DRIVE_KEY, join_drive, split_drive, with_mac
from fakepve.routing import die, split_list

from lab.pbs import registry
from lab.pbs.errors import ApiFailure

VZDUMP = "/nodes/{node}/vzdump"
ARCHIVE = re.compile(
    r"^(?P<storage>[^:]+):backup/(?P<type>vm|ct)/(?P<id>\d+)/(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)$"
)
SIZE = re.compile(r"size=(\d+)([KMGT]?)")
UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def config_text(config):
    """A guest config as qemu-server writes it: one ``key: value`` line per option, sorted."""
    return "".join("%s: %s\n" % (key, config[key]) for key in sorted(config) if key not in ("lock", "digest"))


def parse_config(text):
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition(": ")
        if sep:
            out[key] = value
    return out


def _disk_size(value):
    found = SIZE.search(str(value))
    return int(found.group(1)) * UNITS[found.group(2)] if found else 0


class PbsBackups:
    """Mixin of FakePve (before FakePve in the MRO)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage_secrets = {}

    def _routes_pbs_backups(self):
        return [("POST", VZDUMP, self._vzdump)]

    # The connection a pbs storage makes.

    def _pbs_connect(self, sid, store=None, password=None):
        store = store or self.storages[sid]
        try:
            twin = registry.connect(
                store.get("server"),
                store.get("port") or 8007,
                store.get("fingerprint"),
                store.get("username"),
                password or self.storage_secrets.get(sid),
            )
        except ApiFailure as exc:
            raise die("error fetching datastores - %s" % exc.message) from exc
        datastore = store.get("datastore")
        auth_id = store.get("username")
        # PVE finds the datastore in PBS's datastore list, which shows an auth id only the stores it may audit
        # or back up to.
        visible = any(
            twin.access.allowed(auth_id, "/datastore/%s" % datastore, priv)
            for priv in ("Datastore.Audit", "Datastore.Backup")
        )
        if datastore not in twin.config.datastores.entries or not visible:
            raise die("%s: datastore '%s' does not exist" % (sid, datastore))
        return twin

    async def _sc_create(self, v, user):
        if v.get("type") != "pbs":
            return await super()._sc_create(v, user)
        if not v.get("password"):
            raise PveError(400, "Parameter verification failed.", {"password": "missing value for 'password'"})
        probe = {key: v.get(key) for key in ("server", "port", "fingerprint", "username", "datastore")}
        if not probe["username"]:
            raise PveError(400, "Parameter verification failed.", {"username": "missing value for 'username'"})
        answer = await super()._sc_create(v, user)
        try:
            self._pbs_connect(v["storage"], probe, v["password"])
        except PveError:
            del self.storages[v["storage"]]  # PVE runs on_delete_hook when activation fails
            raise
        self.storage_secrets[v["storage"]] = v["password"]
        return answer

    async def _sc_update(self, v, user):
        """on_update_hook of the PBS plugin: a new password replaces the stored one (no connection test)."""
        store = self.storages.get(v["storage"]) or {}
        answer = await super()._sc_update(v, user)
        if store.get("type") == "pbs" and v.get("password"):
            self.storage_secrets[v["storage"]] = v["password"]
        return answer

    async def _sc_delete(self, v, user):
        answer = await super()._sc_delete(v, user)
        self.storage_secrets.pop(v["storage"], None)
        return answer

    # vzdump.

    def _vzdump_guests(self, node, v):
        if v.get("vmid"):
            wanted = [int(x) for x in split_list(v["vmid"])]
            for vmid in wanted:
                if self.vm(vmid) is None:
                    raise die("unable to find VM '%d'" % vmid)
            return [self.vm(vmid) for vmid in wanted if self.vm(vmid).node == node]
        if v.get("pool"):
            members = self.pools.get(v["pool"], set())
            return [vm for vm in self.vms if vm.vmid in members and vm.node == node]
        if str(v.get("all", "0")) == "1":
            excluded = {int(x) for x in split_list(v.get("exclude"))}
            return [vm for vm in self.vms if vm.node == node and vm.vmid not in excluded and not vm.template]
        raise PveError(400, "Parameter verification failed.", {"vmid": "property is missing"})

    async def _vzdump(self, v, user):
        node = v["node"]
        sid = v.get("storage") or "local"
        store = self._store(sid)
        if store.get("type") != "pbs":
            raise die("lab: vzdump runs only to pbs storages (storage '%s' is type '%s')" % (sid, store.get("type")))
        if "backup" not in split_list(store.get("content") or "backup"):
            raise die("storage '%s' does not support backups" % sid)
        guests = self._vzdump_guests(node, v)
        for vm in guests:
            self.require(user, "/vms/%d" % vm.vmid, "VM.Backup")
        self.require(user, "/storage/" + sid, "Datastore.AllocateSpace")
        template = v.get("notes-template")

        async def body():
            twin = self._pbs_connect(sid)
            for vm in guests:
                config = dict(vm.config)
                text = config_text(config)
                files = [
                    {"filename": "qemu-server.conf.blob", "size": len(text), "crypt-mode": "none"},
                    {"filename": "index.json.blob", "size": 300, "crypt-mode": "none"},
                ]
                for key in sorted(config):
                    if DRIVE_KEY.match(key) and "media=cdrom" not in str(config[key]):
                        files.append(
                            {
                                "filename": "drive-%s.img.fidx" % key,
                                "size": _disk_size(config[key]),
                                "crypt-mode": "none",
                            }
                        )
                notes = None
                if template:
                    notes = (
                        template.replace("{{guestname}}", vm.name)
                        .replace("{{vmid}}", str(vm.vmid))
                        .replace("{{node}}", node)
                        .replace("{{cluster}}", self.cluster_name or "")
                    )
                acl_path = "/".join(part for part in ("/datastore", store["datastore"], store.get("namespace")) if part)
                if not twin.access.allowed(store.get("username"), acl_path, "Datastore.Backup"):
                    raise TaskError("Backup of VM %d failed - backup failed: permission check failed" % vm.vmid)
                try:
                    twin.add_snapshot(
                        store["datastore"],
                        store.get("namespace", ""),
                        "vm",
                        vm.vmid,
                        store.get("username"),
                        files,
                        {"qemu-server.conf.blob": text},
                        notes,
                    )
                except ApiFailure as exc:
                    raise TaskError("Backup of VM %d failed - %s" % (vm.vmid, exc.message)) from exc
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
                "INFO: starting new backup job: vzdump %s --storage %s" % (" ".join(str(vm.vmid) for vm in guests), sid)
            ],
        )

    # Content of a pbs storage.

    def pbs_backups(self, sid):
        store = self.storages[sid]
        twin = self._pbs_connect(sid)
        items = []
        for snap in twin.stores.get(store["datastore"], {}).get("snapshots", []):
            if (snap.get("ns") or "") != (store.get("namespace") or ""):
                continue
            volid = "%s:backup/%s/%s/%s" % (sid, snap["backup-type"], snap["backup-id"], iso(snap["backup-time"]))
            item = {
                "volid": volid,
                "content": "backup",
                "format": "pbs-%s" % snap["backup-type"],
                "size": snap["size"],
                "ctime": snap["backup-time"],
                "vmid": int(snap["backup-id"]),
                "subtype": "qemu" if snap["backup-type"] == "vm" else "lxc",
                "protected": 1 if snap["protected"] else 0,
                "snapshot": snap,
            }
            if snap.get("comment"):
                item["notes"] = snap["comment"]
            if snap.get("verification"):
                item["verification"] = {"state": snap["verification"]["state"], "upid": snap["verification"]["upid"]}
            items.append(item)
        return sorted(items, key=lambda item: item["volid"])

    async def _content_list(self, v, user):
        store = self.storages.get(v["storage"])
        if store is None or store.get("type") != "pbs":
            return await super()._content_list(v, user)
        self._active_store(v["storage"], v["node"])
        self.require(user, "/storage/" + v["storage"], "Datastore.Audit")
        out = []
        for item in self.pbs_backups(v["storage"]):
            if v.get("vmid") is not None and item["vmid"] != int(v["vmid"]):
                continue
            item.pop("snapshot")
            out.append(item)
        return out

    # Restore.

    def _find_archive(self, archive):
        found = ARCHIVE.match(str(archive))
        if not found:
            raise die("unable to parse volume ID '%s'" % archive)
        sid = found.group("storage")
        store = self._store(sid)
        if store.get("type") != "pbs":
            raise die("lab: restore only from pbs storages ('%s' is type '%s')" % (sid, store.get("type")))
        for item in self.pbs_backups(sid):
            if item["volid"] == archive:
                return item["snapshot"]
        raise die("volume '%s' does not exist" % archive)

    async def _qm_create(self, v, user):
        if not v.get("archive"):
            return await super()._qm_create(v, user)
        return await self._restore(
            v, user, lambda node, vmid: self._find_archive(v["archive"])["blobs"]["qemu-server.conf.blob"]
        )

    async def _restore(self, v, user, archive_config):
        """create_vm with ``archive``, for either kind of archive: its checks in PVE's order, then qmrestore.

        ``archive_config(node, vmid)`` finds the archive (failing as PVE does for a missing or foreign one) and
        returns the guest config it holds.
        """
        node, vmid = v["node"], int(v["vmid"])
        for key in sorted(v):
            if DRIVE_KEY.match(key):
                raise PveError(400, "Parameter verification failed.", {key: "option conflicts with option 'archive'"})
        self.need_quorum()
        target = v.get("storage")
        if target:
            self.require(user, "/storage/" + target, "Datastore.AllocateSpace")
        # Restoring over an existing guest (force) needs only VM.Backup on it; anything else VM.Allocate.
        existing = self.vm(vmid)
        forced = existing is not None and str(v.get("force", "0")) == "1"
        if not (
            self.allowed(user, "/vms/%d" % vmid, "VM.Allocate")
            or (forced and self.allowed(user, "/vms/%d" % vmid, "VM.Backup"))
        ):
            raise PveError(403, "Permission check failed (/vms/%d, VM.Allocate)" % vmid)
        text = archive_config(node, vmid)
        if target and "images" not in split_list(self._store(target).get("content")):
            raise die("storage '%s' does not support vm images" % target)
        self._refuse_existing(node, vmid, v)
        return await self._restore_task(
            node, vmid, user, parse_config(text), target, str(v.get("unique", "0")) == "1", v["archive"]
        )

    def _refuse_existing(self, node, vmid, v):
        """create_and_lock_config: a taken vmid is refused unless ``force`` (and then only on its own node)."""
        existing = self.vm(vmid)
        if existing is None:
            return
        if existing.node != node or str(v.get("force", "0")) != "1":
            raise die("unable to restore VM %d - VM %d already exists on node '%s'" % (vmid, vmid, existing.node))

    async def _restore_task(self, node, vmid, user, config, target, unique, archive):
        """The qmrestore worker: replace the old guest (never a running one) with the backed-up config."""

        async def body():
            old = self.vm(vmid)
            if old is not None and old.status == "running":
                raise TaskError("unable to restore VM %d - vm is running" % vmid)
            if old is not None:
                for key in [k for k in old.config if DRIVE_KEY.match(k)]:
                    self._qm_free(split_drive(old.config[key])[0])
                self.vms.remove(old)
            conf = {}
            for key, value in config.items():
                if DRIVE_KEY.match(key):
                    volume, props = split_drive(value)
                    sid = target or volume.partition(":")[0]
                    if props.get("media") == "cdrom":
                        conf[key] = ("%s:vm-%d-cloudinit" % (sid, vmid) if "cloudinit" in volume else volume) + (
                            "," + ",".join("%s=%s" % kv for kv in sorted(props.items())) if props else ""
                        )
                        continue
                    if sid not in self.storages:
                        raise TaskError("storage '%s' does not exist" % sid)
                    volid, _fmt = self._qm_alloc(sid, vmid, None, _disk_size(value))
                    conf[key] = join_drive(volid, props)
                elif re.fullmatch(r"net\d+", key):
                    conf[key] = with_mac(value, fresh=unique)
                else:
                    conf[key] = value
            self.add_vm(vmid, conf.get("name") or "VM %d" % vmid, node=node, config=conf)
            await self.pause(1)
            return "restore of %s finished" % archive

        return await self.task(
            node, "qmrestore", vmid, user, body, lock=False, log=["restore %s to VM %d" % (archive, vmid)]
        )
