# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_backup_job against the PVE twin: the four-step rhythm, selection switches, bad input."""

from __future__ import annotations

import pytest


def _rhythm_pve(backup, lab, args):
    checked = backup.run("proxmox_backup_job", args, check=True)
    assert checked.get("changed") is True, checked
    mark = lab.mark()
    applied = backup.run("proxmox_backup_job", args)
    assert applied.get("changed") is True, applied
    assert lab.writes(mark, "pve")
    mark = lab.mark()
    again = backup.run("proxmox_backup_job", args)
    assert again.get("changed") is False, again
    assert lab.writes(mark, "pve") == []
    assert backup.run("proxmox_backup_job", args, check=True).get("changed") is False


def test_backup_job_rhythm_and_prune_compared_parsed(backup, lab):
    args = {
        "id": "it-nightly",
        "schedule": "21:00",
        "storage": "local",
        "vmids": [9000],
        "mode": "snapshot",
        "prune_backups": {"keep_last": 3, "keep_daily": 7},
        "notes_template": "{{guestname}}",
    }
    _rhythm_pve(backup, lab, args)
    job = backup.pve_get("/cluster/backup/it-nightly")
    assert job["prune-backups"] == {"keep-last": 3, "keep-daily": 7} and job["vmid"] == "9000"


def test_switch_to_all_with_exclusions_removes_vmid(backup):
    result = backup.run("proxmox_backup_job", {"id": "it-nightly", "all": True, "exclude": [9000]})
    assert result["changed_fields"] == ["selection"], result
    job = backup.pve_get("/cluster/backup/it-nightly")
    assert "vmid" not in job and job["all"] == 1 and job["exclude"] == "9000"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"storage": "nowhere"}, "storage"),
        ({"storage": "tank1"}, "storage"),
        ({"schedule": "mon 25:00"}, "schedule"),
        ({"prune_backups": {"keep_last": 0}}, "prune_backups"),
    ],
)
def test_bad_input_fails_before_any_write(backup, lab, change, field):
    args = dict({"id": "it-bad", "schedule": "21:00", "storage": "local", "vmids": [9000]}, **change)
    mark = lab.mark()
    result = backup.run("proxmox_backup_job", args)
    assert result.get("failed") and result["field"] == field, result
    assert lab.writes(mark, "pve") == []


def test_remove(backup):
    assert backup.run("proxmox_backup_job", {"id": "it-nightly", "state": "absent"})["changed"] is True
    assert backup.run("proxmox_backup_job", {"id": "it-nightly", "state": "absent"})["changed"] is False


def test_run_now_makes_one_snapshot_per_guest(backup, lab):
    upid = backup.pbs.config.datastore.post(name="jobrun", path="/tank2/jobrun")
    for _poll in range(200):
        if backup.pbs.nodes("localhost").tasks(upid).status.get()["status"] == "stopped":
            break
    storage = {
        "storage": "jobrun",
        "type": "pbs",
        "server": lab.env["PBS_HOST"],
        "port": int(lab.env["PBS_PORT"]),
        "datastore": "jobrun",
        "username": lab.env["PBS_TOKEN_ID"],
        "password": lab.env["PBS_TOKEN_SECRET"],
        "fingerprint": lab.env["PBS_FINGERPRINT"],
    }
    assert backup.run("proxmox_storage", storage).get("changed") is True
    for vmid, node in ((4701, "tappaas1"), (4702, "tappaas2")):
        made = backup.run("proxmox_vm", {"vmid": vmid, "name": "run%d" % vmid, "node": node, "memory": 512})
        assert not made.get("failed"), made
    args = {"id": "it-run", "schedule": "21:00", "storage": "jobrun", "vmids": [4701, 4702], "run_now": True}
    checked = backup.run("proxmox_backup_job", args, check=True)
    assert checked["changed"] is True and "runs" not in checked
    assert backup.pbs.admin.datastore("jobrun").snapshots.get() == []
    result = backup.run("proxmox_backup_job", args)
    assert [(run["node"], run["vmids"]) for run in result["runs"]] == [("tappaas1", [4701]), ("tappaas2", [4702])]
    snapshots = backup.pbs.admin.datastore("jobrun").snapshots.get()
    assert sorted(snap["backup-id"] for snap in snapshots) == ["4701", "4702"]
