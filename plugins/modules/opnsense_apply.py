#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_apply
short_description: Apply pending OPNsense changes once per service, with lockout safety for the filter
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - OPNsense keeps API writes in its configuration but runs them only when the service is applied or
    reconfigured. This module applies each named service once, in dependency order (VLANs and interfaces, then
    aliases, then filter rules, then DNS, DHCP and the reverse proxy).
  - "Lockout safety without savepoints: with O(state=snapshot) it records the filter rules in a file on the
    controller before a play changes them. After applying the filter it probes the API from the controller; if the
    probe fails it restores the recorded rules (re-setting changed ones by uuid, re-creating deleted ones and
    removing new ones), applies the filter again and fails saying what it restored."
  - OPNsense's own savepoint API is not used; its revert never restores anything on 24.1-26.1 and it is gone in
    26.7.
options:
  services:
    description:
      - Services with pending changes, usually the C(pending_services) returned by the other modules.
      - Duplicates are applied once.
    type: list
    elements: str
    choices: [vlan, assignment, alias, filter, unbound, kea, caddy]
    default: []
  state:
    description:
      - C(applied) applies O(services).
      - C(snapshot) records the current filter rules into O(snapshot_path) and changes nothing.
    type: str
    choices: [applied, snapshot]
    default: applied
  snapshot_path:
    description:
      - File on the controller holding the recorded filter rules.
      - Required for O(state=snapshot); with O(state=applied) it enables the restore after a failed probe.
      - With O(state=applied) it also keeps a journal, C(<snapshot_path>.pending), of the services being applied
        to this firewall. A service whose apply fails stays in it, and the next run with the same path applies it
        even though no module reports a change then (the saved configuration no longer differs, yet it is not
        live). A journal written for another firewall (another O(api_host) and O(api_port)) is ignored.
    type: path
  probe:
    description: Whether to probe the API after applying the filter.
    type: bool
    default: true
  probe_timeout:
    description: Seconds the probe waits for the API to answer.
    type: int
    default: 10
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes.actiongroup_opnsense
attributes:
  check_mode:
    description: In check mode nothing is applied and no snapshot is written; the services that would be applied
      are returned.
    support: full
  diff_mode:
    description: Nothing to diff.
    support: none
  idempotent:
    description: With no services it makes no requests. Applying is not idempotent by nature, so only name the
      services that have pending changes.
    support: partial
"""

EXAMPLES = r"""
- name: Record the filter rules before changing them
  tappaas.platform.opnsense_apply:
    state: snapshot
    snapshot_path: "{{ playbook_dir }}/.opnsense-filter-snapshot.json"

- name: Apply what the tasks changed, restoring the rules if the firewall stops answering
  tappaas.platform.opnsense_apply:
    services: "{{ (vlan.pending_services + policy.pending_services) | unique }}"
    snapshot_path: "{{ playbook_dir }}/.opnsense-filter-snapshot.json"
"""

RETURN = r"""
applied:
  description: Services applied, in the order they were applied.
  returned: always
  type: list
  elements: str
  sample: [alias, filter]
snapshot_rules:
  description: Number of filter rules recorded (O(state=snapshot)).
  returned: when O(state=snapshot)
  type: int
product_version:
  description: The firewall's OPNsense release, as C(core/firmware/info) reports it (O(state=snapshot)).
  returned: when O(state=snapshot)
  type: str
  sample: 26.1.11
left_over:
  description: Services an earlier run saved but could not apply (from the journal next to O(snapshot_path));
    they are applied with O(services).
  returned: when O(state=applied)
  type: list
  elements: str
  sample: [alias]
