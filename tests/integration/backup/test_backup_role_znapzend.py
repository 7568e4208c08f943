# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The backup role's znapzend part on real ZFS (zfs-fuse): the plans, the replica destination, the package check."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
PLAYBOOK = ROOT / "playbooks" / "backup.yml"


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    if os.geteuid() != 0 or not os.path.exists("/dev/fuse") or shutil.which("zpool") is None:
        pytest.skip("needs root, /dev/fuse and zfs-fuse")
    setup = subprocess.run(
        [str(ROOT / "scripts" / "zfs-fuse-setup.sh"), "start"], capture_output=True, text=True, check=False
    )
    if setup.returncode:
        pytest.skip("zfs-fuse does not start here: %s" % setup.stderr.strip())
    name = "tappaas-bkrole-%s" % uuid.uuid4().hex[:8]
    vdev = tmp_path_factory.mktemp("bkrole-vdev") / "d1"
    with open(vdev, "wb") as handle:
        handle.truncate(256 * 1024 * 1024)
    subprocess.run(["zpool", "create", "-o", "cachefile=none", "-m", "none", name, str(vdev)], check=True)
    subprocess.run(["zfs", "create", "-p", "-o", "mountpoint=none", name + "/data/nextcloud"], check=True)
    yield name
    for _attempt in range(20):
        if subprocess.run(["zpool", "destroy", "-f", name], capture_output=True, check=False).returncode == 0:
            break
        time.sleep(0.25)


def _inventory(tmp_path, lab, pool, **extra):
    local = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    variables = {
        "tappaas_lab": True,
        "tappaas_modules": {},
        "backup_pbs_datastore": "zz_store",
        "backup_pve_storage": "zz_pbs",
        "backup_job_id": "zz-nightly",
        "backup_pbs_pve_userid": "zz-pve@pbs",
        "backup_manage_znapzend": True,
        "backup_replica_tank": pool,
        "backup_protected_datasets": [
            {"dataset": pool + "/data/nextcloud", "node": "tappaas1", "tank": "tank1", "plan": "7d=>1h,30d=>1d"}
        ],
        "backup_offsite": {"type": "znapzend", "destination": "backup@offsite.example:vault/tappaas", "plan": "1y=>1w"},
    }
    variables.update(extra)
    inventory = {
        "all": {"vars": variables, "children": {"tappaas_nodes": {"hosts": {"tappaas1": local, "tappaas2": local}}}}
    }
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(inventory))
    return path


def _props(dataset):
    done = subprocess.run(
        ["zfs", "get", "-H", "-s", "local", "-o", "property,value", "all", dataset],
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(line.split("\t", 1) for line in done.stdout.splitlines() if line.startswith("org.znapzend:"))


def _env(monkeypatch, lab):
    for key, value in lab.env.items():
        if key.startswith(("PROXMOX_", "PBS_", "LAB_")):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("PROXMOX_PASSWORD", raising=False)
    monkeypatch.delenv("PBS_PASSWORD", raising=False)


def test_unpackaged_znapzend_fails_with_a_clear_message(lab, run_playbook, tmp_path, monkeypatch, pool):
    policy = subprocess.run(["apt-cache", "policy", "znapzend"], capture_output=True, text=True, check=False)
    if "Candidate:" in policy.stdout and "Candidate: (none)" not in policy.stdout:
        pytest.skip("this machine has a znapzend package")
    _env(monkeypatch, lab)
    result = run_playbook(PLAYBOOK, _inventory(tmp_path, lab, pool))
    assert result.returncode != 0
    assert "znapzend is not packaged for this distribution" in result.stdout
    assert _props(pool + "/data/nextcloud") == {}, "plans were written although the daemon cannot run"


def test_plans_with_replica_and_offsite_destinations(lab, run_playbook, tmp_path, monkeypatch, pool):
    _env(monkeypatch, lab)
    inventory = _inventory(tmp_path, lab, pool, backup_znapzend_install=False)
    first = run_playbook(PLAYBOOK, inventory)
    assert first.returncode == 0, first.stdout[-4000:] + first.stderr
    props = _props(pool + "/data/nextcloud")
    assert props["org.znapzend:src_plan"] == "7days=>1hours,30days=>1days"
    assert props["org.znapzend:dst_a"] == "root@tappaas2:%s/replica/tappaas1/%s_data_nextcloud" % (pool, pool)
    assert props["org.znapzend:dst_b"] == "backup@offsite.example:vault/tappaas/tappaas1/%s_data_nextcloud" % pool
    assert props["org.znapzend:dst_b_plan"] == "1years=>1weeks"
    again = run_playbook(PLAYBOOK, inventory)
    assert again.returncode == 0
    assert "changed=0" in again.stdout.split("PLAY RECAP")[-1].split("\n")[1], again.stdout[-2000:]
