# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Integration tests run real ansible-playbook against the collection as staged by `make integration`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
