# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""`lab down` exports exactly the pools on the lab's disk files and reports zpool's message when it cannot."""

from __future__ import annotations

import subprocess

from lab import zfs_pools


def _fake_zpool(state_dir, pools, export_fails=()):
    calls = []

    def zpool(*args):
        calls.append(args)
        if args[0] == "list":
            return subprocess.CompletedProcess(args, 0, "\n".join(pools) + "\n", "")
        if args[0] == "status":
            where = "%s/disks" % state_dir if args[2].startswith("lab") else "/var/tmp/other"
            return subprocess.CompletedProcess(args, 0, "  pool: %s\n\t  %s/a.img  ONLINE\n" % (args[2], where), "")
        if args[0] == "export" and args[2] in export_fails:
            return subprocess.CompletedProcess(args, 1, "", "cannot export '%s': pool is busy\n" % args[2])
        return subprocess.CompletedProcess(args, 0, "", "")

    return zpool, calls


def test_exports_only_pools_with_a_vdev_in_the_lab_disk_dir(tmp_path, monkeypatch):
    (tmp_path / "disks").mkdir()
    zpool, calls = _fake_zpool(tmp_path, ["lab1-tappaas1-tank1", "rpool", "lab1-tappaas2-tank2"])
    monkeypatch.setattr(zfs_pools, "_zpool", zpool)
    monkeypatch.setattr(zfs_pools.shutil, "which", lambda name: "/sbin/zpool")

    exported, failures = zfs_pools.export_lab_pools(tmp_path)

    assert exported == ["lab1-tappaas1-tank1", "lab1-tappaas2-tank2"]
    assert failures == []
    assert ("export", "-f", "rpool") not in calls


def test_a_pool_that_will_not_export_is_reported_with_zpools_message(tmp_path, monkeypatch):
    (tmp_path / "disks").mkdir()
    zpool = _fake_zpool(tmp_path, ["lab1-tappaas1-tank1"], export_fails=("lab1-tappaas1-tank1",))[0]
    monkeypatch.setattr(zfs_pools, "_zpool", zpool)
    monkeypatch.setattr(zfs_pools.shutil, "which", lambda name: "/sbin/zpool")

    assert zfs_pools.export_lab_pools(tmp_path) == (
        [],
        ["lab1-tappaas1-tank1: cannot export 'lab1-tappaas1-tank1': pool is busy"],
    )


def test_nothing_to_do_without_zfs_or_without_lab_disks(tmp_path, monkeypatch):
    monkeypatch.setattr(zfs_pools.shutil, "which", lambda name: None)
    (tmp_path / "disks").mkdir()
    assert zfs_pools.lab_pools(tmp_path) == []
    monkeypatch.setattr(zfs_pools.shutil, "which", lambda name: "/sbin/zpool")
    assert zfs_pools.lab_pools(tmp_path / "elsewhere") == []
