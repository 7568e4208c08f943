# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/backup.yml on the lab: PBS and PVE parts, the two-copies warning, idempotence, the off-site sync."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from .conftest import pve_api, wait_task

PLAYBOOK = Path(__file__).resolve().parents[3] / "playbooks" / "backup.yml"


def recap(output):
    found = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert found, output
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, found.groups())))


def _inventory(tmp_path, lab, offsite=None, modules=None, **role_vars):
    node_vars = {
        "tappaas_lab": True,
        "tappaas_modules": modules
        or {
            "nextcloud": {"vmid": 4601, "backup": {"enabled": True}},
            "scratch": {"vmid": 4602, "backup": {"enabled": False}},
            "identity": {"vmid": 4603},
        },
        "backup_pbs_datastore": "role_store",
        "backup_pve_storage": "role_pbs",
        "backup_pbs_pve_userid": "role-pve@pbs",
        "backup_retention": {"keep_last": 4, "keep_daily": 14, "keep_hourly": 0},
        "backup_offsite": offsite or {},
        **role_vars,
    }
    inventory = {
        "all": {
            "children": {
                "tappaas_nodes": {
                    "hosts": {
                        "tappaas1": {
                            "ansible_connection": "local",
                            "ansible_python_interpreter": "{{ ansible_playbook_python }}",
                        }
                    },
                    "vars": node_vars,
                }
            }
        }
    }
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(inventory))
    return path


def _lab_env(monkeypatch, lab):
    for key, value in lab.env.items():
        if key.startswith(("PROXMOX_", "PBS_", "LAB_")):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("PROXMOX_PASSWORD", raising=False)
    monkeypatch.delenv("PBS_PASSWORD", raising=False)


def test_backup_role_two_copies_then_three(backup, lab, run_playbook, tmp_path, monkeypatch):
    _lab_env(monkeypatch, lab)
    inventory = _inventory(tmp_path, lab)
    first = run_playbook(PLAYBOOK, inventory)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "TWO copies" in first.stdout
    assert lab.env["PBS_TOKEN_SECRET"] not in first.stdout
    store = backup.pbs.config.datastore("role_store").get()
    assert store["path"] == "/tank2/role_store" and store["gc-schedule"] == "03:00"
    prune = backup.pbs.config.prune("tappaas-nightly-prune").get()
    assert (prune["keep-last"], prune["keep-daily"]) == (4, 14) and "keep-hourly" not in prune
    assert backup.pbs.config.verify("tappaas-nightly-verify").get()["outdated-after"] == 30
    storage = backup.pve_get("/storage/role_pbs")
    assert storage["fingerprint"] == lab.env["PBS_FINGERPRINT"] and storage["datastore"] == "role_store"
    # PVE backs up with the role's own token, which may only back up to this datastore.
    assert storage["username"] == "role-pve@pbs!pve" and "password" not in storage
    grants = {(e["ugid"], e["path"], e["roleid"]) for e in backup.pbs.access.acl.get() if "role-pve" in e["ugid"]}
    assert grants == {
        (ugid, "/datastore/role_store", "DatastoreBackup") for ugid in ("role-pve@pbs", "role-pve@pbs!pve")
    }
    job = backup.pve_get("/cluster/backup/tappaas-nightly")
    assert job["vmid"] == "4601,4603" and job["storage"] == "role_pbs" and job["prune-backups"] == {"keep-all": 1}

    mark = lab.mark()
    again = run_playbook(PLAYBOOK, inventory)
    assert again.returncode == 0, again.stdout + again.stderr
    assert recap(again.stdout)["changed"] == 0, again.stdout
    assert lab.writes(mark, "pbs") == [] and lab.writes(mark, "pve") == []

    offsite = {
        "type": "pbs",
        "remote_store": "role_offsite",
        "direction": "push",
        "remote": {
            "name": "role-remote",
            "host": lab.env["PBS_HOST"],
            "port": int(lab.env["PBS_PORT"]),
            "fingerprint": lab.env["PBS_FINGERPRINT"],
            "auth_id": lab.env["PBS_TOKEN_ID"],
            "password": lab.env["PBS_TOKEN_SECRET"],
        },
    }
    backup.run("pbs_datastore", {"name": "role_offsite", "path": "/tank2/role_offsite"})
    third = run_playbook(PLAYBOOK, _inventory(tmp_path, lab, offsite))
    assert third.returncode == 0, third.stdout + third.stderr
    assert "TWO copies" not in third.stdout and lab.env["PBS_TOKEN_SECRET"] not in third.stdout
    sync = backup.pbs.config.sync("tappaas-offsite").get()
    assert sync["remote"] == "role-remote" and sync["sync-direction"] == "push"


