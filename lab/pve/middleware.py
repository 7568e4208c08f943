# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The two aiohttp middlewares the twin adds around fakepve's own.

``outer`` (first, before fakepve's login check): the fault endpoint, the request log and plain HTTP faults, so a
fault can stand for a proxy or daemon failing before PVE's API code runs.
``inner`` (last, after login, right before the handler): what PVE checks once it knows the caller, in PVE's
order: quorum for writes, parameters (the strict booleans), then task-level faults, which need a valid request
that starts a worker.
"""

from __future__ import annotations

import contextvars
import json
import re
import time

from aiohttp import web
from fakepve import schema as pve_schema
from fakepve.model import PveError
from fakepve.server import API, error, ok, params

from lab.framework import FAULTS_PATH
from lab.pve.strict import parameter_errors

SERVICE = "pve"
NO_QUORUM = "cluster not ready - no quorum?"
# Writes that work without quorum on a real node: logging in does not touch /etc/pve.
QUORUM_FREE = ("/access/ticket",)

# Extra milliseconds for the task the current request starts (a path-scoped slow_task_ms fault).
TASK_DELAY_MS = contextvars.ContextVar("lab_pve_task_delay_ms", default=0)
# "WARNINGS: n" for the task the current request starts: it does its work and ends as a success with warnings.
TASK_WARNINGS = contextvars.ContextVar("lab_pve_task_warnings", default=None)
WARNINGS_EXIT = re.compile(r"WARNINGS: [1-9]\d*")


def outer(pve):
    @web.middleware
    async def middleware(request, handler):
        if request.path == FAULTS_PATH:
            return await _fault_endpoint(request, pve.lab_faults)
        started = time.monotonic()
        status = 500
        try:
            fault = pve.lab_faults.http.take(request.method, request.path)
            if fault is not None:
                response = error(fault.status, fault.message)
            else:
                response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            pve.context.log.record(SERVICE, request.method, request.path_qs, status, started)

    return middleware


def inner(pve):
    @web.middleware
    async def middleware(request, handler):
        api_path = _api_path(request)
        if api_path is None:
            return await handler(request)
        if request.method not in ("GET", "HEAD") and api_path not in QUORUM_FREE and not pve.quorate:
            raise PveError(500, NO_QUORUM)
        match = pve.resolve(request, API)
        info = match.methods.get(request.method) if match else None
        if info is None:
            return await handler(request)
        values = await params(request)
        errors = parameter_errors(info, dict(values, **match.params))
        if errors:
            raise PveError(400, "Parameter verification failed.", errors)
        if pve_schema.is_task(request.method, info):
            fault = pve.lab_faults.tasks.take(request.method, request.path)
            task_exit = fault.extra.get("task_exit") if fault is not None else None
            if task_exit is not None and WARNINGS_EXIT.fullmatch(task_exit):
                TASK_WARNINGS.set(task_exit)
            elif task_exit is not None:
                return ok(await pve._failed_task(request, match.params.get("node"), task_exit, match))
            elif fault is not None:
                TASK_DELAY_MS.set(fault.extra["slow_task_ms"])
        return await handler(request)

    return middleware


def _api_path(request):
    for prefix in ("/api2/json", "/api2/extjs"):
        if request.path.startswith(prefix + "/"):
            return request.path[len(prefix) :]
    return None


async def _fault_endpoint(request, faults):
    if request.method == "DELETE":
        faults.clear()
        return web.json_response(faults.describe())
    if request.method == "GET":
        return web.json_response(faults.describe())
    if request.method == "POST":
        try:
            await faults.add(await request.json())
        except json.JSONDecodeError:
            return web.json_response({"error": "the body must be a JSON object"}, status=400)
        except ValueError as exc:
            return web.json_response({"error": str(exc)}, status=400)
        return web.json_response(faults.describe())
    return web.json_response({"error": "use GET, POST or DELETE"}, status=405)
