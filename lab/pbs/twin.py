# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Proxmox Backup Server twin: /api2/json on HTTPS with PBS's auth, envelope, UPIDs and errors.

Transport, as PBS (and PVE) answer: ``{"data": ...}`` on success; an error has its message as the HTTP reason
phrase (proxmoxer reads it there) and in ``{"data": null, "message": ...}``, with ``errors`` per field for a
parameter error (400). Auth: ``POST /access/ticket`` gives a ``PBS:`` ticket sent as cookie ``PBSAuthCookie``
plus the ``CSRFPreventionToken`` header on writes, or a token header ``PBSAPIToken=user@realm!name:secret``.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import re
import secrets
import ssl
import time
import uuid

from lab.framework import FaultRegistry, aiohttp_lab_middleware
from lab.pbs import registry, schema
from lab.pbs.access import ROOT, Access, PermissionDenied
from lab.pbs.admin import Admin
from lab.pbs.config import Config
from lab.pbs.errors import ApiFailure
from lab.pbs.tasks import Tasks

SERVICE = "pbs"
NODE = "pbs-lab"
PBS_VERSION = {"version": "3.4", "release": "3.4-1", "repoid": "0c0a8bc8"}
API = "/api2/json"
TOKEN_NAME = "lab"
# The lab fault the current request carries (task_exit, slow_task_ms), for the task it starts.
TASK_FAULT = contextvars.ContextVar("lab_pbs_task_fault", default=None)
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 500: "Internal Server Error"}


def render_error(status, message, errors=None):
    from aiohttp import web

    body = {"data": None, "message": message + "\n"}
    if errors:
        body["errors"] = errors
    reason = message.replace("\n", " ").strip() or REASONS.get(status, "error")
    return web.Response(
        status=status, reason=reason, text=json.dumps(body), content_type="application/json", charset="utf-8"
    )


def _ok(data):
    from aiohttp import web

    return web.Response(status=200, text=json.dumps({"data": data}), content_type="application/json", charset="utf-8")