def test_a_lost_storage_gets_a_new_token_secret_that_backs_up(backup, lab, run_playbook, tmp_path, monkeypatch):
    """The secret lives only in the PVE storage: remade, the storage gets a fresh secret, and backups work."""
    _lab_env(monkeypatch, lab)
    pve = pve_api(lab)
    inventory = _inventory(tmp_path, lab)
    assert run_playbook(PLAYBOOK, inventory).returncode == 0
    pve.storage("role_pbs").delete()
    remade = run_playbook(PLAYBOOK, inventory)
    assert remade.returncode == 0, remade.stdout + remade.stderr
    assert re.search(r"Give the token a new secret[^\n]*\n(?:\s*\*+\n)?changed: ", remade.stdout), remade.stdout
    assert backup.pve_get("/storage/role_pbs")["username"] == "role-pve@pbs!pve"
    assert wait_task(pve, "tappaas1", pve.nodes("tappaas1").qemu.post(vmid=4631, name="rot", memory=512)) == "OK"
    try:
        assert wait_task(pve, "tappaas1", pve.nodes("tappaas1").vzdump.post(vmid=4631, storage="role_pbs")) == "OK"
    finally:
        wait_task(pve, "tappaas1", pve.nodes("tappaas1").qemu(4631).delete(purge=1))
    (snapshot,) = [s for s in backup.pbs.admin.datastore("role_store").snapshots.get() if s["backup-id"] == "4631"]
    assert snapshot["owner"] == "role-pve@pbs!pve"
    mark = lab.mark()
    again = run_playbook(PLAYBOOK, inventory)
    assert again.returncode == 0 and recap(again.stdout)["changed"] == 0, again.stdout
    assert lab.writes(mark, "pbs") == [] and lab.writes(mark, "pve") == []


def test_bad_offsite_fails_before_any_change(backup, lab, run_playbook, tmp_path, monkeypatch):
    _lab_env(monkeypatch, lab)
    mark = lab.mark()
    result = run_playbook(PLAYBOOK, _inventory(tmp_path, lab, {"type": "tape"}))
    assert result.returncode != 0 and "backup_offsite" in result.stdout
    assert lab.writes(mark, "pbs") == [] and lab.writes(mark, "pve") == []


def _jobs(backup, prefix):
    """{job id: (schedule, vmids)} of the jobs with this id prefix."""
    return {
        job["id"]: (job["schedule"], job.get("vmid", ""))
        for job in backup.pve_get("/cluster/backup")
        if job["id"].startswith(prefix)
    }


def test_one_vzdump_job_per_schedule(backup, lab, run_playbook, tmp_path, monkeypatch):
    _lab_env(monkeypatch, lab)
    role_vars = {"backup_job_id": "sched-nightly", "backup_job_prefix": "sched-"}
    modules = {
        "wiki": {"vmid": 4611},
        "postgres": {"vmid": 4612, "backup": {"schedule": "02:00"}},
        "ldap": {"vmid": 4613, "backup": {"schedule": "02:00"}},
        "same": {"vmid": 4614, "backup": {"schedule": "21:00"}},  # the nightly schedule: the nightly job
    }
    inventory = _inventory(tmp_path, lab, modules=modules, **role_vars)
    mark = lab.mark()
    checked = run_playbook(PLAYBOOK, inventory, "--check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert lab.writes(mark, "pve") == [] and recap(checked.stdout)["changed"] > 0
    first = run_playbook(PLAYBOOK, inventory)
    assert first.returncode == 0, first.stdout + first.stderr
    # A job with the role's prefix that the role did not make (no comment of its own) is never removed.
    by_hand = {"id": "sched-by-hand", "schedule": "05:00", "storage": "role_pbs", "vmids": [4619]}
    assert backup.run("proxmox_backup_job", by_hand)["changed"] is True
    assert _jobs(backup, "sched-") == {
        "sched-nightly": ("21:00", "4611,4614"),
        "sched-02-00": ("02:00", "4612,4613"),
        "sched-by-hand": ("05:00", "4619"),
    }
    mark = lab.mark()
    again = run_playbook(PLAYBOOK, inventory)
    assert recap(again.stdout)["changed"] == 0 and lab.writes(mark, "pve") == [], again.stdout
    checked = run_playbook(PLAYBOOK, inventory, "--check")
    assert recap(checked.stdout)["changed"] == 0, checked.stdout

    # postgres moves to the nightly job and ldap to a new schedule: the 02:00 job is empty, so it goes.
    modules["postgres"]["backup"] = {}
    modules["ldap"]["backup"] = {"schedule": "sun 01:00"}
    changed = run_playbook(PLAYBOOK, _inventory(tmp_path, lab, modules=modules, **role_vars))
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert _jobs(backup, "sched-") == {
        "sched-nightly": ("21:00", "4611,4612,4614"),
        "sched-sun-01-00": ("sun 01:00", "4613"),
        "sched-by-hand": ("05:00", "4619"),
    }


def test_schedules_that_share_a_job_id_fail_before_any_change(backup, lab, run_playbook, tmp_path, monkeypatch):
    _lab_env(monkeypatch, lab)
    modules = {
        "a": {"vmid": 4621, "backup": {"schedule": "02:00"}},
        "b": {"vmid": 4622, "backup": {"schedule": "02-00"}},
    }
    mark = lab.mark()
    result = run_playbook(PLAYBOOK, _inventory(tmp_path, lab, modules=modules, backup_job_prefix="clash-"))
    assert result.returncode != 0 and "clash-02-00 for 02:00 and 02-00" in result.stdout, result.stdout
    assert lab.writes(mark, "pbs") == [] and lab.writes(mark, "pve") == []
