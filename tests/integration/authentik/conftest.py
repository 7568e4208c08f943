# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the authentik tests: the twin's address, a raw HTTPS caller, the authentik-client oracle, and a
runner that executes a module's main() in a subprocess with the lab environment, the way Ansible would."""

from __future__ import annotations

import collections
import json
import os
import ssl
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from ..conftest import package_lab

Reply = collections.namedtuple("Reply", "status headers body")


class RawApi:
    """Plain HTTPS calls to the twin, for the transport rules a generated client would paper over."""

    def __init__(self, env):
        self.url = env["AUTHENTIK_URL"]
        self.token = env["AUTHENTIK_TOKEN"]
        self.context = ssl.create_default_context(cafile=env["AUTHENTIK_CA_PATH"])

    def call(self, method, path, body=None, token=None, headers=None, follow=False):
        """Reply(status, headers, decoded JSON or None). path is relative to the server, e.g. /api/v3/core/users/."""
        request = urllib.request.Request(self.url + path, method=method)
        if token is not False:
            request.add_header("Authorization", "Bearer %s" % (token or self.token))
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            request.add_header("Content-Type", "application/json")
        handlers = [urllib.request.HTTPSHandler(context=self.context)]
        if not follow:
            handlers.append(_NoRedirect())
        opener = urllib.request.build_opener(*handlers)
        try:
            with opener.open(request, data=data, timeout=10) as response:
                return Reply(response.status, dict(response.headers), _decode(response.read()))
        except urllib.error.HTTPError as exc:
            return Reply(exc.code, dict(exc.headers), _decode(exc.read()))

    def fetch(self, *args, **kwargs):
        """(status, body) of call()."""
        reply = self.call(*args, **kwargs)
        return reply.status, reply.body

    def advance_clock(self, seconds):
        assert self.call("POST", "/_lab/clock", {"advance_seconds": seconds}, token=False).status == 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _decode(raw):
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")


@pytest.fixture(scope="package")
def authentik_env(lab):
    return {key: lab.env[key] for key in ("AUTHENTIK_URL", "AUTHENTIK_TOKEN", "AUTHENTIK_CA_PATH")}


@pytest.fixture(scope="package")
def raw_api(authentik_env):
    return RawApi(authentik_env)


@pytest.fixture(scope="package")
def oracle(authentik_env):
    """The pinned authentik-client, configured for the twin: its request and response models are the contract."""
    authentik_client = pytest.importorskip("authentik_client")
    configuration = authentik_client.Configuration(
        host=authentik_env["AUTHENTIK_URL"] + "/api/v3",
        access_token=authentik_env["AUTHENTIK_TOKEN"],
        ssl_ca_cert=authentik_env["AUTHENTIK_CA_PATH"],
    )
    with authentik_client.ApiClient(configuration) as api_client:
        yield api_client


@pytest.fixture(scope="package")
def run_module(collections_path, authentik_env):
    """run_module(name, args, check=False, env=None) -> the module's JSON result (failed ones included)."""

    def run(name, args, check=False, env=None, tmp_dir=None):
        payload = {"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check, _ansible_diff=True)}
        process_env = dict(os.environ, PYTHONPATH=collections_path, **authentik_env)
        process_env.update(env or {})
        completed = subprocess.run(
            [sys.executable, "-m", "ansible_collections.tappaas.platform.plugins.modules.%s" % name],
            input=json.dumps(payload),
            env=process_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        try:
            return json.loads(completed.stdout)
        except ValueError:
            pytest.fail("module %s printed no JSON:\n%s\n%s" % (name, completed.stdout, completed.stderr))

    return run


@pytest.fixture
def four_steps(lab, run_module):
    """The rhythm: check mode reports a change and writes nothing; apply changes; apply again changes nothing and
    makes zero write requests; check mode again reports no change. Returns the applied and the repeated result."""

    def steps(name, args):
        mark = lab.mark()
        planned = run_module(name, args, check=True)
        assert not planned.get("failed"), planned
        assert planned["changed"], planned
        assert lab.writes(mark, "authentik") == [], "check mode wrote"
        applied = run_module(name, args)
        assert not applied.get("failed"), applied
        assert applied["changed"], applied
        mark = lab.mark()
        repeated = run_module(name, args)
        assert not repeated.get("failed"), repeated
        assert not repeated["changed"], repeated
        assert lab.writes(mark, "authentik") == [], "a second run wrote"
        rechecked = run_module(name, args, check=True)
        assert not rechecked["changed"], rechecked
        return applied, repeated

    return steps


# This area's own lab, so that it never sees another area's objects (see tests/integration/conftest.py).
lab = package_lab()
