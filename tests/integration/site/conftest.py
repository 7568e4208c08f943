# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A private, fresh lab for the site tests: site.yml's check run needs twins nobody has written to yet."""

from __future__ import annotations

import pytest

from ..conftest import run_lab
from .site_runs import SiteRunner

# Module scope: each test module gets twins nobody else has written to.
fresh_lab = pytest.fixture(scope="module", name="fresh_lab")(run_lab)


@pytest.fixture
def run_site(collections_path, tmp_path):
    """Runs site.yml on inventories/lab with a lab's environment (what `source .lab/lab.env` gives)."""

    def run(lab, *extra):
        return SiteRunner(lab, collections_path, tmp_path)(*extra)

    return run
