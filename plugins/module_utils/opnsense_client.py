# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""OPNsense REST API client: the foundation's HttpClient taught OPNsense's error shapes, plus model controllers.

OPNsense answers most failures with HTTP 200 and a body ({"result": "failed", "validations": {...}}), so a
controller judges every answer by its body. Each controller is read in bulk once (one search with rowCount -1)
and the rows are kept for the rest of the run, so a module never reads N+1 times.
"""

from __future__ import annotations

import re

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.http_client import HttpClient

# Keys of error bodies, best first: UserExceptions and router errors use errorMessage, auth errors message.
OPNSENSE_MESSAGE_KEYS = ("errorMessage", "message", "status_msg")
TRANSIENT_WORDS = ("lock", "timeout", "temporarily")
# 25.7 changed search rows from display values to raw values; older releases would need a get per row.
MINIMUM_VERSION = (25, 7)
# interfaces/assignment arrived in 26.7; before it, interfaces are assigned by the SSH bootstrap (network role).
ASSIGNMENT_API_VERSION = (26, 7)
# The Phalcon router (24.1 and earlier) answered an unknown controller or action with HTTP 400 and this message;
# the router of 24.7+ answers 404 "Endpoint not found" (also for a missing required parameter such as the uuid).
PHALCON_NOT_FOUND = re.compile(r"^(controller|action) .+ not found", re.IGNORECASE)


class ValidationFailed(ApiError):
    """OPNsense refused a write field by field; `validations` maps "<item>.<field>" to the API's messages."""

    def __init__(self, validations, method=None, url=None):
        self.validations = dict(validations)
        message = "; ".join("%s: %s" % (key, _join(value)) for key, value in sorted(self.validations.items()))
        super().__init__("validation failed: " + message, status=200, method=method, url=url, body=validations)


def _join(value):
    return " / ".join(str(item) for item in value) if isinstance(value, list) else str(value)


class EndpointNotFound(NotFound):
    """The firewall has no such API endpoint: a plugin is missing, or the release predates (or dropped) it.

    OPNsense never answers a missing object with 404 (get gives [], del gives "not found"), so every 404 is this.
    """

    def __init__(self, path, cause):
        super().__init__(
            "OPNsense has no endpoint api/%s (%s): its plugin is not installed or this release lacks it"
            % (path, cause.message),
            status=cause.status,
            method=cause.method,
            url=cause.url,
            body=cause.body,
        )


def is_missing_endpoint(error):
    """Whether an ApiError is the router saying the endpoint does not exist, on either router generation."""
    if error.status == 404:
        return True
    return error.status == 400 and bool(PHALCON_NOT_FOUND.match(error.message or ""))


class OpnsenseHttpClient(HttpClient):
    """HttpClient with OPNsense's messages and transient faults (config lock contention, gateway errors)."""

    def extract_message(self, status, data, text):
        if isinstance(data, dict):
            for key in OPNSENSE_MESSAGE_KEYS:
                if data.get(key):
                    return str(data[key])[:500]
        return super().extract_message(status, data, text)

    def is_transient(self, status, message, data):
        if super().is_transient(status, message, data):
            return True
        # A UserException about the config lock clears when the other writer finishes.
        return status == 500 and any(word in (message or "").lower() for word in TRANSIENT_WORDS)


def version_tuple(text):
    parts = []
    for part in str(text or "").split(".")[:2]:
        digits = "".join(ch for ch in part if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts + [0] * (2 - len(parts)))


class OpnsenseApi:
    """One connection: detects the version once and hands out controllers that cache their bulk read."""

    def __init__(self, client, known_version=None):
        self.client = client
        # A release the caller already knows (an earlier task's product_version) is trusted instead of asked for,
        # so a run of many module calls probes once, not once per call; it must still be a supported one.
        self._version = None
        if known_version:
            if not str(known_version)[:1].isdigit():
                raise InvalidInput("known_version", "expected a release like 26.1.2, got %r" % (known_version,))
            self._version = self._supported(str(known_version))
        self._controllers = {}

    def post(self, path, body=None):
        # An action without a body must not claim a JSON body: OPNsense answers 400 "Invalid JSON syntax".
        return self._request("POST", path, json_body=body if body is not None else None)

    def get(self, path, params=None):
        return self._request("GET", path, params=params)

    def _request(self, method, path, **kwargs):
        try:
            return self.client.request(method, path, **kwargs).data
        except ApiError as exc:
            if is_missing_endpoint(exc):
                raise EndpointNotFound(path, exc) from exc
            raise

    def detect_version(self):
        """The product version, asked once per connection; refuses releases whose rows this client cannot read."""
        if self._version is None:
            info = self.get("core/firmware/info")
            self._version = self._supported(str((info or {}).get("product_version") or ""))
        return self._version

    @staticmethod
    def _supported(version):
        if version_tuple(version) < MINIMUM_VERSION:
            raise ApiError(
                "OPNsense %s is not supported: search rows before 25.7 hold display values; upgrade to 25.7+"
                % (version or "(unknown version)")
            )
        return version

    def at_least(self, version):
        """Whether the firewall's release is `version` (a (major, minor) tuple) or later."""
        return version_tuple(self.detect_version()) >= tuple(version)

    def controller(self, base, item, post_key, id_key="uuid"):
        key = (base, item)
        if key not in self._controllers:
            self._controllers[key] = Controller(self, base, item, post_key, id_key)
        return self._controllers[key]


