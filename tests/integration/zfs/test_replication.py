# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Replication smoke test: a tank1 dataset sent incrementally into tank2 the way znapzend does for a local
destination, reading the destination from the plan the module wrote; then zfs_snapshot_info reports it.

znapzend itself is not packaged for Debian bookworm, so its send step is replayed here with the same commands:
`zfs send -I <last common> <newest> | zfs recv -F <dst>`, then `dst_<key>=<dst>` and `dst_<key>_synced=1` on the
newest source snapshot.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path


def send(lab, *send_args, destination):
    sender = subprocess.Popen(["zfs", "send", *send_args], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    received = subprocess.run(
        ["zfs", "recv", "-u", "-F", destination], stdin=sender.stdout, capture_output=True, text=True, check=False
    )
    sender.stdout.close()
    assert sender.wait() == 0, sender.stderr.read()
    assert received.returncode == 0, received.stderr


def mark_synced(lab, snapshot, key, destination):
    lab.zfs("set", "org.znapzend:dst_%s=%s" % (key, destination), snapshot)
    lab.zfs("set", "org.znapzend:dst_%s_synced=1" % key, snapshot)


def test_incremental_send_into_tank2_as_znapzend_does(zfs_lab):
    source = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("app"))
    mount = Path(zfs_lab.workdir) / zfs_lab.unique("mnt")
    assert zfs_lab.module("zfs_dataset", {"name": source, "properties": {"mountpoint": str(mount)}})["changed"]
    target = "%s/%s" % (zfs_lab.tank2, source.rsplit("/", 1)[1])
    plan = zfs_lab.module(
        "znapzend_plan",
        {"name": source, "plan": "1d=>1h", "destinations": {"a": {"dataset": target, "plan": "7d=>1d"}}},
    )
    assert plan["changed"]
    destination = zfs_lab.prop(source, "org.znapzend:dst_a")[0]
    tsformat = zfs_lab.prop(source, "org.znapzend:tsformat")[0]
    assert destination == target

    now = time.time()
    first = "%s@%s" % (source, time.strftime(tsformat, time.gmtime(now - 3600)))
    second = "%s@%s" % (source, time.strftime(tsformat, time.gmtime(now)))
    (mount / "one.txt").write_text("first\n")
    zfs_lab.zfs("snapshot", first)
    send(zfs_lab, first, destination=destination)  # the initial full stream
    mark_synced(zfs_lab, first, "a", destination)

    (mount / "two.txt").write_text("second\n")
    zfs_lab.zfs("snapshot", second)
    send(zfs_lab, "-I", first, second, destination=destination)  # incremental from the last common snapshot
    mark_synced(zfs_lab, second, "a", destination)

    replica_snapshots = zfs_lab.zfs(
        "list", "-H", "-o", "name", "-t", "snapshot", "-s", "creation", "-d", "1", destination
    )
    assert [line.split("@")[1] for line in replica_snapshots.stdout.split()] == [
        first.split("@")[1],
        second.split("@")[1],
    ]
    replica_mount = Path(zfs_lab.workdir) / zfs_lab.unique("replica")
    zfs_lab.zfs("set", "mountpoint=%s" % replica_mount, destination)
    zfs_lab.zfs("mount", destination, check=False)
    assert (replica_mount / "two.txt").read_text() == "second\n"
    assert (replica_mount / "one.txt").read_text() == "first\n"

    info = zfs_lab.module("zfs_snapshot_info", {"name": source})
    assert not info["changed"] and info["exists"]
    assert [entry["name"] for entry in info["snapshots"]] == [first, second]
    assert all(entry["synced_to"] == {"a": destination} for entry in info["snapshots"])
    assert info["last_synced"]["a"]["name"] == second
    assert isinstance(info["snapshots"][0]["creation"], int) and info["snapshots"][0]["creation_iso"].endswith("Z")

    replica_info = zfs_lab.module("zfs_snapshot_info", {"name": destination})
    assert [entry["snapshot"] for entry in replica_info["snapshots"]] == [first.split("@")[1], second.split("@")[1]]
    assert replica_info["last_synced"] == {}


def test_snapshot_info_of_a_missing_dataset_and_recursive_listing(zfs_lab):
    missing = zfs_lab.module("zfs_snapshot_info", {"name": "%s/nope-%s" % (zfs_lab.tank1, zfs_lab.unique("x"))})
    assert not missing["exists"] and missing["snapshots"] == []
    parent = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("tree"))
    zfs_lab.zfs("create", "-p", parent + "/child")
    zfs_lab.zfs("snapshot", "-r", parent + "@s1")
    only_parent = zfs_lab.module("zfs_snapshot_info", {"name": parent})
    assert [entry["name"] for entry in only_parent["snapshots"]] == [parent + "@s1"]
    tree = zfs_lab.module("zfs_snapshot_info", {"name": parent, "recursive": True})
    assert sorted(entry["name"] for entry in tree["snapshots"]) == [parent + "/child@s1", parent + "@s1"]
