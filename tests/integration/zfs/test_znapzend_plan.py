# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""znapzend_plan on real ZFS (zfs-fuse): the org.znapzend:* properties znapzend reads, and nothing more."""

from __future__ import annotations

import subprocess

import pytest

PREFIX = "org.znapzend:"


def local_znapzend(lab, dataset):
    rows = lab.zfs("get", "-H", "-o", "property,value,source", "all", dataset).stdout.splitlines()
    return dict(
        (prop, value)
        for prop, value, source in (row.split("\t") for row in rows)
        if prop.startswith(PREFIX) and source == "local"
    )


@pytest.fixture
def source(zfs_lab):
    name = "%s/%s" % (zfs_lab.tank1, zfs_lab.unique("zz"))
    zfs_lab.zfs("create", name)
    return name


def plan_args(lab, name, **extra):
    args = {
        "name": name,
        "plan": "7d=>1h,30d=>1d",
        "destinations": {
            "a": {"dataset": "%s/replica/%s" % (lab.tank2, name.rsplit("/", 1)[1]), "plan": "7d=>1h,1y=>1w"}
        },
    }
    args.update(extra)
    return args


def test_plan_four_step_rhythm(zfs_lab, source):
    args = plan_args(zfs_lab, source)
    checked = zfs_lab.module("znapzend_plan", args, check_mode=True)
    assert checked["changed"] and checked["reload_needed"] and checked["commands"] == []
    assert local_znapzend(zfs_lab, source) == {}

    applied = zfs_lab.module("znapzend_plan", args)
    assert applied["changed"] and applied["reload_needed"]
    stored = local_znapzend(zfs_lab, source)
    assert stored == applied["properties"]
    assert stored[PREFIX + "src_plan"] == "7days=>1hours,30days=>1days"
    assert stored[PREFIX + "dst_a_plan"] == "7days=>1hours,1years=>1weeks"
    assert stored[PREFIX + "enabled"] == "on" and stored[PREFIX + "tsformat"] == "%Y-%m-%d-%H%M%S"
    assert all(argv[1] == "set" for argv in applied["commands"])
    history = zfs_lab.history(zfs_lab.tank1)

    again = zfs_lab.module("znapzend_plan", args)
    assert not again["changed"] and not again["reload_needed"] and again["commands"] == []
    assert zfs_lab.history(zfs_lab.tank1) == history

    # The same plan in long form is the same plan.
    long_form = plan_args(zfs_lab, source, plan="7days=>1hours, 30days=>1days")
    long_form["destinations"]["a"]["plan"] = "7DAYS=>1HOURS,1years=>1weeks"
    assert not zfs_lab.module("znapzend_plan", long_form, check_mode=True)["changed"]
    assert not zfs_lab.module("znapzend_plan", long_form)["changed"]
    assert zfs_lab.history(zfs_lab.tank1) == history


def test_only_differing_keys_are_written(zfs_lab, source):
    zfs_lab.module("znapzend_plan", plan_args(zfs_lab, source))
    changed = zfs_lab.module("znapzend_plan", plan_args(zfs_lab, source, plan="14d=>1h", enabled=False))
    assert changed["commands"] == [
        ["zfs", "set", "org.znapzend:enabled=off", source],
        ["zfs", "set", "org.znapzend:src_plan=14days=>1hours", source],
    ]
    assert changed["diff"]["before"][PREFIX + "enabled"] == "on"
    assert changed["diff"]["after"][PREFIX + "enabled"] == "off"


def test_a_destination_added_by_hand_is_removed(zfs_lab, source):
    args = plan_args(zfs_lab, source)
    zfs_lab.module("znapzend_plan", args)
    zfs_lab.zfs("set", PREFIX + "dst_x=%s/elsewhere" % zfs_lab.tank2, source)
    zfs_lab.zfs("set", PREFIX + "dst_x_plan=1d=>1h", source)
    fixed = zfs_lab.module("znapzend_plan", args)
    assert fixed["changed"] and fixed["reload_needed"]
    assert fixed["inherited"] == [PREFIX + "dst_x", PREFIX + "dst_x_plan"]
    assert [argv[1] for argv in fixed["commands"]] == ["inherit", "inherit"]
    assert PREFIX + "dst_x" not in local_znapzend(zfs_lab, source)


