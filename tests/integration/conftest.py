# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests run real ansible-playbook against the collection as staged by `make integration`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lab.runner import read_lab_env

COLLECTION_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def collections_path():
    # The stage lives at <collections>/ansible_collections/tappaas/platform; anything else would test another copy.
    root = COLLECTION_ROOT
    if root.parent.parent.name != "ansible_collections":
        pytest.fail("run the integration tests from the staged collection (make integration), not from %s" % root)
    return str(root.parents[2])


@pytest.fixture(scope="session")
def run_playbook(collections_path):
    ansible_playbook = str(Path(sys.executable).with_name("ansible-playbook"))

    def run(playbook, inventory, *extra):
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        )
        return subprocess.run(
            [ansible_playbook, "-i", str(inventory), str(playbook), *extra],
            cwd=str(COLLECTION_ROOT),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run


class Lab:
    """A running lab: its environment (the lab.env variables) and its request log, for counting API calls."""

    def __init__(self, state_dir):
        self.state_dir = Path(state_dir)
        self.env = read_lab_env(str(self.state_dir))
        self.requests_file = self.state_dir / "requests.jsonl"

    def mark(self):
        """A position in the request log; pass it to requests() to see what happened since."""
        return self.requests_file.stat().st_size if self.requests_file.exists() else 0

    def requests(self, since=0, service=None):
        if not self.requests_file.exists():
            return []
        with open(self.requests_file) as handle:
            handle.seek(since)
            entries = [json.loads(line) for line in handle if line.strip()]
        return [entry for entry in entries if service is None or entry["service"] == service]

    def writes(self, since=0, service=None):
        return [entry for entry in self.requests(since, service) if entry["method"] not in ("GET", "HEAD")]


def run_lab(tmp_path_factory, guests=False):
    """Start the lab twins in a private state directory on free ports; stop them when the consumer is done.

    Guests (a podman container per running VM) are off unless asked for: they are tested in pve_twin and in the
    molecule site scenarios, and every other area would only pay for containers it never looks into.
    """
    state_dir = tmp_path_factory.mktemp("lab")
    command = [sys.executable, "-m", "lab"]
    started = subprocess.run(
        [*command, "up", "--state", str(state_dir), "--free-ports"],
        cwd=str(COLLECTION_ROOT),
        env=dict(os.environ, TAPPAAS_LAB_GUESTS="1" if guests else "0"),
        capture_output=True,
        text=True,
        check=False,
    )
    if started.returncode != 0:
        log = state_dir / "lab.log"
        pytest.fail(
            "the lab did not start: %s\n%s" % (started.stdout + started.stderr, log.read_text() if log.exists() else "")
        )
    try:
        yield Lab(state_dir)
    finally:
        subprocess.run([*command, "down", "--state", str(state_dir)], cwd=str(COLLECTION_ROOT), check=False)


def package_lab(guests=False):
    """A `lab` fixture private to the test package whose conftest assigns it (``lab = package_lab()``).

    pytest ties a package-scoped fixture to the package that defines it, so each area defines its own: no area
    then sees another area's VMs, users or jobs.
    """

    def lab(tmp_path_factory):
        yield from run_lab(tmp_path_factory, guests=guests)

    return pytest.fixture(scope="package", name="lab")(lab)


# For tests directly in tests/integration; every area package overrides it with package_lab().
lab = pytest.fixture(scope="session", name="lab")(run_lab)