class Controller:
    """An ApiMutableModelControllerBase: search/get/add/set/del/toggle<Item> under `base` (module/controller)."""

    def __init__(self, api, base, item, post_key, id_key="uuid"):
        self.api = api
        # Most models key rows by uuid; interface assignment keys them by name (identifier: opt1).
        self.id_key = id_key
        self.base = base.strip("/")
        self.item = item
        self.post_key = post_key
        self._rows = None

    def _path(self, verb, *params):
        return "/".join([self.base, verb + self.item] + [str(p) for p in params])

    def rows(self, extra=None):
        """Every row of the model, read once: raw values, %-prefixed display keys and automatic rows dropped."""
        if self._rows is None:
            self.api.detect_version()  # once, before anything relies on the row format
            # A GET: search reads its parameters from the query string too, and a read should look like one.
            query = {"current": 1, "rowCount": -1}
            query.update(extra or {})
            data = self.api.get(self._path("search"), query)
            if not isinstance(data, dict) or not isinstance(data.get("rows"), list):
                raise ApiError("unexpected answer to %s: %r" % (self._path("search"), data))
            self._rows = {}
            for row in data["rows"]:
                if row.get("legacy") or not row.get(self.id_key):
                    continue  # read-only automatic and legacy rules: not ours to manage
                clean = {key: value for key, value in row.items() if not key.startswith("%")}
                clean["uuid"] = row[self.id_key]
                self._rows[row[self.id_key]] = clean
        return self._rows

    def find(self, match):
        """Rows whose values equal every key of match (compared as strings)."""
        return [
            row
            for row in self.rows().values()
            if all(str(row.get(key, "")) == str(value) for key, value in match.items())
        ]

    def _judge(self, path, data, ok):
        if isinstance(data, dict) and data.get("result") == "failed" and data.get("validations"):
            raise ValidationFailed(data["validations"], method="POST", url=path)
        if not isinstance(data, dict) or str(data.get("result", "")).lower() not in ok:
            raise ApiError("OPNsense refused %s: %r" % (path, data), method="POST", url=path, body=data)
        return data

    def add(self, values):
        path = self._path("add")
        data = self._judge(path, self.api.post(path, {self.post_key: encode(values)}), ("saved",))
        uuid = data.get("uuid")
        # Read the new item back: it proves the uuid and carries what OPNsense derived (device names, numbers).
        row = self.get(uuid) if uuid else None
        if row is None:
            raise ApiError("%s answered saved, but item %r cannot be read back" % (path, uuid), url=path, body=data)
        if self._rows is not None:
            self._rows[uuid] = row
        return row

    def get(self, uuid):
        """One item as raw values (option maps to their selected keys), or None when it does not exist."""
        data = self.api.get(self._path("get", uuid))
        if not isinstance(data, dict) or not isinstance(data.get(self.post_key), dict):
            return None
        row = flatten_item(data[self.post_key])
        row["uuid"] = uuid
        return row

    def set(self, uuid, values):
        path = self._path("set", uuid)
        self._judge(path, self.api.post(path, {self.post_key: encode(values)}), ("saved",))
        if self._rows is not None:
            row = self._rows.setdefault(uuid, {"uuid": uuid})
            row.update({key: encode_value(value) for key, value in values.items()})

    def delete(self, uuid):
        path = self._path("del", uuid)
        self._judge(path, self.api.post(path), ("deleted", "not found"))
        if self._rows is not None:
            self._rows.pop(uuid, None)


def flatten_item(item, prefix=""):
    """A get<Item> answer as a search-style row: option maps to comma-joined selected keys, nested containers to
    dotted keys, and the display-only "%field" keys of 26.7+ dropped."""
    row = {}
    for key, value in item.items():
        if key.startswith("%"):
            continue
        name = prefix + key
        if (
            isinstance(value, dict)
            and value
            and all(isinstance(option, dict) and "selected" in option for option in value.values())
        ):
            row[name] = ",".join(option_key for option_key, option in value.items() if int(option.get("selected") or 0))
        elif isinstance(value, dict):
            row.update(flatten_item(value, name + "."))
        else:
            row[name] = "" if value is None else str(value)
    return row


def encode_value(value):
    """OPNsense takes scalars only: booleans as "1"/"0", lists joined by commas (a list would be an HTTP 500)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(str(item) for item in value)
    if value is None:
        return ""
    return str(value)


def encode(values):
    """Scalars for every leaf; dotted names ("option_data.routers") become the nested containers the model has."""
    encoded = {}
    for key, value in values.items():
        target = encoded
        parts = key.split(".")
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value if isinstance(value, str) else encode_value(value)
    return encoded


class SettingsNode:
    """A settings controller (get/set of a whole model), e.g. caddy/general: one node, no uuid."""

    def __init__(self, api, base, model_key, node):
        self.api = api
        self.base = base.strip("/")
        self.model_key = model_key
        self.node = node
        self._values = None

    def read(self):
        if self._values is None:
            self.api.detect_version()
            data = self.api.get(self.base + "/get")
            section = (data or {}).get(self.model_key) if isinstance(data, dict) else None
            if not isinstance(section, dict) or not isinstance(section.get(self.node), dict):
                raise ApiError("unexpected answer to %s/get: %r" % (self.base, data))
            self._values = flatten_item(section[self.node])
        return self._values

    def set(self, values):
        path = self.base + "/set"
        data = self.api.post(path, {self.model_key: {self.node: encode(values)}})
        if isinstance(data, dict) and data.get("result") == "failed" and data.get("validations"):
            raise ValidationFailed(data["validations"], method="POST", url=path)
        if not isinstance(data, dict) or data.get("result") != "saved":
            raise ApiError("OPNsense refused %s: %r" % (path, data), method="POST", url=path, body=data)
        if self._values is not None:
            self._values.update({key: encode_value(value) for key, value in values.items()})
