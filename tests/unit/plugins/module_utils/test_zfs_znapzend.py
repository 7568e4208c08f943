# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_znapzend import (
    desired_properties,
    local_znapzend_properties,
    plan_znapzend_changes,
    validate_tsformat,
)


def params(**overrides):
    base = {
        "name": "tank1/data/pg",
        "plan": "7d=>1h,30d=>1d",
        "enabled": True,
        "recursive": False,
        "tsformat": "%Y-%m-%d-%H%M%S",
        "pre_snap_command": "off",
        "post_snap_command": "off",
        "mbuffer": "off",
        "mbuffer_size": "1G",
        "send_delay": None,
        "destinations": {"a": {"dataset": "tank2/replica/pg", "plan": "7d=>1h,1y=>1w"}},
    }
    base.update(overrides)
    return base


def test_the_property_map_is_what_znapzend_reads():
    assert desired_properties(params()) == {
        "org.znapzend:enabled": "on",
        "org.znapzend:recursive": "off",
        "org.znapzend:src_plan": "7days=>1hours,30days=>1days",
        "org.znapzend:tsformat": "%Y-%m-%d-%H%M%S",
        "org.znapzend:pre_znap_cmd": "off",
        "org.znapzend:post_znap_cmd": "off",
        "org.znapzend:mbuffer": "off",
        "org.znapzend:mbuffer_size": "1G",
        "org.znapzend:dst_a": "tank2/replica/pg",
        "org.znapzend:dst_a_plan": "7days=>1hours,1years=>1weeks",
        "org.znapzend:dst_a_precmd": "off",
        "org.znapzend:dst_a_pstcmd": "off",
    }


def test_optional_destination_keys_are_written_only_when_given():
    dst = {"dataset": "backup@host:pool/pg", "plan": "1y=>1d", "enabled": False, "autocreation": True}
    props = desired_properties(params(destinations={"off-site.1": dst}, send_delay=30))
    assert props["org.znapzend:dst_off-site.1"] == "backup@host:pool/pg"
    assert props["org.znapzend:dst_off-site.1_enabled"] == "off"
    assert props["org.znapzend:dst_off-site.1_autocreation"] == "on"
    assert props["org.znapzend:zend_delay"] == "30"
    enabled = desired_properties(params(destinations={"b": {"dataset": "t/x", "plan": "1d=>1h", "enabled": True}}))
    assert "org.znapzend:dst_b_enabled" not in enabled
    assert "org.znapzend:dst_b_autocreation" not in enabled


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"plan": "1h=>1d"}, "plan", "shorter than its interval"),
        ({"plan": "7d=>1h,168h=>1d"}, "plan", "appears twice"),
        ({"destinations": {"A": {"dataset": "t/x", "plan": "1d=>1h"}}}, "destinations.A", "lower-case"),
        ({"destinations": {"a_b": {"dataset": "t/x", "plan": "1d=>1h"}}}, "destinations.a_b", "splits on '_'"),
        ({"destinations": {"a": {"dataset": "t/x"}}}, "destinations.a.plan", "is required"),
        ({"destinations": {"a": {"plan": "1d=>1h"}}}, "destinations.a.dataset", "is required"),
        (
            {"destinations": {"a": {"dataset": "h:t/x y", "plan": "1d=>1h"}}},
            "destinations.a.dataset",
            "not [user@]host",
        ),
        ({"destinations": {"a": {"dataset": "t/x", "plan": "1d=>0h"}}}, "destinations.a.plan", "is zero"),
        ({"mbuffer_size": "1T"}, "mbuffer_size", "not an mbuffer size"),
        ({"mbuffer": "/usr/bin/mbuffer:70000"}, "mbuffer", "not a valid port"),
        ({"tsformat": "%Y-%m-%d"}, "tsformat", "lacks %H %M %S"),
        ({"tsformat": "%Y %m %d %H%M%S"}, "tsformat", "may only hold"),
        ({"pre_snap_command": "/no/such/tool --x"}, "pre_snap_command", "executable '/no/such/tool'"),
        ({"post_snap_command": "x" * 8200}, "post_snap_command", "ZFS allows at most 8191"),
        ({"send_delay": -1}, "send_delay", "0 or more"),
        ({"name": "tank1/a@snap"}, "name", "not a dataset name"),
    ],
)
def test_what_znapzendzetup_refuses_fails_naming_the_field(overrides, field, message):
    with pytest.raises(InvalidInput) as raised:
        desired_properties(params(**overrides), is_executable=lambda word: word == "x" * 8200)
    assert raised.value.field_path == field
    assert message in raised.value.problem


def test_an_existing_command_is_accepted():
    props = desired_properties(params(pre_snap_command="/bin/sync -f"), is_executable=lambda word: word == "/bin/sync")
    assert props["org.znapzend:pre_znap_cmd"] == "/bin/sync -f"


def test_tsformat_with_utc_marker_passes():
    assert validate_tsformat("%Y-%m-%dT%H:%M:%SZ") == "%Y-%m-%dT%H:%M:%SZ"


def test_only_differing_keys_are_set_and_extra_local_keys_are_inherited():
    desired = desired_properties(params())
    current = dict(desired)
    current["org.znapzend:src_plan"] = "7d=>1h,30d=>1d"  # written by hand, same plan
    current["org.znapzend:dst_a_plan"] = "7days=>1hours"  # a different plan
    current["org.znapzend:dst_x"] = "tank2/elsewhere"  # a destination added by hand
    current["org.znapzend:dst_x_plan"] = "1d=>1h"
    to_set, to_inherit = plan_znapzend_changes(desired, current)
    assert to_set == [("org.znapzend:dst_a_plan", "7days=>1hours,1years=>1weeks")]
    assert to_inherit == ["org.znapzend:dst_x", "org.znapzend:dst_x_plan"]


def test_an_identical_configuration_plans_nothing():
    desired = desired_properties(params())
    assert plan_znapzend_changes(desired, dict(desired)) == ([], [])


def test_only_local_znapzend_properties_count():
    view = {
        "org.znapzend:enabled": ("on", "local"),
        "org.znapzend:src_plan": ("1d=>1h", "received"),
        "org.znapzend:recursive": ("on", "inherited from tank1"),
        "compression": ("on", "local"),
    }
    assert local_znapzend_properties(view) == {"org.znapzend:enabled": "on"}
