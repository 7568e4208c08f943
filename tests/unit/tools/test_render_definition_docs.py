# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The field reference page is generated from the schema; these tests keep the two in step."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

# tests/unit/tools/<this file>: the collection root is three levels above the folder.
COLLECTION_ROOT = Path(__file__).resolve().parents[3]
TOOL_PATH = COLLECTION_ROOT / "tools" / "render_definition_docs.py"
SCHEMA_PATH = COLLECTION_ROOT / "schemas" / "definition.schema.json"
PAGE_PATH = COLLECTION_ROOT / "docs" / "reference" / "definition.md"


def _load_tool():
    # tools/ is not a package: load the script by path, registered so dataclasses can find its module.
    spec = importlib.util.spec_from_file_location("render_definition_docs", TOOL_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()

SYNTHETIC_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Synthetic",
    "type": "object",
    "required": ["apps"],
    "properties": {
        "site": {
            "description": "The site.",
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z]+$"},
                "size": {"type": "integer", "minimum": 1, "maximum": 9, "default": 3},
                "mode": {"type": "string", "enum": ["fast", "safe"], "default": "safe"},
            },
        },
        "apps": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"title": "app", "pattern": "^[a-z]+$"},
            "additionalProperties": {"$ref": "#/$defs/app"},
        },
    },
    "$defs": {
        "port": {
            "oneOf": [
                {"type": "integer", "minimum": 1, "maximum": 65535},
                {"type": "string", "pattern": "^[0-9]+-[0-9]+$"},
            ]
        },
        "hole": {
            "type": "object",
            "required": ["ports"],
            "properties": {
                "from": {"description": "Who comes in.", "type": "string"},
                "to": {"type": "string"},
                "ports": {"type": "array", "items": {"$ref": "#/$defs/port"}, "minItems": 1},
            },
        },
        "app": {
            "type": "object",
            "required": ["zone"],
            "properties": {
                "zone": {"description": "Zone <zone> of the app | with *stars*.", "type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "default": []},
                "holes": {
                    "type": "array",
                    "items": {"allOf": [{"$ref": "#/$defs/hole"}, {"required": ["from"], "not": {"required": ["to"]}}]},
                },
                "labels": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
            },
        },
    },
}


def _rows(schema):
    return [(row.path, row.type, row.presence, row.allowed, row.description) for row in tool.collect_rows(schema)]


def test_committed_reference_page_matches_the_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    expected = tool.render(schema)
    assert PAGE_PATH.read_text(encoding="utf-8") == expected, (
        "docs/reference/definition.md is stale: run `python tools/render_definition_docs.py`"
    )


def test_synthetic_schema_gives_one_row_per_field():
    assert _rows(SYNTHETIC_SCHEMA) == [
        ("site", "object", "optional", "", "The site."),
        ("site.name", "string", "required", "pattern `^[a-z]+$`", ""),
        ("site.size", "integer", "default `3`", "1 to 9", ""),
        ("site.mode", "string", "default `safe`", "one of `fast`, `safe`", ""),
        ("apps", "map of object", "required", "at least 1 entry; keys: pattern `^[a-z]+$`", ""),
        ("apps.<app>.zone", "string", "required", "", r"Zone &lt;zone&gt; of the app \| with \*stars\*."),
        ("apps.<app>.tags", "list of string", "default `[]`", "no duplicates", ""),
        ("apps.<app>.holes", "list of object", "optional", "", ""),
        ("apps.<app>.holes[].from", "string", "required", "", "Who comes in."),
        ("apps.<app>.holes[].to", "string", "not allowed", "", ""),
        (
            "apps.<app>.holes[].ports",
            "list of (integer or string)",
            "required",
            "at least 1 item; each item: either integer 1 to 65535; or string pattern `^[0-9]+-[0-9]+$`",
            "",
        ),
        ("apps.<app>.labels", "map of (string or integer)", "optional", "", ""),
    ]


def test_nested_maps_get_distinct_placeholders():
    schema = {
        "type": "object",
        "properties": {
            "tanks": {
                "type": "object",
                "additionalProperties": {
                    "type": "object",
                    "propertyNames": {"pattern": "^t"},
                    "additionalProperties": {"type": "object", "properties": {"disks": {"type": "array"}}},
                },
            }
        },
    }
    assert [row[:4] for row in _rows(schema)] == [
        ("tanks", "map of map of object", "optional", ""),
        ("tanks.<name>", "map of object", "—", "keys: pattern `^t`"),
        ("tanks.<name>.<name2>.disks", "list", "optional", ""),
    ]


def test_recursive_schema_is_documented_once():
    schema = {
        "type": "object",
        "properties": {"tree": {"$ref": "#/$defs/node"}},
        "$defs": {"node": {"type": "object", "properties": {"child": {"$ref": "#/$defs/node"}}}},
    }
    assert [row[0] for row in _rows(schema)] == ["tree", "tree.child"]
    assert "Same structure as #/$defs/node." in _rows(schema)[1][4]


def test_remote_ref_is_refused():
    schema = {"type": "object", "properties": {"x": {"$ref": "https://example.org/other.json"}}}
    with pytest.raises(tool.SchemaError, match="only local"):
        tool.collect_rows(schema)


def test_code_span_fence_outgrows_backticks_in_the_value():
    assert tool._code("a`b") == "``a`b``"
    assert tool._code("") == '`""`'
    assert tool._code({"k": [1]}) == '`{"k": [1]}`'


def test_check_mode_reports_a_stale_page(tmp_path, capsys):
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(SYNTHETIC_SCHEMA), encoding="utf-8")
    page = tmp_path / "page.md"
    args = ["--schema", str(schema_file), "--output", str(page)]

    assert tool.main([*args, "--check"]) == 1  # missing page
    assert tool.main(args) == 0
    assert tool.main([*args, "--check"]) == 0
    assert "| `apps.<app>.zone` | string | required |" in page.read_text(encoding="utf-8")

    page.write_text(page.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    assert tool.main([*args, "--check"]) == 1
    assert "is stale" in capsys.readouterr().err