"""

import json
import os

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput, TappaasError
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import APPLY_PATHS, connect

ORDER = ("vlan", "assignment", "alias", "filter", "unbound", "kea", "caddy")
FILTER = ("firewall/filter", "Rule", "rule")
PROBE_PATH = "core/system/status"


class LockoutRestored(TappaasError):
    """The probe failed after a filter apply; the recorded rules were put back."""


def snapshot(module, api):
    rows = api.controller(*FILTER).rows()
    if not module.check_mode:
        path = module.params["snapshot_path"]
        os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
        fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump({"rules": rows}, handle, sort_keys=True, indent=1)
        os.replace(path + ".tmp", path)
    # The version was read for the rows anyway; the network role decides on the SSH bootstrap by it.
    return {"changed": False, "applied": [], "snapshot_rules": len(rows), "product_version": api.detect_version()}


def _apply(api, service):
    data = api.post(APPLY_PATHS[service])
    status = str((data or {}).get("status", "")).strip().lower() if isinstance(data, dict) else ""
    if status not in ("ok", "done"):
        raise ApiError("applying %s failed: %r" % (service, data), method="POST", url=APPLY_PATHS[service])


def _probe(params):
    try:
        connect(params, retries=0, timeout=params["probe_timeout"]).get(PROBE_PATH)
    except ApiError as exc:
        return str(exc)
    return None


def restore(api, path):
    with open(path) as handle:
        recorded = json.load(handle)["rules"]
    controller = api.controller(*FILTER)
    controller._rows = None  # read afresh: the point is what is there now
    current = controller.rows()
    removed, reset = [], []
    for uuid in list(current):
        if uuid not in recorded:
            controller.delete(uuid)
            removed.append(uuid)
    for uuid, row in recorded.items():
        values = {key: value for key, value in row.items() if key != "uuid"}
        if current.get(uuid) != row:
            controller.set(uuid, values)  # set is an upsert: a deleted rule comes back under its uuid
            reset.append(uuid)
    _apply(api, "filter")
    return removed, reset


def _firewall(params):
    return "%s:%s" % (params["api_host"], params["api_port"])


def _journal_path(params):
    return params["snapshot_path"] + ".pending" if params["snapshot_path"] else None


def read_journal(params):
    """Services an earlier run saved but did not get applied on this firewall."""
    path = _journal_path(params)
    if not path or not os.path.exists(path):
        return []
    with open(path) as handle:
        journal = json.load(handle)
    if journal.get("firewall") != _firewall(params):
        return []
    return [service for service in journal.get("services", []) if service in ORDER]


def write_journal(params, services):
    path = _journal_path(params)
    if not path:
        return
    if not services:
        if os.path.exists(path):
            os.remove(path)
        return
    os.makedirs(os.path.dirname(path) or ".", mode=0o700, exist_ok=True)
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"firewall": _firewall(params), "services": services}, handle)
    os.replace(path + ".tmp", path)


def run(module):
    params = module.params
    api = connect(params)
    if params["state"] == "snapshot":
        if not params["snapshot_path"]:
            raise InvalidInput("snapshot_path", "is required with state=snapshot")
        return snapshot(module, api)
    left_over = read_journal(params)
    wanted = [service for service in ORDER if service in set(params["services"]) | set(left_over)]
    if module.check_mode or not wanted:
        return {"changed": bool(wanted), "applied": [], "left_over": left_over}
    # Written before the first apply: whatever fails from here on is applied by the next run.
    write_journal(params, wanted)
    applied = []
    for service in wanted:
        try:
            _apply(api, service)
        except ApiError as error:
            error.message += "; not applied yet, kept for the next run: %s" % ", ".join(wanted[len(applied) :])
            raise
        applied.append(service)
        write_journal(params, wanted[len(applied) :])
        if service == "filter" and params["probe"]:
            problem = _probe(params)
            if problem is None:
                continue
            if not params["snapshot_path"] or not os.path.exists(params["snapshot_path"]):
                raise LockoutRestored(
                    "the API stopped answering after the filter was applied (%s) and there is no snapshot to "
                    "restore; restore access from the console" % problem
                )
            removed, reset = restore(api, params["snapshot_path"])
            raise LockoutRestored(
                "the API probe failed after applying the filter (%s); restored the rules recorded in %s "
                "(removed %d new rule(s), re-set %d rule(s)) and applied the filter again. Applied before the "
                "failure: %s" % (problem, params["snapshot_path"], len(removed), len(reset), ", ".join(applied))
            )
    return {"changed": True, "applied": applied, "left_over": left_over}


def main():
    module = create_module(
        "opnsense",
        dict(
            services=dict(type="list", elements="str", choices=list(ORDER), default=[]),
            state=dict(type="str", choices=["applied", "snapshot"], default="applied"),
            snapshot_path=dict(type="path"),
            probe=dict(type="bool", default=True),
            probe_timeout=dict(type="int", default=10),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
