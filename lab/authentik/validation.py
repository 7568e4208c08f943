# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request-body validation with Django REST framework's rules and wording, so the twin refuses what authentik does.

A serializer is a dict of field name -> Spec. ``validate(schema, body, partial)`` returns the cleaned values of the
fields the body names (unknown and read-only keys are dropped, as DRF drops them) or raises FieldErrors, which the
twin renders as ``400 {field: [messages]}``.
"""

from __future__ import annotations

import datetime
import re
import uuid

REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."


class FieldErrors(Exception):
    """A 400 body: {field: [messages]} and/or {"non_field_errors": [messages]}."""

    def __init__(self, errors):
        super().__init__(errors)
        self.errors = errors


def field_error(name, message):
    return FieldErrors({name: [message]})


class Spec:
    """One writable field: kind (str, int, bool, uuid, enum, dict, list, datetime), required, nullable, limits."""

    def __init__(
        self, kind, required=False, null=False, blank=True, choices=None, item=None, max_length=None, default=None
    ):
        self.kind = kind
        self.required = required
        self.null = null
        self.blank = blank
        self.choices = choices
        self.item = item  # a Spec for list items
        self.max_length = max_length
        self.default = default


def _type_name(value):
    return {str: "str", int: "int", bool: "bool", float: "float", list: "list", dict: "dict"}.get(type(value), "str")


def _clean(spec, value):
    """The cleaned value, or raise ValueError with DRF's message (a list of messages for list items)."""
    if value is None:
        if spec.null:
            return None
        raise ValueError(NULL)
    kind = spec.kind
    if kind == "str":
        if isinstance(value, (dict, list, bool)):
            raise ValueError("Not a valid string.")
        text = str(value)
        if text.strip() == "" and not spec.blank:
            raise ValueError(BLANK)
        if spec.max_length is not None and len(text) > spec.max_length:
            raise ValueError("Ensure this field has no more than %d characters." % spec.max_length)
        return text
    if kind == "int":
        if isinstance(value, (bool, dict, list)):
            raise ValueError("A valid integer is required.")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("A valid integer is required.") from None
        if not -2147483648 <= number <= 2147483647:
            raise ValueError("Ensure this value is less than or equal to 2147483647.")
        return number
    if kind == "bool":
        if value in (True, "true", "True", "1", 1):
            return True
        if value in (False, "false", "False", "0", 0):
            return False
        raise ValueError("Must be a valid boolean.")
    if kind == "uuid":
        try:
            return str(uuid.UUID(str(value)))
        except (ValueError, AttributeError, TypeError):
            raise ValueError("Must be a valid UUID.") from None
    if kind == "enum":
        if not isinstance(value, str) or value not in spec.choices:
            raise ValueError('"%s" is not a valid choice.' % value)
        return value
    if kind == "dict":
        if not isinstance(value, dict):
            raise ValueError('Expected a dictionary of items but got type "%s".' % _type_name(value))
        return value
    if kind == "datetime":
        try:
            parsed = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                "Datetime has wrong format. Use one of these formats instead: "
                "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)
    if kind == "list":
        if not isinstance(value, list):
            raise ValueError('Expected a list of items but got type "%s".' % _type_name(value))
        return [_clean(spec.item, item) for item in value]
    raise AssertionError("unknown kind %s" % kind)


def validate(schema, body, partial=False):
    """Clean body against schema; PUT/POST (partial False) need every required field, PATCH only what it names."""
    if not isinstance(body, dict):
        raise FieldErrors({"non_field_errors": ["Invalid data. Expected a dictionary, but got %s." % _type_name(body)]})
    cleaned, errors = {}, {}
    for name, spec in schema.items():
        if name not in body:
            if spec.required and not partial:
                errors[name] = [REQUIRED]
            continue
        try:
            cleaned[name] = _clean(spec, body[name])
        except ValueError as exc:
            errors[name] = [str(exc.args[0])]
    if errors:
        raise FieldErrors(errors)
    return cleaned


def timedelta_string(text):
    """authentik's "hours=1;minutes=2" durations; raises ValueError for unknown keys or non-numbers."""
    allowed = {"weeks", "days", "hours", "minutes", "seconds", "milliseconds", "microseconds"}
    total = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, _equals, number = part.partition("=")
        key = key.strip()
        if key not in allowed:
            raise ValueError("%s is not a correct timedelta key" % key)
        total[key] = float(number)
    return datetime.timedelta(**total)


SLUG_PATTERN = re.compile(r"^[-a-zA-Z0-9_]+$")
# Django's wording, typographic quotes included (escaped: the sanity tests allow only ASCII quotes in source).
SLUG_MESSAGE = "Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."
