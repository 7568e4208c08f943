# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A sync job run: copy the snapshots one datastore lacks from another, through the remote's connection.

``pull`` copies from the remote's ``remote-store``/``remote-ns`` into the local ``store``/``ns``; ``push`` copies the
other way. ``transfer-last`` limits each group to its newest N snapshots, ``group-filter`` selects groups
(``type:vm``, ``group:vm/101``, ``regex:...``), ``remove-vanished`` deletes target snapshots the source no longer has.
"""

from __future__ import annotations

import copy
import re

from lab.pbs import registry
from lab.pbs.errors import ApiFailure


def _ns_join(base, rest):
    return "/".join(part for part in (base, rest) if part)


def _relative(ns, base):
    ns = ns or ""
    if not base:
        return ns
    return "" if ns == base else ns[len(base) + 1 :]


def _under(ns, base):
    ns = ns or ""
    return not base or ns == base or ns.startswith(base + "/")


def _selected(snap, filters):
    if not filters:
        return True
    for item in filters:
        kind, _colon, value = str(item).partition(":")
        group = "%s/%s" % (snap["backup-type"], snap["backup-id"])
        if (
            (kind == "type" and snap["backup-type"] == value)
            or (kind == "group" and group == value)
            or (kind == "regex" and re.search(value, group))
        ):
            return True
    return False


def run_sync(local, job, remote, log):
    direction = job.get("sync-direction", "pull")
    if remote is not None:
        other = registry.connect(
            remote["host"], remote.get("port"), remote.get("fingerprint"), remote["auth-id"], remote.get("password")
        )
        remote_user = remote["auth-id"]
    else:
        other, remote_user = local, None
    if direction == "pull":
        source, source_store, source_ns = other, job["remote-store"], job.get("remote-ns", "")
        target, target_store, target_ns = local, job["store"], job.get("ns", "")
    else:
        source, source_store, source_ns = local, job["store"], job.get("ns", "")
        target, target_store, target_ns = other, job["remote-store"], job.get("remote-ns", "")
    for twin, store in ((source, source_store), (target, target_store)):
        if store not in twin.config.datastores.entries:
            raise ApiFailure(400, "no such datastore '%s'" % store)
    if remote_user is not None:
        needed = ("Datastore.Read", "Datastore.Audit") if direction == "pull" else ("Datastore.Backup",)
        twin, store = (source, source_store) if direction == "pull" else (target, target_store)
        if not any(twin.access.allowed(remote_user, "/datastore/%s" % store, p) for p in needed):
            raise ApiFailure(403, "permission check failed")
    source_snaps = source.stores[source_store]["snapshots"]
    target_data = target.stores[target_store]
    chosen = [s for s in source_snaps if _under(s.get("ns"), source_ns) and _selected(s, job.get("group-filter"))]
    if job.get("transfer-last"):
        newest = {}
        for snap in chosen:
            newest.setdefault((snap.get("ns"), snap["backup-type"], snap["backup-id"]), []).append(snap)
        chosen = [
            s
            for snaps in newest.values()
            for s in sorted(snaps, key=lambda s: s["backup-time"])[-int(job["transfer-last"]) :]
        ]
    have = {(s.get("ns") or "", s["backup-type"], s["backup-id"], s["backup-time"]) for s in target_data["snapshots"]}
    wanted = set()
    copied = 0
    for snap in sorted(chosen, key=lambda s: s["backup-time"]):
        ns = _ns_join(target_ns, _relative(snap.get("ns"), source_ns))
        key = (ns, snap["backup-type"], snap["backup-id"], snap["backup-time"])
        wanted.add(key)
        if key in have:
            continue
        twin_copy = copy.deepcopy(snap)
        twin_copy["ns"] = ns
        twin_copy.pop("verification", None)
        twin_copy["owner"] = job.get("owner") or (remote_user if direction == "push" else "root@pam")
        target_data["snapshots"].append(twin_copy)
        copied += 1
        log("sync snapshot %s/%s/%d" % (snap["backup-type"], snap["backup-id"], snap["backup-time"]))
    removed = 0
    if job.get("remove-vanished"):
        groups = {(k[0], k[1], k[2]) for k in wanted}
        for snap in list(target_data["snapshots"]):
            key = (snap.get("ns") or "", snap["backup-type"], snap["backup-id"], snap["backup-time"])
            if (key[0], key[1], key[2]) in groups and key not in wanted and not snap.get("protected"):
                target_data["snapshots"].remove(snap)
                target_data["pending-bytes"] += snap["size"]
                removed += 1
    log("Finished syncing: %d snapshots copied, %d removed" % (copied, removed))
