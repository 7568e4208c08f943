# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""LabPve: fakepve's FakePve plus the state the collection's modules touch and the lab's faults and log.

fakepve answers every path of the PVE 9 schema, but only keeps state for guests, storage, pools and firewall;
elsewhere it synthesises an answer and forgets the request. The mixins here keep state for HA, vzdump jobs,
replication, ZFS pools, node networks, access control, disk resize and cloud-image imports, registered through fakepve's
``_routes_<area>`` tables so its schema and permission checks run first.
"""

from __future__ import annotations

import asyncio

from fakepve import FakePve

from lab.pve import middleware
from lab.pve.access import AccessApi
from lab.pve.backup_jobs import BackupJobApi
from lab.pve.config_view import PveConfigView
from lab.pve.disks import ResizeApi
from lab.pve.faults import PveFaults
from lab.pve.ha import HaApi
from lab.pve.ha_groups import HaGroupsApi
from lab.pve.imports import ImportFromDisks
from lab.pve.migrate import MigrateApi
from lab.pve.network import NodeNetworkApi
from lab.pve.pbs_backups import PbsBackups
from lab.pve.purge import PurgeOnDestroy
from lab.pve.replication import ReplicationApi
from lab.pve.vzdump_files import FileBackups
from lab.pve.zfs import ZfsApi

# One PVE second is one real millisecond: tasks run in the background (clients must poll, as on a real node),
# and PVE's waits (10 s for a config lock, HA's reaction time) stay short enough for tests.
TIME_SCALE = 0.001


class LabPve(
    FileBackups,
    PbsBackups,
    MigrateApi,
    PurgeOnDestroy,
    HaApi,
    HaGroupsApi,
    BackupJobApi,
    ReplicationApi,
    ZfsApi,
    NodeNetworkApi,
    AccessApi,
    ResizeApi,
    PveConfigView,
    ImportFromDisks,
    FakePve,
):
    def __init__(self, context, **kwargs):
        super().__init__(**kwargs)
        self.context = context
        self.time_scale = TIME_SCALE
        self.lab_faults = PveFaults(self)

    def _build_app(self):
        app = super()._build_app()
        app.middlewares.insert(0, middleware.outer(self))
        app.middlewares.append(middleware.inner(self))
        return app

    async def task(self, node, ttype, tid, user, body, vm=None, lock=True, log=()):
        delay_ms = max(self.lab_faults.slow_task_ms, middleware.TASK_DELAY_MS.get())
        if delay_ms:
            slow_work = body

            async def body():
                await asyncio.sleep(delay_ms / 1000.0)
                return await slow_work()

        warnings = middleware.TASK_WARNINGS.get()
        started = {}  # the task record, once fakepve has made it
        if warnings:
            # Only the task the faulted request starts, not tasks its own task may start later.
            middleware.TASK_WARNINGS.set(None)
            body = self._with_warnings(body, warnings, started)
        upid = await super().task(node, ttype, tid, user, body, vm=vm, lock=lock, log=log)
        if warnings:
            started["record"] = self.tasks[upid]
            started["record"]["lab_warnings"] = warnings
            if started["record"]["status"] == "stopped":
                self._finish_with_warnings(started["record"])
        return upid

    def _with_warnings(self, work, warnings, started):
        count = int(warnings.split()[-1])

        async def body():
            note = await work()
            record = started["record"]
            record["log"].extend("WARN: lab fault: warning %d of %d" % (n, count) for n in range(1, count + 1))
            # fakepve writes the end of the task right after this returns; fix it up in the next loop turn.
            asyncio.get_running_loop().call_soon(self._finish_with_warnings, record)
            return note

        return body

    @staticmethod
    def _finish_with_warnings(record):
        if record.get("exitstatus") == "OK":
            record["log"][-1] = "TASK " + record["lab_warnings"]
            record["exitstatus"] = record["lab_warnings"]

    def _task_view(self, task, listing=False):
        """A task that ends with warnings shows them as its exit status as soon as it has stopped."""
        data = super()._task_view(task, listing)
        warnings = data.pop("lab_warnings", None)
        if warnings and task["status"] == "stopped" and task.get("exitstatus") in ("OK", warnings):
            data["status" if listing else "exitstatus"] = warnings
        return data
