# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from proxmoxer.core import ResourceException

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    Transient,
    WaitTimeout,
)
from ansible_collections.tappaas.platform.plugins.module_utils.pve import (
    PveClient,
    TaskFailed,
    TaskLockTimeout,
    classify,
    is_task_success,
    upid_node,
)

UPID = "UPID:tappaas1:0000A1B2:00C3D4E5:6560F00D:qmcreate:101:root@pam:"
LOCK_TIMEOUT = "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout"


class FakeApi:
    """Stands in for proxmoxer.ProxmoxAPI: api(path).get(**params); answers from a script per (method, path)."""

    def __init__(self, script):
        self.script = script  # {(method, path): [answer, ...]}; an exception answer is raised
        self.calls = []

    def __call__(self, path):
        return _Resource(self, path)

    def answer(self, method, path, params):
        self.calls.append((method, path, params))
        answers = self.script[(method, path)]
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer(params) if callable(answer) else answer


class _Resource:
    def __init__(self, api, path):
        self.api, self.path = api, path

    def __getattr__(self, method):
        return lambda **params: self.api.answer(method, self.path, params)


def pve_error(status, reason, errors=None):
    # proxmoxer: status_message is the standard phrase, content the reason phrase (PVE's message).
    return ResourceException(status, "Internal Server Error", reason, errors)


class Clock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def client_for(script, retries=3):
    clock = Clock()
    return PveClient(FakeApi(script), retries=retries, sleep=clock.sleep, clock=clock), clock


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (500, LOCK_TIMEOUT, Transient),
        (500, "got no worker upid - start worker failed", Transient),
        (503, "Service Unavailable", Transient),
        (595, "No route to host", Transient),
        (500, "Configuration file 'nodes/tappaas1/qemu-server/999.conf' does not exist", NotFound),
        (500, "unable to create VM 108 - VM 108 already exists on node 'tappaas2'", Conflict),
        (403, "Permission check failed (/vms/100, VM.Audit)", AuthError),
        (500, "VM 101 is running - destroy failed", ApiError),
    ],
)
def test_pve_answers_become_typed_errors_with_pves_message(status, message, kind):
    error = classify(status, message)
    assert error.__class__ is kind  # exactly this class: Transient is an ApiError too
    assert error.message == message


def test_an_api_error_carries_the_reason_phrase_and_field_errors():
    client, _clock = client_for(
        {("post", "nodes/n/qemu"): [pve_error(400, "Parameter verification failed.", {"onboot": "type check failed"})]}
    )
    with pytest.raises(ApiError) as caught:
        client.post("nodes/n/qemu", onboot="True")
    assert caught.value.status == 400
    assert "Parameter verification failed. onboot: type check failed" in str(caught.value)


def test_lock_timeouts_are_retried_within_a_bound():
    client, clock = client_for({("put", "nodes/n/qemu/101/config"): [pve_error(500, LOCK_TIMEOUT), None]})
    assert client.put("nodes/n/qemu/101/config", cores=2) is None
    assert len(client.api.calls) == 2
    assert clock.sleeps == [1.0]


def test_retries_stop_at_the_bound_with_pves_message():
    client, clock = client_for({("get", "cluster/resources"): [pve_error(503, "Service Unavailable")]}, retries=2)
    with pytest.raises(Transient, match="Service Unavailable"):
        client.get("cluster/resources")
    assert len(client.api.calls) == 3
    assert clock.sleeps == [1.0, 2.0]


def test_permanent_errors_fail_fast():
    client, _clock = client_for(
        {("delete", "nodes/n/qemu/101"): [pve_error(500, "VM 101 is running - destroy failed")]}
    )
    with pytest.raises(ApiError, match="destroy failed"):
        client.delete("nodes/n/qemu/101")
    assert len(client.api.calls) == 1


def test_none_values_are_not_sent():
    client, _clock = client_for({("post", "x"): [None]})
    client.post("x", a=1, b=None)
    assert client.api.calls == [("post", "x", {"a": 1})]


@pytest.mark.parametrize(("status", "ok"), [("OK", True), ("WARNINGS: 2", True), ("VM 101 already running", False)])
def test_task_exit_statuses(status, ok):
    assert is_task_success(status) is ok


