# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The machine-readable schema of the platform definition: structure, messages that name the field, defaults.

schemas/definition.schema.json is the single source of structure and defaults; docs/reference/definition.md is
rendered from it. Cross-field rules live in definition.py.
"""

from __future__ import annotations

import copy
import json
import os

try:
    import jsonschema
except ImportError:  # reported when used, so that importing the plugin never fails
    jsonschema = None

SCHEMA_PATH = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "schemas", "definition.schema.json"
)
_JSON_TYPES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean (true/false)",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


def load_schema():
    with open(SCHEMA_PATH) as handle:
        return json.load(handle)


def format_path(parts):
    """['tappaas_modules', 'nextcloud', 'firewall', 'ingress', 0] -> tappaas_modules.nextcloud.firewall.ingress[0]"""
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += "[%d]" % part
        else:
            text += ("." if text else "") + str(part)
    return text


def _describe(value):
    if isinstance(value, bool):
        return "boolean %s" % str(value).lower()
    if isinstance(value, (int, float)):
        return "number %s" % value
    if isinstance(value, str):
        return "string '%s'" % value
    if value is None:
        return "null"
    return "a %s" % ("list" if isinstance(value, list) else "mapping")


def _expected_types(expected):
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_JSON_TYPES.get(name, name) for name in names)


def _message(error):
    """One readable sentence per jsonschema error, naming what is wrong and what is expected."""
    validator, value, instance, schema = error.validator, error.validator_value, error.instance, error.schema
    if validator == "required":
        missing = [name for name in value if isinstance(instance, dict) and name not in instance]
        return "missing required field '%s'" % "', '".join(missing)
    if validator == "additionalProperties":
        known = schema.get("properties", {})
        unknown = sorted(name for name in instance if name not in known)
        return "unknown field '%s' (known fields: %s)" % ("', '".join(unknown), ", ".join(sorted(known)))
    if validator == "type":
        return "must be %s, got %s" % (_expected_types(value), _describe(instance))
    if validator == "enum":
        return "must be one of %s, got %s" % (", ".join(str(item) for item in value), _describe(instance))
    if validator == "pattern":
        if "x-expected" in schema:
            return "%s is not %s" % (_describe(instance), schema["x-expected"])
        return "%s does not match the pattern %s" % (_describe(instance), value)
    if validator == "format":
        return "%s is not a valid %s address" % (_describe(instance), "IPv4" if value == "ipv4" else value)
    if validator == "minimum":
        return "must be at least %s, got %s" % (value, instance)
    if validator == "maximum":
        return "must be at most %s, got %s" % (value, instance)
    if validator in ("minItems", "minProperties"):
        return "must not be empty" if value == 1 else "needs at least %d entries" % value
    if validator == "minLength":
        return "must not be empty"
    if validator == "uniqueItems":
        return "has duplicate entries"
    if validator == "oneOf" and schema.get("title") == "port":
        return "%s is not a port (1-65535) or a port range 'low-high'" % _describe(instance)
    if validator == "not":
        forbidden = sorted(value.get("required", []))
        return "field '%s' is not allowed here" % "', '".join(forbidden)
    return error.message


def _sort_key(error):
    return [str(part) for part in error.absolute_path], error.validator


def schema_problems(definition, schema=None):
    """Every structural problem of ``definition`` as 'path: message' strings, in a stable order."""
    if jsonschema is None:
        raise RuntimeError("the Python package 'jsonschema' is required on the controller (pip install jsonschema)")
    schema = schema or load_schema()
    validator_class = jsonschema.validators.validator_for(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    problems = []
    for error in sorted(_leaf_errors(validator.iter_errors(definition)), key=_sort_key):
        path = list(error.absolute_path)
        if list(error.absolute_schema_path)[-2:-1] == ["propertyNames"]:
            # A propertyNames error sits on the mapping; name the entry itself so the path points at it.
            path.append(error.instance)
            message = "not a valid name: must be %s" % error.schema.get("x-expected", "like " + error.validator_value)
        else:
            message = _message(error)
        problem = "%s: %s" % (format_path(path) or "definition", message)
        if problem not in problems:  # one "required" error per missing field, one message naming them all
            problems.append(problem)
    return problems


def _leaf_errors(errors):
    """allOf wraps the real errors; report those instead of the wrapper. oneOf stays whole (it has its message)."""
    for error in errors:
        if error.validator == "allOf" and error.context:
            yield from _leaf_errors(error.context)
        else:
            yield error


def apply_defaults(definition, schema=None):
    """A deep copy of ``definition`` with every schema default filled in where the user set nothing."""
    schema = schema or load_schema()
    result = copy.deepcopy(definition)
    _fill(schema, schema, result)
    return result


def _deref(root, node):
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _fill(root, node, value):
    node = _deref(root, node)
    for branch in node.get("allOf", []):
        _fill(root, branch, value)
    if isinstance(value, dict):
        properties = node.get("properties", {})
        for name, sub_schema in properties.items():
            sub_schema = _deref(root, sub_schema)
            if name not in value and "default" in sub_schema:
                value[name] = copy.deepcopy(sub_schema["default"])
            if name in value:
                _fill(root, sub_schema, value[name])
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            for name in value:
                if name not in properties:
                    _fill(root, extra, value[name])
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        for item in value:
            _fill(root, node["items"], item)
