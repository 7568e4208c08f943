# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A pure client for authentik's REST API v3 on the foundation's HttpClient.

It knows authentik's transport rules: every path ends in "/", lists come in page-number envelopes that must be
followed until `next` is 0, lookups use exact filters and are confirmed client-side (authentik ignores unknown
query parameters, so a misspelt filter would otherwise return everything), and applications are listed with
`superuser_full_list` because the plain listing is policy-filtered for the caller.
"""

from __future__ import annotations

import re

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.http_client import HttpClient

PAGE_SIZE = 100
# Guards a loop against a server whose `next` never reaches 0.
MAX_PAGES = 1000
# authentik 2025.12 replaced a group's single `parent` with a `parents` list.
PARENTS_SINCE = (2025, 12)
# What AuthentikClient.remember() takes: the lookups that are the same for every application of a run.
KNOWN_KINDS = ("flows", "groups", "scope_mappings")
# authentik 2024.8.5 / 2024.10.3 turned redirect_uris from a newline-separated string into a list of entries.
REDIRECT_URI_LIST_SINCE = (2024, 10, 3)
EMBEDDED_OUTPOST = "goauthentik.io/outposts/embedded"


def parse_version(text):
    """(2026, 8, 5) from "2026.8.5" or "2026.8.5-rc1"; raises ApiError on anything else."""
    match = re.match(r"^\s*(\d+)\.(\d+)(?:\.(\d+))?", str(text or ""))
    if not match:
        raise ApiError("cannot read the authentik version from %r" % (text,))
    return tuple(int(part or 0) for part in match.groups())


def _flatten_errors(data):
    """authentik's 400 bodies, {field: [messages]} or nested lists of them, as "field: message; ..."."""
    parts = []
    for field, value in data.items():
        if isinstance(value, dict):
            value = _flatten_errors(value)
        elif isinstance(value, list):
            value = "; ".join(_flatten_errors(v) if isinstance(v, dict) else str(v) for v in value if v)
        if value:
            parts.append("%s: %s" % (field, value))
    return "; ".join(parts)


class AuthentikHttpClient(HttpClient):
    """HttpClient with authentik's message shapes: {"detail": ...} and DRF field errors."""

    def is_transient(self, status, message, data):
        return status == 429 or (status is not None and status >= 500)

    def extract_message(self, status, data, text):
        if isinstance(data, dict) and "detail" not in data and data:
            return _flatten_errors(data)[:500]
        return super().extract_message(status, data, text)


def _path(*parts):
    """An API path with the trailing slash authentik insists on (a missing one turns a POST into a GET)."""
    return "/".join(str(part).strip("/") for part in parts if part != "") + "/"


