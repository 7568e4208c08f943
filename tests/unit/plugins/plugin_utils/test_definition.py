# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.tappaas.platform.plugins.plugin_utils.definition import validate_definition

from .definition_cases import base_definition, broken_cases, example_definition, merge_patch

CASES = broken_cases()


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize(("definition", "expected"), [case[1:3] for case in CASES], ids=[case[0] for case in CASES])
def test_broken_definition_reports_exactly_its_problems(definition, expected):
    problems, resolved = validate_definition(definition)
    assert problems == expected
    assert resolved is None


def test_base_definition_is_valid():
    problems, resolved = validate_definition(base_definition())
    assert problems == []
    assert resolved["tappaas_module_order"] == ["db", "web"]


def test_example_inventory_is_valid():
    definition, inventory_nodes = example_definition()
    problems, resolved = validate_definition(definition, inventory_nodes)
    assert problems == []
    modules = resolved["tappaas_modules"]
    assert modules["nextcloud"]["fqdn"] == "nextcloud.srv-home.internal"
    assert modules["nextcloud"]["url"] == "https://cloud.example.org"
    assert modules["postgresql"]["ip"] == "10.2.10.20"
    assert modules["postgresql"]["ip_source"] == "static"
    order = resolved["tappaas_module_order"]
    assert order.index("postgresql") < order.index("nextcloud")


def test_every_problem_is_listed_in_one_run():
    broken = merge_patch(
        base_definition(),
        {
            "tappaas_zones": {"home": {"vlan": 210}},
            "tappaas_modules": {"web": {"zone": "srv_hme", "vmid": 300, "identity": {"groups": []}}},
        },
    )
    problems, _resolved = validate_definition(broken)
    assert problems == [
        "tappaas_zones.home.vlan: VLAN 210 is already used by zone 'srv'",
        "tappaas_modules.web.vmid: vmid 300 is already used by module 'db'",
        "tappaas_modules.web.zone: unknown zone 'srv_hme' (known zones: cams, home, mgmt, srv)",
        "tappaas_modules.web.identity.groups: SSO mode 'oidc' needs at least one group allowed in (or public: true)",
    ]


def test_defaults_are_applied_and_derived_values_filled_in():
    _problems, resolved = validate_definition(base_definition())
    web = resolved["tappaas_modules"]["web"]
    assert web["cores"] == 2
    assert web["memory"] == 2048
    assert web["storage"] == "tank1"
    assert web["ha"]["replication_schedule"] == "*/15"
    assert web["identity"]["public"] is False
    assert web["ingress"] == {"hostname": "www", "port": 80, "scheme": "http", "allowed_zones": ["home"]}
    assert web["backup"]["znapzend_plan"] == "7days=>1hours,30days=>1days,1years=>1weeks"
    # No schedule of its own: the module is in the site's nightly job, whatever backup_schedule the site sets.
    assert web["backup"]["enabled"] is True and "schedule" not in web["backup"]
    assert web["ip_source"] == "allocated"
    assert resolved["tappaas_zones"]["srv"]["gateway"] == "10.2.10.1"
    assert resolved["tappaas_zones"]["srv"]["prefix"] == 24
    assert resolved["tappaas_site"]["internal_domain"] == "internal"


def test_the_input_is_not_modified():
    definition = base_definition()
    pristine = copy.deepcopy(definition)
    validate_definition(definition)
    assert definition == pristine


def test_an_allocated_address_never_moves_when_a_module_is_added():
    _problems, before = validate_definition(base_definition())
    grown = merge_patch(
        base_definition(), {"tappaas_modules": {"aaa": {"vmid": 305, "node": "tappaas1", "zone": "srv"}}}
    )
    problems, after = validate_definition(grown)
    assert problems == []
    assert after["tappaas_modules"]["web"]["ip"] == before["tappaas_modules"]["web"]["ip"]
    assert after["tappaas_modules"]["aaa"]["ip"] != after["tappaas_modules"]["web"]["ip"]


def test_inventory_group_must_name_the_same_nodes():
    problems, _resolved = validate_definition(base_definition(), ["tappaas1", "tappaas3"])
    assert problems == [
        "tappaas_nodes: inventory host 'tappaas3' of group tappaas_nodes is not declared",
        "tappaas_nodes[1].name: node 'tappaas2' is not a host of inventory group tappaas_nodes",
    ]


def test_public_application_needs_no_group():
    definition = merge_patch(
        base_definition(), {"tappaas_modules": {"web": {"identity": {"groups": [], "public": True}}}}
    )
    assert validate_definition(definition)[0] == []


def test_a_site_without_tanks_leaves_storage_alone():
    definition = merge_patch(base_definition(), {"tappaas_tanks": None})
    assert validate_definition(definition)[0] == []


def test_a_module_being_removed_may_depend_on_another_being_removed():
    definition = merge_patch(
        base_definition(), {"tappaas_modules": {"db": {"state": "absent"}, "web": {"state": "absent"}}}
    )
    assert validate_definition(definition)[0] == []


def test_three_module_cycle_is_reported_once_with_its_path():
    definition = merge_patch(
        base_definition(),
        {
            "tappaas_modules": {
                "db": {"depends_on": ["cache"]},
                "cache": {"vmid": 320, "node": "tappaas1", "zone": "srv", "depends_on": ["web"]},
            }
        },
    )
    assert validate_definition(definition)[0] == [
        "tappaas_modules.cache.depends_on: dependency cycle: cache -> web -> db -> cache"
    ]


def test_missing_top_level_variables_are_named():
    problems, _resolved = validate_definition({})
    assert problems == ["definition: missing required field 'tappaas_site', 'tappaas_nodes', 'tappaas_zones'"]
