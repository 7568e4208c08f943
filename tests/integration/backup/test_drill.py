# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/backup_drill.yml on the lab: back up, destroy a VM and a dataset, restore both, compare, time it.

The dataset part needs real ZFS (zfs-fuse: root and /dev/fuse); without it only the VM part runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = ROOT / "playbooks" / "backup_drill.yml"


def _zfs(*argv, check=True):
    done = subprocess.run(["zfs", *argv], capture_output=True, text=True, check=False)
    if check and done.returncode != 0:
        raise AssertionError("zfs %s: %s" % (" ".join(argv), done.stderr))
    return done


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """A throwaway zfs-fuse pool, or None when this machine cannot run one."""
    if os.geteuid() != 0 or not os.path.exists("/dev/fuse") or shutil.which("zpool") is None:
        yield None
        return
    if subprocess.run(
        [str(ROOT / "scripts" / "zfs-fuse-setup.sh"), "start"], capture_output=True, check=False
    ).returncode:
        yield None
        return
    name = "tappaas-drill-%s" % uuid.uuid4().hex[:8]
    vdev = tmp_path_factory.mktemp("drill-vdev") / "d1"
    with open(vdev, "wb") as handle:
        handle.truncate(256 * 1024 * 1024)
    subprocess.run(["zpool", "create", "-o", "cachefile=none", "-m", "none", name, str(vdev)], check=True)
    try:
        yield name
    finally:
        for _attempt in range(20):
            if subprocess.run(["zpool", "destroy", "-f", name], capture_output=True, check=False).returncode == 0:
                break
            time.sleep(0.25)


def test_drill_restores_vm_and_dataset_and_prints_times(backup, lab, run_playbook, tmp_path, monkeypatch, pool):
    for key, value in lab.env.items():
        if key.startswith(("PROXMOX_", "PBS_", "LAB_")):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("PROXMOX_PASSWORD", raising=False)
    monkeypatch.delenv("PBS_PASSWORD", raising=False)
    node_vars = {
        "tappaas_lab": True,
        "tappaas_modules": {
            "vaultwarden": {"vmid": 4801, "node": "tappaas1", "memory": 768},
            "nextcloud": {"vmid": 4802, "node": "tappaas2", "memory": 2048, "cores": 2},
        },
        "backup_pbs_datastore": "drill_store",
        "backup_pve_storage": "drill_pbs",
        "backup_job_id": "drill-nightly",
        "backup_pbs_pve_userid": "drill-pve@pbs",
        "drill_module": "nextcloud",
    }
    if pool:
        _zfs("create", "-p", "-o", "mountpoint=none", "%s/data/nextcloud" % pool)
        node_vars.update(drill_dataset="%s/data/nextcloud" % pool, backup_replica_tank=pool)
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "vars": node_vars,
                    "children": {
                        "tappaas_nodes": {
                            "hosts": {
                                "tappaas1": {
                                    "ansible_connection": "local",
                                    "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                                }
                            },
                        }
                    },
                }
            }
        )
    )
    result = run_playbook(PLAYBOOK, inventory)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr
    print("\n".join(re.findall(r"DRILL: [^\"\n]*", result.stdout)))  # the measured times, with pytest -s
    found = re.search(r"DRILL: module nextcloud VM 4802 restored from (\S+) in ([\d.]+) s", result.stdout)
    assert found, result.stdout[-3000:]
    assert found.group(1).startswith("drill_pbs:backup/vm/4802/")
    snapshots = backup.pbs.admin.datastore("drill_store").snapshots.get()
    assert sorted({snap["backup-id"] for snap in snapshots}) == ["4801", "4802"]
    if pool:
        assert re.search(
            r"DRILL: dataset \S+ restored from its replica in [\d.]+ s; snapshot guid matches", result.stdout
        )
        assert _zfs("list", "-H", "-o", "name", "%s/data/nextcloud" % pool).returncode == 0
