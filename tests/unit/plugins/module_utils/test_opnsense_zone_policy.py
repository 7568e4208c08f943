# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_rules import compile_rules
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_zone_policy import (
    dhcp_subnets,
    filter_rules,
    host_overrides,
    module_pinhole_zones,
    module_pinholes,
    module_rule_scope,
    reverse_proxy_routes,
    vlans,
)

EXAMPLE = Path(__file__).resolve().parents[4] / "inventories" / "example" / "group_vars" / "all"
ZONES = yaml.safe_load((EXAMPLE / "zones.yml").read_text())["tappaas_zones"]
MODULES = yaml.safe_load((EXAMPLE / "modules.yml").read_text())["tappaas_modules"]
ADDRESSES = {"postgresql": "10.2.10.20", "nextcloud": "10.2.10.89", "vaultwarden": "10.2.10.99",
             "homeassistant": "10.2.10.150", "grafana": "10.0.0.50"}  # fmt: skip


def _rules(**kwargs):
    return {rule["id"]: rule for rule in filter_rules(ZONES, MODULES, {"mgmt": "lan"}, **kwargs)}


def test_anti_lockout_comes_first_and_targets_the_firewall():
    rules = filter_rules(ZONES, MODULES, {"mgmt": "lan"}, management_ports=[443, 22])
    compiled = compile_rules("net", rules)
    first = min(compiled.values(), key=lambda rule: rule["sequence"])
    assert first["description"].startswith("[net] anti-lockout:mgmt:")
    assert first["interface"] == ["lan"] and first["destination_net"] == "(self)"
    assert {rule["id"] for rule in rules if rule["band"] == "anti_lockout"} == {
        "anti-lockout:mgmt:443",
        "anti-lockout:mgmt:22",
    }


def test_zone_rules_allow_access_to_then_deny_private_then_egress():
    rules = _rules()
    assert rules["access:mgmt:iot_cams"]["destination_net"] == "10.4.30.0/24"
    assert rules["deny-private:home"]["action"] == "block"
    assert rules["egress:home"]["destination_not"] is True
    assert "egress:iot_local" not in rules and "egress:iot_cams" not in rules, "egress: false keeps them offline"
    assert "access:srv_dev:mgmt" not in rules and "dns:srv_dev" not in rules, "inactive zones are not deployed"
    order = [rule["id"] for rule in filter_rules(ZONES, MODULES, {"mgmt": "lan"}) if rule["id"].endswith(":mgmt")
             or rule["id"].startswith(("access:mgmt", "deny-private:mgmt", "egress:mgmt"))]  # fmt: skip
    assert order.index("deny-private:mgmt") > max(i for i, r in enumerate(order) if r.startswith("access:mgmt"))
    assert order.index("egress:mgmt") > order.index("deny-private:mgmt")


def _pinholes(name, modules=MODULES, interfaces=None):
    return {rule["id"]: rule for rule in module_pinholes(name, modules, ZONES, interfaces or {"mgmt": "lan"})}


def test_pinholes_come_from_module_specs_and_skip_traffic_inside_a_zone():
    rules = _pinholes("homeassistant")
    mqtt = rules["tappaas-module:homeassistant:in:iot_local:1883"]
    assert mqtt["band"] == "module_ingress"
    assert mqtt["interface"] == ["iot_local"] and mqtt["source_net"] == "10.4.10.0/24"
    assert mqtt["destination_net"] == "tappaas_module_homeassistant"
    coap = rules["tappaas-module:homeassistant:out:iot_local:5683-5684/tcp/udp"]
    assert coap["band"] == "module_egress" and coap["protocol"] == "TCP/UDP"
    assert {rule_id.split(":")[1] for rule_id in rules} == {"homeassistant"}, "only the module's own pinholes"
    assert _pinholes("postgresql") == {}, "its peers share its zone: no rule"


def test_the_zone_policy_holds_no_pinholes():
    """Pinholes are each module's own scope; the network role's zone policy has none, so it never removes them."""
    assert not any(rule["band"].startswith("module_") for rule in filter_rules(ZONES, MODULES, {"mgmt": "lan"}))
    assert not any(rule_id.startswith("tappaas-module:") for rule_id in _rules())


def test_each_module_has_its_own_scope_in_the_pinhole_bands():
    assert module_rule_scope("homeassistant") == "tappaas:module:homeassistant"
    compiled = compile_rules(module_rule_scope("homeassistant"), module_pinholes("homeassistant", MODULES, ZONES, {}))
    assert compiled, "homeassistant has pinholes into and out of iot_local"
    for rule in compiled.values():
        assert rule["description"].startswith("[tappaas:module:homeassistant] tappaas-module:homeassistant:")
        assert 10000 <= rule["sequence"] <= 29999, "module_ingress and module_egress bands"


