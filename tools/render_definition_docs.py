# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render the platform definition schema as the MkDocs field reference.

    python tools/render_definition_docs.py           # write docs/reference/definition.md
    python tools/render_definition_docs.py --check   # exit 1 if the committed page is stale

The schema is the single source of truth for field names, types, defaults and limits; this
page is derived from it so the two cannot drift. The walker is generic JSON Schema (draft
2020-12): it follows local $refs, merges allOf, unions oneOf/anyOf, and names map keys
`<name>` and array items `[]`, so the schema can change without touching this tool.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

COLLECTION_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SCHEMA = COLLECTION_ROOT / "schemas" / "definition.schema.json"
DEFAULT_OUTPUT = COLLECTION_ROOT / "docs" / "reference" / "definition.md"

# A JSON Schema (or subschema) as parsed from JSON.
Schema = dict[str, Any]

# Keywords that only combine or point at other schemas; everything else is copied when merging.
_COMBINATORS = ("$ref", "allOf", "not")
_VARIANT_KEYWORDS = ("oneOf", "anyOf")


class SchemaError(ValueError):
    """The schema uses something this renderer cannot follow (e.g. a remote $ref)."""


@dataclass(frozen=True)
class Row:
    """One documented field."""

    path: str
    type: str
    presence: str
    allowed: str
    description: str


# --- resolving $ref / allOf -------------------------------------------------------------------


def _pointer(root: Schema, ref: str) -> Schema:
    if not ref.startswith("#"):
        raise SchemaError(f"only local $refs are supported, got {ref!r}")
    node: Any = root
    for token in ref[1:].split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or token not in node:
            raise SchemaError(f"$ref {ref!r} does not resolve")
        node = node[token]
    if not isinstance(node, dict):
        raise SchemaError(f"$ref {ref!r} does not point at a schema object")
    return node


def _merge(base: Schema, extra: Schema) -> Schema:
    """Combine two schemas that must both hold (allOf semantics, as far as documentation needs)."""
    merged = dict(base)
    for key, value in extra.items():
        if key == "properties" and isinstance(merged.get(key), dict):
            properties = dict(merged[key])
            for name, child in value.items():
                properties[name] = _merge(properties[name], child) if name in properties else child
            merged[key] = properties
        elif key in ("required", "_forbidden"):
            merged[key] = list(dict.fromkeys([*merged.get(key, []), *value]))
        else:
            merged[key] = value
    return merged


def resolve(schema: Schema, root: Schema) -> Schema:
    """Flatten $ref and allOf into one schema; `not: {required: [...]}` becomes `_forbidden`."""
    flat: Schema = {}
    if "$ref" in schema:
        flat = _merge(flat, resolve(_pointer(root, schema["$ref"]), root))
    for branch in schema.get("allOf", []):
        flat = _merge(flat, resolve(branch, root))
    negated = schema.get("not")
    if isinstance(negated, dict) and set(negated) == {"required"}:
        flat = _merge(flat, {"_forbidden": negated["required"]})
    own = {key: value for key, value in schema.items() if key not in _COMBINATORS}
    # The schema's own keywords win, so a description next to a $ref overrides the target's.
    return _merge(flat, own)


def _variants(schema: Schema, root: Schema) -> list[Schema]:
    for keyword in _VARIANT_KEYWORDS:
        if keyword in schema:
            return [resolve(branch, root) for branch in schema[keyword]]
    return []


def _is_object(schema: Schema) -> bool:
    return "properties" in schema or isinstance(schema.get("additionalProperties"), dict)


def _variant_objects(schema: Schema, root: Schema) -> Schema | None:
    """Union the object variants of a oneOf/anyOf so their fields can be listed once."""
    variants = _variants(schema, root)
    if not variants or not all(_is_object(variant) for variant in variants):
        return None
    union: Schema = {"type": "object", "properties": {}}
    for variant in variants:
        for name, child in variant.get("properties", {}).items():
            union["properties"].setdefault(name, child)
    # A field is required only if every variant requires it.
    required_sets = [set(variant.get("required", [])) for variant in variants]
    union["required"] = sorted(set.intersection(*required_sets))
    return union


# --- describing one schema --------------------------------------------------------------------


def _join_alternatives(labels: list[str]) -> str:
    unique = list(dict.fromkeys(labels))
    if len(unique) <= 1:
        return unique[0] if unique else "any"
    return ", ".join(unique[:-1]) + " or " + unique[-1]


def _enum_type(values: list[Any]) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}
    return _join_alternatives([names.get(type(value), "any") for value in values])


def type_label(schema: Schema, root: Schema) -> str:
    schema = resolve(schema, root)
    variants = _variants(schema, root)
    declared = schema.get("type")
    if declared is None and variants:
        return _join_alternatives([type_label(variant, root) for variant in variants])
    if declared is None:
        if _is_object(schema):
            declared = "object"
        elif "items" in schema:
            declared = "array"
        elif "enum" in schema:
            return _enum_type(schema["enum"])
        elif "const" in schema:
            return _enum_type([schema["const"]])
        else:
            return "any"
    if isinstance(declared, list):
        return _join_alternatives([type_label({**schema, "type": one}, root) for one in declared])
    if declared == "array" and isinstance(schema.get("items"), dict):
        return "list of " + _parenthesise(type_label(schema["items"], root))
    if declared == "object" and "properties" not in schema and isinstance(schema.get("additionalProperties"), dict):
        return "map of " + _parenthesise(type_label(schema["additionalProperties"], root))
    # YAML users write lists, not arrays.
    return "list" if declared == "array" else declared