class AuthentikClient:
    """The calls every authentik module needs; raises the foundation's typed errors."""

    def __init__(self, http):
        self.http = http
        self._version = None
        # Primary keys an earlier task of the run looked up (authentik_info), by slug / name / managed name: the
        # lookups below use them before asking the server, so N applications do not look up the same flows N times.
        self.known = {kind: {} for kind in KNOWN_KINDS}

    def remember(self, known_pks):
        """Takes {flows: {slug: pk}, groups: {name: pk}, scope_mappings: {managed: pk}} (any part may be missing)."""
        for kind, pks in (known_pks or {}).items():
            if kind not in KNOWN_KINDS:
                raise InvalidInput("known_pks", "unknown kind %r (use %s)" % (kind, ", ".join(KNOWN_KINDS)))
            self.known[kind].update({name: pk for name, pk in (pks or {}).items() if pk not in (None, "")})

    def get(self, *parts, **params):
        return self.http.request("GET", _path(*parts), params=params or None).data

    def post(self, *parts, body=None):
        return self.http.request("POST", _path(*parts), json_body=body if body is not None else {}).data

    def patch(self, *parts, body=None):
        return self.http.request("PATCH", _path(*parts), json_body=body or {}).data

    def delete(self, *parts):
        self.http.request("DELETE", _path(*parts))

    def list(self, path, **params):
        """Every object of a collection, following the page numbers until `next` is 0."""
        params.setdefault("page_size", PAGE_SIZE)
        results = []
        page = 1
        for _attempt in range(MAX_PAGES):
            data = self.http.request("GET", _path(path), params=dict(params, page=page)).data
            if not isinstance(data, dict) or "pagination" not in data or "results" not in data:
                raise ApiError("GET %s: expected a paginated list, got %r" % (_path(path), data))
            results.extend(data["results"])
            page = data["pagination"].get("next") or 0
            if not page:
                return results
        raise ApiError("GET %s: more than %d pages; giving up" % (_path(path), MAX_PAGES))

    def find(self, path, field, value, filter_name=None, case_insensitive=False, **params):
        """The one object whose `field` equals value, looked up by an exact filter and confirmed client-side."""
        params[filter_name or field] = value
        if case_insensitive:
            matches = [obj for obj in self.list(path, **params) if str(obj.get(field, "")).lower() == value.lower()]
        else:
            matches = [obj for obj in self.list(path, **params) if obj.get(field) == value]
        if len(matches) > 1:
            raise ApiError(
                "%s: %d objects have %s %r; expected at most one" % (_path(path), len(matches), field, value)
            )
        return matches[0] if matches else None

    def get_or_none(self, *parts, **params):
        try:
            return self.get(*parts, **params)
        except NotFound:
            return None

    # Version gating.

    def version(self):
        """The server's version as a tuple, asked once per client."""
        if self._version is None:
            self._version = parse_version(self.get("admin", "version").get("version_current"))
        return self._version

    def group_parents_field(self):
        return "parents" if self.version() >= PARENTS_SINCE else "parent"

    def redirect_uris_as_list(self):
        return self.version() >= REDIRECT_URI_LIST_SINCE

    # Lookups that modules share.

    def flow_pk(self, slug, option="flow"):
        if slug in self.known["flows"]:
            return self.known["flows"][slug]
        flow = self.find("flows/instances", "slug", slug)
        if flow is None:
            raise InvalidInput(option, "no flow with slug %r" % slug)
        return flow["pk"]

    def scope_mapping_pks(self, scopes, option="scopes"):
        """The UUIDs of the OAuth2 scope mappings named by scope (openid, email...) or by full managed name."""
        wanted = [
            (scope, scope if "/" in scope else "goauthentik.io/providers/oauth2/scope-%s" % scope) for scope in scopes
        ]
        found = {managed: [{"pk": pk}] for managed, pk in self.known["scope_mappings"].items()}
        unknown = [managed for _scope, managed in wanted if managed not in found]
        if unknown:
            # One read for all of them: the scope mapping filter takes `managed` several times (?managed=a&managed=b).
            for mapping in self.list("propertymappings/provider/scope", managed=unknown):
                found.setdefault(mapping.get("managed"), []).append(mapping)
        pks = []
        for scope, managed in wanted:
            matches = found.get(managed, [])
            if not matches:
                raise InvalidInput(option, "no scope mapping %r (managed %r)" % (scope, managed))
            if len(matches) > 1:
                raise ApiError(
                    "propertymappings/provider/scope: %d objects are managed as %r" % (len(matches), managed)
                )
            pks.append(matches[0]["pk"])
        return pks

    def certificate_pk(self, name, option="signing_key"):
        keypair = self.find("crypto/certificatekeypairs", "name", name)
        if keypair is None:
            raise InvalidInput(option, "no certificate-key pair named %r" % name)
        return keypair["pk"]

    def group_pks(self, names, option="groups"):
        pks = []
        for name in names:
            if name in self.known["groups"]:
                pks.append(self.known["groups"][name])
                continue
            group = self.find("core/groups", "name", name, include_users="false")
            if group is None:
                raise InvalidInput(option, "no group named %r" % name)
            pks.append(group["pk"])
        return pks

    def user_pks(self, usernames, option="users"):
        pks = []
        for username in usernames:
            user = self.find("core/users", "username", username)
            if user is None:
                raise InvalidInput(option, "no user named %r" % username)
            pks.append(user["pk"])
        return pks

    def outpost(self, name=None):
        """The named outpost, or the embedded one when no name is given."""
        if name:
            found = self.find("outposts/instances", "name", name, filter_name="name__iexact", case_insensitive=True)
        else:
            found = self.find("outposts/instances", "managed", EMBEDDED_OUTPOST, filter_name="managed__iexact")
        if found is None:
            raise InvalidInput("outpost", "no outpost %s" % (repr(name) if name else "managed as the embedded one"))
        return found


def client_from_params(params):
    """An AuthentikClient from a module's connection options (api_url, api_token, ca_path, ...)."""
    from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import http_client_kwargs

    return AuthentikClient(AuthentikHttpClient(**http_client_kwargs("authentik", params)))
