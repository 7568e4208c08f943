# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.pve_props import (
    format_net,
    format_prune_backups,
    format_size,
    format_sshkeys,
    format_tags,
    parse_agent,
    parse_disk,
    parse_ipconfig,
    parse_memory,
    parse_net,
    parse_property_string,
    parse_prune_backups,
    parse_sshkeys,
    parse_tags,
    size_to_bytes,
)

KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1 admin@example.org"
KEY_B = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 ops+key@example.org"
# What pve's urlencoded format accepts (pve-common's verify_urlencoded).
URLENCODED = re.compile(r"^[-%a-zA-Z0-9_.!~*'()]*$")


def test_property_string_with_leading_value():
    assert parse_property_string("tank1:vm-101-disk-0,size=32G", default_key="file") == {
        "file": "tank1:vm-101-disk-0",
        "size": "32G",
    }


def test_property_string_refuses_a_bare_value_later_on():
    with pytest.raises(ValueError, match="expected key=value"):
        parse_property_string("a=1,oops")


def test_net_splits_model_and_mac_and_types_options():
    nic = parse_net("virtio=bc:24:11:2a:00:01,bridge=lan,tag=20,firewall=1")
    assert nic == {"model": "virtio", "macaddr": "BC:24:11:2A:00:01", "bridge": "lan", "tag": 20, "firewall": True}


def test_net_from_the_users_dict_defaults_the_model():
    assert parse_net({"bridge": "lan", "tag": "20", "firewall": "yes"}) == {
        "model": "virtio",
        "bridge": "lan",
        "tag": 20,
        "firewall": True,
    }


def test_net_round_trips_with_booleans_as_1_and_0():
    text = format_net(parse_net("e1000=BC:24:11:2A:00:01,bridge=lan,firewall=0,tag=30"))
    assert text == "e1000=BC:24:11:2A:00:01,bridge=lan,tag=30,firewall=0"


@pytest.mark.parametrize(
    ("value", "problem"),
    [({"tag": 5}, "needs a bridge"), ({"bridge": "lan", "model": "ne2k"}, "not one of"), ("virtio=zz,bridge=x", "MAC")],
)
def test_net_refuses_what_pve_refuses(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_net(value)


def test_disk_parses_volume_size_and_flags():
    disk = parse_disk("tank1:vm-101-disk-0,discard=on,iothread=1,size=32G,cache=none")
    assert disk == {
        "volume": "tank1:vm-101-disk-0",
        "storage": "tank1",
        "size": 32 * 1024**3,
        "discard": True,
        "iothread": True,
        "cache": "none",
    }


def test_disk_discard_ignore_is_false():
    assert parse_disk("tank1:vm-1-disk-0,discard=ignore,size=1G")["discard"] == "ignore"


@pytest.mark.parametrize(
    ("value", "size"),
    [
        (32, 32 * 1024**3),
        ("32G", 32 * 1024**3),
        ("512M", 512 * 1024**2),
        ("1.5T", int(1.5 * 1024**4)),
        ("4096K", 4 * 1024**2),
    ],
)
def test_sizes(value, size):
    assert size_to_bytes(value) == size


def test_size_formats_in_the_largest_exact_unit():
    assert [format_size(size) for size in (32 * 1024**3, 1536 * 1024**2, 1024**4)] == ["32G", "1536M", "1T"]


@pytest.mark.parametrize("value", ["32X", "", "big", True])
def test_bad_sizes_are_refused(value):
    with pytest.raises(ValueError, match="disk size"):
        size_to_bytes(value)


@pytest.mark.parametrize("value", ["web;prod", "prod,web", ["web", "prod", "web"], "prod web", ["Prod", "WEB"]])
def test_tags_compare_as_a_set(value):
    assert parse_tags(value) == ["prod", "web"]


def test_tags_are_joined_with_semicolons():
    assert format_tags(["web", "prod"]) == "prod;web"


def test_sshkeys_are_percent_encoded_without_plus_and_accepted_by_pve():
    encoded = format_sshkeys([KEY_A, KEY_B])
    assert URLENCODED.match(encoded)
    assert "+" not in encoded.replace("%2B", "")
    assert "%20" in encoded and "%0A" in encoded


def test_sshkeys_compare_decoded_as_a_set():
    assert parse_sshkeys(format_sshkeys([KEY_B, KEY_A])) == parse_sshkeys(f"{KEY_A}\n{KEY_B}\n\n")
    assert parse_sshkeys([KEY_A, KEY_A + "  "]) == [KEY_A]


@pytest.mark.parametrize("value", [2048, "2048", "current=2048", " 2048 "])
def test_memory_as_string_int_or_property_string(value):
    assert parse_memory(value) == 2048


def test_memory_below_pve_minimum_is_refused():
    with pytest.raises(ValueError, match="at least 16"):
        parse_memory(8)


def test_prune_backups_from_string_and_dict_agree():
    assert parse_prune_backups("keep-last=3,keep-daily=7") == parse_prune_backups({"keep_last": 3, "keep-daily": "7"})
    assert format_prune_backups({"keep-daily": 7, "keep-last": 3}) == "keep-last=3,keep-daily=7"


@pytest.mark.parametrize(
    ("value", "problem"), [("keep-often=3", "not a retention option"), ({"keep-last": -1}, "non-negative")]
)
def test_prune_backups_refuses_nonsense(value, problem):
    with pytest.raises(ValueError, match=problem):
        parse_prune_backups(value)


def test_ipconfig_and_agent():
    assert parse_ipconfig("ip=10.0.0.5/24,gw=10.0.0.1") == {"ip": "10.0.0.5/24", "gw": "10.0.0.1"}
    with pytest.raises(ValueError, match="unknown ipconfig keys"):
        parse_ipconfig({"ip": "dhcp", "dns": "1.1.1.1"})
    assert parse_agent("1") == parse_agent(True) == parse_agent("enabled=1") == {"enabled": True}
