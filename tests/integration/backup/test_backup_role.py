# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/backup.yml on the lab: PBS and PVE parts, the two-copies warning, idempotence, the off-site sync."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

PLAYBOOK = Path(__file__).resolve().parents[3] / "playbooks" / "backup.yml"


def recap(output):
    found = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert found, output
    return dict(zip(("ok", "changed", "unreachable", "failed"), map(int, found.groups())))


def _inventory(tmp_path, lab, offsite=None):
    node_vars = {
        "tappaas_lab": True,
        "tappaas_modules": {
            "nextcloud": {"vmid": 4601, "backup": {"enabled": True}},
            "scratch": {"vmid": 4602, "backup": {"enabled": False}},
            "identity": {"vmid": 4603},
        },
        "backup_pbs_datastore": "role_store",
        "backup_pve_storage": "role_pbs",
        "backup_pbs_username": lab.env["PBS_TOKEN_ID"],
        "backup_pbs_password": lab.env["PBS_TOKEN_SECRET"],
        "backup_retention": {"keep_last": 4, "keep_daily": 14, "keep_hourly": 0},
        "backup_offsite": offsite or {},
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


def test_bad_offsite_fails_before_any_change(backup, lab, run_playbook, tmp_path, monkeypatch):
    _lab_env(monkeypatch, lab)
    mark = lab.mark()
    result = run_playbook(PLAYBOOK, _inventory(tmp_path, lab, {"type": "tape"}))
    assert result.returncode != 0 and "backup_offsite" in result.stdout
    assert lab.writes(mark, "pbs") == [] and lab.writes(mark, "pve") == []
