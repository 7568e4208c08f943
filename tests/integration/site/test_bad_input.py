# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bad input: every broken definition in broken_inventories/ stops site.yml in validation with exactly its problem,
before a single request to any twin.

Each file is passed with ``-e @file`` on top of inventories/lab (extra vars replace the whole variable, so each
file carries one whole definition variable with one mistake). The runs are independent, so they run side by side.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from .site_runs import FATAL_LINE, SiteRunner, lab_without_guests, tail

CORPUS = Path(__file__).with_name("broken_inventories")

# The one problem each broken definition must be reported with, word for word.
EXPECTED = {
    "unknown_zone.yml": (
        "tappaas_modules.whoami.zone: unknown zone 'srv_hme' (known zones: home, mgmt, srv_data, srv_home)"
    ),
    "duplicate_vmid.yml": "tappaas_modules.notes.vmid: vmid 330 is already used by module 'whoami'",
    "unknown_node.yml": (
        "tappaas_modules.whoami.node: unknown node 'tappaas9' (known nodes: tappaas1, tappaas2, tappaas3)"
    ),
    "ip_outside_zone.yml": "tappaas_modules.whoami.ip: 10.2.30.40 is outside zone 'srv_home' (10.2.10.0/24)",
    "unknown_module_field.yml": (
        "tappaas_modules.whoami: unknown field 'memroy' (known fields: backup, cloud_init, cores, depends_on, "
        "description, disk, firewall, ha, identity, image, ingress, ip, memory, monitoring, node, state, storage, "
        "version, vmid, zone)"
    ),
    "backup_keeps_nothing.yml": (
        "tappaas_modules.whoami.backup.retention: keeps nothing: set at least one keep_* above 0"
    ),
    "bad_backup_schedule.yml": (
        "tappaas_modules.whoami.backup.schedule: invalid schedule: hour 25 is outside 0..23 in '25:00'"
    ),
    "bad_znapzend_plan.yml": (
        "tappaas_modules.whoami.backup.znapzend_plan: 'soon' in plan '7d=>soon' is not <number><unit>"
    ),
    "dependency_cycle.yml": "tappaas_modules.notes.depends_on: dependency cycle: notes -> whoami -> notes",
    "sso_without_groups.yml": (
        "tappaas_modules.whoami.identity.groups: SSO mode 'forward_auth' needs at least one group allowed in "
        "(or public: true)"
    ),
    "unknown_zone_in_access_to.yml": (
        "tappaas_zones.mgmt.access_to[3]: unknown zone 'guest' (known zones: home, mgmt, srv_data, srv_home)"
    ),
    "duplicate_vlan.yml": "tappaas_zones.guest.vlan: VLAN 210 is already used by zone 'srv_home'",
    "overlapping_cidr.yml": "tappaas_zones.guest.cidr: 10.3.10.128/25 overlaps zone 'home' (10.3.10.0/24)",
}


def test_the_corpus_is_what_the_expectations_name():
    assert sorted(path.name for path in CORPUS.glob("*.yml")) == sorted(EXPECTED)


fresh_lab = pytest.fixture(scope="module", name="fresh_lab")(lab_without_guests)


@pytest.fixture(scope="module")
def corpus_runs(fresh_lab, collections_path, tmp_path_factory):
    """Every broken definition through site.yml, side by side; with the requests the twins saw meanwhile."""
    runner = SiteRunner(fresh_lab, collections_path, tmp_path_factory.mktemp("bad-input"))
    mark = fresh_lab.mark()
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = dict(zip(EXPECTED, pool.map(lambda name: runner("-e", "@%s" % (CORPUS / name)), EXPECTED)))
    return runs, fresh_lab.requests(mark)


def _problems(done):
    for line in done.stdout.splitlines():
        fatal = FATAL_LINE.match(line)
        if fatal:
            return json.loads(fatal.group("result")).get("problems")
    return None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_broken_definition_stops_in_validation_with_its_problem_and_no_request(corpus_runs, name):
    runs, requests = corpus_runs
    done = runs[name]
    assert done.returncode == 2, tail(done)
    assert _problems(done) == [EXPECTED[name]], tail(done)
    assert "the TAPPaaS definition has 1 problem:\n- %s" % EXPECTED[name] in done.stdout
    # The play after validation never started: nothing was read, let alone written.
    assert "PLAY [Cluster]" not in done.stdout
    assert requests == [], "validation failed, yet the twins were asked: %s" % requests[:5]
