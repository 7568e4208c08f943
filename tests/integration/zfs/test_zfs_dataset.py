# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""zfs_dataset on real ZFS (zfs-fuse): rhythm, sources, inheritance, create-only properties, absent, bad input."""

from __future__ import annotations


def test_dataset_four_step_rhythm_with_children(zfs_lab):
    parent = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("data"))
    args = {
        "name": parent,
        "properties": {"compression": "on", "quota": "10M", "tappaas:owner": "storage"},
        "children": [{"name": "postgresql", "properties": {"recordsize": "16K", "quota": "5M"}}, {"name": "nextcloud"}],
    }
    checked = zfs_lab.module("zfs_dataset", args, check_mode=True)
    assert checked["changed"] and checked["commands"] == []
    assert [entry["action"] for entry in checked["datasets"]] == ["created"] * 3
    assert zfs_lab.zfs("list", parent, check=False).returncode != 0

    applied = zfs_lab.module("zfs_dataset", args)
    assert applied["changed"], applied
    assert [argv[1] for argv in applied["commands"]] == ["create"] * 3
    assert zfs_lab.prop(parent, "quota") == ("10485760", "local")
    assert zfs_lab.prop(parent + "/postgresql", "recordsize") == ("16384", "local")
    assert zfs_lab.prop(parent + "/nextcloud", "compression") == ("on", "inherited from %s" % parent)
    history = zfs_lab.history(zfs_lab.tank1)

    again = zfs_lab.module("zfs_dataset", args)
    assert not again["changed"] and again["commands"] == [], again
    assert zfs_lab.history(zfs_lab.tank1) == history, "the second run ran zfs create/set"

    checked_again = zfs_lab.module("zfs_dataset", args, check_mode=True)
    assert not checked_again["changed"]


def test_sizes_compare_in_bytes(zfs_lab):
    name = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("size"))
    assert zfs_lab.module("zfs_dataset", {"name": name, "properties": {"quota": "10M"}})["changed"]
    assert not zfs_lab.module("zfs_dataset", {"name": name, "properties": {"quota": 10485760}})["changed"]
    assert not zfs_lab.module("zfs_dataset", {"name": name, "properties": {"quota": "10240K"}})["changed"]


def test_property_changed_by_hand_is_put_back_with_one_set(zfs_lab):
    name = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("drift"))
    args = {"name": name, "properties": {"compression": "gzip-1", "atime": False}}
    zfs_lab.module("zfs_dataset", args)
    zfs_lab.zfs("set", "compression=off", name)
    fixed = zfs_lab.module("zfs_dataset", args)
    assert fixed["changed"]
    assert fixed["commands"] == [["zfs", "set", "compression=gzip-1", name]]
    assert fixed["diff"]["before"][name]["properties"]["compression"] == {"value": "off", "source": "local"}
    assert fixed["diff"]["after"][name]["properties"]["compression"] == {"value": "gzip-1", "source": "local"}


def test_a_value_equal_to_the_inherited_one_stays_inherited(zfs_lab):
    parent = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("inh"))
    zfs_lab.module("zfs_dataset", {"name": parent, "properties": {"compression": "on"}, "children": [{"name": "c"}]})
    same = zfs_lab.module("zfs_dataset", {"name": parent + "/c", "properties": {"compression": "on"}})
    assert not same["changed"]
    assert zfs_lab.prop(parent + "/c", "compression") == ("on", "inherited from %s" % parent)


def test_inherit_restores_inheritance(zfs_lab):
    parent = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("restore"))
    zfs_lab.module("zfs_dataset", {"name": parent, "properties": {"compression": "on"}})
    zfs_lab.zfs("create", "-o", "compression=off", parent + "/c")
    args = {"name": parent + "/c", "inherit": ["compression"]}
    checked = zfs_lab.module("zfs_dataset", args, check_mode=True)
    assert checked["changed"] and zfs_lab.prop(parent + "/c", "compression") == ("off", "local")
    restored = zfs_lab.module("zfs_dataset", args)
    assert restored["commands"] == [["zfs", "inherit", "compression", parent + "/c"]]
    assert zfs_lab.prop(parent + "/c", "compression") == ("on", "inherited from %s" % parent)
    assert not zfs_lab.module("zfs_dataset", args)["changed"]


