# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed errors raised by the clients and the engine; only a module's main() turns them into fail_json."""

from __future__ import annotations


class TappaasError(Exception):
    """Base class of every error this collection raises on purpose."""


class ApiError(TappaasError):
    """An API refused or failed a request; `message` is the API's own wording."""

    def __init__(self, message, status=None, method=None, url=None, body=None):
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.url = url
        self.body = body

    def __str__(self):
        where = " ".join(part for part in (self.method, self.url) if part)
        if self.status is not None:
            where = f"{where}: HTTP {self.status}" if where else f"HTTP {self.status}"
        return f"{where}: {self.message}" if where else str(self.message)


class NotFound(ApiError):
    """HTTP 404: the object does not exist."""


class Conflict(ApiError):
    """HTTP 409: the object exists already or is in a state that forbids the request."""


class AuthError(ApiError):
    """HTTP 401/403: credentials are wrong or lack the privilege."""


class Transient(ApiError):
    """A fault worth retrying (busy, rate limited, lock timeout, connection dropped)."""


class WaitTimeout(TappaasError):
    """A wall-clock wait ran out before the awaited condition held."""

    def __init__(self, message, what=None, timeout=None, last_progress=None):
        super().__init__(message)
        self.what = what
        self.timeout = timeout
        self.last_progress = last_progress


class InvalidInput(TappaasError):
    """The user's input cannot be applied; `field_path` names where, e.g. `zones.lan.vlan`."""

    def __init__(self, field_path, problem):
        super().__init__(f"{field_path}: {problem}")
        self.field_path = field_path
        self.problem = problem
