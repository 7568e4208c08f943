#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_backup_job
short_description: Scheduled Proxmox VE backup (vzdump) jobs
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a scheduled vzdump job (C(/cluster/backup), kept in C(/etc/pve/jobs.cfg)).
  - Guests are chosen one way only, by O(vmids), by O(all) (with O(exclude)) or by O(pool); switching removes the
    previous choice from the job.
  - O(prune_backups) is compared as a parsed structure (PVE takes a string and returns an object). With PBS, a
    common choice is O(prune_backups=keep_all) here and the pruning in a PBS prune job.
  - The storage (and the node, when given) must exist and the schedule must be a valid calendar event; this is
    checked before anything is changed.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
options:
  id:
    description: Job id.
    type: str
    required: true
  schedule:
    description: When the job runs, as a calendar event (for example V(21:00) or V(sun 01:00)). Required to create.
    type: str
  storage:
    description: The storage backups go to (a C(pbs) storage, or any storage with C(backup) content).
    type: str
  vmids:
    description: Back up these guests.
    type: list
    elements: int
  all:
    description: Back up every guest (of O(node), when set), except O(exclude).
    type: bool
  exclude:
    description: Guests O(all) leaves out.
    type: list
    elements: int
  pool:
    description: Back up the guests of this pool.
    type: str
  node:
    description: Run the job only on this node.
    type: str
  mode:
    description: How running guests are backed up.
    type: str
    choices: [snapshot, suspend, stop]
  compress:
    description: Compression of vzdump archives (PBS storages always compress with zstd).
    type: str
    choices: ['0', gzip, lzo, zstd]
  prune_backups:
    description: Retention applied after each run; at least one rule (or O(prune_backups.keep_all)).
    type: dict
    suboptions:
      keep_all:
        description: Keep every backup.
        type: bool
      keep_last:
        description: Keep the newest N backups.
        type: int
      keep_hourly:
        description: Keep one backup for each of the last N hours.
        type: int
      keep_daily:
        description: Keep one backup for each of the last N days.
        type: int
      keep_weekly:
        description: Keep one backup for each of the last N weeks.
        type: int
      keep_monthly:
        description: Keep one backup for each of the last N months.
        type: int
      keep_yearly:
        description: Keep one backup for each of the last N years.
        type: int
  notes_template:
    description: Notes of each backup, with C({{guestname}}), C({{vmid}}), C({{node}}), C({{cluster}}).
    type: str
  enabled:
    description: Whether the job runs.
    type: bool
  comment:
    description: Free text.
    type: str
  run_now:
    description:
      - After the job matches, run it at once (as the GUI's C(Run now)), one vzdump per node holding some of its
        guests, and wait for them. Always a change.
    type: bool
    default: false
  run_timeout:
    description: Seconds to wait for each vzdump of O(run_now).
    type: int
    default: 3600
  state:
    description: Whether the job exists.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Nightly backup of the modules to PBS
  tappaas.platform.proxmox_backup_job:
    id: tappaas-nightly
    schedule: "21:00"
    storage: tappaas_backup
    vmids: [110, 140, 210]
    mode: snapshot
    prune_backups: {keep_all: true}
    notes_template: "{{ '{{guestname}}' }}"
"""

RETURN = r"""
action:
  description: What was done, V(create), V(update), V(delete) or V(none).
  returned: always
  type: str
changed_fields:
  description: The options that changed or would change.
  returned: always
  type: list
  elements: str
before:
  description: The job before, normalised.
  returned: always
  type: dict
after:
  description: The job after, normalised.
  returned: always
  type: dict
resource:
  description: The job as PVE describes it.
  returned: when it exists
  type: dict
runs:
  description: With O(run_now), the vzdump runs made, with C(node), C(vmids) and C(seconds).
  returned: when O(run_now) is set and not in check mode
  type: list
  elements: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.backup_job import (
    DESCRIPTOR,
    BackupJobApi,
    check_references,
    run_now,
)
from ansible_collections.tappaas.platform.plugins.module_utils.calendar_event import (
    CalendarEventError,
    check_calendar_event,
)
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceEngine

KEEP_SPEC = {"keep_all": {"type": "bool"}}
KEEP_SPEC.update(
    {
        name: {"type": "int"}
        for name in ("keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")
    }
)


def _desired(params):
    desired = {"id": params["id"]}
    if params["state"] == "absent":
        return desired
    if params.get("schedule"):
        try:
            check_calendar_event(params["schedule"])
        except CalendarEventError as exc:
            raise InvalidInput("schedule", str(exc)) from exc
    if params.get("exclude") and not params.get("all"):
        raise InvalidInput("exclude", "only applies with all=true")
    if params.get("vmids") or params.get("all") or params.get("pool"):
        desired["selection"] = {
            "vmid": params.get("vmids"),
            "all": "1" if params.get("all") else "0",
            "exclude": params.get("exclude"),
            "pool": params.get("pool"),
        }
    if params.get("prune_backups") is not None:
        rules = {key.replace("_", "-"): value for key, value in params["prune_backups"].items() if value is not None}
        if "keep-all" in rules:
            rules["keep-all"] = 1 if rules["keep-all"] else 0
        desired["prune_backups"] = rules
    for name in ("schedule", "storage", "node", "mode", "compress", "notes_template", "enabled", "comment"):
        desired[name] = params.get(name)
    return desired


def main():
    module = create_module(
        "proxmox",
        {
            "id": {"type": "str", "required": True},
            "schedule": {"type": "str"},
            "storage": {"type": "str"},
            "vmids": {"type": "list", "elements": "int"},
            "all": {"type": "bool"},
            "exclude": {"type": "list", "elements": "int"},
            "pool": {"type": "str"},
            "node": {"type": "str"},
            "mode": {"type": "str", "choices": ["snapshot", "suspend", "stop"]},
            "compress": {"type": "str", "choices": ["0", "gzip", "lzo", "zstd"]},
            "prune_backups": {"type": "dict", "options": KEEP_SPEC},
            "notes_template": {"type": "str"},
            "enabled": {"type": "bool"},
            "comment": {"type": "str"},
            "run_now": {"type": "bool", "default": False},
            "run_timeout": {"type": "int", "default": 3600},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        mutually_exclusive=[("vmids", "all", "pool")],
    )
    params = module.params

    def operation():
        desired = _desired(params)
        DESCRIPTOR.normalise_desired(desired)  # a retention that keeps nothing fails here, before any request
        client = PveClient.from_params(params)
        api = BackupJobApi(client)
        if params["state"] == "present":
            if api.read({"id": params["id"]}) is None:
                for name in ("schedule", "storage"):
                    if not params.get(name):
                        raise InvalidInput(name, "is required to create the backup job")
                if "selection" not in desired:
                    raise InvalidInput("vmids", "choose the guests to create the job: vmids, all or pool")
            check_references(client, params, warn=module.warn if module.check_mode else None)
        engine = ResourceEngine(api, DESCRIPTOR, check_mode=module.check_mode)
        result = engine.ensure(desired, state=params["state"]).as_module_result()
        if params["run_now"] and params["state"] == "present":
            result["changed"] = True
            if not module.check_mode:
                result["runs"] = run_now(client, api.read({"id": params["id"]}), params["run_timeout"])
        return result

    run_module(module, operation)


if __name__ == "__main__":
    main()