class PbsTwin:
    service = SERVICE

    def __init__(self, context):
        self.context = context
        self.port = context.ports.get(SERVICE, 18007)
        self.password = secrets.token_urlsafe(18)
        self.access = Access(self.password)
        self.token_id, self.token_secret = self.access.add_token(ROOT, TOKEN_NAME, "lab automation")
        # The lab's token acts for root, as the PVE twin's does; PBS tokens always need their own ACL.
        self.access.acl.append({"path": "/", "ugid": self.token_id, "roleid": "Admin", "propagate": True})
        self.faults = FaultRegistry()
        self.tasks = Tasks(NODE)
        self.config = Config(self)
        self.admin = Admin(self)
        self.stores = {}  # datastore name -> {"snapshots": [...], "pending-bytes", "removed-bytes"}
        self.tickets = {}  # ticket -> (auth id, CSRF token)
        self.fingerprint = ""
        self.cert_info = {}
        self._routes = self._compile(self.config.routes() + self.admin.routes() + self._own_routes())
        self._runner = None

    # The Twin contract.

    def env(self):
        return {
            "PBS_HOST": self.context.host,
            "PBS_PORT": str(self.port),
            "PBS_USER": ROOT,
            "PBS_PASSWORD": self.password,
            "PBS_TOKEN_ID": self.token_id,
            "PBS_TOKEN_SECRET": self.token_secret,
            "PBS_CA_PATH": self.context.ca.cert_path,
            "PBS_FINGERPRINT": self.fingerprint,
        }

    async def start(self):
        from aiohttp import web

        hosts = sorted({self.context.host, "localhost", "127.0.0.1"})
        cert_path, key_path = self.context.ca.issue(SERVICE, hosts)
        with open(cert_path) as handle:
            der = ssl.PEM_cert_to_DER_cert(handle.read())
        digest = hashlib.sha256(der).hexdigest().upper()
        self.fingerprint = ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))
        self.cert_info = {
            "filename": "proxy.pem",
            "fingerprint": self.fingerprint,
            "subject": "CN=%s" % SERVICE,
            "issuer": "CN=TAPPaaS lab CA",
            "san": ["DNS:%s" % h for h in hosts],
        }
        ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ssl_context.load_cert_chain(cert_path, key_path)
        app = web.Application(middlewares=[aiohttp_lab_middleware(SERVICE, self.context, self.faults, render_error)])
        app.router.add_route("*", API + "/{tail:.*}", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.context.host, self.port, ssl_context=ssl_context).start()
        registry.register(self)

    async def stop(self):
        registry.unregister(self)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # Routing.

    @staticmethod
    def _compile(routes):
        compiled = []
        for method, pattern, handler in routes:
            regex = re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern) + "$")
            compiled.append((method, regex, handler))
        return compiled

    def _own_routes(self):
        return [
            ("GET", "/version", self._version),
            ("GET", "/nodes/{node}/certificates/info", self._certificates),
            ("GET", "/nodes/{node}/tasks", self._task_list),
            ("GET", "/nodes/{node}/tasks/{upid}/status", self._task_status),
            ("GET", "/nodes/{node}/tasks/{upid}/log", self._task_log),
        ]

    async def handle(self, request):
        path = "/" + request.match_info["tail"]
        try:
            values = await self._values(request)
            if path == "/access/ticket" and request.method == "POST":
                return _ok(self._login(values))
            auth_id = self._authenticate(request)
            for method, regex, handler in self._routes:
                found = regex.match(path)
                if found and method == request.method:
                    TASK_FAULT.set(request.get("lab_fault"))
                    params = {k: _unquote(v) for k, v in found.groupdict().items()}
                    return _ok(await handler(values, auth_id, params))
            if any(regex.match(path) for _m, regex, _h in self._routes):
                return render_error(405, "method not allowed")
            return render_error(404, "Path '%s%s' not found." % (API, path))
        except ApiFailure as exc:
            return render_error(exc.status, exc.message)
        except schema.ParameterError as exc:
            return render_error(400, "parameter verification failed", exc.errors)
        except PermissionDenied as exc:
            return render_error(403, str(exc))

    @staticmethod
    async def _values(request):
        values = {}
        sources = [request.query]
        if request.method in ("POST", "PUT") and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                return dict(request.query, **{k: v for k, v in body.items() if v is not None})
            sources.append(await request.post())
        for source in sources:
            for key in set(source.keys()):
                items = source.getall(key)
                values[key] = items if len(items) > 1 else items[0]
        return values

    def _login(self, values):
        username, password = values.get("username", ""), values.get("password", "")
        if username in self.tickets.values() or password in self.tickets:
            # Renewing: the old ticket as the password.
            entry = self.tickets.get(password)
            if not entry or entry[0] != username:
                raise ApiFailure(401, "authentication failure")
        elif not self.access.check_password(username, password):
            raise ApiFailure(401, "authentication failure")
        ticket = self.access.new_ticket(username)
        csrf = "%08X:%s" % (int(time.time()), secrets.token_urlsafe(24))
        self.tickets[ticket] = (username, csrf)
        return {"username": username, "ticket": ticket, "CSRFPreventionToken": csrf}

    def _authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if header.startswith("PBSAPIToken="):
            tokenid, _colon, secret = header[len("PBSAPIToken=") :].partition(":")
            if not self.access.check_token(tokenid, secret):
                raise ApiFailure(401, "authentication failed - invalid token")
            return tokenid
        ticket = request.cookies.get("PBSAuthCookie")
        entry = self.tickets.get(ticket) if ticket else None
        if entry is None:
            raise ApiFailure(401, "authentication failed - no authentication credentials provided.")
        if request.method not in ("GET", "HEAD") and request.headers.get("CSRFPreventionToken") != entry[1]:
            raise ApiFailure(401, "authentication failed - invalid CSRF token")
        return entry[0]

    # Tasks (with the lab's task faults: task_exit and slow_task_ms).

    def start_task(self, worker_type, worker_id, auth_id, body, values):
        fault = TASK_FAULT.get()
        TASK_FAULT.set(None)  # only the first task the faulted request starts
        extra = fault.extra if fault is not None else {}
        return self.tasks.start(
            worker_type,
            worker_id,
            auth_id,
            body,
            delay_ms=extra.get("slow_task_ms", 0),
            fail_with=extra.get("task_exit"),
        )

    async def _version(self, values, auth_id, params):
        return dict(PBS_VERSION)

    async def _certificates(self, values, auth_id, params):
        self.access.require(auth_id, "/system/certificates", "Sys.Audit")
        return [dict(self.cert_info)]

    def _task(self, params, auth_id):
        status = self.tasks.status(params["upid"])
        if status is None:
            raise ApiFailure(400, "no such task")
        owner = self.tasks.records[params["upid"]]
        if owner["user"] != auth_id.split("!")[0] and not self.access.allowed(auth_id, "/system/tasks", "Sys.Audit"):
            raise PermissionDenied("permission check failed")
        return status

    async def _task_status(self, values, auth_id, params):
        return self._task(params, auth_id)

    async def _task_log(self, values, auth_id, params):
        self._task(params, auth_id)
        return self.tasks.log(params["upid"], int(values.get("start", 0)), int(values.get("limit", 50)))

    async def _task_list(self, values, auth_id, params):
        self.access.require(auth_id, "/system/tasks", "Sys.Audit")
        return self.tasks.listing(int(values.get("limit", 50)))

    # What a backup client (PVE's vzdump) does: one new snapshot in a datastore.

    def add_snapshot(self, store_name, ns, backup_type, backup_id, owner, files, blobs, comment=None, when=None):
        self.config.datastores.lookup(store_name)
        store = self.stores.setdefault(store_name, {"snapshots": [], "pending-bytes": 0, "removed-bytes": 0})
        when = int(when or time.time())
        taken = {
            s["backup-time"]
            for s in store["snapshots"]
            if (s.get("ns") or "", s["backup-type"], s["backup-id"]) == (ns or "", backup_type, str(backup_id))
        }
        while when in taken:  # PBS refuses a second snapshot in the same second; the client retries a second later
            when += 1
        snap = {
            "ns": ns or "",
            "backup-type": backup_type,
            "backup-id": str(backup_id),
            "backup-time": when,
            "files": files,
            "size": sum(f["size"] for f in files),
            "owner": owner,
            "protected": False,
            "blobs": blobs,
            "uuid": str(uuid.uuid4()),
        }
        if comment:
            snap["comment"] = comment
        store["snapshots"].append(snap)
        return snap


def _unquote(value):
    from urllib.parse import unquote

    return unquote(value)
