# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduled vzdump jobs (/cluster/backup), kept as PVE keeps jobs.cfg.

As PVE answers: ``prune-backups`` is sent as a property string but read back as an object, ``enabled`` defaults
to 1 and is stored, ``next-run`` is computed from the schedule for enabled jobs, and the guest selection
(``vmid`` | ``all`` [+ ``exclude``] | ``pool``) is checked with PVE's messages.
"""

from __future__ import annotations

import uuid

from fakepve.model import PveError
from fakepve.routing import die
from fakepve.schema import load

from lab.pve.next_run import next_run
from lab.pve.sections import SectionConfig

JOBS = "/cluster/backup"
ONE_JOB = "/cluster/backup/{id}"
NOT_OPTIONS = ("id", "delete", "digest")


def _bad(field, message):
    return PveError(400, "Parameter verification failed.", {field: message})


def _options():
    return [key for key in load().paths[JOBS]["POST"]["parameters"]["properties"] if key not in NOT_OPTIONS]


def _check_selection(job):
    """PVE::VZDump::verify_vzdump_parameters: one way of choosing guests, and a schedule."""
    if job.get("starttime") and job.get("schedule"):
        raise _bad("starttime", "'starttime' and 'schedule' cannot both be set")
    if not job.get("starttime") and not job.get("schedule"):
        raise _bad("schedule", "neither 'starttime' nor 'schedule' were set")
    if job.get("vmid"):
        for other in ("all", "exclude", "pool"):
            if job.get(other):
                raise _bad(other, "option conflicts with option 'vmid'")
    elif not job.get("all") and not job.get("pool"):
        raise _bad("vmid", "property is missing")


def _prune_object(text):
    """keep-last=3,keep-daily=7 as PVE reads it back: an object of integers (keep-all a 1/0 boolean)."""
    out = {}
    for part in str(text).split(","):
        key, _eq, value = part.partition("=")
        if key:
            out[key] = int(value)
    return out


class BackupJobApi:
    """Mixin of FakePve: stateful vzdump jobs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.backup_jobs = SectionConfig(fixed=("type",))

    def _routes_backup_jobs(self):
        return [
            ("GET", JOBS, self._bj_list),
            ("POST", JOBS, self._bj_create),
            ("GET", ONE_JOB, self._bj_read),
            ("PUT", ONE_JOB, self._bj_update),
            ("DELETE", ONE_JOB, self._bj_delete),
        ]

    def _bj_view(self, job_id):
        job = self.backup_jobs.view(job_id, "id")
        job.pop("digest")
        job["type"] = "vzdump"
        if "prune-backups" in job:
            job["prune-backups"] = _prune_object(job["prune-backups"])
        if job.get("enabled", 1) and job.get("schedule"):
            when = next_run(job["schedule"])
            if when is not None:
                job["next-run"] = when
        return job

    def _bj_check_refs(self, job):
        if job.get("storage") and job["storage"] not in self.storages:
            raise die("storage '%s' does not exist" % job["storage"])
        if job.get("node") and job["node"] not in self.nodes:
            raise die("no such cluster node '%s'" % job["node"])

    async def _bj_list(self, values, user):
        return [self._bj_view(job_id) for job_id in sorted(self.backup_jobs.entries)]

    async def _bj_create(self, values, user):
        job_id = values.get("id") or "backup-%s" % str(uuid.uuid4())[:13]
        if job_id in self.backup_jobs:
            raise die("Job '%s' already exists" % job_id)
        job = {key: values[key] for key in _options() if values.get(key) is not None}
        job.setdefault("enabled", 1)
        _check_selection(job)
        self._bj_check_refs(job)
        self.backup_jobs.entries[job_id] = job
        return None

    def _bj_find(self, job_id):
        if job_id not in self.backup_jobs:
            raise _bad("id", "No such job '%s'" % job_id)
        return self.backup_jobs.get(job_id)

    async def _bj_read(self, values, user):
        self._bj_find(values["id"])
        return self._bj_view(values["id"])

    async def _bj_update(self, values, user):
        job_id = values["id"]
        if job_id not in self.backup_jobs:
            raise die("no such vzdump job")
        changes = {key: values[key] for key in _options() if values.get(key) is not None}
        if not changes and not values.get("delete"):
            raise die("no options specified")
        before = dict(self.backup_jobs.get(job_id))
        for option in str(values.get("delete") or "").split(","):
            if option and option not in _options():
                raise _bad("delete", "unknown option '%s'" % option)
        self.backup_jobs.update(job_id, changes, _options(), values.get("digest"), values.get("delete"))
        job = self.backup_jobs.get(job_id)
        if changes.get("vmid"):
            # PVE drops the other selections when vmid is set, rather than keeping a conflict.
            for other in ("all", "exclude", "pool"):
                if other not in changes:
                    job.pop(other, None)
        try:
            _check_selection(job)
            self._bj_check_refs(job)
        except PveError:
            self.backup_jobs.entries[job_id] = before
            raise
        return None

    async def _bj_delete(self, values, user):
        self._bj_find(values["id"])
        del self.backup_jobs.entries[values["id"]]
        return None