def test_upid_names_its_node():
    assert upid_node(UPID) == "tappaas1"
    with pytest.raises(ApiError, match="not a task id"):
        upid_node("101")


def status_path(upid=UPID):
    return ("get", f"nodes/tappaas1/tasks/{upid}/status")


def test_wait_task_polls_until_stopped_and_takes_warnings_as_success():
    running = {"status": "running"}
    done = {"status": "stopped", "exitstatus": "WARNINGS: 1"}
    client, clock = client_for({status_path(): [running, running, done]})
    assert client.wait_task(UPID, timeout=60)["exitstatus"] == "WARNINGS: 1"
    assert clock.sleeps == [1.0, 1.0]


def test_wait_task_times_out_by_the_wall_clock():
    client, clock = client_for({status_path(): [{"status": "running"}]})
    with pytest.raises(WaitTimeout, match="timed out after 5 s"):
        client.wait_task(UPID, timeout=5, what="clone")
    assert clock.now == 5


def test_a_failed_task_reports_its_last_log_lines():
    log = [{"n": n, "t": f"line {n}"} for n in range(1, 9)] + [{"n": 9, "t": "TASK ERROR: storage full"}]
    client, _clock = client_for(
        {
            status_path(): [{"status": "stopped", "exitstatus": "storage full"}],
            ("get", f"nodes/tappaas1/tasks/{UPID}/log"): [log],
        }
    )
    with pytest.raises(TaskFailed) as caught:
        client.wait_task(UPID, timeout=60)
    assert caught.value.exitstatus == "storage full"
    assert caught.value.log_tail == ["line 5", "line 6", "line 7", "line 8", "TASK ERROR: storage full"]
    assert "TASK ERROR: storage full" in str(caught.value)


def test_run_task_starts_again_after_a_task_lock_timeout():
    second = UPID.replace("0000A1B2", "0000A1B3")
    client, _clock = client_for(
        {
            ("post", "nodes/tappaas1/qemu/101/status/start"): [UPID, second],
            status_path(): [{"status": "stopped", "exitstatus": LOCK_TIMEOUT}],
            ("get", f"nodes/tappaas1/tasks/{UPID}/log"): [[]],
            status_path(second): [{"status": "stopped", "exitstatus": "OK"}],
        }
    )
    assert client.run_task("post", "nodes/tappaas1/qemu/101/status/start", 60, "start")["exitstatus"] == "OK"


def test_run_task_gives_up_on_lock_timeouts_at_the_bound():
    client, _clock = client_for(
        {
            ("post", "nodes/tappaas1/qemu/101/status/start"): [UPID],
            status_path(): [{"status": "stopped", "exitstatus": LOCK_TIMEOUT}],
            ("get", f"nodes/tappaas1/tasks/{UPID}/log"): [[]],
        },
        retries=1,
    )
    with pytest.raises(TaskLockTimeout, match="got timeout"):
        client.run_task("post", "nodes/tappaas1/qemu/101/status/start", 60, "start")


def test_version_is_read_once():
    client, _clock = client_for({("get", "version"): [{"release": "9.1", "version": "9.1.3"}]})
    assert client.version() == (9, 1)
    assert client.version() == (9, 1)
    assert len(client.api.calls) == 1


def test_a_known_release_is_trusted_without_asking(monkeypatch):
    from ansible_collections.tappaas.platform.plugins.module_utils import pve

    monkeypatch.setattr(pve, "ProxmoxAPI", lambda host, backend, **kwargs: FakeApi({}))
    params = {
        "api_host": "pve1",
        "api_port": 8006,
        "validate_certs": True,
        "ca_path": None,
        "api_timeout": 30,
        "api_token_id": "tappaas@pve!ansible",
        "api_token_secret": "s",
        "api_user": None,
        "known_version": "8.4",
    }
    client = pve.PveClient.from_params(params)
    assert client.version() == (8, 4) and client.api.calls == []
    with pytest.raises(InvalidInput) as caught:
        pve.PveClient.from_params(dict(params, known_version="trixie"))
    assert caught.value.field_path == "known_version"
    assert pve.release_tuple("9.1.3") == (9, 1) and pve.release_tuple("9") == (9, 0)


def test_nextid_comes_as_a_string():
    client, _clock = client_for({("get", "cluster/nextid"): ["105"]})
    assert client.next_vmid() == 105
