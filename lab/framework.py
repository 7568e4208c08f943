# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What every twin shares: the request log, the fault interface, and the Twin contract the runner starts.

A twin is an object with ``service`` (pve, opnsense, authentik, pbs), ``async start()``, ``async stop()`` and
``env()`` (its lines of .lab/lab.env). It records every request with ``context.log`` and takes faults through
``POST/DELETE/GET /_lab/faults`` on its own port, handled by ``fault_routes`` or by the twin itself when its base
(fakepve) has a fault mechanism of its own.
"""

from __future__ import annotations

import json
import os
import re
import threading
import time
from dataclasses import dataclass, field

FAULTS_PATH = "/_lab/faults"


class RequestLog:
    """Appends one JSON object per API request to .lab/requests.jsonl (service, method, path, status, ms)."""

    def __init__(self, path):
        self.path = path
        self._lock = threading.Lock()

    def record(self, service, method, path, status, started):
        entry = {
            "service": service,
            "method": method,
            "path": path,
            "status": status,
            "ms": round((time.monotonic() - started) * 1000, 1),
        }
        line = json.dumps(entry, sort_keys=True) + "\n"
        with self._lock, open(self.path, "a") as handle:
            handle.write(line)


@dataclass
class Fault:
    """One injected fault: the next ``times`` requests matching method and path regex get it.

    ``status``/``message`` make an HTTP error in the twin's own error shape. Twin-specific keys (a PVE
    ``task_exit``, a ``delay_ms``) stay in ``extra`` for the twin to interpret.
    """

    path: str
    method: str | None = None
    status: int | None = None
    message: str = ""
    times: int | None = 1  # None: until cleared
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data):
        if not isinstance(data, dict) or not isinstance(data.get("path"), str):
            raise ValueError("a fault needs 'path', a regular expression matched against the request path")
        re.compile(data["path"])
        known = {"path", "method", "status", "message", "times"}
        times = data.get("times", 1)
        if times is not None and (not isinstance(times, int) or times < 1):
            raise ValueError("'times' must be a positive integer or null (until cleared)")
        return cls(
            path=data["path"],
            method=(data.get("method") or None) and str(data["method"]).upper(),
            status=data.get("status"),
            message=data.get("message", ""),
            times=times,
            extra={key: value for key, value in data.items() if key not in known},
        )

    def as_json(self):
        return dict(
            self.extra, path=self.path, method=self.method, status=self.status, message=self.message, times=self.times
        )


class FaultRegistry:
    """Faults waiting for their requests; ``take`` consumes one use of the first that matches."""

    def __init__(self):
        self._faults = []
        self._lock = threading.Lock()

    def add(self, fault):
        with self._lock:
            self._faults.append(fault)

    def clear(self):
        with self._lock:
            self._faults.clear()

    def list(self):
        with self._lock:
            return [fault.as_json() for fault in self._faults]

    def take(self, method, path):
        with self._lock:
            for fault in self._faults:
                if fault.method not in (None, method.upper()) or not re.search(fault.path, path):
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                return fault
        return None


@dataclass
class LabContext:
    """What the runner hands every twin factory."""

    state_dir: str
    ca: object  # lab.ca.LabCA
    log: RequestLog
    host: str = "127.0.0.1"
    ports: dict = field(default_factory=dict)  # service -> port, from lab.twins.DEFAULT_PORTS or overrides
    guests: object = None  # lab.guests.LabGuests when this machine can run guests, else None

    def path(self, *parts):
        return os.path.join(self.state_dir, *parts)


def aiohttp_lab_middleware(service, context, faults, render_error):
    """An aiohttp middleware for twins built on aiohttp: the fault interface, HTTP faults and the request log.

    ``render_error(status, message)`` returns a response in the twin's own error shape. A matched fault that is
    not a plain HTTP error (no ``status``) is put on ``request['lab_fault']`` for the handler to apply.
    """
    from aiohttp import web

    @web.middleware
    async def middleware(request, handler):
        if request.path == FAULTS_PATH:
            return await _fault_endpoint(request, faults)
        started = time.monotonic()
        status = 500
        try:
            fault = faults.take(request.method, request.path)
            if fault is not None and fault.status:
                response = render_error(fault.status, fault.message)
            else:
                request["lab_fault"] = fault
                response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            context.log.record(service, request.method, request.path_qs, status, started)

    return middleware


async def _fault_endpoint(request, faults):
    from aiohttp import web

    if request.method == "DELETE":
        faults.clear()
        return web.json_response({"faults": []})
    if request.method == "GET":
        return web.json_response({"faults": faults.list()})
    if request.method == "POST":
        try:
            fault = Fault.from_json(await request.json())
        except (ValueError, re.error) as exc:
            return web.json_response({"error": str(exc)}, status=400)
        faults.add(fault)
        return web.json_response({"faults": faults.list()})
    return web.json_response({"error": "use GET, POST or DELETE"}, status=405)
