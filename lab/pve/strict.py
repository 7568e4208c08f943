# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where real PVE is stricter than fakepve: booleans in requests are only ``1`` or ``0``.

pve-common's check_type has the ``true|yes|on`` spellings commented out, so ``onboot=true`` (or Python's
``True`` form-encoded as ``"True"``) is a 400 on a real node; fakepve accepts them. Inside property strings
(``net0=virtio,firewall=true``) PVE parses booleans leniently, so only top-level parameters are checked here.
JSON bodies may carry real JSON booleans, which PVE's JSON decoder turns into 1/0.
"""

from __future__ import annotations

from fakepve import schema as pve_schema

BOOLEAN_ERROR = "type check ('boolean') failed - got '%s'"


def _property(properties, name):
    """The schema of a request parameter; ``net0`` is declared as ``net[n]``."""
    if name in properties:
        return properties[name]
    base = name.rstrip("0123456789")
    if base != name and base + "[n]" in properties:
        return properties[base + "[n]"]
    return None


def declared_properties(parameters):
    """All properties a method's parameter schema declares, including those of allOf/oneOf parts (HA rules)."""
    parameters = parameters or {}
    found = dict(parameters.get("properties") or {})
    for part in (parameters.get("allOf") or []) + (parameters.get("oneOf") or []):
        for key, value in declared_properties(part).items():
            found.setdefault(key, value)
    return found


def boolean_errors(properties, values):
    """{param: PVE's message} for every boolean parameter sent as anything but the strings 1 or 0."""
    errors = {}
    for name, value in values.items():
        schema = _property(properties, name)
        if not schema or schema.get("type") != "boolean":
            continue
        if isinstance(value, bool) or value in (0, 1):
            continue  # a JSON boolean or number: PVE's JSON decoder gives 1/0
        if isinstance(value, str) and value in ("0", "1"):
            continue
        errors[name] = BOOLEAN_ERROR % (value,)
    return errors


def parameter_errors(method_info, values):
    """PVE's 400 field messages for a request: fakepve's schema check plus the strict booleans, or {}."""
    booleans = boolean_errors(declared_properties((method_info or {}).get("parameters")), values)
    if not booleans:
        return {}
    _checked, errors = pve_schema.validate((method_info or {}).get("parameters"), values)
    errors.update(booleans)
    return errors
