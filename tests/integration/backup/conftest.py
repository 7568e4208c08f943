# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the backup modules against the lab's PBS (and PVE) twins, one subprocess per module call."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
import requests
from proxmoxer import ProxmoxAPI

from ..conftest import package_lab

MODULE_PACKAGE = "ansible_collections.tappaas.platform.plugins.modules"


class Backup:
    def __init__(self, lab, collections_path, tmp_path_factory):
        self.lab = lab
        self.env = dict(os.environ, PYTHONPATH=collections_path, **lab.env)
        # Token auth: a password login is a POST and would count as a write.
        self.env.pop("PBS_PASSWORD", None)
        self.env.pop("PROXMOX_PASSWORD", None)
        self.args_dir = tmp_path_factory.mktemp("backup-args")
        self.calls = 0
        user, token = lab.env["PBS_TOKEN_ID"].split("!")
        self.pbs = ProxmoxAPI(
            lab.env["PBS_HOST"],
            port=int(lab.env["PBS_PORT"]),
            service="PBS",
            user=user,
            token_name=token,
            token_value=lab.env["PBS_TOKEN_SECRET"],
            verify_ssl=lab.env["LAB_CA"],
        )

    def run(self, module, args, check=False):
        self.calls += 1
        path = self.args_dir / ("%s-%d.json" % (module, self.calls))
        path.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": dict(args, _ansible_check_mode=check, _ansible_diff=True)}))
        done = subprocess.run(
            [sys.executable, "-m", "%s.%s" % (MODULE_PACKAGE, module), str(path)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        try:
            return json.loads(done.stdout)
        except ValueError:
            pytest.fail("%s printed no JSON (rc %s):\n%s\n%s" % (module, done.returncode, done.stdout, done.stderr))

    def rhythm(self, module, args):
        """Check mode, apply, apply again with zero writes, check mode again; returns the four results."""
        checked = self.run(module, args, check=True)
        assert checked.get("changed") is True, checked
        mark = self.lab.mark()
        applied = self.run(module, args)
        assert applied.get("changed") is True and not applied.get("failed"), applied
        assert self.lab.writes(mark, "pbs"), "apply made no write"
        mark = self.lab.mark()
        again = self.run(module, args)
        assert again.get("changed") is False, again
        assert self.lab.writes(mark, "pbs") == []
        checked_again = self.run(module, args, check=True)
        assert checked_again.get("changed") is False, checked_again
        return checked, applied, again, checked_again

    def pve_get(self, path):
        """A direct read on the PVE twin with the lab token."""
        answer = requests.get(
            "https://%s:%s/api2/json%s" % (self.lab.env["PROXMOX_HOST"], self.lab.env["PROXMOX_PORT"], path),
            headers={
                "Authorization": "PVEAPIToken=%s=%s"
                % (self.lab.env["PROXMOX_TOKEN_ID"], self.lab.env["PROXMOX_TOKEN_SECRET"])
            },
            verify=self.lab.env["LAB_CA"],
            timeout=30,
        )
        answer.raise_for_status()
        return answer.json()["data"]

    def fault(self, **fault):
        base = "https://%s:%s" % (self.lab.env["PBS_HOST"], self.lab.env["PBS_PORT"])
        answer = requests.post(base + "/_lab/faults", json=fault, verify=self.lab.env["LAB_CA"], timeout=10)
        assert answer.status_code == 200, answer.text


def pve_api(lab):
    """A proxmoxer client of the PVE twin with the lab's automation token."""
    user, token = lab.env["PROXMOX_TOKEN_ID"].split("!")
    return ProxmoxAPI(
        lab.env["PROXMOX_HOST"],
        port=int(lab.env["PROXMOX_PORT"]),
        user=user,
        token_name=token,
        token_value=lab.env["PROXMOX_TOKEN_SECRET"],
        verify_ssl=lab.env["LAB_CA"],
    )


def wait_task(api, node, upid, timeout=10):
    """The exit status of a PVE or PBS task (both have nodes/<node>/tasks/<upid>/status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = api.nodes(node).tasks(upid).status.get()
        if status["status"] == "stopped":
            return status["exitstatus"]
        time.sleep(0.02)
    raise AssertionError("task %s still running" % upid)


@pytest.fixture(scope="module")
def pve(lab):
    return pve_api(lab)


@pytest.fixture(scope="package")
def backup(lab, collections_path, tmp_path_factory):
    return Backup(lab, collections_path, tmp_path_factory)


# This area's own lab, so that it never sees another area's objects (see tests/integration/conftest.py).
lab = package_lab()
