# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the OPNsense modules: the lab's twin (26.7), a second twin on the 26.1 profile, a module runner."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest

from lab.ca import LabCA
from lab.framework import LabContext, RequestLog
from lab.opnsense import create_twin

from ..conftest import Lab, package_lab

# Runs a module's main() the way AnsiballZ would, with the arguments from stdin, and prints its JSON result.
RUNNER = """
import importlib, json, sys
from ansible.module_utils import basic
basic._ANSIBLE_ARGS = sys.stdin.buffer.read()
basic._ANSIBLE_PROFILE = "legacy"
module = importlib.import_module("ansible_collections.tappaas.platform.plugins.modules." + sys.argv[1])
module.main()
"""
CONNECTION_KEYS = ("OPNSENSE_HOST", "OPNSENSE_PORT", "OPNSENSE_API_KEY", "OPNSENSE_API_SECRET", "OPNSENSE_CA_PATH")


class Firewall:
    """One twin as the tests see it: its env, its request log and its /_lab endpoints."""

    def __init__(self, lab, env, profile):
        self.lab = lab
        self.env = env
        self.profile = profile
        self.base = "https://%s:%s" % (env["OPNSENSE_HOST"], env["OPNSENSE_PORT"])
        self._ssl = ssl.create_default_context(cafile=env["OPNSENSE_CA_PATH"])

    def _call(self, method, path, body=None, auth=None):
        request = urllib.request.Request(self.base + path, method=method)
        if body is not None:
            request.data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        if auth:
            import base64

            request.add_header("Authorization", "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode())
        try:
            with urllib.request.urlopen(request, context=self._ssl) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read() or b"null")

    def api(self, method, path, body=None):
        return self._call(method, "/api/" + path, body, (self.env["OPNSENSE_API_KEY"], self.env["OPNSENSE_API_SECRET"]))

    def state(self):
        return self._call("GET", "/_lab/state")[1]

    def fault(self, **fault):
        return self._call("POST", "/_lab/faults", fault)

    def clear_faults(self):
        return self._call("DELETE", "/_lab/faults")

    def mark(self):
        return self.lab.mark()

    def writes(self, since):
        return self.lab.writes(since, "opnsense")

    def run(self, module, check=False, diff=True, env=None, **args):
        """Run a module with these arguments; returns its result dict (with 'failed' on failure)."""
        args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
        environment = dict(os.environ)
        environment.update({key: str(self.env[key]) for key in CONNECTION_KEYS})
        environment.update(env or {})
        environment["PYTHONPATH"] = str(Path(__file__).resolve().parents[6])
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, module],
            input=json.dumps({"ANSIBLE_MODULE_ARGS": args}),
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            check=False,
        )
        try:
            return json.loads(done.stdout)
        except ValueError:
            raise AssertionError("module %s printed no JSON: %s %s" % (module, done.stdout, done.stderr)) from None


class _SecondLab:
    """Just enough of the session Lab's log reading for a twin started in-process."""

    def __init__(self, requests_file):
        self.requests_file = Path(requests_file)

    mark = Lab.mark
    requests = Lab.requests
    writes = Lab.writes


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="package")
def fw267(lab):
    if lab.env.get("OPNSENSE_LAB_PROFILE") != "26.7":
        pytest.fail("the lab's OPNsense twin should run the 26.7 profile, got %r" % lab.env.get("OPNSENSE_LAB_PROFILE"))
    return Firewall(lab, lab.env, "26.7")


@pytest.fixture(scope="package")
def fw261(tmp_path_factory):
    """A second twin with the 26.1 profile, served from a thread of the test process."""
    state = tmp_path_factory.mktemp("opnsense261")
    port = _free_port()
    context = LabContext(
        state_dir=str(state),
        ca=LabCA(str(state / "ca")),
        log=RequestLog(str(state / "requests.jsonl")),
        ports={"opnsense": port},
    )
    twin = create_twin(context, profile="26.1")
    loop = asyncio.new_event_loop()
    started = threading.Event()

    def serve():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(twin.start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10), "the 26.1 twin did not start"
    env = {key: str(value) for key, value in twin.env().items()}
    try:
        yield Firewall(_SecondLab(state / "requests.jsonl"), env, "26.1")
    finally:
        asyncio.run_coroutine_threadsafe(twin.stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


@pytest.fixture(params=["26.7", "26.1"])
def fw(request):
    """Each test that takes `fw` runs against both profiles."""
    return request.getfixturevalue("fw267" if request.param == "26.7" else "fw261")


# This area's own lab, so that it never sees another area's objects (see tests/integration/conftest.py).
lab = package_lab()
