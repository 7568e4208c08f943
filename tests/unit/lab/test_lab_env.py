# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""lab.env: what _write_env writes, read_lab_env reads back unchanged (and a shell agrees)."""

from __future__ import annotations

import json
import subprocess
import sys
from types import SimpleNamespace

import pytest

from lab import runner


class FakeTwin:
    def __init__(self, variables):
        self.variables = variables

    def env(self):
        return self.variables


AWKWARD = {
    "PROXMOX_PORT": 18006,
    "PROXMOX_TOKEN_SECRET": "a'b c$d\"e",
    "EMPTY": "",
    "AUTHENTIK_URL": "https://localhost:19443",
}


def write(tmp_path, variables):
    # The lab adds its own variables (LAB_CA and others) next to the twins'; this lab has no guests.
    context = SimpleNamespace(ca=SimpleNamespace(cert_path=str(tmp_path / "ca.crt")), guests=None)
    runner._write_env(str(tmp_path), context, [FakeTwin(variables)])


def test_round_trip_keeps_every_value(tmp_path):
    write(tmp_path, AWKWARD)
    read = runner.read_lab_env(str(tmp_path))
    assert {key: read.get(key) for key in AWKWARD} == {key: str(value) for key, value in AWKWARD.items()}
    assert read["LAB_CA"] == str(tmp_path / "ca.crt")


def test_a_shell_reads_the_same_values(tmp_path):
    write(tmp_path, AWKWARD)
    script = ". ./lab.env && %s -c 'import json, os; print(json.dumps(dict(os.environ)))'" % sys.executable
    shell = subprocess.run(
        ["env", "-i", "sh", "-c", script], cwd=str(tmp_path), capture_output=True, text=True, check=True
    )
    exported = json.loads(shell.stdout)
    read = runner.read_lab_env(str(tmp_path))
    assert {key: exported.get(key) for key in read} == read


def test_a_broken_line_is_refused(tmp_path):
    (tmp_path / "lab.env").write_text("GOOD=1\nnot a variable\n")
    with pytest.raises(ValueError, match="not a KEY=value line"):
        runner.read_lab_env(str(tmp_path))


def test_cli_prints_the_environment_as_json(tmp_path):
    write(tmp_path, AWKWARD)
    printed = subprocess.run(
        [sys.executable, "-m", "lab", "env", "--state", str(tmp_path)], capture_output=True, text=True, check=True
    )
    assert json.loads(printed.stdout) == runner.read_lab_env(str(tmp_path))
