# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tappaas.platform.plugins.filter.pinholes import FilterModule

FILTERS = FilterModule().filters()
ZONES = {
    "srv_home": {"vlan": 210, "cidr": "10.2.10.0/24", "pinhole_allowed_from": ["mgmt"]},
    "srv_data": {"vlan": 230, "cidr": "10.2.30.0/24", "pinhole_allowed_from": ["srv_home"]},
    "mgmt": {"vlan": 0, "cidr": "10.0.0.0/24"},
}
MODULES = {
    "wiki": {"zone": "srv_home"},
    "postgres": {"zone": "srv_data", "firewall": {"ingress": [{"from": "wiki", "ports": [5432], "description": "db"}]}},
}


def test_the_pinhole_filters_are_the_documented_ones():
    assert sorted(FILTERS) == ["module_pinhole_zones", "module_pinholes", "module_rule_scope"]


def test_a_pinhole_from_a_module_uses_its_alias_and_its_zone_interface():
    (rule,) = FILTERS["module_pinholes"]("postgres", MODULES, ZONES, {"srv_home": "opt1", "srv_data": "opt2"})
    assert rule == {
        "id": "tappaas-module:postgres:in:wiki:5432",
        "band": "module_ingress",
        "interface": ["opt1"],
        "protocol": "TCP",
        "source_net": "tappaas_module_wiki",
        "destination_net": "tappaas_module_postgres",
        "destination_port": "5432",
        "description": "db",
    }
    assert FILTERS["module_pinhole_zones"]("postgres", MODULES, ZONES) == ["srv_data", "srv_home"]
    assert FILTERS["module_pinholes"]("wiki", MODULES, ZONES) == [], "wiki opens nothing of its own"
    assert FILTERS["module_rule_scope"]("postgres") == "tappaas:module:postgres"


def test_a_pinhole_to_a_removed_module_fails_naming_the_field():
    present = {"postgres": MODULES["postgres"]}  # wiki is absent: its alias is gone
    with pytest.raises(AnsibleFilterError, match=r"tappaas_modules.postgres.firewall.ingress\[0\].from: unknown zone"):
        FILTERS["module_pinholes"]("postgres", present, ZONES)
