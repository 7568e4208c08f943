# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""zfs_pool on real ZFS (zfs-fuse): the four-step rhythm, import of an exported pool, drift, absent, bad input."""

from __future__ import annotations


def pool_args(lab, name, disks, **extra):
    args = {
        "name": name,
        "topology": "mirror",
        "disks": disks,
        "ashift": 12,
        "mountpoint": "none",
        "pool_properties": {"cachefile": "none"},
        "properties": {"compression": "on", "atime": False},
        "autotrim": True,
        "import_dirs": [str(lab.workdir)],
    }
    args.update(extra)
    return args


def test_pool_four_step_rhythm(zfs_lab):
    name = zfs_lab.pool_name("p-rhythm")
    args = pool_args(zfs_lab, name, zfs_lab.vdevs(2, "p-rhythm"))

    checked = zfs_lab.module("zfs_pool", args, check_mode=True)
    assert checked["changed"] and checked["action"] == "created" and checked["commands"] == []
    assert zfs_lab.zpool("list", name, check=False).returncode != 0, "check mode created the pool"
    assert checked["diff"]["after"]["topology"] == "mirror(%s)" % ", ".join(args["disks"])

    applied = zfs_lab.module("zfs_pool", args)
    assert applied["changed"] and applied["action"] == "created", applied
    assert applied["pool"]["health"] == "ONLINE" and applied["pool"]["size"] > 0 and applied["pool"]["free"] > 0
    assert applied["topology"] == [{"type": "mirror", "disks": args["disks"]}]
    assert zfs_lab.prop(name, "compression") == ("on", "local")
    assert zfs_lab.prop(name, "atime") == ("off", "local")
    # zfs-fuse has no autotrim: the module says so instead of failing.
    assert any("autotrim" in str(warning) for warning in applied.get("warnings", []))
    history = zfs_lab.history(name)

    again = zfs_lab.module("zfs_pool", args)
    assert not again["changed"] and again["commands"] == [], again
    assert zfs_lab.history(name) == history, "the second run changed the pool"

    checked_again = zfs_lab.module("zfs_pool", args, check_mode=True)
    assert not checked_again["changed"] and checked_again["commands"] == []


def test_root_property_changed_by_hand_is_set_back(zfs_lab):
    name = zfs_lab.pool_name("p-prop")
    args = pool_args(zfs_lab, name, zfs_lab.vdevs(1, "p-prop"), topology="single")
    assert zfs_lab.module("zfs_pool", args)["changed"]
    zfs_lab.zfs("set", "compression=off", name)
    fixed = zfs_lab.module("zfs_pool", args)
    assert fixed["changed"] and fixed["commands"] == [["zfs", "set", "compression=on", name]]
    assert fixed["diff"]["before"]["properties"]["compression"] == {"value": "off", "source": "local"}


def test_an_exported_pool_is_imported_not_recreated(zfs_lab):
    name = zfs_lab.pool_name("p-import")
    args = pool_args(zfs_lab, name, zfs_lab.vdevs(2, "p-import"))
    assert zfs_lab.module("zfs_pool", args)["action"] == "created"
    zfs_lab.zfs("create", "%s/keep" % name)
    zfs_lab.zpool("export", name)

    checked = zfs_lab.module("zfs_pool", args, check_mode=True)
    assert checked["changed"] and checked["action"] == "imported" and checked["commands"] == []
    assert zfs_lab.zpool("list", name, check=False).returncode != 0

    imported = zfs_lab.module("zfs_pool", args)
    assert imported["changed"] and imported["action"] == "imported", imported
    assert [argv[:2] for argv in imported["commands"]] == [["zpool", "import"]]
    # The data survived: it was an import, not a new pool.
    assert zfs_lab.zfs("list", "-H", "-o", "name", "%s/keep" % name).stdout.strip() == "%s/keep" % name
    assert not zfs_lab.module("zfs_pool", args)["changed"]


def test_topology_drift_fails_with_the_exact_difference_and_changes_nothing(zfs_lab):
    name = zfs_lab.pool_name("p-drift")
    disks = zfs_lab.vdevs(3, "p-drift")
    assert zfs_lab.module("zfs_pool", pool_args(zfs_lab, name, disks[:2]))["changed"]
    history = zfs_lab.history(name)

    drift = zfs_lab.module("zfs_pool", pool_args(zfs_lab, name, disks, topology="raidz1"))
    assert drift["failed"]
    assert drift["drift"] == (
        "pool %s is mirror(%s, %s) but the definition wants raidz1(%s, %s, %s) "
        "(wanted and missing: raidz1(%s, %s, %s); present and not wanted: mirror(%s, %s))"
        % ((name, *tuple(disks[:2]), *tuple(disks), *tuple(disks), *tuple(disks[:2])))
    )
    assert drift["commands"] == []
    assert zfs_lab.history(name) == history


def test_absent_destroys_only_with_force(zfs_lab):
    name = zfs_lab.pool_name("p-absent")
    assert zfs_lab.module("zfs_pool", pool_args(zfs_lab, name, zfs_lab.vdevs(1, "p-absent"), topology="single"))[
        "changed"
    ]
    refused = zfs_lab.module("zfs_pool", {"name": name, "state": "absent"})
    assert refused["failed"] and refused["field"] == "force"
    assert "only with force: true" in refused["msg"]

    checked = zfs_lab.module("zfs_pool", {"name": name, "state": "absent", "force": True}, check_mode=True)
    assert checked["changed"] and zfs_lab.zpool("list", name, check=False).returncode == 0

    destroyed = zfs_lab.module("zfs_pool", {"name": name, "state": "absent", "force": True})
    assert destroyed["changed"] and destroyed["action"] == "destroyed"
    assert zfs_lab.zpool("list", name, check=False).returncode != 0
    assert not zfs_lab.module("zfs_pool", {"name": name, "state": "absent", "force": True})["changed"]


def test_bad_input_fails_before_anything_is_created(zfs_lab):
    name = zfs_lab.pool_name("p-bad")
    one_disk = zfs_lab.vdevs(1, "p-bad")
    failed = zfs_lab.module("zfs_pool", pool_args(zfs_lab, name, one_disk))
    assert failed["failed"] and failed["field"] == "disks"
    assert "a mirror needs at least 2 disks, got 1" in failed["msg"]
    tank2_disk = str(zfs_lab.workdir / "tank2-0")
    history = zfs_lab.history(zfs_lab.tank2)
    typo = pool_args(zfs_lab, zfs_lab.tank2, [tank2_disk], topology="single", properties={"compresion": "on"})
    unknown = zfs_lab.module("zfs_pool", typo)
    assert unknown["failed"] and unknown["field"] == "properties.compresion", unknown
    assert "unknown property 'compresion'" in unknown["msg"]
    assert zfs_lab.history(zfs_lab.tank2) == history
    missing = zfs_lab.module("zfs_pool", {"name": name, "disks": one_disk})
    assert missing["failed"] and missing["field"] == "topology"
    assert zfs_lab.zpool("list", name, check=False).returncode != 0
