# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Normalisers that turn the API's spelling of a value and the user's spelling into one comparable form.

Each accepts both the API form and the already-normal form, returns None for "not set", and raises ValueError
(with a readable reason) for values it cannot interpret. The resource engine applies them to both sides.
"""

from __future__ import annotations

TRUE_WORDS = frozenset(("1", "true", "yes", "on", "y", "enabled"))
FALSE_WORDS = frozenset(("0", "false", "no", "off", "n", "disabled"))


def to_bool(value):
    """True/False from bools, 0/1, and "0"/"1"/"on"/"off"/"yes"/"no"/"true"/"false" in any case."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word == "":
            return None
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError(f"expected a boolean, got {value!r}")


def to_int(value):
    """An int from ints, integral floats and numeric strings ("42", " 42 ")."""
    if value is None:
        return None
    if isinstance(value, bool):
        # bool is an int subclass; accepting it would hide a wrong field kind.
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        try:
            return int(text, 10)
        except ValueError:
            pass
    raise ValueError(f"expected an integer, got {value!r}")


def to_str(value):
    """A string; numbers are written out, booleans refused because their spelling differs per API."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a string, got {value!r}")
    if isinstance(value, (int, float)):
        return str(value)
    raise ValueError(f"expected a string, got {value!r}")


def comma_list(value, separator=","):
    """Split "a, b,c" into ["a", "b", "c"]; lists pass through; "" is the empty list."""
    if value is None:
        return None
    if isinstance(value, str):
        return [item.strip() for item in value.split(separator) if item.strip()]
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(value)
    raise ValueError(f"expected a list or a {separator!r}-separated string, got {value!r}")


def to_list(value):
    """A list from a list or tuple; a lone scalar becomes a one-item list."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    if isinstance(value, (set, frozenset)):
        return sorted_unique(value)
    if isinstance(value, dict):
        raise ValueError(f"expected a list, got {value!r}")
    return [value]


def _sort_key(item):
    return (type(item).__name__, str(item))


def sorted_unique(items):
    """Items without duplicates in a stable order, so set-valued fields compare regardless of order."""
    unique = []
    for item in items:
        if item not in unique:
            unique.append(item)
    return sorted(unique, key=_sort_key)


def to_set(value):
    """A set, represented as a sorted duplicate-free list so it stays JSON-serialisable."""
    items = comma_list(value)
    return None if items is None else sorted_unique(items)


def to_dict(value):
    if value is None or isinstance(value, dict):
        return value
    raise ValueError(f"expected a dictionary, got {value!r}")


def _selected(option):
    if isinstance(option, dict):
        return bool(to_bool(option.get("selected", 0)))
    return bool(to_bool(option))


def selected_keys(value):
    """Keys of an option map such as OPNsense's {"lan": {"value": "LAN", "selected": 1}, ...}.

    A list or comma string (the user's form, or an API that already flattened it) passes through comma_list.
    """
    if isinstance(value, dict):
        return [key for key, option in value.items() if _selected(option)]
    return comma_list(value)


def selected_key(value):
    """The one selected key of a single-choice option map, or None when nothing is selected."""
    if isinstance(value, dict):
        keys = selected_keys(value)
        if len(keys) > 1:
            raise ValueError("expected one selected option, got {}".format(", ".join(keys)))
        return keys[0] if keys and keys[0] != "" else None
    return value


KIND_NORMALISERS = {
    "str": to_str,
    "int": to_int,
    "bool": to_bool,
    "list": to_list,
    "set": to_set,
    "dict": to_dict,
}
