# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Pool topologies: from the definition's (topology, disks) to vdevs, to `zpool create` arguments, and back.

A topology difference on an existing pool can only be fixed by destroying data, so it is described exactly and
reported, never acted on.
"""

from __future__ import annotations

import os
import re

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput

TOPOLOGIES = ("single", "mirror", "raidz1", "raidz2", "raidz3", "stripe_of_mirrors")
_RAIDZ_PARITY = {"raidz1": 1, "raidz2": 2, "raidz3": 3}


def desired_vdevs(topology, disks, field="topology"):
    """[{"type", "disks"}] for the topology; raises InvalidInput when the disk count cannot form it."""
    disks = list(disks or [])
    if topology not in TOPOLOGIES:
        raise InvalidInput(field, "unknown topology '%s' (use one of %s)" % (topology, ", ".join(TOPOLOGIES)))
    if not disks:
        raise InvalidInput("disks", "at least one disk is required")
    if len(set(disks)) != len(disks):
        raise InvalidInput("disks", "a disk is listed twice")
    if topology == "single":
        # Several disks without redundancy are a stripe of single-disk vdevs.
        return [{"type": "disk", "disks": [disk]} for disk in disks]
    if topology == "mirror":
        if len(disks) < 2:
            raise InvalidInput("disks", "a mirror needs at least 2 disks, got %d" % len(disks))
        return [{"type": "mirror", "disks": disks}]
    if topology == "stripe_of_mirrors":
        if len(disks) < 4 or len(disks) % 2:
            raise InvalidInput(
                "disks", "a stripe of mirrors needs an even number of disks, at least 4, got %d" % len(disks)
            )
        return [{"type": "mirror", "disks": disks[i : i + 2]} for i in range(0, len(disks), 2)]
    parity = _RAIDZ_PARITY[topology]
    if len(disks) < parity + 1:
        raise InvalidInput("disks", "%s needs at least %d disks, got %d" % (topology, parity + 1, len(disks)))
    return [{"type": topology, "disks": disks}]


def vdev_arguments(vdevs):
    """The vdev part of `zpool create`: mirror a b mirror c d, raidz1 a b c, or plain disks."""
    argv = []
    for vdev in vdevs:
        if vdev["type"] != "disk":
            argv.append(vdev["type"])
        argv += vdev["disks"]
    return argv


def disk_key(name):
    """A disk as zpool status shows it without -P: /dev/disk/by-id/x and x-part1 are both 'x'.

    OpenZFS prints whole-disk members by their by-id basename and partitions it made with -part1; file vdevs keep
    their absolute path, so paths outside /dev are compared whole.
    """
    if name.startswith("/dev/"):
        name = os.path.basename(name)
    return re.sub(r"-part\d+$", "", name)


def _canonical(vdevs):
    return sorted((vdev["type"], tuple(sorted(disk_key(d) for d in vdev["disks"]))) for vdev in vdevs)


def describe_vdevs(vdevs):
    parts = []
    for vdev in vdevs:
        if vdev["type"] == "disk":
            parts.append(vdev["disks"][0])
        else:
            parts.append("%s(%s)" % (vdev["type"], ", ".join(vdev["disks"])))
    return " + ".join(parts) if parts else "(no data vdevs)"


def topology_drift(pool, wanted, actual):
    """None when the pool has the wanted data vdevs, else the exact difference as text."""
    if _canonical(wanted) == _canonical(actual):
        return None
    wanted_set = _canonical(wanted)
    actual_set = _canonical(actual)
    missing = [v for v in wanted_set if v not in actual_set]
    extra = [v for v in actual_set if v not in wanted_set]

    def show(items):
        return "; ".join("%s(%s)" % (kind, ", ".join(disks)) if kind != "disk" else disks[0] for kind, disks in items)

    return "pool %s is %s but the definition wants %s (wanted and missing: %s; present and not wanted: %s)" % (
        pool,
        describe_vdevs(actual),
        describe_vdevs(wanted),
        show(missing) or "nothing",
        show(extra) or "nothing",
    )
