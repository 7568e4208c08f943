# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP surface of the twin: routing like OPNsense's 24.7+ router, basic auth with ACLs, and the controllers."""

from __future__ import annotations

import base64
import json
import re
import time
import uuid as uuidlib

from aiohttp import web

from lab.opnsense.store import UUID_SHAPE, ScalarExpected
from lab.opnsense.world import AUTOMATIC_RULES, PACKAGES

# (module, controller) -> {item action suffix: collection}. Names are compared without "_" and case.
CRUD = {
    ("firewall", "filter"): {"rule": "rules"},
    ("firewall", "alias"): {"item": "aliases"},
    ("firewall", "category"): {"item": "categories"},
    ("interfaces", "vlansettings"): {"item": "vlans"},
    ("unbound", "settings"): {"hostoverride": "hosts"},
    ("kea", "dhcpv4"): {"subnet": "subnets", "reservation": "reservations"},
    ("caddy", "reverseproxy"): {
        "reverseproxy": "caddy_reverse",
        "subdomain": "caddy_subdomain",
        "handle": "caddy_handle",
        "accesslist": "caddy_accesslist",
    },
}
# POST endpoints that move a service's pending changes to applied; the answer each gives.
APPLY = {
    ("firewall", "filter", "apply"): (("filter",), {"status": "OK\n\n"}),
    ("firewall", "alias", "reconfigure"): (("alias", "filter"), {"status": "ok"}),
    ("interfaces", "vlansettings", "reconfigure"): (("vlan",), {"status": "ok"}),
    ("unbound", "service", "reconfigure"): (("unbound",), {"status": "ok"}),
    ("kea", "service", "reconfigure"): (("kea",), {"status": "ok"}),
    ("caddy", "service", "reconfigure"): (("caddy",), {"status": "ok"}),
    ("interfaces", "assignment", "reconfigure"): (("assignment",), {"status": "ok"}),
}
VERBS = ("search", "get", "add", "set", "del", "toggle")
# Actions whose PHP method requires the uuid (setItemAction($uuid)); getItemAction($uuid = null) does not.
NEEDS_UUID = ("set", "del", "toggle")
INSTALL_SECONDS = 1.5
READ_ONLY_ACTIONS = re.compile(r"^(search|get)")


def _key(text):
    return text.replace("_", "").lower()


def _json(data, status=200):
    return web.json_response(data, status=status, dumps=json.dumps)


def render_error(status, message):
    """OPNsense's error shapes: {status,message} for 400/401/403, errorMessage for 404/500."""
    if status in (400, 401, 403):
        return _json({"status": status, "message": message}, status)
    return _json({"errorMessage": message or "Unexpected error, check log for details"}, status)


def parameter_mismatch():
    """The router's ParameterMismatchException (a DispatchException): 404, like an unknown endpoint."""
    return render_error(404, "Endpoint not found")


class UserException(Exception):
    """An OPNsense UserException: HTTP 500 with errorMessage and errorTitle."""