def test_a_destination_no_longer_declared_is_removed(zfs_lab, source):
    args = plan_args(zfs_lab, source)
    args["destinations"]["b"] = {
        "dataset": "backup@offsite.example.org:pool/x",
        "plan": "90d=>1d",
        "autocreation": False,
    }
    zfs_lab.module("znapzend_plan", args)
    assert local_znapzend(zfs_lab, source)[PREFIX + "dst_b_autocreation"] == "off"
    del args["destinations"]["b"]
    pruned = zfs_lab.module("znapzend_plan", args)
    assert pruned["inherited"] == sorted(
        PREFIX + key for key in ("dst_b", "dst_b_plan", "dst_b_precmd", "dst_b_pstcmd", "dst_b_autocreation")
    )
    assert not any(key.startswith(PREFIX + "dst_b") for key in local_znapzend(zfs_lab, source))


def test_a_plan_written_by_hand_in_short_form_is_not_rewritten(zfs_lab, source):
    args = plan_args(zfs_lab, source)
    zfs_lab.module("znapzend_plan", args)
    zfs_lab.zfs("set", PREFIX + "src_plan=7d=>1h,30d=>1d", source)
    assert not zfs_lab.module("znapzend_plan", args)["changed"]


def test_received_properties_on_a_replica_are_not_its_configuration(zfs_lab, source):
    args = plan_args(zfs_lab, source)
    zfs_lab.module("znapzend_plan", args)
    zfs_lab.zfs("snapshot", source + "@r1")
    replica = "%s/%s" % (zfs_lab.tank2, zfs_lab.unique("recv"))
    # A replica carries the source's plan as 'received'; znapzend ignores those, and so does the module.
    sender = subprocess.Popen(["zfs", "send", "-p", source + "@r1"], stdout=subprocess.PIPE)
    subprocess.run(["zfs", "recv", "-u", replica], stdin=sender.stdout, check=True)
    sender.wait()
    assert zfs_lab.prop(replica, PREFIX + "src_plan")[1] == "received"
    info = zfs_lab.module("znapzend_plan", {"name": replica, "state": "absent"}, check_mode=True)
    assert not info["changed"] and info["inherited"] == []


def test_bad_plans_and_destinations_fail_before_any_write(zfs_lab, source):
    cases = [
        ({"plan": "1h=>7d"}, "plan", "retention 1h is shorter than its interval 7d"),
        ({"plan": "7d=>1h,1w=>1d"}, "plan", "appears twice"),
        ({"plan": "7d=>1hr"}, "plan", "unknown unit 'hr'"),
        ({"destinations": {"A_1": {"dataset": "x/y", "plan": "1d=>1h"}}}, "destinations.A_1", "lower-case"),
        ({"destinations": {"a": {"dataset": "x/y"}}}, "destinations.a.plan", "is required"),
        (
            {"destinations": {"a": {"dataset": "x/y", "plan": "1d=>1h", "colour": "red"}}},
            "destinations.a.colour",
            "unknown option",
        ),
        (
            {"pre_snap_command": "/nonexistent/quiesce --all"},
            "pre_snap_command",
            "does not exist or cannot be executed",
        ),
        ({"tsformat": "%Y%m%d"}, "tsformat", "lacks %H %M %S"),
        ({"post_snap_command": "/bin/true " + "x" * 8192}, "post_snap_command", "at most 8191"),
    ]
    for extra, field, message in cases:
        failed = zfs_lab.module("znapzend_plan", plan_args(zfs_lab, source, **extra))
        assert failed["failed"] and failed["field"] == field, failed
        assert message in failed["msg"]
        assert failed["commands"] == []
    assert local_znapzend(zfs_lab, source) == {}
    missing = zfs_lab.module("znapzend_plan", plan_args(zfs_lab, source + "-missing"))
    assert missing["failed"] and missing["field"] == "name" and "does not exist" in missing["msg"]


def test_absent_removes_every_local_key(zfs_lab, source):
    zfs_lab.module("znapzend_plan", plan_args(zfs_lab, source))
    removed = zfs_lab.module("znapzend_plan", {"name": source, "state": "absent"})
    assert removed["changed"] and removed["reload_needed"]
    assert local_znapzend(zfs_lab, source) == {}
    assert not zfs_lab.module("znapzend_plan", {"name": source, "state": "absent"})["changed"]
