# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Proxmox VE client on proxmoxer: typed errors with PVE's own message, bounded retries, UPID task waits.

It never touches AnsibleModule, so it runs in unit tests against a fake proxmoxer object.
"""

from __future__ import annotations

import time

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    Transient,
)
from ansible_collections.tappaas.platform.plugins.module_utils.wait import Poll, wait_until

try:
    from proxmoxer import ProxmoxAPI
    from proxmoxer.core import AuthenticationError, ResourceException

    HAS_PROXMOXER = True
    PROXMOXER_IMPORT_ERROR = None
except ImportError as exc:  # the module reports it with missing_required_lib
    ProxmoxAPI = None
    HAS_PROXMOXER = False
    PROXMOXER_IMPORT_ERROR = exc

    class ResourceException(Exception):
        pass

    class AuthenticationError(Exception):
        pass


try:
    from requests.exceptions import ConnectionError as RequestsConnectionError
    from requests.exceptions import Timeout as RequestsTimeout

    _CONNECTION_FAULTS = (RequestsConnectionError, RequestsTimeout)
except ImportError:
    _CONNECTION_FAULTS = ()

# PVE answers 500 for almost everything; only these messages mean "try again in a moment".
TRANSIENT_MESSAGES = ("got timeout", "got no worker upid", "temporary failure")
TRANSIENT_STATUSES = frozenset((502, 503, 504, 595, 596))
NOT_FOUND_MESSAGES = ("does not exist", "not found", "no such")
CONFLICT_MESSAGES = ("already exists", "config file already exists")
TASK_LOG_TAIL = 5


class TaskFailed(ApiError):
    """A PVE worker task ended with an error; `log_tail` holds its last log lines."""

    def __init__(self, message, upid=None, log_tail=None):
        tail = "; ".join(log_tail or [])
        super().__init__(f"{message} (task {upid}; last log lines: {tail})" if tail else message)
        self.exitstatus = message
        self.upid = upid
        self.log_tail = log_tail or []


class TaskLockTimeout(TaskFailed, Transient):
    """A task that could not take the guest's lock in time: safe to retry the whole operation."""


def is_task_success(exitstatus):
    """'OK' and 'WARNINGS: n' are success; anything else is the error text."""
    return exitstatus == "OK" or str(exitstatus).startswith("WARNINGS")


def classify(status, message, method=None, url=None, body=None):
    """The typed error for a PVE answer: the message is PVE's own wording (the HTTP reason phrase)."""
    text = (message or "").strip()
    lowered = text.lower()
    if status in (401, 403):
        cls = AuthError
    elif status in TRANSIENT_STATUSES or any(word in lowered for word in TRANSIENT_MESSAGES):
        cls = Transient
    elif status == 404 or any(word in lowered for word in NOT_FOUND_MESSAGES):
        cls = NotFound
    elif any(word in lowered for word in CONFLICT_MESSAGES):
        cls = Conflict
    else:
        cls = ApiError
    return cls(text or f"HTTP {status}", status=status, method=method, url=url, body=body)


def upid_node(upid):
    """The node a task runs on: the second field of UPID:node:pid:pstart:starttime:type:id:user:."""
    parts = str(upid).split(":")
    if len(parts) < 8 or parts[0] != "UPID":
        raise ApiError(f"not a task id: {upid!r}")
    return parts[1]


def release_tuple(release, option=None):
    """(9, 1) from "9.1" or "9.1.2"; with `option`, text that is no release is refused naming it."""
    numbers = [int(part) for part in str(release).split(".")[:2] if part.isdigit()]
    if option and not numbers:
        raise InvalidInput(option, f"expected a release like 9.1, got {release!r}")
    return tuple(numbers + [0] * (2 - len(numbers)))