class OpnsenseApp:
    def __init__(self, firewall, credentials):
        self.firewall = firewall
        self.credentials = credentials  # key -> (secret, role); role "admin" or "readonly"

    # Entry point.

    async def handle(self, request):
        if request.path == "/_lab/state":
            return _json(self.firewall.state())
        parts = [part for part in request.path.split("/") if part]
        if len(parts) < 4 or parts[0] != "api":
            return render_error(404, "Endpoint not found")
        role = self._role(request)
        if role is None:
            return render_error(401, "Authentication Failed")
        module, controller, action, params = _key(parts[1]), _key(parts[2]), _key(parts[3]), parts[4:]
        if role == "readonly" and (request.method != "GET" or not READ_ONLY_ACTIONS.match(action)):
            return render_error(403, "Forbidden")
        body = {}
        if request.method == "POST":
            raw = await request.read()
            if "json" in request.headers.get("Content-Type", ""):
                if not raw.strip():
                    return render_error(400, "Invalid JSON syntax")
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {}  # OPNsense treats unparsable JSON as an empty POST
                if not isinstance(body, dict):
                    body = {}
        try:
            return self._route(request, module, controller, action, params, body)
        except ScalarExpected:
            # PHP: "expected a single value" (26.7) / "Array to string conversion" (earlier), logged, not shown.
            return render_error(500, "Unexpected error, check log for details")
        except UserException as exc:
            data = {"errorMessage": str(exc), "errorTitle": "An error occurred"}
            if self.firewall.profile.error_level:
                data["errorLevel"] = "error"
            return _json(data, 500)

    def _role(self, request):
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            key, _colon, secret = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except (ValueError, UnicodeDecodeError):
            return None
        known = self.credentials.get(key)
        if known is None or known[0] != secret:
            return None
        return known[1]

    def _route(self, request, module, controller, action, params, body):
        fw = self.firewall
        if module == "caddy" and "os-caddy" not in fw.installed:
            return render_error(404, "Endpoint not found")
        apply = APPLY.get((module, controller, action))
        if apply is not None:
            if request.method != "POST":
                return _json({"status": "error" if action == "apply" else "failed"})
            # 26.1 arms the savepoint rollback timer when a revision is given (its revert never works, core
            # #10721); 26.7's applyAction takes no parameter and PHP ignores the extra one: a plain apply either way.
            fw.apply(*apply[0])
            return _json(apply[1])
        if (module, controller) == ("firewall", "filter") and action in ("savepoint", "cancelrollback", "revert"):
            return self._savepoint(request, action, params)
        if (module, controller) == ("interfaces", "assignment") and fw.profile.assignment_api:
            return self._assignment(request, action, params, body)
        if (module, controller) == ("firewall", "alias") and action == "getaliasuuid" and params:
            for uuid, row in fw.collections["aliases"].rows.items():
                if row.get("name") == params[0]:
                    return _json({"uuid": uuid})
            return _json([])
        if module == "core" and controller == "firmware":
            return self._firmware(request, action, params)
        if (module, controller, action) == ("core", "system", "status"):
            return _json({"metadata": {"system": {"status": "OK"}}, "status": "ok"})
        settings = fw.settings.get((module, controller))
        if settings is not None and action in ("get", "set"):
            return self._settings(request, action, body, *settings)
        items = CRUD.get((module, controller))
        if items:
            for verb in VERBS:
                if action.startswith(verb) and action[len(verb) :] in items:
                    if verb in NEEDS_UUID and not params:
                        return parameter_mismatch()
                    collection = fw.collections[items[action[len(verb) :]]]
                    return getattr(self, "_" + verb)(request, collection, params, body)
        return render_error(404, "Endpoint not found")

    # The model controller contract (reference B2).

    def _search(self, request, collection, params, body):
        query = dict(request.query)
        query.update({key: value for key, value in body.items() if not isinstance(value, (dict, list))})
        current = _int(query.get("current"), 1)
        row_count = _int(query.get("rowCount"), -1)
        extra = []
        show_automatic = self.firewall.profile.legacy_rows_always or str(query.get("show_all", "")) == "1"
        if collection.name == "rules" and show_automatic:
            extra = [dict(row) for row in AUTOMATIC_RULES]
        result = collection.search(query.get("searchPhrase", ""), current, row_count, extra)
        if collection.name == "aliases" and query.get("type"):
            wanted = set(str(query["type"]).split(","))
            result["rows"] = [row for row in result["rows"] if row.get("type") in wanted]
            result["total"] = result["rowCount"] = len(result["rows"])
        return _json(result)

    def _get(self, request, collection, params, body):
        display = self.firewall.profile.get_display_keys
        if not params:
            return _json({collection.post_key: collection.render_item(collection.schema.template(), False)})
        row = collection.rows.get(params[0])
        if row is None:
            return _json([])
        return _json({collection.post_key: collection.render_item(row, display)})

    def _add(self, request, collection, params, body):
        posted = body.get(collection.post_key)
        if request.method != "POST" or not isinstance(posted, dict):
            return _json({"result": "failed"})
        uuid = collection.new_uuid()
        return self._save(collection, uuid, posted, created=True)

    def _set(self, request, collection, params, body):
        posted = body.get(collection.post_key)
        if request.method != "POST" or not isinstance(posted, dict):
            return _json({"result": "failed"})
        if not re.match(UUID_SHAPE, params[0]):
            return _json({"result": "failed"})
        return self._save(collection, params[0], posted, created=False)

    def _save(self, collection, uuid, posted, created):
        row = collection.merged(uuid, posted)
        problems = self.firewall.validator.item(collection, uuid, row)
        if problems:
            return _json(
                {
                    "result": "failed",
                    "validations": {"%s.%s" % (collection.post_key, name): msg for name, msg in problems.items()},
                }
            )
        collection.rows[uuid] = row
        self.firewall.saved(collection.service)
        return _json({"result": "saved", "uuid": uuid} if created else {"result": "saved"})

    def _del(self, request, collection, params, body):
        if request.method != "POST":
            return _json({"result": "failed"})
        uuids = params[0].split(",")
        if any(uuid not in collection.rows for uuid in uuids):
            return _json({"result": "not found"})
        for uuid in uuids:
            for check in collection.in_use:
                message = check(collection, uuid, collection.rows[uuid])
                if message:
                    raise UserException(message)
        for uuid in uuids:
            del collection.rows[uuid]
        self.firewall.saved(collection.service)
        return _json({"result": "deleted"})

    def _toggle(self, request, collection, params, body):
        if request.method != "POST":
            return _json({"result": "failed"})
        row = collection.rows.get(params[0])
        if row is None:
            return _json({"result": "failed"})
        before = row.get("enabled", "1")
        wanted = params[1] if len(params) > 1 and params[1] in ("0", "1") else ("0" if before == "1" else "1")
        if wanted != before:
            row["enabled"] = wanted
            self.firewall.saved(collection.service)
        return _json({"result": "Enabled" if wanted == "1" else "Disabled", "changed": wanted != before})

    # Settings controllers: the whole node under its model name, validation keys "<model>.<node>.<field>".

    def _settings(self, request, action, body, name, model_key, node):
        collection = self.firewall.collections[name]
        row = collection.rows[node]
        if action == "get":
            if request.method != "GET":
                return _json([])
            return _json({model_key: {node: collection.render_item(row, self.firewall.profile.get_display_keys)}})
        posted = (body.get(model_key) or {}).get(node) if isinstance(body.get(model_key), dict) else None
        if request.method != "POST" or not isinstance(posted, dict):
            return _json({"result": "failed"})
        merged = collection.merged(node, posted)
        problems = self.firewall.validator.item(collection, node, merged)
        if problems:
            validations = {"%s.%s.%s" % (model_key, node, field): msg for field, msg in problems.items()}
            return _json({"result": "failed", "validations": validations})
        collection.rows[node] = merged
        self.firewall.saved(collection.service)
        return _json({"result": "saved"})

    # Filter savepoints (24.1-26.1): created and cancellable, but the revert never restores anything,
    # because the revision is rounded while the backup file name is not (core #10721).

    def _savepoint(self, request, action, params):
        if not self.firewall.profile.savepoint:
            return render_error(404, "Endpoint not found")
        if action in ("cancelrollback", "revert") and not params:
            return parameter_mismatch()  # both take the revision
        if request.method != "POST":
            return _json({"status": "failed"})
        if action == "savepoint":
            return _json({"status": "ok", "retention": "60", "revision": "%.2f" % time.time()})
        if action == "revert":
            return _json({"status": "unknown (or removed) savepoint"})
        return _json({"status": "ok"})

    # Interface assignment (26.7+), keyed by interface name rather than uuid.

    def _assignment(self, request, action, params, body):
        fw = self.firewall
        devices = {device: device for device in ("vtnet0", "vtnet1")}
        devices.update({row["vlanif"]: row["vlanif"] for row in fw.collections["vlans"].rows.values()})
        if action == "searchitem":
            rows = [dict(data, identifier=name) for name, data in fw.interfaces.items()]
            return _json({"total": len(rows), "rowCount": len(rows), "current": 1, "rows": rows})
        if action == "getitem":
            data = fw.interfaces.get(params[0]) if params else {"if": "", "descr": "", "lock": "0"}
            if data is None:
                return _json([])
            options = {dev: {"value": label, "selected": int(dev == data["if"])} for dev, label in devices.items()}
            return _json({"interface": {"if": options, "descr": data["descr"], "lock": data["lock"]}})
        if action in ("setitem", "delitem") and not params:
            return parameter_mismatch()
        if request.method != "POST":
            return _json({"result": "failed"})
        posted = body.get("interface")
        if action in ("additem", "setitem"):
            if not isinstance(posted, dict):
                return _json({"result": "failed"})
            if any(isinstance(value, (list, dict)) for value in posted.values()):
                raise ScalarExpected("interface")
            name = params[0] if action == "setitem" else None
            if action == "setitem" and name not in fw.interfaces:
                return _json({"result": "failed"})
            current = fw.interfaces.get(name, {"if": "", "descr": "", "lock": "0"})
            merged = dict(current)
            merged.update({key: str(value) for key, value in posted.items() if key in ("if", "descr", "lock")})
            problems = {}
            if merged["if"] not in devices:
                problems["interface.if"] = "Option not in list." if merged["if"] else "A value is required."
            elif any(other["if"] == merged["if"] for key, other in fw.interfaces.items() if key != name):
                problems["interface.if"] = "Device already assigned."
            if problems:
                return _json({"result": "failed", "validations": problems})
            if name is None:
                number = 1
                while "opt%d" % number in fw.interfaces:
                    number += 1
                name = "opt%d" % number
                merged.setdefault("ipaddr", "")
            fw.interfaces[name] = merged
            fw.saved("assignment")
            return _json({"result": "saved", "uuid": name} if action == "additem" else {"result": "saved"})
        if action == "delitem":
            for name in params[0].split(","):
                data = fw.interfaces.get(name)
                if data is None:
                    return _json({"result": "not found"})
                if data.get("lock") == "1":
                    raise UserException("Interface %s is locked and cannot be removed" % name)
            for name in params[0].split(","):
                del fw.interfaces[name]
            fw.saved("assignment")
            return _json({"result": "deleted"})
        return render_error(404, "Endpoint not found")

    # Firmware: package installs run as a background job polled through upgradestatus.

    def _firmware(self, request, action, params):
        fw = self.firewall
        self._finish_job()
        if action == "info":
            packages = [
                {"name": name, "version": "1.0", "installed": "1" if name in fw.installed else "0", "locked": "0"}
                for name in PACKAGES
            ]
            return _json(
                {
                    "product_version": fw.profile.product_version,
                    "product_id": "opnsense",
                    "package": packages,
                    "plugin": packages,
                }
            )
        if action == "upgradestatus":
            # Like configd's job log: it keeps the last job's lines, and says running until the job ends.
            job = fw.firmware_job
            return _json({"status": "running" if job else "done", "log": fw.firmware_log})
        if action in ("install", "remove") and params:
            if request.method != "POST":
                return _json({"status": "failed"})
            if params[0] not in PACKAGES:
                return _json({"status": "failed", "status_msg": "Package %s not found." % params[0]})
            fw.firmware_job = {"package": params[0], "action": action, "done_at": time.monotonic() + INSTALL_SECONDS}
            fw.firmware_log = "***GOT REQUEST TO %s: %s***\n" % (action.upper(), params[0])
            return _json({"status": "ok", "msg_uuid": str(uuidlib.uuid4())})
        return render_error(404, "Endpoint not found")

    def _finish_job(self):
        job = self.firewall.firmware_job
        if job is not None and time.monotonic() >= job["done_at"]:
            if job["action"] == "install":
                self.firewall.installed.add(job["package"])
            else:
                self.firewall.installed.discard(job["package"])
            self.firewall.firmware_job = None
            self.firewall.firmware_log += "Checking integrity... done\n***DONE***\n"
            self.firewall.revision += 1


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
