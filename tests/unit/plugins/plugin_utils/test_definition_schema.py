# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import jsonschema

from ansible_collections.tappaas.platform.plugins.plugin_utils.definition_schema import (
    apply_defaults,
    format_path,
    load_schema,
    schema_problems,
)


def _subschemas(node, path="#"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _subschemas(value, "%s/%s" % (path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subschemas(value, "%s/%d" % (path, index))


def test_the_schema_is_a_valid_json_schema():
    schema = load_schema()
    jsonschema.validators.validator_for(schema).check_schema(schema)


def test_every_default_satisfies_its_own_schema():
    schema = load_schema()
    checked = 0
    for path, node in _subschemas(schema):
        if isinstance(node, dict) and "default" in node and "type" in node:
            resolver_schema = dict(node, **{"$defs": schema["$defs"]})
            resolver_schema.pop("default")
            errors = list(jsonschema.Draft202012Validator(resolver_schema).iter_errors(node["default"]))
            assert errors == [], path
            checked += 1
    assert checked > 30


def test_format_path_names_list_items_and_keys():
    assert format_path(["tappaas_modules", "web", "firewall", "ingress", 0, "ports", 1]) == (
        "tappaas_modules.web.firewall.ingress[0].ports[1]"
    )
    assert format_path([]) == ""


def test_defaults_fill_nested_objects_only_where_unset():
    schema = {
        "type": "object",
        "properties": {
            "outer": {
                "type": "object",
                "default": {},
                "properties": {"a": {"type": "integer", "default": 1}, "b": {"type": "integer", "default": 2}},
            },
            "items": {"type": "array", "items": {"$ref": "#/$defs/item"}},
        },
        "$defs": {"item": {"type": "object", "properties": {"x": {"type": "string", "default": "y"}}}},
    }
    assert apply_defaults({"outer": {"b": 5}, "items": [{}, {"x": "z"}]}, schema) == {
        "outer": {"a": 1, "b": 5},
        "items": [{"x": "y"}, {"x": "z"}],
    }
    assert apply_defaults({}, schema) == {"outer": {"a": 1, "b": 2}}


def test_structural_messages_name_the_field_and_the_expectation():
    schema = load_schema()
    problems = schema_problems(
        {
            "tappaas_site": {"name": "lab", "domain": "example.org", "admin_email": "nobody", "colour": "red"},
            "tappaas_nodes": [{"name": "tappaas1", "ip": "10.0.0.300"}],
            "tappaas_zones": {"mgmt": {"vlan": "0", "cidr": "10.0.0.0/24"}},
        },
        schema,
    )
    assert problems == [
        "tappaas_nodes[0].ip: string '10.0.0.300' is not a valid IPv4 address",
        "tappaas_site: unknown field 'colour' (known fields: admin_email, domain, internal_domain, name, timezone, "
        "tls)",
        "tappaas_site.admin_email: string 'nobody' is not an e-mail address",
        "tappaas_zones.mgmt.vlan: must be an integer, got string '0'",
    ]


def test_a_boolean_is_not_accepted_as_an_integer():
    problems = schema_problems(
        {
            "tappaas_site": {"name": "lab", "domain": "example.org", "admin_email": "a@example.org"},
            "tappaas_nodes": [{"name": "tappaas1", "ip": "10.0.0.10"}],
            "tappaas_zones": {"mgmt": {"vlan": True, "cidr": "10.0.0.0/24"}},
        }
    )
    assert problems == ["tappaas_zones.mgmt.vlan: must be an integer, got boolean true"]