class PveClient:
    """Calls on a proxmoxer ProxmoxAPI with PVE's errors typed and transient faults retried within a bound."""

    def __init__(self, api, retries=4, retry_delay=1.0, sleep=time.sleep, clock=time.monotonic):
        self.api = api
        self.retries = retries
        self.retry_delay = retry_delay
        self._sleep = sleep
        self._clock = clock
        self._version = None

    @classmethod
    def from_params(cls, params):
        """Connect from a module's proxmox connection options; TLS is verified against ca_path when given."""
        if not HAS_PROXMOXER:
            raise ApiError(f"the proxmoxer Python package is required: {PROXMOXER_IMPORT_ERROR}")
        host = params["api_host"]
        if "://" in host or "/" in host:
            raise InvalidInput("api_host", f"give a host name or address, not a URL: {host!r}")
        verify = params["validate_certs"]
        if verify and params.get("ca_path"):
            verify = params["ca_path"]  # requests takes a CA bundle path in place of True
        kwargs = {"port": params["api_port"], "verify_ssl": verify, "timeout": params["api_timeout"]}
        if params.get("api_token_id"):
            token_id = params["api_token_id"]
            if "!" in token_id:
                user, token_name = token_id.split("!", 1)
            elif params.get("api_user"):
                user, token_name = params["api_user"], token_id
            else:
                raise InvalidInput("api_token_id", "give the full id 'user@realm!name', or set api_user")
            kwargs.update(user=user, token_name=token_name, token_value=params["api_token_secret"])
        else:
            kwargs.update(user=params["api_user"], password=params["api_password"])
        try:
            api = ProxmoxAPI(host, backend="https", **kwargs)
        except AuthenticationError as exc:
            raise AuthError(f"login as {kwargs['user']} failed: {exc}", status=401) from exc
        except _CONNECTION_FAULTS as exc:
            raise Transient(f"cannot reach Proxmox VE at {host}:{params['api_port']}: {exc}") from exc
        client = cls(api)
        if params.get("known_version"):
            client._version = release_tuple(params["known_version"], option="known_version")
        return client

    # ------------------------------------------------------------------------------------------ raw calls

    def _once(self, method, path, params):
        resource = self.api(path)
        try:
            return getattr(resource, method)(**params)
        except ResourceException as exc:
            # proxmoxer puts the reason phrase (PVE's message) in `content` and field errors in `errors`.
            message = exc.content or exc.status_message
            if exc.errors:
                details = "; ".join(f"{key}: {str(value).strip()}" for key, value in sorted(exc.errors.items()))
                message = f"{message} {details}".strip()
            raise classify(exc.status_code, message, method.upper(), "/" + path) from exc
        except AuthenticationError as exc:
            raise AuthError(str(exc), status=401, method=method.upper(), url="/" + path) from exc
        except _CONNECTION_FAULTS as exc:
            raise Transient(f"connection failed: {exc}", method=method.upper(), url="/" + path) from exc

    def call(self, method, path, /, **params):
        """One API call, retried on transient faults; a write is retried only when PVE refused it outright.

        The path is positional-only: PVE has parameters named `path` (storage, ACLs) that go in **params.
        """
        params = {key: value for key, value in params.items() if value is not None}
        attempt = 0
        while True:
            try:
                return self._once(method, path.strip("/"), params)
            except Transient as exc:
                # A dropped connection on a write may have been applied; only a reply (status set) proves not.
                if attempt >= self.retries or (method != "get" and exc.status is None):
                    raise
                attempt += 1
                self._sleep(self.retry_delay * attempt)

    def get(self, path, /, **params):
        return self.call("get", path, **params)

    def post(self, path, /, **params):
        return self.call("post", path, **params)

    def put(self, path, /, **params):
        return self.call("put", path, **params)

    def delete(self, path, /, **params):
        return self.call("delete", path, **params)

    # ------------------------------------------------------------------------------------------ tasks

    def task_log_tail(self, node, upid, lines=TASK_LOG_TAIL):
        try:
            log = self.get(f"nodes/{node}/tasks/{upid}/log", start=0, limit=1000) or []
        except ApiError:
            return []
        return [str(entry.get("t", "")) for entry in log if isinstance(entry, dict)][-lines:]

    def wait_task(self, upid, timeout, what="task", interval=1.0):
        """Wait for a UPID by the wall clock; return its final status. A failed task raises TaskFailed."""
        node = upid_node(upid)

        def check():
            status = self.get(f"nodes/{node}/tasks/{upid}/status")
            if status.get("status") != "stopped":
                return Poll.pending(f"{what} running")
            exitstatus = status.get("exitstatus", "")
            if is_task_success(exitstatus):
                return Poll.finished(status)
            error = TaskLockTimeout if "got timeout" in str(exitstatus) else TaskFailed
            raise error(str(exitstatus), upid=upid, log_tail=self.task_log_tail(node, upid))

        return wait_until(check, timeout, interval=interval, what=what, clock=self._clock, sleep=self._sleep)

    def run_task(self, method, path, task_timeout, what, /, **params):
        """Start a worker and wait for it; a task that lost the race for the guest lock is started again."""
        attempt = 0
        while True:
            upid = self.call(method, path, **params)
            try:
                if isinstance(upid, str) and upid.startswith("UPID:"):
                    return self.wait_task(upid, task_timeout, what)
                return upid  # synchronous answer (PVE finished within its background delay)
            except TaskLockTimeout:
                if attempt >= self.retries:
                    raise
                attempt += 1
                self._sleep(self.retry_delay * attempt)

    # ------------------------------------------------------------------------------------------ cluster

    def version(self):
        """The PVE version as (major, minor), read once per client."""
        if self._version is None:
            answer = self.get("version") or {}
            self._version = release_tuple(answer.get("release") or answer.get("version") or "0")
        return self._version

    def resources(self, kind=None):
        """/cluster/resources, optionally filtered by type (vm, node, storage)."""
        return self.get("cluster/resources", type=kind) or []

    def next_vmid(self):
        # Declared an integer, sent as a string.
        return int(self.get("cluster/nextid"))