def test_create_only_property_change_fails_clearly_and_changes_nothing(zfs_lab):
    name = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("ci"))
    zfs_lab.module("zfs_dataset", {"name": name, "properties": {"atime": False}})
    history = zfs_lab.history(zfs_lab.tank1)
    failed = zfs_lab.module("zfs_dataset", {"name": name, "properties": {"atime": True, "casesensitivity": "mixed"}})
    assert failed["failed"] and failed["field"] == "properties.casesensitivity"
    assert "can only be set when %s is created (it is 'sensitive', wanted 'mixed')" % name in failed["msg"]
    assert zfs_lab.history(zfs_lab.tank1) == history
    assert zfs_lab.prop(name, "atime") == ("off", "local"), "atime changed although the run failed"


def test_bad_input_names_the_field_and_creates_nothing(zfs_lab):
    name = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("bad"))
    cases = [
        ({"properties": {"compresion": "on"}}, "properties.compresion", "unknown property"),
        ({"properties": {"tappaas:note": "x" * 8192}}, "properties.tappaas:note", "at most 8191"),
        ({"properties": {"used": "1G"}}, "properties.used", "read-only"),
        (
            {"children": [{"name": "ok"}, {"name": "bad", "properties": {"Tappaas:X": "1"}}]},
            "children[1].properties.Tappaas:X",
            "lower-case",
        ),
    ]
    for extra, field, message in cases:
        failed = zfs_lab.module("zfs_dataset", dict({"name": name}, **extra))
        assert failed["failed"] and failed["field"] == field, failed
        assert message in failed["msg"]
        assert failed["commands"] == []
    assert zfs_lab.zfs("list", name, check=False).returncode != 0
    missing_pool = zfs_lab.module("zfs_dataset", {"name": "tappaas-no-such-pool/x"})
    assert missing_pool["failed"] and "pool tappaas-no-such-pool does not exist" in missing_pool["msg"]


def test_absent_keeps_children_snapshots_and_clones_unless_recursive(zfs_lab):
    parent = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("gone"))
    clone = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("clone"))
    zfs_lab.module("zfs_dataset", {"name": parent, "children": [{"name": "child"}]})
    zfs_lab.zfs("snapshot", parent + "/child@s1")
    zfs_lab.zfs("clone", parent + "/child@s1", clone)

    refused = zfs_lab.module("zfs_dataset", {"name": parent, "state": "absent"})
    assert refused["failed"] and refused["field"] == "recursive"
    assert "children %s/child" % parent in refused["msg"]
    assert "dependent clones %s" % clone in refused["msg"]
    assert refused["commands"] == []

    checked = zfs_lab.module("zfs_dataset", {"name": parent, "state": "absent", "recursive": True}, check_mode=True)
    assert checked["changed"] and zfs_lab.zfs("list", clone, check=False).returncode == 0

    destroyed = zfs_lab.module("zfs_dataset", {"name": parent, "state": "absent", "recursive": True})
    assert destroyed["changed"] and destroyed["commands"] == [["zfs", "destroy", "-R", parent]], destroyed
    for gone in (parent, parent + "/child", clone):
        assert zfs_lab.zfs("list", gone, check=False).returncode != 0
    assert not zfs_lab.module("zfs_dataset", {"name": parent, "state": "absent"})["changed"]


def test_absent_on_a_leaf_destroys_just_it(zfs_lab):
    name = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("leaf"))
    zfs_lab.module("zfs_dataset", {"name": name})
    done = zfs_lab.module("zfs_dataset", {"name": name, "state": "absent"})
    assert done["commands"] == [["zfs", "destroy", name]]
