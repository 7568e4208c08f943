# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PVE twin's fault forms (POST /_lab/faults), mapped onto fakepve's own scenario knobs where it has them.

Request faults (the lab's common form, lab.framework.Fault):
  {"method": "POST", "path": "<regex>", "status": 500, "message": "...", "times": 1}
      the next matching request fails with that status and message (PVE's error shape, message as reason).
  {"method": "POST", "path": "<regex>", "task_exit": "can't lock file ... - got timeout", "times": 1}
      the next matching task-creating request returns a UPID whose task ends with that exit status and does
      nothing else; "WARNINGS: n" instead makes the task do its work and end as PVE's success with warnings.
  {"method": "POST", "path": "<regex>", "slow_task_ms": 2000, "times": 1}
      the next matching task-creating request's task runs 2000 ms longer.
Cluster faults (state, until DELETE /_lab/faults):
  {"slow_task_ms": 2000}             every task runs that much longer.
  {"node_offline": "tappaas2"}       requests for the node get 595 "No route to host"; its guests show unknown.
  {"quorum": false}                  writes fail with 500 "cluster not ready - no quorum?".
  {"vm_lock": 101, "ms": 3000}       another task holds VM 101's config lock (for ms, or until cleared).
Profile (until DELETE /_lab/faults):
  {"pve_version": "8.4.1"}           answer as PVE 8: HA groups instead of rules (ha_groups.py).
"""

from __future__ import annotations

import re

from lab.framework import Fault, FaultRegistry

CLUSTER_KEYS = ("node_offline", "quorum", "vm_lock", "pve_version")


class FaultError(ValueError):
    """A fault the twin cannot take; the message says which key is wrong."""


class PveFaults:
    """Injected faults of one PVE twin: request faults in registries, cluster faults applied to the fake."""

    def __init__(self, pve):
        self.pve = pve
        self.http = FaultRegistry()
        self.tasks = FaultRegistry()
        self.slow_task_ms = 0
        self.offline_nodes = set()
        self.locked_vms = set()

    async def add(self, data):
        if not isinstance(data, dict):
            raise FaultError("a fault is a JSON object; see docs/lab.md for the forms")
        if "path" in data:
            self._add_request_fault(data)
        elif "slow_task_ms" in data:
            self.slow_task_ms = _milliseconds(data, "slow_task_ms")
        elif "node_offline" in data:
            node = data["node_offline"]
            if node not in self.pve.nodes:
                raise FaultError("node_offline: no node %r (nodes: %s)" % (node, ", ".join(sorted(self.pve.nodes))))
            self.pve.set_node_offline(node)
            self.offline_nodes.add(node)
        elif "quorum" in data:
            if not isinstance(data["quorum"], bool):
                raise FaultError("quorum: give false (lose quorum) or true (regain it)")
            if data["quorum"]:
                self.pve.regain_quorum()
            else:
                self.pve.lose_quorum()
        elif "vm_lock" in data:
            await self._lock_vm(data)
        elif "pve_version" in data:
            version = data["pve_version"]
            if not isinstance(version, str) or not re.fullmatch(r"[89]\.\d+\.\d+", version):
                raise FaultError("pve_version: a PVE 8 or 9 version such as 8.4.1 or 9.0.10")
            self.pve.set_pve_version(version)
        else:
            raise FaultError(
                "a fault needs 'path' (a request fault) or one of slow_task_ms, %s" % ", ".join(CLUSTER_KEYS)
            )

    def _add_request_fault(self, data):
        try:
            fault = Fault.from_json(data)
        except re.error as exc:
            raise FaultError("path: not a regular expression: %s" % exc) from exc
        kinds = [key for key in ("status", "task_exit", "slow_task_ms") if data.get(key) is not None]
        if len(kinds) != 1:
            raise FaultError("a request fault needs exactly one of status, task_exit or slow_task_ms")
        if fault.status is not None:
            if not isinstance(fault.status, int) or not 400 <= fault.status <= 599:
                raise FaultError("status: an HTTP error status, 400 to 599")
            if not fault.message:
                raise FaultError("message: the error text PVE would send (it also becomes the reason phrase)")
            self.http.add(fault)
        elif "task_exit" in fault.extra:
            if not isinstance(fault.extra["task_exit"], str) or not fault.extra["task_exit"]:
                raise FaultError("task_exit: the exit status text the task ends with")
            self.tasks.add(fault)
        else:
            fault.extra["slow_task_ms"] = _milliseconds(data, "slow_task_ms")
            self.tasks.add(fault)

    async def _lock_vm(self, data):
        vmid = data["vm_lock"]
        if not isinstance(vmid, int) or self.pve.vm(vmid) is None:
            raise FaultError("vm_lock: no VM %r" % (vmid,))
        seconds = None
        if data.get("ms") is not None:
            # hold_config_lock counts PVE seconds, which time_scale turns into real ones.
            seconds = _milliseconds(data, "ms") / 1000.0 / self.pve.time_scale
        self.pve.release_config_lock(vmid)
        await self.pve.hold_config_lock(vmid, seconds)
        self.locked_vms.add(vmid)

    def clear(self):
        self.http.clear()
        self.tasks.clear()
        self.slow_task_ms = 0
        for node in self.offline_nodes:
            self.pve.set_node_offline(node, offline=False)
        self.offline_nodes.clear()
        self.pve.regain_quorum()
        for vmid in self.locked_vms:
            if self.pve.vm(vmid) is not None:
                self.pve.release_config_lock(vmid)
        self.locked_vms.clear()
        if self.pve.pve_major < 9:
            self.pve.set_pve_version(None)

    def describe(self):
        return {
            "faults": self.http.list() + self.tasks.list(),
            "slow_task_ms": self.slow_task_ms,
            "offline_nodes": sorted(self.offline_nodes),
            "quorate": bool(self.pve.quorate),
            "locked_vms": sorted(self.locked_vms),
            "pve_version": self.pve.version,
        }


def _milliseconds(data, key):
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise FaultError("%s: a whole number of milliseconds, 0 or more" % key)
    return value
