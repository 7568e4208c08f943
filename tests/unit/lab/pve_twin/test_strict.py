# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from fakepve import schema

from lab.pve.strict import boolean_errors, declared_properties, parameter_errors

CREATE = schema.load().paths["/nodes/{node}/qemu"]["POST"]
RULES = schema.load().paths["/cluster/ha/rules"]["POST"]


def test_only_the_strings_1_and_0_or_json_values_pass_as_booleans():
    properties = declared_properties(CREATE["parameters"])
    assert boolean_errors(properties, {"onboot": "1", "protection": "0", "agent": "1", "start": True}) == {}
    assert boolean_errors(properties, {"onboot": "true", "start": "True", "protection": "off"}) == {
        "onboot": "type check ('boolean') failed - got 'true'",
        "start": "type check ('boolean') failed - got 'True'",
        "protection": "type check ('boolean') failed - got 'off'",
    }


def test_property_strings_and_strings_are_not_booleans():
    properties = declared_properties(CREATE["parameters"])
    # net0's firewall=true lives inside a property string, which PVE parses leniently.
    assert boolean_errors(properties, {"net0": "virtio,bridge=lan,firewall=true", "name": "true"}) == {}


def test_rule_options_declared_in_oneof_branches_are_found():
    assert {"rule", "strict", "disable", "nodes", "resources"} <= set(declared_properties(RULES["parameters"]))


def test_parameter_errors_reports_the_other_schema_errors_with_the_booleans():
    errors = parameter_errors(CREATE, {"node": "tappaas1", "vmid": "abc", "onboot": "yes"})
    assert errors == {
        "onboot": "type check ('boolean') failed - got 'yes'",
        "vmid": "type check ('integer') failed - got 'abc'",
    }
    assert parameter_errors(CREATE, {"node": "tappaas1", "vmid": "100", "onboot": "1"}) == {}
