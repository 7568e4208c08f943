# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The /admin tree of PBS: a datastore's snapshots, prune, garbage collection, verify, and running jobs.

A snapshot is ``{ns, backup-type, backup-id, backup-time, files, size, owner, protected, comment, blobs}``;
``blobs`` holds the decoded small files (``qemu-server.conf.blob``: the guest's config) that
``download-decoded`` returns. Prune removes snapshot metadata only; the bytes become ``pending-bytes`` until a
garbage collection removes them, as on PBS.
"""

from __future__ import annotations

import time

from lab.pbs import schema
from lab.pbs.errors import ApiFailure
from lab.pbs.prune import KEEP_OPTIONS, prune_marks
from lab.pbs.sync import run_sync
from lab.pbs.tasks import TaskError

STORE = "/admin/datastore/{store}"


def snapshot_view(snap):
    view = {key: snap[key] for key in ("backup-type", "backup-id", "backup-time", "size", "owner", "protected")}
    view["files"] = [dict(item) for item in snap["files"]]
    if snap.get("ns"):
        view["ns"] = snap["ns"]
    if snap.get("comment"):
        view["comment"] = snap["comment"]
    if snap.get("verification"):
        view["verification"] = dict(snap["verification"])
    return view


def in_namespace(snap, ns, max_depth=None):
    own = snap.get("ns") or ""
    if not ns:
        depth = len(own.split("/")) if own else 0
    elif own == ns:
        depth = 0
    elif own.startswith(ns + "/"):
        depth = len(own[len(ns) + 1 :].split("/"))
    else:
        return False
    return max_depth is None or depth <= max_depth


def groups(snapshots):
    out = {}
    for snap in snapshots:
        out.setdefault((snap.get("ns") or "", snap["backup-type"], snap["backup-id"]), []).append(snap)
    return out


class Admin:
    def __init__(self, twin):
        self.twin = twin

    @property
    def access(self):
        return self.twin.access

    def routes(self):
        return [
            ("GET", STORE + "/snapshots", self._snapshots),
            ("DELETE", STORE + "/snapshots", self._forget),
            ("GET", STORE + "/groups", self._groups),
            ("GET", STORE + "/download-decoded", self._download),
            ("POST", STORE + "/prune", self._prune_group),
            ("POST", STORE + "/prune-datastore", self._prune_datastore),
            ("GET", STORE + "/gc", self._gc_status),
            ("POST", STORE + "/gc", self._gc),
            ("POST", STORE + "/verify", self._verify),
            ("GET", STORE + "/status", self._status),
            ("POST", "/admin/prune/{id}/run", self._run_prune_job),
            ("POST", "/admin/verify/{id}/run", self._run_verify_job),
            ("POST", "/admin/sync/{id}/run", self._run_sync_job),
        ]

    def store(self, name, auth_id, *privileges):
        self.twin.config.datastores.lookup(name)
        if privileges:
            self.access.require(auth_id, "/datastore/%s" % name, *privileges)
        return self.twin.stores.setdefault(name, {"snapshots": [], "pending-bytes": 0, "removed-bytes": 0})

    async def _snapshots(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Audit", "Datastore.Backup")
        ns = schema.check({"ns": schema._namespace}, {"ns": values.get("ns", "")})["ns"]
        out = []
        for snap in sorted(store["snapshots"], key=lambda s: (s["backup-type"], s["backup-id"], s["backup-time"])):
            if (snap.get("ns") or "") != ns:
                continue
            if values.get("backup-type") and snap["backup-type"] != values["backup-type"]:
                continue
            if values.get("backup-id") and snap["backup-id"] != values["backup-id"]:
                continue
            out.append(snapshot_view(snap))
        return out

    async def _groups(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Audit", "Datastore.Backup")
        ns = values.get("ns", "")
        out = []
        for (group_ns, kind, backup_id), snaps in sorted(groups(store["snapshots"]).items()):
            if group_ns != ns:
                continue
            last = max(snaps, key=lambda s: s["backup-time"])
            out.append(
                {
                    "backup-type": kind,
                    "backup-id": backup_id,
                    "backup-count": len(snaps),
                    "last-backup": last["backup-time"],
                    "owner": last["owner"],
                    "files": [f["filename"] for f in last["files"]],
                }
            )
        return out

    def _find(self, store, values):
        try:
            when = int(values.get("backup-time"))
        except (TypeError, ValueError):
            raise schema.ParameterError({"backup-time": "parameter is missing and it is not optional."}) from None
        for snap in store["snapshots"]:
            if (
                (snap.get("ns") or "") == values.get("ns", "")
                and snap["backup-type"] == values.get("backup-type")
                and snap["backup-id"] == values.get("backup-id")
                and snap["backup-time"] == when
            ):
                return snap
        raise ApiFailure(
            404,
            "backup dir '%s/%s/%s' does not exist"
            % (
                values.get("backup-type"),
                values.get("backup-id"),
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when)),
            ),
        )

    async def _forget(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Modify", "Datastore.Prune")
        snap = self._find(store, values)
        if snap.get("protected"):
            raise ApiFailure(400, "cannot remove protected snapshot")
        store["snapshots"].remove(snap)
        store["pending-bytes"] += snap["size"]
        return None

    async def _download(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Read", "Datastore.Backup")
        snap = self._find(store, values)
        name = values.get("file-name")
        if name not in snap.get("blobs", {}):
            raise ApiFailure(400, "unable to open file '%s'" % name)
        return snap["blobs"][name]

    # Prune.

    @staticmethod
    def _keep(values):
        return schema.check(schema.KEEP, {k: values[k] for k in KEEP_OPTIONS if values.get(k) is not None})

    def apply_prune(self, store, snapshots, keep, dry_run, log):
        result = []
        for (_ns, kind, backup_id), snaps in sorted(groups(snapshots).items()):
            marks = prune_marks(snaps, keep)
            for snap in sorted(snaps, key=lambda s: s["backup-time"], reverse=True):
                mark = marks[snap["backup-time"]]
                result.append(
                    {
                        "backup-type": kind,
                        "backup-id": backup_id,
                        "backup-time": snap["backup-time"],
                        "keep": mark != "remove",
                        "protected": mark == "protected",
                    }
                )
                log("%s %s/%s/%d" % ("keep" if mark != "remove" else "remove", kind, backup_id, snap["backup-time"]))
                if mark == "remove" and not dry_run:
                    store["snapshots"].remove(snap)
                    store["pending-bytes"] += snap["size"]
        return result

    async def _prune_group(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Modify", "Datastore.Prune")
        keep = self._keep(values)
        chosen = [
            s
            for s in store["snapshots"]
            if (s.get("ns") or "") == values.get("ns", "")
            and s["backup-type"] == values.get("backup-type")
            and s["backup-id"] == values.get("backup-id")
        ]
        dry_run = str(values.get("dry-run", "0")).lower() in schema.TRUE
        return self.apply_prune(store, chosen, keep, dry_run, lambda line: None)

    def prune_task(self, store_name, ns, max_depth, keep, auth_id, worker_type, worker_id):
        store = self.store(store_name, auth_id)

        async def body(log):
            chosen = [s for s in store["snapshots"] if in_namespace(s, ns, max_depth)]
            self.apply_prune(store, chosen, keep, False, log)

        return self.twin.start_task(worker_type, worker_id, auth_id, body, {})

    async def _prune_datastore(self, values, auth_id, params):
        self.store(params["store"], auth_id, "Datastore.Modify", "Datastore.Prune")
        keep = self._keep(values)
        ns = values.get("ns", "")
        depth = values.get("max-depth")
        return self.prune_task(
            params["store"], ns, int(depth) if depth is not None else None, keep, auth_id, "prune", params["store"]
        )

    async def _run_prune_job(self, values, auth_id, params):
        job = self.twin.config.prune_jobs.lookup(params["id"])
        self.store(job["store"], auth_id, "Datastore.Modify", "Datastore.Prune")
        keep = {k: job[k] for k in KEEP_OPTIONS if k in job}
        return self.prune_task(
            job["store"],
            job.get("ns", ""),
            job.get("max-depth"),
            keep,
            auth_id,
            "prunejob",
            "%s:%s" % (job["store"], params["id"]),
        )

    # Garbage collection, verify, status.

    async def _gc(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Modify")

        async def body(log):
            freed = store["pending-bytes"]
            store["removed-bytes"] += freed
            store["pending-bytes"] = 0
            store["last-gc"] = int(time.time())
            log("Removed garbage: %d B" % freed)

        return self.twin.start_task("garbage_collection", params["store"], auth_id, body, values)

    async def _gc_status(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Audit")
        return {
            "store": params["store"],
            "pending-bytes": store["pending-bytes"],
            "removed-bytes": store["removed-bytes"],
            "last-run-endtime": store.get("last-gc"),
        }

    async def _status(self, values, auth_id, params):
        store = self.store(params["store"], auth_id, "Datastore.Audit", "Datastore.Backup")
        used = sum(s["size"] for s in store["snapshots"]) + store["pending-bytes"]
        return {"total": 1 << 40, "used": used, "avail": (1 << 40) - used}

    def verify_task(self, store_name, ns, max_depth, ignore_verified, outdated_after, auth_id, worker_type, worker_id):
        store = self.store(store_name, auth_id)

        async def body(log):
            now = int(time.time())
            for snap in [s for s in store["snapshots"] if in_namespace(s, ns, max_depth)]:
                done = snap.get("verification")
                if ignore_verified and done and done["state"] == "ok":
                    age_days = (now - done.get("last-run", now)) / 86400.0
                    if outdated_after is None or age_days < outdated_after:
                        log("SKIPPED: verify %s/%s - recently verified" % (snap["backup-type"], snap["backup-id"]))
                        continue
                snap["verification"] = {"state": "ok", "upid": upid_holder[0], "last-run": now}
                log(
                    "verify %s:%s/%s/%d - OK"
                    % (store_name, snap["backup-type"], snap["backup-id"], snap["backup-time"])
                )

        upid_holder = [None]
        upid_holder[0] = self.twin.start_task(worker_type, worker_id, auth_id, body, {})
        return upid_holder[0]

    async def _verify(self, values, auth_id, params):
        self.store(params["store"], auth_id, "Datastore.Verify")
        parsed = schema.check(
            {
                "ns": schema._namespace,
                "max-depth": schema._int(0, 7),
                "ignore-verified": schema._bool,
                "outdated-after": schema._int(1),
                "backup-type": str,
                "backup-id": str,
                "backup-time": int,
            },
            values,
        )
        return self.verify_task(
            params["store"],
            parsed.get("ns", ""),
            parsed.get("max-depth"),
            parsed.get("ignore-verified", False),
            parsed.get("outdated-after"),
            auth_id,
            "verify",
            params["store"],
        )

    async def _run_verify_job(self, values, auth_id, params):
        job = self.twin.config.verify_jobs.lookup(params["id"])
        self.store(job["store"], auth_id, "Datastore.Verify")
        return self.verify_task(
            job["store"],
            job.get("ns", ""),
            job.get("max-depth"),
            job.get("ignore-verified", True),
            job.get("outdated-after"),
            auth_id,
            "verificationjob",
            "%s:%s" % (job["store"], params["id"]),
        )

    async def _run_sync_job(self, values, auth_id, params):
        job = self.twin.config.sync_jobs.lookup(params["id"])
        self.store(job["store"], auth_id, "Datastore.Backup", "Datastore.Modify")
        remote = self.twin.config.remotes.entries.get(job.get("remote")) if job.get("remote") else None
        if job.get("remote") and remote is None:
            raise ApiFailure(400, "remote '%s' does not exist" % job["remote"])

        async def body(log):
            try:
                run_sync(self.twin, job, remote, log)
            except ApiFailure as exc:
                raise TaskError(exc.message) from exc

        return self.twin.start_task("syncjob", "%s:%s" % (job["store"], params["id"]), auth_id, body, {})
