#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbs_job
short_description: Proxmox Backup Server prune, verify and sync jobs
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a scheduled job of a Proxmox Backup Server datastore, by O(type)
    (C(/config/prune), C(/config/verify) or C(/config/sync)).
  - A V(prune) job applies keep rules (O(retention)); the rules given are the whole policy, so a rule left out is
    removed from the job. A retention that keeps nothing is refused. Prune frees space only after garbage
    collection (see M(tappaas.platform.pbs_datastore) O(tappaas.platform.pbs_datastore#module:gc_schedule)).
  - A V(verify) job re-reads snapshots and checks their chunks.
  - A V(sync) job copies snapshots from a remote PBS (V(pull)) or to it (V(push)), the off-site copy.
  - The datastore, and for a sync job the remote, must exist; this is checked before anything is changed.
extends_documentation_fragment:
  - tappaas.platform.pbs
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_pbs
options:
  id:
    description: Job id (3 to 32 characters).
    type: str
    required: true
  type:
    description: What the job does.
    type: str
    choices: [prune, verify, sync]
    required: true
  store:
    description: The local datastore. Required to create the job; cannot change afterwards.
    type: str
  schedule:
    description: When the job runs, as a calendar event (for example V(02:00) or V(sun 04:00)). Required for prune jobs.
    type: str
  ns:
    description: Namespace of the local datastore the job works on; the root namespace when not set.
    type: str
  max_depth:
    description: How many namespace levels below O(ns) the job covers (0 to 7).
    type: int
  comment:
    description: Free text.
    type: str
  retention:
    description: Keep rules of a prune job. At least one rule, each at least 1.
    type: dict
    suboptions:
      keep_last:
        description: Keep the newest N snapshots.
        type: int
      keep_hourly:
        description: Keep the newest snapshot of each of the last N hours.
        type: int
      keep_daily:
        description: Keep the newest snapshot of each of the last N days.
        type: int
      keep_weekly:
        description: Keep the newest snapshot of each of the last N ISO weeks.
        type: int
      keep_monthly:
        description: Keep the newest snapshot of each of the last N months.
        type: int
      keep_yearly:
        description: Keep the newest snapshot of each of the last N years.
        type: int
  disable:
    description: Keep a prune job but do not run it.
    type: bool
  ignore_verified:
    description: A verify job skips snapshots verified within O(outdated_after) days.
    type: bool
  outdated_after:
    description: Days after which a verified snapshot is verified again.
    type: int
  remote:
    description: The remote (M(tappaas.platform.pbs_remote)) of a sync job.
    type: str
  remote_store:
    description: The datastore on the remote. Required to create a sync job.
    type: str
  remote_ns:
    description: The namespace on the remote.
    type: str
  remove_vanished:
    description: Remove snapshots from the target that the source no longer has.
    type: bool
  sync_direction:
    description: V(pull) copies from the remote here, V(push) copies from here to the remote.
    type: str
    choices: [pull, push]
  group_filter:
    description: Only sync these groups (V(type:vm), V(group:vm/101), V(regex:...)).
    type: list
    elements: str
  transfer_last:
    description: Copy only the newest N snapshots of each group.
    type: int
  owner:
    description: Owner of the snapshots a pull creates.
    type: str
  state:
    description: Whether the job exists.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Nightly prune with the TAPPaaS retention
  tappaas.platform.pbs_job:
    id: tappaas-prune
    type: prune
    store: tappaas_backup
    schedule: "02:00"
    retention: {keep_last: 4, keep_daily: 14, keep_weekly: 8, keep_monthly: 12, keep_yearly: 6}

- name: Verify new snapshots, re-verify after 30 days
  tappaas.platform.pbs_job:
    id: tappaas-verify
    type: verify
    store: tappaas_backup
    schedule: "04:00"
    ignore_verified: true
    outdated_after: 30

- name: Push the datastore to the off-site PBS
  tappaas.platform.pbs_job:
    id: tappaas-offsite
    type: sync
    store: tappaas_backup
    remote: offsite
    remote_store: tappaas
    sync_direction: push
    schedule: "05:00"
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
  description: The job as PBS describes it.
  returned: when it exists
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.backup_retention import keep_rules, require_retention
from ansible_collections.tappaas.platform.plugins.module_utils.calendar_event import (
    CalendarEventError,
    check_calendar_event,
)
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pbs import PbsClient
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_jobs import DESCRIPTORS, JobApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceEngine

TYPE_FIELDS = {
    "prune": ("retention", "disable"),
    "verify": ("ignore_verified", "outdated_after"),
    "sync": (
        "remote",
        "remote_store",
        "remote_ns",
        "remove_vanished",
        "sync_direction",
        "group_filter",
        "transfer_last",
        "owner",
    ),
}
COMMON = ("store", "schedule", "ns", "max_depth", "comment")
KEEP_SPEC = {
    name: {"type": "int"}
    for name in ("keep_last", "keep_hourly", "keep_daily", "keep_weekly", "keep_monthly", "keep_yearly")
}


def _desired(params):
    job_type = params["type"]
    for other, names in TYPE_FIELDS.items():
        if other != job_type:
            for name in names:
                if params.get(name) is not None:
                    raise InvalidInput(name, f"is an option of {other} jobs, not of {job_type} jobs")
    desired = {"id": params["id"]}
    if params["state"] == "absent":
        return desired
    desired.update({name: params[name] for name in COMMON + TYPE_FIELDS[job_type]})
    if params.get("schedule"):
        try:
            check_calendar_event(params["schedule"])
        except CalendarEventError as exc:
            raise InvalidInput("schedule", str(exc)) from exc
    if job_type == "prune":
        desired["retention"] = require_retention(keep_rules(params["retention"]), "retention")
    return desired


def _check_references(client, params, exists, warn=None):
    """Fail on a missing datastore or remote; in check mode only warn (``warn`` given), because an earlier task of
    the same play creates them and check mode never did."""

    def missing(field, message):
        if warn is None:
            raise InvalidInput(field, message)
        warn("%s: %s; assuming an earlier task creates it (check mode)" % (field, message))

    if not exists:
        for name in ("store",) + (("remote_store",) if params["type"] == "sync" else ()):
            if not params.get(name):
                raise InvalidInput(name, f"is required to create the {params['type']} job")
        if params["type"] == "prune" and not params.get("schedule"):
            raise InvalidInput("schedule", "is required to create a prune job")
    if params.get("store") and not client.exists(f"config/datastore/{params['store']}"):
        missing("store", f"datastore {params['store']!r} does not exist on the PBS")
    if params["type"] == "sync" and params.get("remote") and not client.exists(f"config/remote/{params['remote']}"):
        missing("remote", f"remote {params['remote']!r} is not defined on the PBS (see pbs_remote)")
    if params["type"] == "sync" and params.get("sync_direction") == "push" and not params.get("remote"):
        raise InvalidInput("remote", "a push sync job needs a remote")


def main():
    module = create_module(
        "pbs",
        {
            "id": {"type": "str", "required": True},
            "type": {"type": "str", "required": True, "choices": ["prune", "verify", "sync"]},
            "store": {"type": "str"},
            "schedule": {"type": "str"},
            "ns": {"type": "str"},
            "max_depth": {"type": "int"},
            "comment": {"type": "str"},
            "retention": {"type": "dict", "options": KEEP_SPEC},
            "disable": {"type": "bool"},
            "ignore_verified": {"type": "bool"},
            "outdated_after": {"type": "int"},
            "remote": {"type": "str"},
            "remote_store": {"type": "str"},
            "remote_ns": {"type": "str"},
            "remove_vanished": {"type": "bool"},
            "sync_direction": {"type": "str", "choices": ["pull", "push"]},
            "group_filter": {"type": "list", "elements": "str"},
            "transfer_last": {"type": "int"},
            "owner": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
    )
    params = module.params

    def operation():
        desired = _desired(params)
        client = PbsClient.from_params(params)
        api = JobApi(client, params["type"])
        descriptor = DESCRIPTORS[params["type"]]
        descriptor.normalise_desired(desired)
        if params["state"] == "present":
            _check_references(
                client,
                params,
                api.read({"id": params["id"]}) is not None,
                warn=module.warn if module.check_mode else None,
            )
        engine = ResourceEngine(api, descriptor, check_mode=module.check_mode)
        return engine.ensure(desired, state=params["state"])

    run_module(module, operation)


if __name__ == "__main__":
    main()
