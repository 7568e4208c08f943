# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the PVE twin's contract tests: a proxmoxer client on the lab token and the fault interface."""

from __future__ import annotations

import time

import pytest
import requests
from proxmoxer import ProxmoxAPI

from ..conftest import package_lab


class PveLab:
    def __init__(self, lab):
        self.lab = lab
        self.env = lab.env
        self.base = "https://%s:%s" % (self.env["PROXMOX_HOST"], self.env["PROXMOX_PORT"])
        self.ca = self.env["PROXMOX_CA_PATH"]

    def client(self, **overrides):
        user, token = self.env["PROXMOX_TOKEN_ID"].split("!")
        options = dict(
            port=int(self.env["PROXMOX_PORT"]),
            user=user,
            token_name=token,
            token_value=self.env["PROXMOX_TOKEN_SECRET"],
            verify_ssl=self.ca,
        )
        options.update(overrides)
        return ProxmoxAPI(self.env["PROXMOX_HOST"], **options)

    def fault(self, **fault):
        response = requests.post(self.base + "/_lab/faults", json=fault, verify=self.ca, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def clear_faults(self):
        response = requests.delete(self.base + "/_lab/faults", verify=self.ca, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()

    def wait(self, api, node, upid, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = api.nodes(node).tasks(upid).status.get()
            if status["status"] == "stopped":
                return status
            time.sleep(0.02)
        raise AssertionError("task %s still running after %s s" % (upid, timeout))


@pytest.fixture(scope="package")
def pve_lab(lab):
    return PveLab(lab)


@pytest.fixture(scope="package")
def pve(pve_lab):
    return pve_lab.client()


@pytest.fixture
def no_faults(pve_lab):
    pve_lab.clear_faults()
    yield pve_lab
    pve_lab.clear_faults()


# This area's own lab, so that it never sees another area's objects (see tests/integration/conftest.py).
# This area tests the guests themselves (test_guests.py).
lab = package_lab(guests=True)
