# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PBS worker tasks: a UPID at once, the work in the background, status and log as PBS reports them.

PBS's UPID has one more field than PVE's (a task id before the start time):
``UPID:node:pid:pstart:task_id:starttime:worker_type:worker_id:auth_id:``. A worker ends with exit status ``OK``,
``WARNINGS: n`` or the error text, and its log ends with ``TASK OK`` / ``TASK ERROR: ...``.
"""

from __future__ import annotations

import asyncio
import itertools
import time


class TaskError(Exception):
    """Raised by a task body: the task ends with this message as its exit status."""


def _escape(worker_id):
    # PBS escapes worker ids like systemd unit names; ':' would break the UPID, so it becomes \x3a.
    return "".join(ch if ch.isalnum() or ch in "._-" else "\\x%02x" % ord(ch) for ch in str(worker_id))


class Tasks:
    def __init__(self, node):
        self.node = node
        self.records = {}
        self._pids = itertools.count(3000)
        self._ids = itertools.count(1)
        self.running = set()

    def start(self, worker_type, worker_id, auth_id, body, delay_ms=0, fail_with=None):
        """Start a worker; ``body(log)`` is a coroutine function that may raise TaskError. Returns the UPID."""
        pid, task_id, start = next(self._pids), next(self._ids), int(time.time())
        upid = "UPID:%s:%08X:%08X:%08X:%08X:%s:%s:%s:" % (
            self.node,
            pid,
            pid * 11,
            task_id,
            start,
            worker_type,
            _escape(worker_id or ""),
            auth_id,
        )
        record = {
            "upid": upid,
            "node": self.node,
            "pid": pid,
            "pstart": pid * 11,
            "starttime": start,
            "type": worker_type,
            "id": str(worker_id or ""),
            "user": auth_id.split("!")[0],
            "status": "running",
            "log": ["starting %s" % worker_type],
        }
        if "!" in auth_id:
            record["tokenid"] = auth_id.split("!", 1)[1]
        self.records[upid] = record

        async def run():
            try:
                if delay_ms:
                    await asyncio.sleep(delay_ms / 1000.0)
                if fail_with is not None:
                    raise TaskError(fail_with)
                await asyncio.sleep(0.005)  # a worker never finishes within the request that started it
                await body(record["log"].append)
                exitstatus = "OK"
            except TaskError as exc:
                exitstatus = str(exc)
            except Exception as exc:  # a twin bug shows as a failed task, not a hung one
                exitstatus = "internal error: %s" % exc
            record["log"].append("TASK OK" if exitstatus == "OK" else "TASK ERROR: %s" % exitstatus)
            record["exitstatus"] = exitstatus
            record["endtime"] = int(time.time())
            record["status"] = "stopped"

        job = asyncio.ensure_future(run())
        self.running.add(job)
        job.add_done_callback(self.running.discard)
        return upid

    def status(self, upid):
        record = self.records.get(upid)
        if record is None:
            return None
        view = {key: value for key, value in record.items() if key not in ("log", "endtime")}
        return view

    def log(self, upid, start=0, limit=50):
        lines = self.records[upid]["log"]
        return [{"n": n + 1, "t": text} for n, text in enumerate(lines)][start : start + limit]

    def listing(self, limit=50):
        out = []
        for record in sorted(self.records.values(), key=lambda item: item["starttime"], reverse=True)[:limit]:
            item = {key: value for key, value in record.items() if key != "log"}
            if record["status"] == "stopped":
                item["status"] = record["exitstatus"]
            else:
                item.pop("status")
            out.append(item)
        return out
