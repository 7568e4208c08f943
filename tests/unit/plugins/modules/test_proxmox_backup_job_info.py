# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_backup_job_info: the jobs of /cluster/backup, filtered by id prefix, with their guests."""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.modules.proxmox_backup_job_info import list_jobs


class ListingPve:
    """The one call the module makes: GET cluster/backup."""

    def __init__(self, jobs):
        self.jobs = jobs
        self.paths = []

    def get(self, path, **params):
        self.paths.append(path)
        return self.jobs


JOBS = [
    {"id": "tappaas-nightly", "schedule": "21:00", "storage": "pbs", "vmid": "330,320", "comment": "managed"},
    {"id": "tappaas-02-00", "schedule": "02:00", "storage": "pbs", "vmid": "230", "enabled": 0},
    {"id": "backup-1a2b", "schedule": "sun 01:00", "storage": "local", "all": 1, "exclude": "9000"},
    {"id": "tappaas-pool", "schedule": "03:00", "storage": "pbs", "pool": "apps"},
]


def test_jobs_with_the_prefix_sorted_with_their_guests():
    client = ListingPve(JOBS)
    result = list_jobs(client, {"id_prefix": "tappaas-"})
    assert client.paths == ["cluster/backup"], "one read"
    assert result["changed"] is False
    assert [job["id"] for job in result["jobs"]] == ["tappaas-02-00", "tappaas-nightly", "tappaas-pool"]
    nightly = result["jobs"][1]
    assert nightly == {
        "id": "tappaas-nightly",
        "schedule": "21:00",
        "storage": "pbs",
        "vmids": [320, 330],
        "selection": "vmid=320,330",
        "enabled": True,
        "comment": "managed",
    }
    assert result["jobs"][0]["enabled"] is False and result["jobs"][0]["comment"] == ""
    assert result["jobs"][2]["vmids"] == [] and result["jobs"][2]["selection"] == "pool=apps"


def test_without_a_prefix_every_job_is_listed():
    result = list_jobs(ListingPve(JOBS), {"id_prefix": None})
    everything = {job["id"]: job for job in result["jobs"]}
    assert set(everything) == {job["id"] for job in JOBS}
    assert everything["backup-1a2b"]["selection"] == "all;exclude=9000"
