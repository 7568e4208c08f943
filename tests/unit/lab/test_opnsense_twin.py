# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The twin's model layer: schemas read from the model files, validation, rendering, safe delete."""

from __future__ import annotations

import pytest

from lab.opnsense.store import ScalarExpected
from lab.opnsense.world import Firewall


@pytest.fixture(params=["26.1", "26.7"])
def firewall(request):
    return Firewall(request.param)


def _save(firewall, name, posted, uuid=None):
    collection = firewall.collections[name]
    uuid = uuid or collection.new_uuid()
    row = collection.merged(uuid, posted)
    problems = firewall.validator.item(collection, uuid, row)
    if not problems:
        collection.rows[uuid] = row
    return uuid, problems


def test_schema_comes_from_the_model_files(firewall):
    rule = firewall.collections["rules"].schema.fields
    assert rule["action"].options == {"pass": "Pass", "block": "Block", "reject": "Reject"}
    assert rule["sequence"].required and rule["sequence"].default == "1"
    assert "sort_order" not in rule, "volatile fields are not stored"
    assert ("max-pkt-rate-number" in rule) is (firewall.profile.name == "26.7")
    vlan = firewall.collections["vlans"].schema.fields
    assert vlan["pcp"].options["1"].startswith("Background")
    assert "option_data.routers" in firewall.collections["subnets"].schema.fields


def test_validation_uses_the_model_messages(firewall):
    _uuid, problems = _save(firewall, "aliases", {"name": "web", "type": "host"})
    assert problems == {}
    _uuid, problems = _save(firewall, "aliases", {"name": "web", "type": "nonsense"})
    assert problems == {"name": "An alias with this name already exists.", "type": "Option not in list."}
    _uuid, problems = _save(firewall, "rules", {"source_net": "nowhere", "enabled": False})
    assert problems == {
        "source_net": "nowhere is not a valid source IP address or alias.",
        "enabled": "A value is required.",
    }
    _uuid, problems = _save(firewall, "hosts", {"hostname": "mail", "domain": "example.org", "rr": "MX"})
    assert problems["mxprio"] == "The field MX Priority is required."
    assert problems["mx"] == "The field MX Host is required."


def test_a_list_for_a_scalar_is_refused(firewall):
    with pytest.raises(ScalarExpected):
        firewall.collections["aliases"].merged("u", {"name": ["a", "b"]})


def test_unknown_keys_are_ignored_and_set_is_partial(firewall):
    uuid, _problems = _save(firewall, "vlans", {"if": "vtnet0", "tag": "210", "nonsense": "x"})
    row = firewall.collections["vlans"].rows[uuid]
    assert "nonsense" not in row and row["vlanif"] == "vlan01"
    merged = firewall.collections["vlans"].merged(uuid, {"descr": "srv"})
    assert merged["tag"] == "210" and merged["descr"] == "srv"
    _uuid, problems = _save(firewall, "vlans", {"if": "vtnet0", "tag": "210"})
    assert problems == {"tag": "Tag for this device must be unique."}


def test_option_maps_and_search_rows(firewall):
    uuid, _problems = _save(firewall, "rules", {"interface": "lan,wan", "protocol": "tcp", "description": "web"})
    rules = firewall.collections["rules"]
    item = rules.render_item(rules.rows[uuid], with_display=firewall.profile.get_display_keys)
    assert item["interface"]["lan"] == {"value": "LAN", "selected": 1}
    assert item["protocol"]["TCP"]["selected"] == 1
    assert item["gateway"][""] == {"value": "None", "selected": 1}
    assert ("%interface" in item) is firewall.profile.get_display_keys
    row = rules.search("WEB")["rows"][0]
    assert row["interface"] == "lan,wan" and row["%interface"] == "LAN,WAN"
    assert rules.search("web nothing")["total"] == 0


def test_kea_subnets_in_use_cannot_be_deleted_and_pools_must_fit(firewall):
    subnet, problems = _save(firewall, "subnets", {"subnet": "10.2.10.0/24", "pools": "10.2.10.50-10.2.10.99"})
    assert problems == {}
    assert firewall.collections["subnets"].rows[subnet]["subnet_id"] == "1"
    _uuid, problems = _save(firewall, "subnets", {"subnet": "10.3.10.0/24", "pools": "10.9.9.1-10.9.9.9"})
    assert problems == {"pools": "Pool 10.9.9.1-10.9.9.9 not within subnet 10.3.10.0/24."}
    _uuid, problems = _save(
        firewall, "reservations", {"subnet": subnet, "ip_address": "10.2.10.5", "description": "nas"}
    )
    assert problems == {}
    subnets = firewall.collections["subnets"]
    assert subnets.in_use[0](subnets, subnet, subnets.rows[subnet]) == "Item in use by: reservation nas"


def test_pending_and_applied_are_per_service(firewall):
    firewall.saved("unbound")
    assert firewall.services["unbound"]["pending"] and not firewall.services["filter"]["pending"]
    revision = firewall.revision
    firewall.apply("unbound")
    assert not firewall.services["unbound"]["pending"]
    assert firewall.revision == revision, "applying does not write the configuration"
