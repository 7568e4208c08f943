# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the proxmox modules against the lab's PVE twin, one subprocess per module call, as Ansible would."""

from __future__ import annotations

import json
import os
import ssl
import subprocess
import sys
import urllib.request
from collections import namedtuple

import pytest

from ..conftest import package_lab

MODULE_PACKAGE = "ansible_collections.tappaas.platform.plugins.modules"
Rhythm = namedtuple("Rhythm", "checked applied again checked_again")


def shown(result):
    """The parts of a result that explain a surprise, in full (pytest shortens a dict's repr)."""
    keys = ("failed", "msg", "changed", "changed_keys", "changed_fields", "actions", "diff", "action")
    return json.dumps({key: result.get(key) for key in keys if key in result}, sort_keys=True)


class Pve:
    """Module calls, direct API reads and fault injection against the PVE twin of a running lab."""

    def __init__(self, lab, collections_path, tmp_path_factory):
        self.lab = lab
        self.env = dict(os.environ, PYTHONPATH=collections_path, **lab.env)
        # Password login is a POST; the token keeps the request log's writes to what the module changed.
        self.env.pop("PROXMOX_PASSWORD", None)
        self.base = "https://%s:%s" % (lab.env["PROXMOX_HOST"], lab.env["PROXMOX_PORT"])
        self.tls = ssl.create_default_context(cafile=lab.env["LAB_CA"])
        self.args_dir = tmp_path_factory.mktemp("module-args")
        self.calls = 0

    def run(self, module, args, check=False, diff=True, env=None):
        """The module's JSON result; a failure comes back with failed=True and msg, not as an exception.

        `env` overrides connection variables, to run as another token.
        """
        self.calls += 1
        path = self.args_dir / ("%s-%d.json" % (module, self.calls))
        module_args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
        path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
        done = subprocess.run(
            [sys.executable, "-m", "%s.%s" % (MODULE_PACKAGE, module), str(path)],
            env=dict(self.env, **(env or {})),
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        try:
            return json.loads(done.stdout)
        except ValueError:
            pytest.fail("%s printed no JSON (rc %s):\n%s\n%s" % (module, done.returncode, done.stdout, done.stderr))

    def api(self, method, path, body=None):
        """A direct call on the twin with the lab token (to look at state the modules made)."""
        headers = {
            "Authorization": "PVEAPIToken=%s=%s"
            % (self.lab.env["PROXMOX_TOKEN_ID"], self.lab.env["PROXMOX_TOKEN_SECRET"])
        }
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        with urllib.request.urlopen(request, context=self.tls, timeout=30) as answer:
            return json.loads(answer.read() or b"null")

    def get(self, path):
        return self.api("GET", "/api2/json" + path)["data"]

    def fault(self, **fault):
        return self.api("POST", "/_lab/faults", fault)

    def clear_faults(self):
        return self.api("DELETE", "/_lab/faults")

    def vm(self, vmid):
        found = [item for item in self.get("/cluster/resources?type=vm") if item["vmid"] == vmid]
        return found[0] if found else None

    def rhythm(self, module, args, expect_change=True):
        """Check mode, apply, apply again (no change, zero writes), check mode again; the four results."""
        mark = self.lab.mark()
        checked = self.run(module, args, check=True)
        assert not checked.get("failed"), shown(checked)
        assert checked["changed"] is expect_change, shown(checked)
        assert self.lab.writes(mark, "pve") == [], "check mode wrote"
        applied = self.run(module, args)
        assert not applied.get("failed"), shown(applied)
        assert applied["changed"] is expect_change, shown(applied)
        mark = self.lab.mark()
        again = self.run(module, args)
        assert not again.get("failed"), shown(again)
        assert again["changed"] is False, shown(again)
        assert self.lab.writes(mark, "pve") == [], "a second run wrote"
        checked_again = self.run(module, args, check=True)
        assert checked_again["changed"] is False, shown(checked_again)
        return Rhythm(checked, applied, again, checked_again)


@pytest.fixture(scope="package")
def pve(lab, collections_path, tmp_path_factory):
    return Pve(lab, collections_path, tmp_path_factory)


@pytest.fixture
def no_faults(pve):
    pve.clear_faults()
    yield
    pve.clear_faults()


# This area's own lab, so that it never sees another area's objects (see tests/integration/conftest.py).
lab = package_lab()
