# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validate one item the way OPNsense's BaseModel does: the whole node, every field, then the constraints.

Messages are the model's ValidationMessage where it has one, else the field type's default wording.
"""

from __future__ import annotations

import ipaddress
import re

from lab.opnsense.schema import BOOL_TYPES, FLOAT_TYPES, INT_TYPES, mask_matches

REQUIRED = "A value is required."
DEFAULT_MESSAGES = {
    "BooleanField": "Value should be a boolean (0,1).",
    "OptionField": "Option not in list.",
    "InterfaceField": "Option not in list.",
    "VlanInterfaceField": "Option not in list.",
    "ProtocolField": "Option not in list.",
    "JsonKeyValueStoreField": "Option not in list.",
    "CertificateField": "Option not in list.",
    "ModelRelationField": "Related item not found.",
    "NetworkField": "Please specify a valid network segment or IP address.",
    "HostnameField": "Please specify a valid IP address or hostname.",
    "MacAddressField": "Invalid MAC address.",
    "PortField": "Please specify a valid portnumber, name, alias or range.",
    "EmailField": "Email address is invalid.",
    "UrlField": "Invalid URL.",
    "AliasNameField": (
        "The name must be less than 32 characters long and may only consist of the following characters: "
        "a-z, A-Z, 0-9, _"
    ),
}
WELL_KNOWN_PORTS = {"http", "https", "ssh", "domain", "dns", "ntp", "smtp", "imap", "imaps", "pop3", "ftp", "snmp"}
HOSTNAME = re.compile(
    r"^(?:\*\.)?(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$", re.I
)
MAC = re.compile(r"^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$", re.I)
ALIAS_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")


def _is_ip(value, netmask_allowed=True, netmask_required=False, family=None):
    try:
        if "/" in value:
            if not netmask_allowed:
                return False
            network = ipaddress.ip_network(value, strict=False)
            version = network.version
        else:
            if netmask_required:
                return False
            version = ipaddress.ip_address(value).version
    except ValueError:
        return False
    return family is None or (family == "ipv4") == (version == 4)


def _is_port(value, aliases):
    if value in WELL_KNOWN_PORTS or value in aliases:
        return True
    parts = value.split("-") if "-" in value else value.split(":")
    if not all(part.isdigit() for part in parts) or len(parts) > 2:
        return False
    return all(1 <= int(part) <= 65535 for part in parts)


def _number_message(spec):
    if spec.message:
        return spec.message
    low = "" if spec.minimum is None else "%g" % spec.minimum
    high = "" if spec.maximum is None else "%g" % spec.maximum
    return "Value should be between %s and %s." % (low or "0", high or "%d" % (2**63 - 1))


class Validator:
    """Checks items of one collection; `world` answers what the model cannot know (interfaces, aliases, rows)."""

    def __init__(self, world):
        self.world = world

    def item(self, collection, uuid, row):
        """{field name: message or [messages]} for every problem of row; empty when the row is valid."""
        problems = {}
        for name, spec in collection.schema.fields.items():
            value = row.get(name, "")
            message = self._field(collection, spec, value, row) if value != "" else None
            if value == "" and spec.required:
                message = REQUIRED
            if message:
                problems.setdefault(name, []).append(message)
        for name, spec in collection.schema.fields.items():
            for constraint in spec.constraints:
                message = self._constraint(collection, uuid, row, name, constraint)
                if message and message not in problems.get(name, []):
                    problems.setdefault(name, []).append(message)
        for hook in collection.validators:
            for name, message in hook(collection, uuid, row).items():
                problems.setdefault(name, []).append(message)
        return {name: messages[0] if len(messages) == 1 else messages for name, messages in problems.items()}

    def _field(self, collection, spec, value, row):
        kind = spec.type
        if kind in BOOL_TYPES:
            return None if value in ("0", "1") else DEFAULT_MESSAGES["BooleanField"]
        if kind in INT_TYPES or kind in FLOAT_TYPES:
            try:
                number = int(value) if kind in INT_TYPES else float(value)
            except ValueError:
                return _number_message(spec)
            if (spec.minimum is not None and number < spec.minimum) or (
                spec.maximum is not None and number > spec.maximum
            ):
                return _number_message(spec)
            return None
        if spec.is_option:
            allowed = self.world.options(collection, spec)
            chosen = value.split(",") if spec.multiple else [value]
            if not spec.multiple and "," in value and kind != "JsonKeyValueStoreField":
                return spec.message or DEFAULT_MESSAGES.get(kind, "Option not in list.")
            if any(item not in allowed for item in chosen):
                return spec.message or DEFAULT_MESSAGES.get(kind, "Option not in list.")
            return None
        if spec.mask and not mask_matches(spec.mask, value):
            return spec.message or "Invalid value."
        if kind == "NetworkField":
            items = value.split(",") if spec.as_list else [value]
            family = None
            ok = all(_is_ip(item.strip(), spec.netmask_allowed, spec.netmask_required, family) for item in items)
            return None if ok else (spec.message or DEFAULT_MESSAGES[kind])
        if kind == "HostnameField":
            items = value.split(",") if spec.as_list else [value]
            return (
                None
                if all(HOSTNAME.match(item.strip()) for item in items)
                else (spec.message or DEFAULT_MESSAGES[kind])
            )
        if kind == "MacAddressField":
            return None if MAC.match(value) else (spec.message or DEFAULT_MESSAGES[kind])
        if kind == "PortField":
            aliases = self.world.alias_names()
            return None if _is_port(value, aliases) else (spec.message or DEFAULT_MESSAGES[kind])
        if kind == "NetworkAliasField":
            return self._network_alias(spec, value)
        if kind == "AliasNameField":
            return None if ALIAS_NAME.match(value) else DEFAULT_MESSAGES[kind]
        if kind == "AliasContentField":
            return self._alias_content(row, value)
        if kind == "KeaPoolsField":
            return self._pools(row, value)
        if kind == "EmailField":
            return None if re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", value) else DEFAULT_MESSAGES[kind]
        return None

    def _network_alias(self, spec, value):
        side = "source" if spec.name.startswith("source") else "destination"
        interfaces = self.world.interface_names()
        for item in value.split(","):
            item = item.strip()
            if item in ("any", "(self)") or item in self.world.alias_names() or _is_ip(item):
                continue
            if item in interfaces or (item.endswith("ip") and item[:-2] in interfaces):
                continue
            return spec.message or "%s is not a valid %s IP address or alias." % (item, side)
        return None

    def _alias_content(self, row, value):
        kind = row.get("type", "")
        names = self.world.alias_names()
        for entry in value.split("\n"):
            entry = entry.strip()
            if not entry:
                continue
            if kind == "host" and not (_is_ip(entry, netmask_allowed=False) or HOSTNAME.match(entry) or entry in names):
                return 'Entry "%s" is not a valid hostname or IP address.' % entry
            if kind == "network" and not (_is_ip(entry) or entry in names):
                return 'Entry "%s" is not a network.' % entry
            if kind == "port" and not (_is_port(entry, names)):
                return 'Entry "%s" is not a valid port number.' % entry
            if kind in ("url", "urltable") and not re.match(r"^https?://\S+$", entry):
                return 'Entry "%s" is not a valid URL.' % entry
        return None

    def _pools(self, row, value):
        try:
            subnet = ipaddress.ip_network(row.get("subnet", ""), strict=False)
        except ValueError:
            return None  # the subnet field reports its own problem
        for line in value.split("\n"):
            line = line.strip()
            if not line:
                continue
            try:
                if "-" in line:
                    first, last = (ipaddress.ip_address(part.strip()) for part in line.split("-", 1))
                    inside = first in subnet and last in subnet and first <= last
                else:
                    pool = ipaddress.ip_network(line, strict=False)
                    inside = pool.subnet_of(subnet)
            except (ValueError, TypeError):
                return "Invalid pool %s." % line
            if not inside:
                return "Pool %s not within subnet %s." % (line, subnet)
        return None

    def _constraint(self, collection, uuid, row, name, constraint):
        value = row.get(name, "")
        if constraint.kind == "UniqueConstraint":
            if value == "":
                return None
            keys = (name, *constraint.add_fields)

            def fold(text):
                return text.lower() if constraint.case_insensitive else text

            mine = tuple(fold(row.get(key, "")) for key in keys)
            for other_uuid, other in collection.rows.items():
                if other_uuid != uuid and tuple(fold(other.get(key, "")) for key in keys) == mine:
                    return constraint.message or "Value should be unique."
            return None
        if constraint.kind == "SetIfConstraint":
            if value == "" and row.get(constraint.if_field, "") == constraint.if_value:
                return constraint.message
            return None
        if constraint.kind == "DependConstraint":
            if value != "" and any(row.get(other, "") == "" for other in constraint.add_fields):
                return constraint.message
            return None
        return None
