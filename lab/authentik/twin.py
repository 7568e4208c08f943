# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The authentik twin: authentik 2026.8's REST API v3 over HTTPS, with its transport and authentication rules.

Transport rules it keeps: every path ends in "/" (a missing slash gets Django's 301, which turns a POST into a
GET), bearer tokens only, and every authentication failure is a 403 with {"detail": ...}, never a 401, because
authentik's TokenAuthentication sends no WWW-Authenticate challenge. Lists use the page-number envelope with the
`autocomplete` key. Test hook besides /_lab/faults: POST /_lab/clock {"advance_seconds": N} moves the twin's clock,
so token expiry can be tested without waiting.
"""

from __future__ import annotations

import json
import math
import secrets

from lab.authentik.resources import RESOURCES, ApiFailure
from lab.authentik.state import AUTHENTIK_VERSION, State
from lab.authentik.validation import FieldErrors
from lab.framework import FaultRegistry, aiohttp_lab_middleware

API_PREFIX = "/api/v3/"
DEFAULT_PAGE_SIZE = 100


def _json(status, body):
    from aiohttp import web

    return web.Response(status=status, text=json.dumps(body), content_type="application/json")


def render_error(status, message):
    return _json(status, {"detail": message or "A server error occurred."})


class AuthentikTwin:
    service = "authentik"

    def __init__(self, context, bootstrap_token=None):
        self.context = context
        self.port = context.ports["authentik"]
        self.url = "https://%s:%d" % (context.host, self.port)
        self.bootstrap_token = bootstrap_token or secrets.token_urlsafe(48)
        self.state = State(self.url, self.bootstrap_token)
        self.faults = FaultRegistry()
        self.resources = sorted((cls(self.state) for cls in RESOURCES), key=lambda resource: -len(resource.path))
        self._runner = None

    def env(self):
        return {
            "AUTHENTIK_URL": self.url,
            "AUTHENTIK_TOKEN": self.bootstrap_token,
            "AUTHENTIK_CA_PATH": self.context.ca.cert_path,
        }

    def make_app(self):
        from aiohttp import web

        app = web.Application(
            middlewares=[aiohttp_lab_middleware(self.service, self.context, self.faults, render_error)]
        )
        app.router.add_route("*", "/_lab/clock", self.handle_clock)
        app.router.add_route("GET", "/-/health/ready/", self.handle_health)
        app.router.add_route("GET", "/-/health/live/", self.handle_health)
        app.router.add_route("*", "/api/v3/{tail:.*}", self.handle_api)
        app.router.add_route("*", "/api/v3", self.handle_api)
        return app

    async def start(self):
        from aiohttp import web

        self._runner = web.AppRunner(self.make_app(), access_log=None)
        await self._runner.setup()
        ssl_context = self.context.ca.server_context("authentik", hosts=("localhost", self.context.host))
        site = web.TCPSite(self._runner, self.context.host, self.port, ssl_context=ssl_context)
        await site.start()

    async def stop(self):
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # Handlers.

    async def handle_health(self, request):
        from aiohttp import web

        return web.Response(status=200)

    async def handle_clock(self, request):
        if request.method != "POST":
            return _json(405, {"error": 'POST {"advance_seconds": N}'})
        body = await request.json()
        self.state.clock.advance(float(body.get("advance_seconds", 0)))
        return _json(200, {"now": self.state.clock.now().isoformat()})

    async def handle_api(self, request):
        from aiohttp import web

        if not request.path.endswith("/"):
            # Django's APPEND_SLASH: a permanent redirect, which clients follow with a GET.
            location = request.path + "/" + ("?" + request.query_string if request.query_string else "")
            return web.Response(status=301, headers={"Location": location})
        user, failure = self.authenticate(request.headers.get("Authorization", ""))
        if failure:
            return render_error(403, failure)
        body = None
        if request.method in ("POST", "PUT", "PATCH") and request.can_read_body:
            content_type = request.content_type
            if content_type != "application/json":
                return render_error(415, 'Unsupported media type "%s" in request.' % content_type)
            try:
                body = json.loads(await request.text())
            except ValueError as exc:
                return render_error(400, "JSON parse error - %s" % exc)
        if body is None and request.method in ("POST", "PUT", "PATCH"):
            body = {}
        query = {}
        for key, value in request.query.items():
            query.setdefault(key, []).append(value)
        try:
            status, payload = self.dispatch(request.method, request.path[len(API_PREFIX) :], query, body, user)
        except FieldErrors as exc:
            return _json(400, exc.errors)
        except ApiFailure as exc:
            if exc.detail is None:
                return web.Response(status=exc.status)
            return render_error(exc.status, exc.detail)
        if payload is None:
            return web.Response(status=status)
        return _json(status, payload)

    def authenticate(self, header):
        """(user, None) for a valid API token, or (None, authentik's message) for a refusal."""
        if not header.strip():
            return None, "Authentication credentials were not provided."
        scheme, _space, key = header.strip().partition(" ")
        if scheme.lower() != "bearer":
            return None, "Unsupported authentication type"
        key = key.strip()
        now = self.state.clock.now()
        for token in self.state.tables["tokens"].values():
            if token["key"] != key or token["intent"] != "api":
                continue
            if token["expiring"] and token["expires"] is not None and token["expires"] < now:
                break
            user = self.state.user_by_pk(token["user"])
            if user is None or not user["is_active"]:
                break
            return user, None
        return None, "Token invalid/expired"

    def dispatch(self, method, path, query, body, user):
        path = path.strip("/")
        if path == "admin/version":
            if method != "GET":
                raise ApiFailure(405, 'Method "%s" not allowed.' % method)
            return 200, {
                "version_current": AUTHENTIK_VERSION,
                "version_latest": AUTHENTIK_VERSION,
                "version_latest_valid": True,
                "build_hash": "",
                "outdated": False,
                "outpost_outdated": False,
            }
        for resource in self.resources:
            if path == resource.path or path.startswith(resource.path + "/"):
                rest = [part for part in path[len(resource.path) :].split("/") if part]
                return self.dispatch_resource(resource, method, rest, query, body, user)
        raise ApiFailure(404, "Not found.")

    def dispatch_resource(self, resource, method, rest, query, body, user):
        if not self.state.is_superuser(user) and resource.path not in (
            "core/users",
            "core/tokens",
            "core/applications",
        ):
            raise ApiFailure(403, "You do not have permission to perform this action.")
        if not rest:
            if method == "GET":
                return 200, self.paginate(resource, query, user)
            if method == "POST":
                return 201, resource.render(resource.create(body, user), {})
            raise ApiFailure(405, 'Method "%s" not allowed.' % method)
        if len(rest) == 1 and (method, rest[0]) in resource.collection_actions:
            return getattr(resource, resource.collection_actions[(method, rest[0])])(body, user)
        if len(rest) == 1 and any(name == rest[0] for _method, name in resource.collection_actions):
            raise ApiFailure(405, 'Method "%s" not allowed.' % method)
        obj = resource.get(rest[0])
        if not resource.visible([obj], {"superuser_full_list": ["true"]}, user):
            raise ApiFailure(404, "No %s matches the given query." % resource.model)
        if len(rest) == 2:
            action = resource.detail_actions.get((method, rest[1]))
            if action is None:
                if any(name == rest[1] for _method, name in resource.detail_actions):
                    raise ApiFailure(405, 'Method "%s" not allowed.' % method)
                raise ApiFailure(404, "Not found.")
            return getattr(resource, action)(obj, body, user)
        if len(rest) > 2:
            raise ApiFailure(404, "Not found.")
        if method == "GET":
            return 200, resource.render(obj, query)
        if method in ("PUT", "PATCH"):
            return 200, resource.render(resource.update(obj, body, method == "PATCH", user), {})
        if method == "DELETE":
            resource.destroy(obj)
            return 204, None
        raise ApiFailure(405, 'Method "%s" not allowed.' % method)

    def paginate(self, resource, query, user):
        objects = resource.filtered(query, user)
        try:
            page_size = max(1, int(query.get("page_size", [DEFAULT_PAGE_SIZE])[-1]))
        except ValueError:
            page_size = DEFAULT_PAGE_SIZE
        try:
            page = int(query.get("page", ["1"])[-1])
        except ValueError:
            page = 0
        count = len(objects)
        total_pages = max(1, math.ceil(count / page_size))
        if page < 1 or page > total_pages:
            raise ApiFailure(404, "Invalid page.")
        start = (page - 1) * page_size
        window = objects[start : start + page_size]
        return {
            "pagination": {
                "next": page + 1 if page < total_pages else 0,
                "previous": page - 1 if page > 1 else 0,
                "count": count,
                "current": page,
                "total_pages": total_pages,
                "start_index": start + 1 if count else 0,
                "end_index": start + len(window),
            },
            "results": [resource.render(obj, query) for obj in window],
            "autocomplete": {},
        }
