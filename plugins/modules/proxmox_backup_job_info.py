#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_backup_job_info
short_description: List the scheduled vzdump jobs of a Proxmox VE cluster
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Lists the scheduled vzdump jobs (C(/cluster/backup)) with one call, optionally only those whose id starts with
    O(id_prefix), so that a role can find the jobs it owns and remove the ones it no longer declares with
    M(tappaas.platform.proxmox_backup_job).
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes.actiongroup_proxmox
attributes:
  check_mode:
    description: Can run in check mode; it only reads, so the result is the same.
    support: full
  diff_mode:
    description: Would show a diff of what it changes.
    support: none
    details: It never changes anything.
  idempotent:
    description: Running it again changes nothing.
    support: full
options:
  id_prefix:
    description: Only jobs whose id starts with this text, for example C(tappaas-).
    type: str
"""

EXAMPLES = r"""
- name: The vzdump jobs of the backup role
  tappaas.platform.proxmox_backup_job_info:
    id_prefix: tappaas-
  register: backup_jobs
"""

RETURN = r"""
jobs:
  description: The jobs, sorted by id.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Job id.
      type: str
    schedule:
      description: Calendar event of the job.
      type: str
    storage:
      description: Storage the backups go to.
      type: str
    vmids:
      description: Guests chosen by id (empty when the job chooses all guests or a pool).
      type: list
      elements: int
    selection:
      description: How the job chooses guests, C(vmid=101,102), C(all), C(all;exclude=9000) or C(pool=apps).
      type: str
    enabled:
      description: Whether the job runs.
      type: bool
    comment:
      description: Free text of the job.
      type: str
  sample:
    - {id: tappaas-nightly, schedule: "21:00", storage: tappaas_backup, vmids: [320, 330], selection: "vmid=320,330",
       enabled: true, comment: ""}
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.backup_job import SELECTION_KEYS, selection_text
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient


def summary(job):
    try:
        selection = selection_text({name: job.get(name) for name in SELECTION_KEYS})
    except ValueError:  # a job that chooses no guest at all
        selection = ""
    vmids = selection[len("vmid=") :].split(",") if selection.startswith("vmid=") else []
    return {
        "id": job["id"],
        "schedule": job.get("schedule", ""),
        "storage": job.get("storage", ""),
        "vmids": [int(vmid) for vmid in vmids],
        "selection": selection,
        "enabled": str(job.get("enabled", 1)) not in ("0", "False", "false"),
        "comment": job.get("comment", ""),
    }


def list_jobs(client, params):
    prefix = params["id_prefix"] or ""
    jobs = [summary(job) for job in client.get("cluster/backup") or [] if str(job.get("id", "")).startswith(prefix)]
    return {"changed": False, "jobs": sorted(jobs, key=lambda job: job["id"])}


def main():
    module = create_module("proxmox", {"id_prefix": {"type": "str"}})
    run_module(module, lambda: list_jobs(PveClient.from_params(module.params), module.params))


if __name__ == "__main__":
    main()
