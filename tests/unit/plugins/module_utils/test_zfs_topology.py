# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_topology import (
    desired_vdevs,
    disk_key,
    topology_drift,
    vdev_arguments,
)


@pytest.mark.parametrize(
    ("topology", "disks", "argv"),
    [
        ("single", ["a"], ["a"]),
        ("single", ["a", "b"], ["a", "b"]),
        ("mirror", ["a", "b"], ["mirror", "a", "b"]),
        ("raidz1", ["a", "b", "c"], ["raidz1", "a", "b", "c"]),
        ("raidz2", ["a", "b", "c"], ["raidz2", "a", "b", "c"]),
        ("stripe_of_mirrors", ["a", "b", "c", "d"], ["mirror", "a", "b", "mirror", "c", "d"]),
    ],
)
def test_topologies_become_zpool_create_arguments(topology, disks, argv):
    assert vdev_arguments(desired_vdevs(topology, disks)) == argv


@pytest.mark.parametrize(
    ("topology", "disks", "field", "message"),
    [
        ("mirror", ["a"], "disks", "a mirror needs at least 2 disks, got 1"),
        ("raidz2", ["a", "b"], "disks", "raidz2 needs at least 3 disks, got 2"),
        ("stripe_of_mirrors", ["a", "b", "c"], "disks", "even number of disks, at least 4, got 3"),
        ("mirror", ["a", "a"], "disks", "a disk is listed twice"),
        ("mirror", [], "disks", "at least one disk"),
        ("raid10", ["a", "b"], "topology", "unknown topology 'raid10'"),
    ],
)
def test_impossible_layouts_are_refused_naming_the_field(topology, disks, field, message):
    with pytest.raises(InvalidInput) as raised:
        desired_vdevs(topology, disks)
    assert raised.value.field_path == field
    assert message in raised.value.problem


def test_disks_compare_by_the_name_zpool_status_shows():
    assert disk_key("/dev/disk/by-id/nvme-X") == "nvme-X"
    assert disk_key("nvme-X-part1") == "nvme-X"
    assert disk_key("/dev/sda") == "sda"
    assert disk_key("/tmp/zfs/d1") == "/tmp/zfs/d1"


def test_same_layout_in_another_order_is_no_drift():
    wanted = desired_vdevs("stripe_of_mirrors", ["/dev/disk/by-id/a", "/dev/disk/by-id/b", "c", "d"])
    actual = [{"type": "mirror", "disks": ["d", "c"]}, {"type": "mirror", "disks": ["b-part1", "a"]}]
    assert topology_drift("tank1", wanted, actual) is None


def test_drift_names_the_exact_difference():
    wanted = desired_vdevs("raidz1", ["a", "b", "c"])
    actual = [{"type": "mirror", "disks": ["a", "b"]}]
    text = topology_drift("tank1", wanted, actual)
    assert text == (
        "pool tank1 is mirror(a, b) but the definition wants raidz1(a, b, c) "
        "(wanted and missing: raidz1(a, b, c); present and not wanted: mirror(a, b))"
    )


def test_a_missing_disk_is_drift():
    wanted = desired_vdevs("mirror", ["a", "b"])
    assert "mirror(a)" in topology_drift("p", wanted, [{"type": "mirror", "disks": ["a"]}])
