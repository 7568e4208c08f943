# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A private, fresh lab for the site tests: site.yml's check run needs twins nobody has written to yet."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import COLLECTION_ROOT, run_lab

LAB_INVENTORY = COLLECTION_ROOT / "inventories" / "lab"
SITE = COLLECTION_ROOT / "playbooks" / "site.yml"


# Module scope: each test module gets twins nobody else has written to.
fresh_lab = pytest.fixture(scope="module", name="fresh_lab")(run_lab)


@pytest.fixture
def run_site(collections_path, tmp_path):
    """Runs site.yml on inventories/lab with a lab's environment (what `source .lab/lab.env` gives)."""

    def run(lab, *extra):
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            **lab.env,
        )
        return subprocess.run(
            [
                str(Path(sys.executable).with_name("ansible-playbook")),
                "-i",
                str(LAB_INVENTORY),
                str(SITE),
                "-e",
                "network_snapshot_path=%s" % (tmp_path / "filter-snapshot.json"),
                *extra,
            ],
            cwd=str(COLLECTION_ROOT),
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    return run
