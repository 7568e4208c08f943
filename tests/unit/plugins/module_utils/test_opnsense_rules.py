# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_rules import (
    BANDS,
    compile_rules,
    description_for,
    rule_id_of,
)


def test_rules_get_sequences_from_their_band_in_declared_order():
    compiled = compile_rules(
        "net",
        [
            {"id": "b", "band": "zone"},
            {"id": "lockout", "band": "anti_lockout"},
            {"id": "a", "band": "zone"},
            {"id": "deny", "band": "deny_default", "action": "block"},
        ],
    )
    assert [(rule_id, values["sequence"]) for rule_id, values in compiled.items()] == [
        ("b", 30000),
        ("lockout", 1),
        ("a", 30010),
        ("deny", 1000),
    ]


def test_defaults_fill_every_compared_field_so_unset_options_cannot_drift():
    values = compile_rules("net", [{"id": "x", "protocol": "tcp", "destination_port": "443"}])["x"]
    assert values["protocol"] == "TCP"
    assert values["action"] == "pass" and values["enabled"] is True and values["source_net"] == "any"
    assert values["description"] == "[net] x"


def test_description_marker_round_trips_and_ignores_other_scopes():
    text = description_for("net", "home-to-srv", "home may reach services")
    assert text == "[net] home-to-srv - home may reach services"
    assert rule_id_of("net", text) == "home-to-srv"
    assert rule_id_of("other", text) is None
    assert rule_id_of("net", "made in the GUI") is None
    assert rule_id_of("ne", "[net] x") is None


@pytest.mark.parametrize(
    ("rules", "field", "words"),
    [
        ([{"id": "a"}, {"id": "a"}], "rules[1].id", "declared twice"),
        ([{"id": "bad id"}], "rules[0].id", "letters"),
        ([{"id": "a", "band": "nope"}], "rules[0].band", "must be one of"),
        ([{"id": "a", "sequence": 5}], "rules[0].sequence", "outside band zone"),
        ([{"id": "a", "sequence": 30000}, {"id": "b"}], "rules[1].sequence", "already used by rule a"),
        ([{"id": "a", "destination_port": "443"}], "rules[0].protocol", "ports need protocol"),
    ],
)
def test_bad_rules_name_the_field(rules, field, words):
    with pytest.raises(InvalidInput) as caught:
        compile_rules("net", rules)
    assert caught.value.field_path == field
    assert words in caught.value.problem


def test_a_full_band_is_refused():
    first, last = BANDS["anti_lockout"]
    rules = [{"id": "r%d" % i, "band": "anti_lockout"} for i in range((last - first) // 10 + 2)]
    with pytest.raises(InvalidInput, match="band anti_lockout is full"):
        compile_rules("net", rules)


def test_scope_must_be_a_safe_marker():
    with pytest.raises(InvalidInput) as caught:
        compile_rules("my scope", [])
    assert caught.value.field_path == "scope"
