# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Benchmark callback: every task's results, wall time and slice of the lab's request log, as one JSON file.

The lab appends one line per API request to requests.jsonl and the linear strategy starts a task only when the
previous one has finished on every host, so the log's size at each task start splits the requests between tasks
exactly. That is how bench/site_bench.py tells which role (and which module) made which API call.
Enabled only by the benchmark: ANSIBLE_CALLBACKS_ENABLED=bench_tasks, BENCH_TASKS_OUTPUT, BENCH_REQUESTS_LOG.
"""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: bench_tasks
type: aggregate
short_description: record task results, timings and request-log offsets for bench/site_bench.py
description: Writes one JSON file at the end of the playbook (path in BENCH_TASKS_OUTPUT).
requirements: [enabled in ANSIBLE_CALLBACKS_ENABLED]
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_tasks"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self):
        super().__init__()
        self._output = os.environ.get("BENCH_TASKS_OUTPUT")
        self._requests_log = os.environ.get("BENCH_REQUESTS_LOG")
        self._tasks = []
        self._current = None

    def _log_offset(self):
        try:
            return os.path.getsize(self._requests_log) if self._requests_log else 0
        except OSError:
            return 0

    def _close_current(self):
        if self._current is not None:
            self._current["end"] = time.time()
            self._current["log_end"] = self._log_offset()
            self._current = None

    def _start(self, task, kind):
        self._close_current()
        role = getattr(task, "_role", None)
        self._current = {
            "kind": kind,
            "name": task.get_name(),
            "role": role.get_name() if role else "",
            "action": getattr(task, "resolved_action", None) or task.action,
            "start": time.time(),
            "log_start": self._log_offset(),
            # One entry per host result, or per loop item: status and the module's module_name/state if it says.
            "results": [],
        }
        self._tasks.append(self._current)

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._start(task, "task")

    def v2_playbook_on_handler_task_start(self, task):
        self._start(task, "handler")

    def _record(self, result, status):
        if self._current is None:
            return
        raw = result._result
        items = raw.get("results") if isinstance(raw.get("results"), list) else None
        entry = {"host": result._host.get_name(), "status": status, "items": len(items) if items else 0}
        if items:
            entry["item_status"] = [
                "skipped"
                if item.get("skipped")
                else "failed"
                if item.get("failed")
                else "changed"
                if item.get("changed")
                else "ok"
                for item in items
                if isinstance(item, dict)
            ]
        self._current["results"].append(entry)

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "ignored" if ignore_errors else "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")

    def v2_playbook_on_stats(self, stats):
        self._close_current()
        recap = {}
        for host in sorted(stats.processed):
            recap[host] = stats.summarize(host)
        if self._output:
            with open(self._output, "w") as handle:
                json.dump({"tasks": self._tasks, "recap": recap}, handle)
