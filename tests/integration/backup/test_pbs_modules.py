# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pbs_datastore, pbs_remote and pbs_job against the PBS twin: the four-step rhythm, bad input, faults."""

from __future__ import annotations

import json


def test_datastore_rhythm_update_and_remove(backup):
    args = {"name": "it_store", "path": "/tank2/it_store", "gc_schedule": "sat 03:00"}
    backup.rhythm("pbs_datastore", args)
    assert backup.pbs.config.datastore("it_store").get()["gc-schedule"] == "sat 03:00"
    changed = backup.run("pbs_datastore", dict(args, gc_schedule="sun 03:00"))
    assert changed["changed_fields"] == ["gc_schedule"], changed
    moved = backup.run("pbs_datastore", dict(args, path="/tank1/elsewhere"))
    assert moved.get("failed") and "path" in moved["msg"], moved
    gone = backup.run("pbs_datastore", {"name": "it_store", "state": "absent"})
    assert gone["changed"] is True
    assert "it_store" not in [d["name"] for d in backup.pbs.config.datastore.get()]


def test_datastore_bad_schedule_fails_before_any_request(backup, lab):
    mark = lab.mark()
    result = backup.run("pbs_datastore", {"name": "it_bad", "path": "/tank2/it_bad", "gc_schedule": "25:00"})
    assert result.get("failed") and result["field"] == "gc_schedule", result
    assert lab.requests(mark, "pbs") == []


def test_remote_rhythm_keeps_secret_out_of_output(backup, lab):
    args = {
        "name": "it_offsite",
        "host": lab.env["PBS_HOST"],
        "port": int(lab.env["PBS_PORT"]),
        "fingerprint": lab.env["PBS_FINGERPRINT"],
        "auth_id": lab.env["PBS_TOKEN_ID"],
        "password": lab.env["PBS_TOKEN_SECRET"],
    }
    results = backup.rhythm("pbs_remote", args)
    for result in results:
        assert lab.env["PBS_TOKEN_SECRET"] not in str(result)
    assert "password" not in backup.pbs.config.remote("it_offsite").get()
    always = backup.run("pbs_remote", dict(args, update_password="always"))
    assert always["changed"] is True and always["changed_fields"] == ["password"]


def test_remote_bad_fingerprint_fails_before_any_write(backup, lab):
    mark = lab.mark()
    result = backup.run(
        "pbs_remote",
        {"name": "it_badfp", "host": "x", "auth_id": "a@pbs", "password": "not-a-real-secret", "fingerprint": "12:34"},
    )
    assert result.get("failed") and result["field"] == "fingerprint", result
    assert lab.writes(mark, "pbs") == []


def _store(backup, name):
    backup.run("pbs_datastore", {"name": name, "path": "/tank2/" + name})


def test_prune_job_rhythm_and_dropped_rule_is_deleted(backup):
    _store(backup, "it_prune")
    args = {
        "id": "it-prune",
        "type": "prune",
        "store": "it_prune",
        "schedule": "02:00",
        "retention": {"keep_last": 4, "keep_daily": 14, "keep_weekly": 8},
    }
    backup.rhythm("pbs_job", args)
    job = backup.pbs.config.prune("it-prune").get()
    assert (job["keep-last"], job["keep-daily"], job["keep-weekly"]) == (4, 14, 8)
    narrowed = backup.run("pbs_job", dict(args, retention={"keep_last": 4, "keep_daily": 7}))
    assert narrowed["changed"] is True, narrowed
    job = backup.pbs.config.prune("it-prune").get()
    assert "keep-weekly" not in job and job["keep-daily"] == 7


def test_prune_retention_that_keeps_nothing_fails_before_any_request(backup, lab):
    mark = lab.mark()
    for retention in ({}, {"keep_daily": 0}):
        result = backup.run(
            "pbs_job",
            {"id": "it-none", "type": "prune", "store": "it_prune", "schedule": "02:00", "retention": retention},
        )
        assert result.get("failed") and result["field"].startswith("retention"), result
    assert lab.requests(mark, "pbs") == []


def test_verify_job_rhythm(backup):
    _store(backup, "it_verify")
    backup.rhythm(
        "pbs_job",
        {
            "id": "it-verify",
            "type": "verify",
            "store": "it_verify",
            "schedule": "04:00",
            "ignore_verified": True,
            "outdated_after": 30,
        },
    )
    assert backup.pbs.config.verify("it-verify").get()["outdated-after"] == 30


def test_sync_job_rhythm_and_undefined_remote(backup, lab):
    _store(backup, "it_sync_src")
    backup.run(
        "pbs_remote",
        {
            "name": "it_sync_remote",
            "host": lab.env["PBS_HOST"],
            "port": int(lab.env["PBS_PORT"]),
            "fingerprint": lab.env["PBS_FINGERPRINT"],
            "auth_id": lab.env["PBS_TOKEN_ID"],
            "password": lab.env["PBS_TOKEN_SECRET"],
        },
    )
    _store(backup, "it_sync_dst")
    backup.rhythm(
        "pbs_job",
        {
            "id": "it-sync",
            "type": "sync",
            "store": "it_sync_src",
            "remote": "it_sync_remote",
            "remote_store": "it_sync_dst",
            "sync_direction": "push",
            "remove_vanished": True,
            "schedule": "05:00",
        },
    )
    mark = lab.mark()
    result = backup.run(
        "pbs_job", {"id": "it-sync2", "type": "sync", "store": "it_sync_src", "remote": "ghost", "remote_store": "x"}
    )
    assert result.get("failed") and result["field"] == "remote", result
    assert lab.writes(mark, "pbs") == []


def test_check_mode_warns_about_a_datastore_an_earlier_task_would_create(backup, lab):
    job = {
        "id": "it-prune-later",
        "type": "prune",
        "store": "it_not_yet",
        "schedule": "02:00",
        "retention": {"keep_last": 3},
    }
    mark = lab.mark()
    checked = backup.run("pbs_job", job, check=True)
    assert not checked.get("failed") and checked["changed"] is True, checked
    # ansible-core 2.19+ returns warnings as structured summaries; the text is inside.
    assert "store: datastore 'it_not_yet' does not exist on the PBS" in json.dumps(checked.get("warnings")), checked
    assert lab.writes(mark, "pbs") == []
    applied = backup.run("pbs_job", job)
    assert applied.get("failed") and applied["field"] == "store", applied


def test_transient_fault_is_retried(backup):
    backup.fault(method="GET", path="/config/prune/it-fault$", status=503, message="service unavailable", times=1)
    _store(backup, "it_fault")
    result = backup.run(
        "pbs_job",
        {"id": "it-fault", "type": "prune", "store": "it_fault", "schedule": "02:00", "retention": {"keep_last": 1}},
    )
    assert result.get("changed") is True, result