def _parenthesise(label: str) -> str:
    return f"({label})" if " or " in label or ", " in label else label


def _code(value: Any) -> str:
    is_plain = isinstance(value, str) and value.strip() == value and value
    text = value if is_plain else json.dumps(value, separators=(", ", ": "))
    # Python-Markdown keeps a pipe inside a code span in its cell, and a backslash there would show
    # literally, so only the fence needs care: it must be longer than any backtick run in the text.
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def _range(low: Any, high: Any, exclusive_low: Any, exclusive_high: Any) -> list[str]:
    parts = []
    if low is not None and high is not None:
        parts.append(f"{low} to {high}")
    elif low is not None:
        parts.append(f"at least {low}")
    elif high is not None:
        parts.append(f"at most {high}")
    if exclusive_low is not None:
        parts.append(f"greater than {exclusive_low}")
    if exclusive_high is not None:
        parts.append(f"less than {exclusive_high}")
    return parts


def _plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word}" if count == 1 else f"{count} {words or word + 's'}"


def constraints(schema: Schema, root: Schema) -> list[str]:
    """Allowed values of one schema in words, without its type."""
    schema = resolve(schema, root)
    parts: list[str] = []
    if "const" in schema:
        parts.append("exactly " + _code(schema["const"]))
    if "enum" in schema:
        parts.append("one of " + ", ".join(_code(value) for value in schema["enum"]))
    if "format" in schema:
        parts.append("format " + _code(schema["format"]))
    if "pattern" in schema:
        parts.append("pattern " + _code(schema["pattern"]))
    parts += _range(
        schema.get("minimum"), schema.get("maximum"), schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    )
    if "multipleOf" in schema:
        parts.append(f"multiple of {schema['multipleOf']}")
    for low, high, noun in (("minLength", "maxLength", "character"), ("minItems", "maxItems", "item")):
        if low in schema and high in schema:
            parts.append(f"{schema[low]} to {_plural(schema[high], noun)}")
        elif low in schema and schema[low] > 0:
            parts.append("at least " + _plural(schema[low], noun))
        elif high in schema:
            parts.append("at most " + _plural(schema[high], noun))
    if schema.get("uniqueItems"):
        parts.append("no duplicates")
    if "minProperties" in schema:
        parts.append("at least " + _plural(schema["minProperties"], "entry", "entries"))
    if "maxProperties" in schema:
        parts.append("at most " + _plural(schema["maxProperties"], "entry", "entries"))
    names = schema.get("propertyNames")
    if isinstance(names, dict):
        key_rules = constraints(names, root)
        if key_rules:
            parts.append("keys: " + "; ".join(key_rules))
    items = schema.get("items")
    if isinstance(items, dict) and not _is_object(resolve(items, root)):
        item_rules = constraints(items, root)
        if item_rules:
            parts.append("each item: " + "; ".join(item_rules))
    values = schema.get("additionalProperties")
    if isinstance(values, dict) and "properties" not in schema and not _is_object(resolve(values, root)):
        value_rules = constraints(values, root)
        if value_rules:
            parts.append("each value: " + "; ".join(value_rules))
    variants = _variants(schema, root)
    if variants and not all(_is_object(variant) for variant in variants):
        described = []
        for variant in variants:
            rules = constraints(variant, root)
            label = type_label(variant, root)
            described.append(label + (" " + ", ".join(rules) if rules else ""))
        parts.append("either " + "; or ".join(described))
    elif variants:
        parts.append(f"matches one of {len(variants)} variants")
    return parts


