# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declared filter rules to OPNsense rule values: scope markers, sequence bands, defaults.

A rule belongs to a scope through its description, "[<scope>] <id>" plus an optional " - <text>", which OPNsense
keeps verbatim and searches on. That marker is the rule's identity: the same id in the same scope is the same
rule on every run, and purge removes only rules carrying this scope's marker.
"""

from __future__ import annotations

import re

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput

# TAPPaaS sequence bands (first, last); OPNsense sequences start at 1.
BANDS = {
    "anti_lockout": (1, 99),
    "infrastructure": (100, 999),
    "deny_default": (1000, 9999),
    "module_ingress": (10000, 19999),
    "module_egress": (20000, 29999),
    "zone": (30000, 39999),
    "logging": (40000, 49999),
    "admin": (50000, 59999),
}
BAND_STEP = 10
RULE_DEFAULTS = {
    "action": "pass",
    "direction": "in",
    "ipprotocol": "inet",
    "protocol": "any",
    "source_net": "any",
    "source_port": "",
    "source_not": False,
    "destination_net": "any",
    "destination_not": False,
    "destination_port": "",
    "log": False,
    "enabled": True,
    "quick": True,
    "interface": [],
}
SCOPE_SHAPE = re.compile(r"^[A-Za-z0-9_.:-]+$")
ID_SHAPE = re.compile(r"^[A-Za-z0-9_.:/@-]+$")


def marker(scope):
    return "[%s] " % scope


def description_for(scope, rule_id, text=None):
    return marker(scope) + rule_id + (" - " + text if text else "")


def rule_id_of(scope, description):
    """The id of a rule of this scope from its description, or None when the rule is not in the scope."""
    prefix = marker(scope)
    if not description or not description.startswith(prefix):
        return None
    return description[len(prefix) :].split(" - ", 1)[0]


def compile_rules(scope, rules):
    """{id: rule values (API names, normalised)} in declaration order; raises InvalidInput naming the rule."""
    if not SCOPE_SHAPE.match(scope or ""):
        raise InvalidInput("scope", "use letters, digits and _ . : - only, got %r" % scope)
    compiled = {}
    used = {}
    next_in_band = {name: first for name, (first, last) in BANDS.items()}
    for index, rule in enumerate(rules):
        where = "rules[%d]" % index
        rule_id = rule.get("id")
        if not rule_id or not ID_SHAPE.match(rule_id):
            raise InvalidInput(where + ".id", "give an id of letters, digits and _ . : / @ -, got %r" % rule_id)
        if rule_id in compiled:
            raise InvalidInput(where + ".id", "%s is declared twice in scope %s" % (rule_id, scope))
        band = rule.get("band") or "zone"
        if band not in BANDS:
            raise InvalidInput(where + ".band", "must be one of %s, got %r" % (", ".join(BANDS), band))
        first, last = BANDS[band]
        sequence = rule.get("sequence")
        if sequence is None:
            sequence = next_in_band[band]
            if sequence > last:
                raise InvalidInput(where + ".band", "band %s is full (%d-%d)" % (band, first, last))
            next_in_band[band] = sequence + BAND_STEP
        elif not first <= sequence <= last:
            raise InvalidInput(where + ".sequence", "%d is outside band %s (%d-%d)" % (sequence, band, first, last))
        if sequence in used:
            raise InvalidInput(where + ".sequence", "%d is already used by rule %s" % (sequence, used[sequence]))
        used[sequence] = rule_id
        values = dict(RULE_DEFAULTS)
        values.update({key: value for key, value in rule.items() if key in RULE_DEFAULTS and value is not None})
        if values["protocol"].lower() != "any":
            values["protocol"] = values["protocol"].upper()
        if (values["source_port"] or values["destination_port"]) and values["protocol"] not in (
            "TCP",
            "UDP",
            "TCP/UDP",
        ):
            raise InvalidInput(
                where + ".protocol", "ports need protocol TCP, UDP or TCP/UDP, got %s" % values["protocol"]
            )
        values["sequence"] = sequence
        values["description"] = description_for(scope, rule_id, rule.get("description"))
        compiled[rule_id] = values
    return compiled
