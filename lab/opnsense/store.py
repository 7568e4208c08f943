# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One model-backed collection (e.g. filter rules): rows of string leaves keyed by uuid, and their rendering.

Values are stored the way config.xml stores them: strings, multi-selects comma-joined (alias content and Kea
pools newline-joined), booleans "0"/"1". Rendering turns list fields into option maps for get and into the
flattened raw value plus a "%field" description for search rows, as OPNsense 25.7+ does.
"""

from __future__ import annotations

import uuid as uuidlib

UUID_SHAPE = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


class ScalarExpected(Exception):
    """A JSON list or object was sent for a scalar leaf: OPNsense answers HTTP 500."""


class Collection:
    def __init__(self, name, schema, post_key, service, world):
        self.name = name
        self.schema = schema
        self.post_key = post_key
        self.service = service
        self.world = world
        self.rows = {}
        self.validators = []  # hook(collection, uuid, row) -> {field: message}
        self.before_save = []  # hook(collection, uuid, row): fill derived values (auto names, numbers)
        self.in_use = []  # hook(collection, uuid, row) -> description of the referrer, or None

    # Writing.

    def merged(self, uuid, posted):
        """The row as it would be after a partial update with posted (unknown keys ignored), before validation."""
        row = dict(self.rows[uuid]) if uuid in self.rows else self.schema.template()
        for name, value in _flatten(posted, self.schema.fields).items():
            spec = self.schema.fields.get(name)
            if spec is None:
                continue  # OPNsense silently ignores keys the model does not have
            row[name] = self._coerce(spec, value)
        for hook in self.before_save:
            hook(self, uuid, row)
        return row

    @staticmethod
    def _coerce(spec, value):
        if isinstance(value, (list, dict)):
            raise ScalarExpected(spec.name)
        if value is None or value is False:
            return ""  # PHP casts false to "" (so a required boolean fails with "A value is required.")
        if value is True:
            return "1"
        text = str(value)
        if spec.type == "ProtocolField" and text.lower() != "any":
            return text.upper()
        return text

    @staticmethod
    def new_uuid():
        return str(uuidlib.uuid4())

    # Reading.

    def display(self, spec, value):
        """What the GUI shows for a raw value: option labels for list fields, the value otherwise."""
        if not spec.is_option or value == "":
            return value
        options = self.world.options(self, spec)
        keys = value.split(",") if spec.multiple else [value]
        return ",".join(str(options.get(key, key)) for key in keys)

    def render_item(self, row, with_display):
        """The get<Item> shape: nested dicts, option maps for list fields, strings elsewhere."""
        item = {}
        for name, spec in self.schema.fields.items():
            value = row.get(name, "")
            rendered = self._option_map(spec, value) if spec.is_option else value
            _put(item, name, rendered)
            if with_display and spec.is_option and value != "":
                _put(item, _percent(name), self.display(spec, value))
        return item

    def _option_map(self, spec, value):
        selected = set(value.split(",")) if spec.multiple else {value}
        options = {}
        if not spec.required and not spec.multiple:
            options[""] = {"value": spec.blank_desc or "None", "selected": int(value == "")}
        for key, label in self.world.options(self, spec).items():
            options[key] = {"value": label, "selected": int(key in selected)}
        return options

    def render_row(self, uuid, row):
        """A search row (25.7+): uuid, raw flattened values, and "%field" where the description differs."""
        rendered = {"uuid": uuid}
        for name, spec in self.schema.fields.items():
            value = row.get(name, "")
            rendered[name] = value
            shown = self.display(spec, value)
            if shown != value:
                rendered["%" + name] = shown
        return rendered

    def search(self, phrase="", current=1, row_count=-1, extra_rows=()):
        rows = [self.render_row(uuid, row) for uuid, row in self.rows.items()] + list(extra_rows)
        tokens = [token.lower() for token in (phrase or "").split() if token]
        if tokens:
            rows = [row for row in rows if all(token in _haystack(row) for token in tokens)]
        total = len(rows)
        if row_count is not None and row_count > 0:
            start = (max(current, 1) - 1) * row_count
            rows = rows[start : start + row_count]
        return {"total": total, "rowCount": len(rows), "current": current, "rows": rows}


def _haystack(row):
    return " ".join(str(value) for key, value in row.items() if "descr" in key.lower() or key == "name").lower()


def _percent(name):
    head, _dot, leaf = name.rpartition(".")
    return (head + "." if head else "") + "%" + leaf


def _put(target, dotted, value):
    parts = dotted.split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    target[parts[-1]] = value


def _flatten(posted, fields, prefix=""):
    """{"option_data": {"routers": "x"}} -> {"option_data.routers": "x"} for model containers only.

    A dict or list sent for a leaf stays as it is, so that the coercion refuses it as OPNsense does.
    """
    flat = {}
    for key, value in posted.items():
        name = prefix + str(key)
        if isinstance(value, dict) and any(field.startswith(name + ".") for field in fields):
            flat.update(_flatten(value, fields, name + "."))
        else:
            flat[name] = value
    return flat