def _prose(text: str) -> str:
    """Plain text that stays plain inside a Markdown table cell."""
    text = " ".join(text.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char in ("\\", "`", "*", "_", "[", "]", "|"):
        text = text.replace(char, "\\" + char)
    return text


def _presence(name: str, parent: Schema, schema: Schema) -> str:
    if name in parent.get("_forbidden", []):
        return "not allowed"
    if name in parent.get("required", []):
        return "required"
    if "default" in schema:
        return "default " + _code(schema["default"])
    return "optional"


# --- walking the tree ------------------------------------------------------------------------


def _key_placeholder(schema: Schema, path: str) -> str:
    names = schema.get("propertyNames")
    label = names.get("title", "name") if isinstance(names, dict) else "name"
    label = "_".join(str(label).lower().split())
    placeholder = f"<{label}>"
    suffix = 2
    # Nested maps (node -> tank -> ...) must not repeat the same placeholder in one path.
    while placeholder in path.split("."):
        placeholder = f"<{label}{suffix}>"
        suffix += 1
    return placeholder


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _children(schema: Schema, path: str, root: Schema, refs: tuple[str, ...]) -> list[Row]:
    """Rows for what lives inside an object, a map or a list."""
    rows: list[Row] = []
    objects = _variant_objects(schema, root)
    if objects is not None:
        schema = _merge(objects, {key: value for key, value in schema.items() if key not in _VARIANT_KEYWORDS})
    for name, child in schema.get("properties", {}).items():
        rows += walk(child, _join(path, name), root, _presence(name, schema, resolve(child, root)), refs)
    values = schema.get("additionalProperties")
    if isinstance(values, dict):
        rows += _inner(values, _join(path, _key_placeholder(schema, path)), root, refs)
    items = schema.get("items")
    if isinstance(items, dict):
        rows += _inner(items, path + "[]", root, refs)
    return rows


def _is_container(schema: Schema) -> bool:
    """A list, or a map with free keys: its own limits need a row of their own."""
    return "properties" not in schema and (
        isinstance(schema.get("items"), dict) or isinstance(schema.get("additionalProperties"), dict)
    )


def _inner(schema: Schema, path: str, root: Schema, refs: tuple[str, ...]) -> list[Row]:
    """Rows for a map value or list item; its type is already on its container's row."""
    ref = schema.get("$ref")
    if ref in refs:
        return []
    flat = resolve(schema, root)
    if _is_container(flat) or flat.get("description"):
        return walk(schema, path, root, "—", refs)
    if _is_object(flat) or _variant_objects(flat, root) is not None:
        return _children(flat, path, root, (*refs, ref) if ref else refs)
    return []


def walk(schema: Schema, path: str, root: Schema, presence: str, refs: tuple[str, ...] = ()) -> list[Row]:
    """The row for `path` followed by the rows of everything under it."""
    ref = schema.get("$ref")
    flat = resolve(schema, root)
    description = flat.get("description") or flat.get("title") or ""
    if ref in refs:
        # A recursive schema: document it once and point back instead of looping forever.
        description = (description + " " if description else "") + f"Same structure as {ref}."
        return [Row(path, type_label(flat, root), presence, "", _prose(description))]
    row = Row(path, type_label(flat, root), presence, "; ".join(constraints(flat, root)), _prose(description))
    return [row, *_children(flat, path, root, (*refs, ref) if ref else refs)]


def collect_rows(root: Schema) -> list[Row]:
    top = resolve(root, root)
    rows: list[Row] = []
    for name, child in top.get("properties", {}).items():
        rows += walk(child, name, root, _presence(name, top, resolve(child, root)))
    return rows


# --- the page ---------------------------------------------------------------------------------

_HEADER = "| Field | Type | Required / default | Allowed values | Description |\n|---|---|---|---|---|\n"


def _table_line(row: Row) -> str:
    cells = [_code(row.path), _prose(row.type), row.presence, row.allowed, row.description]
    return "| " + " | ".join(cell or "" for cell in cells) + " |\n"


def render(root: Schema, schema_name: str = "schemas/definition.schema.json") -> str:
    """The whole reference page: one section and table per top-level variable."""
    title = root.get("title", "Schema reference")
    lines = [
        f"<!-- Generated by tools/render_definition_docs.py from {schema_name}. Do not edit by hand:\n",
        "     change the schema, then run `python tools/render_definition_docs.py`. -->\n",
        f"# {_prose(title)} reference\n\n",
    ]
    if root.get("description"):
        lines.append(_prose(root["description"]) + "\n\n")
    lines.append(
        f"This page is generated from `{schema_name}`. A field marked *required* must be set whenever its parent "
        "is set. In a path, a part in angle brackets such as `<name>` stands for a key you choose, and `[]` for "
        "every item of a list.\n\n"
    )
    rows = collect_rows(root)
    top_names = list(resolve(root, root).get("properties", {}))
    for name in top_names:
        section = [row for row in rows if row.path == name or row.path.startswith((name + ".", name + "[]"))]
        lines.append(f"## {_prose(name)}\n\n")
        lines.append(_HEADER)
        lines += [_table_line(row) for row in section]
        lines.append("\n")
    return "".join(lines).rstrip("\n") + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=Path, default=DEFAULT_SCHEMA, help="JSON Schema to document")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="Markdown page to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the output is not up to date")
    args = parser.parse_args(argv)

    try:
        root = json.loads(args.schema.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        print(f"cannot read {args.schema}: {error}", file=sys.stderr)
        return 2
    schema_path = args.schema.resolve()
    is_inside = COLLECTION_ROOT in schema_path.parents
    schema_name = schema_path.relative_to(COLLECTION_ROOT).as_posix() if is_inside else schema_path.name
    try:
        page = render(root, schema_name)
    except SchemaError as error:
        print(f"{args.schema}: {error}", file=sys.stderr)
        return 2

    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else None
        if current != page:
            print(
                f"{args.output} is stale: it does not match {args.schema}. "
                "Run `python tools/render_definition_docs.py` and commit the result.",
                file=sys.stderr,
            )
            return 1
        print(f"{args.output} is up to date.")
        return 0

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(page, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
