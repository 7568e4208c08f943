# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Export the zfs-fuse pools a lab site made on its disk files, so `lab down` leaves no pool imported.

The lab inventory (inventories/lab/group_vars/all/tanks.yml) puts every tank on sparse files in <state>/disks.
A pool is the lab's when one of its vdevs lives there; pools of anything else on the machine are left alone.
Exporting (not destroying) keeps the data: the storage role imports the pools again from that directory.
"""

from __future__ import annotations

import os
import shutil
import subprocess

DISK_DIR = "disks"


def _zpool(*args):
    return subprocess.run(["zpool", *args], capture_output=True, text=True, timeout=60, check=False)


def lab_pools(state_dir):
    """Names of the imported pools with a vdev under <state_dir>/disks (empty when ZFS does not answer)."""
    disk_dir = os.path.join(os.path.abspath(state_dir), DISK_DIR) + os.sep
    if shutil.which("zpool") is None or not os.path.isdir(disk_dir):
        return []
    listed = _zpool("list", "-H", "-o", "name")
    if listed.returncode != 0:
        return []
    pools = []
    for name in listed.stdout.split():
        status = _zpool("status", "-P", name)
        if disk_dir in status.stdout:
            pools.append(name)
    return pools


def export_lab_pools(state_dir):
    """Exports the lab's pools; returns (exported, failures) with zpool's own message for each failure."""
    exported, failures = [], []
    for name in lab_pools(state_dir):
        done = _zpool("export", "-f", name)
        if done.returncode == 0:
            exported.append(name)
        else:
            failures.append("%s: %s" % (name, (done.stderr or done.stdout).strip()))
    return exported, failures
