# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.tappaas.platform.plugins.filter.network import FilterModule

FILTERS = FilterModule().filters()
ZONES = {"srv_home": {"cidr": "10.2.10.0/24"}, "mgmt": {"cidr": "10.0.0.0/24", "gateway": "10.0.0.254"}}
MODULES = {"nextcloud": {"vmid": 340, "zone": "srv_home"}, "db": {"vmid": 310, "zone": "srv_home", "ip": "10.2.10.20"}}


def test_the_collection_exposes_exactly_the_documented_filters():
    assert sorted(FILTERS) == ["internal_fqdn", "module_ip", "zone_gateway", "zone_of_ip"]


def test_filters_compute_zone_arithmetic():
    assert FILTERS["zone_of_ip"]("10.2.10.89", ZONES) == "srv_home"
    assert FILTERS["zone_gateway"]("mgmt", ZONES) == "10.0.0.254"
    assert FILTERS["zone_gateway"]("srv_home", ZONES) == "10.2.10.1"
    assert FILTERS["module_ip"]("nextcloud", MODULES, ZONES) == "10.2.10.89"
    assert FILTERS["module_ip"]("db", MODULES, ZONES) == "10.2.10.20"
    assert FILTERS["internal_fqdn"]("nextcloud", "srv_home") == "nextcloud.srv-home.internal"


def test_filter_errors_name_the_filter_and_the_value():
    with pytest.raises(AnsibleFilterError, match="zone_gateway: unknown zone 'lan'"):
        FILTERS["zone_gateway"]("lan", ZONES)
    with pytest.raises(AnsibleFilterError, match="zone_of_ip: 'x' is not an IPv4 address"):
        FILTERS["zone_of_ip"]("x", ZONES)
