# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.normalise import (
    comma_list,
    selected_key,
    selected_keys,
    to_bool,
    to_dict,
    to_int,
    to_list,
    to_set,
    to_str,
)


@pytest.mark.parametrize(
    "value, expected",
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
        ("on", True),
        ("OFF", False),
        ("yes", True),
        ("no", False),
        ("true", True),
        ("False", False),
        (" enabled ", True),
        ("", None),
        (None, None),
    ],
)
def test_to_bool(value, expected):
    assert to_bool(value) is expected


@pytest.mark.parametrize("value", ["maybe", 2, 1.0, [], {}])
def test_to_bool_refuses_anything_else(value):
    with pytest.raises(ValueError, match="expected a boolean"):
        to_bool(value)


@pytest.mark.parametrize("value, expected", [(5, 5), ("42", 42), (" 7 ", 7), ("-3", -3), (8.0, 8), ("", None)])
def test_to_int(value, expected):
    assert to_int(value) == expected


@pytest.mark.parametrize("value", [True, "4.5", 4.5, "ten", [1]])
def test_to_int_refuses_anything_else(value):
    with pytest.raises(ValueError, match="expected an integer"):
        to_int(value)


def test_to_str():
    assert to_str("a") == "a"
    assert to_str(3) == "3"
    assert to_str(None) is None
    with pytest.raises(ValueError):
        to_str(True)
    with pytest.raises(ValueError):
        to_str(["a"])


def test_comma_list_splits_and_passes_lists_through():
    assert comma_list("a, b,,c ") == ["a", "b", "c"]
    assert comma_list("") == []
    assert comma_list(["x", "y"]) == ["x", "y"]
    assert comma_list("a;b", separator=";") == ["a", "b"]
    with pytest.raises(ValueError):
        comma_list(3)


def test_to_set_ignores_order_and_duplicates():
    assert to_set("web,db, web") == to_set(["db", "web"]) == ["db", "web"]
    assert to_set([]) == []
    assert to_set(None) is None


def test_to_list_and_to_dict():
    assert to_list(("a", "b")) == ["a", "b"]
    assert to_list("a") == ["a"]
    assert to_list({"b", "a"}) == ["a", "b"]
    assert to_dict({"a": 1}) == {"a": 1}
    with pytest.raises(ValueError):
        to_list({"a": 1})
    with pytest.raises(ValueError):
        to_dict("a=1")


OPTION_MAP = {
    "lan": {"value": "LAN", "selected": 1},
    "wan": {"value": "WAN", "selected": 0},
    "opt1": {"value": "DMZ", "selected": "1"},
}


def test_selected_keys_reads_opnsense_option_maps():
    assert selected_keys(OPTION_MAP) == ["lan", "opt1"]
    # The user's (already normal) forms pass through, so both sides can use the same normaliser.
    assert selected_keys(["lan", "opt1"]) == ["lan", "opt1"]
    assert selected_keys("lan,opt1") == ["lan", "opt1"]


def test_selected_key_reads_a_single_choice():
    assert selected_key({"inet": {"value": "IPv4", "selected": 1}, "inet6": {"value": "IPv6", "selected": 0}}) == "inet"
    assert selected_key({"": {"value": "none", "selected": 1}, "a": {"value": "A", "selected": 0}}) is None
    assert selected_key({"a": {"selected": 0}}) is None
    assert selected_key("inet") == "inet"
    with pytest.raises(ValueError, match="one selected option"):
        selected_key(OPTION_MAP)
