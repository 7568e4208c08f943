# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lab.ca import LabCA
from lab.framework import Fault, FaultRegistry, RequestLog

ROOT = Path(__file__).resolve().parents[3]


def test_request_log_appends_one_json_object_per_request(tmp_path):
    log = RequestLog(str(tmp_path / "requests.jsonl"))
    log.record("pve", "GET", "/api2/json/version", 200, time.monotonic())
    log.record("opnsense", "POST", "/api/firewall/alias/addItem", 200, time.monotonic())
    entries = [json.loads(line) for line in (tmp_path / "requests.jsonl").read_text().splitlines()]
    assert [(e["service"], e["method"], e["path"], e["status"]) for e in entries] == [
        ("pve", "GET", "/api2/json/version", 200),
        ("opnsense", "POST", "/api/firewall/alias/addItem", 200),
    ]
    assert all(isinstance(entry["ms"], float) and entry["ms"] >= 0 for entry in entries)


def test_a_fault_hits_only_matching_requests_and_only_as_often_as_asked():
    faults = FaultRegistry()
    faults.add(Fault.from_json({"method": "post", "path": "/qemu$", "status": 500, "message": "boom", "times": 2}))
    assert faults.take("GET", "/nodes/tappaas1/qemu") is None
    assert faults.take("POST", "/nodes/tappaas1/qemu/100") is None
    first = faults.take("POST", "/nodes/tappaas1/qemu")
    assert (first.status, first.message) == (500, "boom")
    assert faults.take("POST", "/nodes/tappaas1/qemu") is not None
    assert faults.take("POST", "/nodes/tappaas1/qemu") is None
    assert faults.list() == []


def test_twin_specific_fault_keys_are_kept_for_the_twin():
    fault = Fault.from_json({"path": "/clone", "task_exit": "can't lock file - got timeout", "times": None})
    registry = FaultRegistry()
    registry.add(fault)
    for _attempt in range(3):
        assert registry.take("POST", "/nodes/x/qemu/9000/clone").extra == {"task_exit": "can't lock file - got timeout"}
    registry.clear()
    assert registry.take("POST", "/nodes/x/qemu/9000/clone") is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"status": 500}, "needs 'path'"),
        ({"path": "(", "status": 500}, "missing ), unterminated subpattern"),
        ({"path": "/x", "times": 0}, "'times' must be a positive integer"),
    ],
)
def test_bad_fault_specifications_are_refused(spec, message):
    with pytest.raises(Exception) as raised:
        Fault.from_json(spec)
    assert message in str(raised.value)


def test_the_ca_signs_server_certificates_that_verify(tmp_path):
    ca = LabCA(str(tmp_path / "ca"))
    certfile, keyfile = ca.issue("pve", ["localhost", "127.0.0.1"])
    assert oct((tmp_path / "ca" / "pve.key").stat().st_mode & 0o777) == "0o600"
    client = ssl.create_default_context(cafile=ca.cert_path)
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server.load_cert_chain(certfile, keyfile)
    # A second LabCA on the same directory reuses the CA instead of minting a new one.
    assert LabCA(str(tmp_path / "ca")).cert_path == ca.cert_path
    assert client.verify_mode == ssl.CERT_REQUIRED


def test_lab_up_and_down_leave_nothing_running(tmp_path):
    state = tmp_path / "state"
    command = [sys.executable, "-m", "lab"]
    up = subprocess.run(
        [*command, "up", "--state", str(state), "--free-ports"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert up.returncode == 0, up.stdout + up.stderr
    env = (state / "lab.env").read_text()
    assert "LAB_CA=%s" % (state / "ca" / "ca.crt").resolve() in env
    sourced = subprocess.run(
        [
            "bash",
            "-c",
            'source "$1" && python3 -c "import os; print(os.environ[\'LAB_CA\'])"',
            "-",
            str(state / "lab.env"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert sourced.stdout.strip() == str((state / "ca" / "ca.crt").resolve()), "source alone must export the lab"
    pid = int((state / "lab.pid").read_text())
    assert subprocess.run([*command, "status", "--state", str(state)], cwd=ROOT, check=False).returncode == 0
    down = subprocess.run(
        [*command, "down", "--state", str(state)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert "lab: stopped" in down.stdout
    assert not (state / "lab.env").exists()
    assert subprocess.run(["kill", "-0", str(pid)], capture_output=True, check=False).returncode != 0
    assert subprocess.run([*command, "status", "--state", str(state)], cwd=ROOT, check=False).returncode == 3