def test_pinholes_use_the_interfaces_of_the_zones_they_cross():
    assert module_pinhole_zones("homeassistant", MODULES, ZONES) == ["iot_local", "srv_home"]
    rules = _pinholes("homeassistant", interfaces={"iot_local": "opt7", "srv_home": "opt2"})
    assert rules["tappaas-module:homeassistant:in:iot_local:1883"]["interface"] == ["opt7"]
    assert rules["tappaas-module:homeassistant:out:iot_local:80/tcp/udp"]["interface"] == ["opt2"]


def test_pinholes_of_a_module_not_given_name_the_field():
    with pytest.raises(InvalidInput) as caught:
        module_pinholes("nope", MODULES, ZONES, {})
    assert caught.value.field_path == "module_name"


def test_clients_of_published_modules_reach_the_reverse_proxy():
    rules = _rules()
    assert rules["proxy:home:443"]["source_net"] == "10.3.10.0/24"
    assert rules["proxy:internet:443"]["interface"] == ["wan"] and rules["proxy:internet:443"]["source_net"] == "any"
    assert "proxy:guest:443" not in rules, "no module is published to guests"


def test_pinhole_from_a_zone_not_allowed_names_the_field():
    modules = copy.deepcopy(MODULES)
    modules["postgresql"]["firewall"]["ingress"].append({"from": "guest", "ports": [5432]})
    with pytest.raises(InvalidInput) as caught:
        module_pinholes("postgresql", modules, ZONES, {})
    assert caught.value.field_path == "tappaas_modules.postgresql.firewall.ingress[1].from"


def test_isolation_invariant():
    _rules(isolated=["iot_cams"])  # only mgmt reaches iot_cams: allowed
    zones = copy.deepcopy(ZONES)
    zones["home"]["access_to"] = ["srv_home", "iot_cams"]
    with pytest.raises(InvalidInput) as caught:
        filter_rules(zones, MODULES, {}, isolated=["iot_cams"])
    assert caught.value.field_path == "tappaas_zones.home.access_to[1]"
    assert "isolated" in caught.value.problem
    with pytest.raises(InvalidInput, match="unknown zone 'nope'"):
        filter_rules(ZONES, MODULES, {}, isolated=["nope"])


def test_every_compiled_rule_fits_its_band():
    compiled = compile_rules("tappaas-network", filter_rules(ZONES, MODULES, {"mgmt": "lan"}, isolated=["iot_cams"]))
    assert len({rule["sequence"] for rule in compiled.values()}) == len(compiled)
    for name in MODULES:
        pinholes = compile_rules(module_rule_scope(name), module_pinholes(name, MODULES, ZONES, {}))
        assert len({rule["sequence"] for rule in pinholes.values()}) == len(pinholes)


def test_vlans_dhcp_dns_and_routes():
    assert {vlan["tag"] for vlan in vlans(ZONES, "vtnet0")} >= {210, 310, 610}
    assert 0 not in {vlan["tag"] for vlan in vlans(ZONES, "vtnet0")}, "mgmt is untagged"
    home_vlan = next(vlan for vlan in vlans(ZONES, "vtnet0") if vlan["zone"] == "home")
    assert home_vlan["address"] == "10.3.10.1/24", "the gateway, with the zone's prefix"
    home = next(subnet for subnet in dhcp_subnets(ZONES, "internal") if subnet["zone"] == "home")
    assert home == {
        "zone": "home",
        "subnet": "10.3.10.0/24",
        "pools": ["10.3.10.50-10.3.10.250"],
        "routers": ["10.3.10.1"],
        "dns_servers": ["10.3.10.1"],
        "domain_name": "home.internal",
    }
    records = host_overrides(MODULES, ADDRESSES, "internal")
    assert {"hostname": "nextcloud", "domain": "srv-home.internal", "address": "10.2.10.89"} in records
    routes = {route["module"]: route for route in reverse_proxy_routes(
        {"domain": "example.org"}, MODULES, ADDRESSES, ZONES, "internal")}  # fmt: skip
    assert routes["nextcloud"]["domain"] == "cloud.example.org"
    assert routes["nextcloud"]["upstream_host"] == "nextcloud.srv-home.internal"
    assert routes["nextcloud"]["allowed_networks"] == ["10.3.10.0/24", "10.3.20.0/24", "10.0.0.0/24"]
    assert routes["vaultwarden"]["allowed_networks"] == [], "internet: everyone"


def test_the_zone_policy_page_in_the_docs_is_current():
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[4]
    done = subprocess.run(
        [sys.executable, str(root / "tools" / "zone_policy_diagram.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_a_hyphenated_module_gets_an_alias_name_opnsense_accepts():
    from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_zone_policy import module_alias

    assert module_alias("home-assistant") == "tappaas_module_home_assistant"
    assert module_alias("wiki") == "tappaas_module_wiki"
