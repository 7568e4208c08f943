# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Storage replication jobs (/cluster/replication), as pve-guest-common keeps replication.cfg.

Job ids are ``<vmid>-<jobnum>``; list items carry ``guest`` and ``jobnum`` as integers. PVE refuses a job for a
missing guest, a target that is not a cluster node or is the guest's own node, and a guest with no disk on a
storage that can replicate (ZFS).
"""

from __future__ import annotations

import re

from fakepve.routing import die
from fakepve.schema import load

from lab.pve.sections import SectionConfig

JOBS = "/cluster/replication"
ONE_JOB = "/cluster/replication/{id}"
REPLICABLE_TYPES = ("zfspool",)
NOT_OPTIONS = ("id", "type", "delete", "digest")


def _options():
    return [key for key in load().paths[JOBS]["POST"]["parameters"]["properties"] if key not in NOT_OPTIONS]


class ReplicationApi:
    """Mixin of FakePve: stateful replication jobs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.replication_jobs = SectionConfig(fixed=("type", "target", "guest", "jobnum"), required=("target",))

    def _routes_replication(self):
        return [
            ("GET", JOBS, self._rj_list),
            ("POST", JOBS, self._rj_create),
            ("GET", ONE_JOB, self._rj_read),
            ("PUT", ONE_JOB, self._rj_update),
            ("DELETE", ONE_JOB, self._rj_delete),
        ]

    def _rj_view(self, job_id):
        return self.replication_jobs.view(job_id, "id")

    def _rj_guest(self, vmid):
        guest = self.vm(vmid) or self.guest(vmid)
        if guest is None:
            raise die("Guest '%d' does not exist." % vmid)
        return guest

    def _rj_check_volumes(self, guest):
        for key, value in getattr(guest, "config", {}).items():
            if not re.fullmatch(r"(scsi|virtio|sata|ide|efidisk|tpmstate|rootfs|mp)\d*", key):
                continue
            volume = str(value).split(",", maxsplit=1)[0]
            storage = volume.split(":")[0] if ":" in volume else None
            if "media=cdrom" in str(value) or storage not in self.storages:
                continue
            if self.storages[storage].get("type") in REPLICABLE_TYPES:
                return
        raise die("No replicatable volumes found")

    async def _rj_list(self, values, user):
        return [self._rj_view(job_id) for job_id in sorted(self.replication_jobs.entries)]

    async def _rj_create(self, values, user):
        job_id = values["id"]
        vmid, jobnum = (int(part) for part in job_id.split("-"))
        guest = self._rj_guest(vmid)
        if values["target"] not in self.nodes:
            raise die("Target '%s' does not exist." % values["target"])
        if values.get("source") and values["source"] != guest.node:
            raise die(
                "Source '%s' does not match current node of guest '%d' (%s)" % (values["source"], vmid, guest.node)
            )
        if values["target"] == guest.node:
            raise die("Source and target must not be identical")
        if job_id in self.replication_jobs:
            raise die("replication job '%s' already exists" % job_id)
        self._rj_check_volumes(guest)
        job = {key: values[key] for key in _options() if values.get(key) is not None}
        job.update(type=values["type"], guest=vmid, jobnum=jobnum)
        self.replication_jobs.entries[job_id] = job
        return None

    async def _rj_read(self, values, user):
        if values["id"] not in self.replication_jobs:
            raise die("no such replication job '%s'" % values["id"])
        return self._rj_view(values["id"])

    async def _rj_update(self, values, user):
        job_id = values["id"]
        if job_id not in self.replication_jobs:
            raise die("no such job '%s'" % job_id)
        changes = {key: values[key] for key in _options() if values.get(key) is not None}
        self.replication_jobs.update(job_id, changes, _options(), values.get("digest"), values.get("delete"))
        return None

    async def _rj_delete(self, values, user):
        if values["id"] not in self.replication_jobs:
            raise die("no such job '%s'" % values["id"])
        del self.replication_jobs.entries[values["id"]]
        return None
