# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_properties import (
    apply_changes_to_view,
    describe,
    normalise_value,
    plan_property_changes,
    validate_property,
)

KNOWN = {"compression", "quota", "recordsize", "atime", "casesensitivity", "mountpoint", "used"}


@pytest.mark.parametrize(
    ("prop", "value", "normal"),
    [
        ("quota", "10G", "10737418240"),
        ("quota", "none", "0"),
        ("quota", 1024, "1024"),
        ("recordsize", "16K", "16384"),
        ("userquota@alice", "1M", "1048576"),
        ("atime", False, "off"),
        ("atime", True, "on"),
        ("compression", "lz4", "lz4"),
        ("my:note", 5, "5"),
    ],
)
def test_values_are_normalised_as_zfs_get_p_reports_them(prop, value, normal):
    assert normalise_value(prop, value) == normal


@pytest.mark.parametrize(
    ("prop", "value", "message"),
    [
        ("compresion", "on", "unknown property 'compresion'"),
        ("used", "1G", "'used' is read-only"),
        ("quota", "lots", "'lots' is not a size"),
        ("My:Note", "x", "lower-case letters"),
        ("my:note", "", "ZFS refuses an empty value"),
        ("my:note", "x" * 8192, "the value is 8192 bytes; ZFS allows at most 8191"),
        ("my:" + "n" * 254, "x", "at most 256 characters"),
        ("compression", None, "a value is required"),
    ],
)
def test_properties_zfs_would_refuse_fail_naming_the_field(prop, value, message):
    with pytest.raises(InvalidInput) as raised:
        validate_property(prop, value, known=KNOWN, field="children[0].properties")
    assert raised.value.field_path == "children[0].properties." + prop
    assert message in raised.value.problem


def test_the_longest_allowed_value_passes():
    assert validate_property("my:note", "x" * 8191, known=KNOWN) == "x" * 8191


CURRENT = {
    "compression": ("on", "inherited from tank1"),
    "quota": ("10737418240", "local"),
    "atime": ("off", "local"),
    "recordsize": ("131072", "default"),
    "casesensitivity": ("sensitive", "-"),
    "my:note": ("a", "local"),
}


def test_a_value_equal_to_the_inherited_or_default_one_is_no_change():
    desired = {"compression": "on", "recordsize": "131072", "quota": "10737418240"}
    assert plan_property_changes("tank1/a", desired, [], CURRENT) == []


def test_a_different_value_is_set_and_a_local_one_is_inherited():
    changes = plan_property_changes("tank1/a", {"compression": "gzip", "my:other": "b"}, ["atime", "my:note"], CURRENT)
    assert changes == [
        ("set", "compression", "gzip"),
        ("set", "my:other", "b"),
        ("inherit", "atime"),
        ("inherit", "my:note"),
    ]


def test_inheriting_what_is_already_inherited_is_no_change():
    assert plan_property_changes("tank1/a", {}, ["compression", "recordsize", "my:absent"], CURRENT) == []


def test_a_create_only_property_that_differs_fails_before_any_change():
    with pytest.raises(InvalidInput) as raised:
        plan_property_changes("tank1/a", {"atime": "on", "casesensitivity": "mixed"}, [], CURRENT)
    assert raised.value.field_path == "properties.casesensitivity"
    assert "can only be set when tank1/a is created (it is 'sensitive', wanted 'mixed')" in raised.value.problem


def test_a_create_only_property_that_matches_is_fine():
    assert plan_property_changes("tank1/a", {"casesensitivity": "sensitive"}, [], CURRENT) == []


def test_a_property_both_set_and_inherited_is_refused():
    with pytest.raises(InvalidInput) as raised:
        plan_property_changes("tank1/a", {"atime": "on"}, ["atime"], CURRENT)
    assert raised.value.field_path == "inherit.atime"


def test_diff_views_show_value_and_source():
    view = describe(CURRENT, ["compression", "atime"])
    after = apply_changes_to_view(view, [("set", "compression", "gzip"), ("inherit", "atime")])
    assert view["compression"] == {"value": "on", "source": "inherited from tank1"}
    assert after["compression"] == {"value": "gzip", "source": "local"}
    assert after["atime"]["source"] == "inherited"
