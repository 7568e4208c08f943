# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.plugin_utils import network

SRV = {"cidr": "10.2.10.0/24"}
HOME = {"cidr": "10.3.10.0/24", "gateway": "10.3.10.254", "dhcp": {"start": "10.3.10.50", "end": "10.3.10.250"}}
ZONES = {"srv": SRV, "home": HOME, "all10": {"cidr": "10.0.0.0/8"}}


def test_gateway_defaults_to_the_first_host():
    assert network.zone_gateway(SRV) == "10.2.10.1"
    assert network.zone_gateway(HOME) == "10.3.10.254"


def test_pool_excludes_gateway_and_dhcp_range():
    pool = [str(address) for address in network.allocation_pool(HOME)]
    assert pool[:2] == ["10.3.10.1", "10.3.10.2"]
    assert "10.3.10.254" not in pool
    assert "10.3.10.50" not in pool and "10.3.10.250" not in pool
    assert pool[47:50] == ["10.3.10.48", "10.3.10.49", "10.3.10.251"]
    assert len(pool) == 254 - 1 - 201


def test_allocation_is_vmid_modulo_pool():
    pool = network.allocation_pool(SRV)
    assert len(pool) == 253
    assert network.allocate_ip(340, SRV) == str(pool[340 % 253]) == "10.2.10.89"
    assert network.allocate_ip(340, SRV) == network.allocate_ip(340 + 253, SRV)


def test_a_zone_with_no_free_address_is_an_error():
    tiny = {"cidr": "10.9.9.0/30", "dhcp": {"start": "10.9.9.2", "end": "10.9.9.2"}}
    with pytest.raises(network.NetworkError, match="no address left"):
        network.allocate_ip(100, tiny)


def test_module_ip_prefers_the_static_address():
    modules = {"a": {"vmid": 340, "zone": "srv", "ip": "10.2.10.7"}, "b": {"vmid": 340, "zone": "srv"}}
    assert network.module_ip("a", modules, ZONES) == "10.2.10.7"
    assert network.module_ip("b", modules, ZONES) == "10.2.10.89"
    with pytest.raises(network.NetworkError, match="unknown module 'c'"):
        network.module_ip("c", modules, ZONES)


def test_zone_of_ip_picks_the_most_specific_zone():
    assert network.zone_of_ip("10.2.10.9", ZONES) == "srv"
    assert network.zone_of_ip("10.7.0.1", ZONES) == "all10"
    assert network.zone_of_ip("192.168.1.1", ZONES) is None


@pytest.mark.parametrize(
    ("cidr", "message"),
    [
        ("10.2.10.5/24", "has host bits set (did you mean 10.2.10.0/24?)"),
        ("10.2.10.0", "is not an IPv4 network in cidr notation"),
        ("fd00::/64", "is not an IPv4 network in cidr notation"),
        ("banana", "is not an IPv4 network in cidr notation"),
        ("10.0.0.0/31", "is too small for a zone"),
    ],
)
def test_bad_networks_are_refused_with_the_reason(cidr, message):
    with pytest.raises(network.NetworkError) as raised:
        network.parse_network(cidr)
    assert message in str(raised.value)


def test_internal_fqdn():
    assert network.internal_fqdn("nextcloud", "srv_home") == "nextcloud.srv-home.internal"
    assert network.internal_fqdn("db", "srv", "lan") == "db.srv.lan"
