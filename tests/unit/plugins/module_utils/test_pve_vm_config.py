# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from urllib.parse import quote

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pve_vm_config import (
    REDACTED,
    config_view,
    desired_config,
    merged_pending,
    plan_update,
    waits_for_reboot,
)

KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1 admin@example.org"
# A config as PVE 9 returns it: memory as a string, a MAC injected, disks with volume and size, tags ';'-joined.
PVE_CONFIG = {
    "name": "web",
    "cores": 2,
    "memory": "2048",
    "onboot": 1,
    "agent": "1",
    "net0": "virtio=BC:24:11:2A:00:01,bridge=lan,tag=20,firewall=1",
    "scsi0": "tank1:vm-101-disk-0,discard=on,size=32G",
    "ide2": "tank1:vm-101-cloudinit,media=cdrom",
    "ipconfig0": "ip=dhcp",
    "sshkeys": quote(KEY + "\n", safe=""),
    "tags": "web;prod",
    "cipassword": "**********",
    "digest": "abc",
}
SAME_AS_USER_WROTE_IT = {
    "name": "web",
    "cores": 2,
    "memory": 2048,
    "onboot": True,
    "agent": True,
    "nics": {"net0": {"bridge": "lan", "tag": 20, "firewall": True}},
    "disks": {"scsi0": {"size": "32G", "storage": "tank1", "discard": True}},
    "ipconfig": {"ipconfig0": {"ip": "dhcp"}},
    "sshkeys": [KEY],
    "tags": ["prod", "web"],
}


def plan(spec, config=None, **kwargs):
    return plan_update(config_view(config or PVE_CONFIG), desired_config(spec), **kwargs)


def test_a_config_that_matches_plans_nothing():
    result = plan(SAME_AS_USER_WROTE_IT, managed_prefixes=("net", "ipconfig"))
    assert not result.changed
    assert result.before == result.after


def test_memory_as_string_in_the_spec_is_no_change():
    assert not plan({"memory": "2048"}).changed


def test_only_changed_keys_are_sent_in_wire_form():
    result = plan(dict(SAME_AS_USER_WROTE_IT, memory=4096, tags=["web", "db"]))
    assert result.changes == {"memory": 4096, "tags": "db;web"}
    assert result.before["memory"] == 2048 and result.after["memory"] == 4096


def test_a_vlan_change_keeps_the_mac():
    result = plan({"nics": {"net0": {"bridge": "lan", "tag": 30}}})
    assert result.changes == {"net0": "virtio=BC:24:11:2A:00:01,bridge=lan,tag=30,firewall=1"}


def test_unlisted_nics_and_ipconfigs_are_deleted_when_managed():
    config = dict(PVE_CONFIG, net1="virtio=BC:24:11:2A:00:02,bridge=wan", ipconfig1="ip=dhcp")
    result = plan(SAME_AS_USER_WROTE_IT, config, managed_prefixes=("net", "ipconfig"))
    assert sorted(result.deletes) == ["ipconfig1", "net1"]
    assert result.after["net1"] is None
    assert not plan(SAME_AS_USER_WROTE_IT, config).deletes


def test_a_bigger_disk_is_a_resize_not_a_config_change():
    result = plan({"disks": {"scsi0": {"size": 40}}})
    assert result.resizes == [("scsi0", 40 * 1024**3)]
    assert result.changes == {}
    assert result.after["scsi0"]["size"] == "40G"


def test_a_smaller_disk_is_refused_before_anything_is_planned():
    with pytest.raises(InvalidInput) as caught:
        plan({"disks": {"scsi0": {"size": "16G"}}})
    assert caught.value.field_path == "disks.scsi0.size"
    assert "only grow" in caught.value.problem


def test_a_disk_option_change_keeps_the_volume():
    result = plan({"disks": {"scsi0": {"ssd": True}}})
    assert result.changes == {"scsi0": "tank1:vm-101-disk-0,discard=on,ssd=1"}


def test_a_new_disk_is_allocated_on_the_default_storage():
    result = plan({"disks": {"scsi1": {"size": "10G"}}}, default_storage="tank2")
    assert result.changes == {"scsi1": "tank2:10"}


def test_sshkeys_are_compared_decoded_and_sent_encoded():
    other = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB2 other@example.org"
    result = plan({"sshkeys": [KEY, other]})
    assert set(result.after["sshkeys"]) == {KEY, other}
    assert "%20" in result.changes["sshkeys"] and " " not in result.changes["sshkeys"]


def test_a_password_is_sent_only_when_asked_and_never_shown():
    result = plan({}, password="s3cret-pw")
    assert result.changes == {"cipassword": "s3cret-pw"}
    assert result.after["cipassword"] == REDACTED
    assert "s3cret-pw" not in repr(result.before) + repr(result.after)


def test_bad_input_names_the_option():
    with pytest.raises(InvalidInput, match=r"nics\.net0"):
        desired_config({"nics": {"net0": {"tag": 4}}})
    with pytest.raises(InvalidInput, match=r"nics\.eth0"):
        desired_config({"nics": {"eth0": {"bridge": "lan"}}})
    with pytest.raises(InvalidInput, match=r"disks\.scsi0"):
        desired_config({"disks": {"scsi0": {"size": "lots"}}})


def test_pending_values_win_and_report_a_reboot():
    config, waiting = merged_pending(
        [
            {"key": "memory", "value": "2048", "pending": "4096"},
            {"key": "cores", "value": 2},
            {"key": "net1", "value": "virtio,bridge=wan", "delete": 1},
        ]
    )
    assert config == {"memory": "4096", "cores": 2}
    assert waiting == ["memory", "net1"]


@pytest.mark.parametrize(
    ("key", "hotplug", "waits"),
    [
        ("tags", None, False),
        ("net0", None, False),
        ("net0", "disk,usb", True),
        ("scsi1", None, False),
        ("memory", None, True),
        ("memory", "network,disk,memory", False),
        ("cores", "1", False),
        ("bios", "1", True),
    ],
)
def test_which_changes_wait_for_a_reboot(key, hotplug, waits):
    assert waits_for_reboot(key, hotplug) is waits
