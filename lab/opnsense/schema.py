# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Field schemas read from OPNsense model XML files: types, defaults, required, options, masks, constraints.

The twin validates against these rather than against hand-written rules, so a new model file (a new release)
changes the twin's behaviour the way it changes OPNsense's. Nested containers (Kea ``option_data``) become
dotted field names (``option_data.routers``), which is also how OPNsense 25.7+ flattens them in search rows.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

BOOL_TYPES = {"BooleanField"}
INT_TYPES = {"IntegerField", "AutoNumberField", "FilterSequenceField", "DNatSequenceField"}
FLOAT_TYPES = {"NumericField"}
# Types whose GET rendering is an option map; their options come from the model or from the twin's world.
OPTION_TYPES = {
    "OptionField",
    "InterfaceField",
    "ProtocolField",
    "VlanInterfaceField",
    "ModelRelationField",
    "JsonKeyValueStoreField",
    "CertificateField",
    "UnboundInterfaceField",
}
# Newline-separated list values (everything else multi is comma-separated).
NEWLINE_TYPES = {"AliasContentField", "KeaPoolsField"}

PROTOCOLS = ("any", "ICMP", "IGMP", "GGP", "IPENCAP", "TCP", "UDP", "TCP/UDP", "GRE", "ESP", "AH", "IPV6-ICMP", "OSPF")
PROTOCOLS_BEFORE_TCPUDP = tuple(p for p in PROTOCOLS if p != "TCP/UDP")


@dataclass
class Constraint:
    kind: str  # UniqueConstraint, SetIfConstraint, DependConstraint
    message: str
    add_fields: tuple = ()
    if_field: str = ""
    if_value: str = ""
    case_insensitive: bool = False


@dataclass
class FieldSpec:
    name: str  # dotted for nested containers
    type: str
    required: bool = False
    default: str = ""
    multiple: bool = False
    options: dict = field(default_factory=dict)  # key -> label, for OptionField
    blank_desc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    mask: str | None = None
    message: str | None = None
    relation: tuple | None = None  # (source model, items path, display field) for ModelRelationField
    # ModelRelationField <filters>: {field of the related item: preg mask its value must match to be an option}.
    relation_filters: dict = field(default_factory=dict)
    constraints: list = field(default_factory=list)
    volatile: bool = False
    as_list: bool = False
    netmask_required: bool = False
    netmask_allowed: bool = True

    @property
    def is_option(self):
        return self.type in OPTION_TYPES

    @property
    def separator(self):
        return "\n" if self.type in NEWLINE_TYPES else ","


def _type_name(element):
    return (element.get("type") or "").split("\\")[-1]


def _bool_tag(element, tag, default=False):
    found = element.find(tag)
    if found is None or found.text is None:
        return default
    return found.text.strip().upper() == "Y"


def _text(element, tag):
    found = element.find(tag)
    return None if found is None or found.text is None else found.text.strip()


def _number(element, tag):
    value = _text(element, tag)
    return None if value is None else float(value)


def _options(element):
    options = {}
    values = element.find("OptionValues")
    if values is None:
        return options
    for option in values:
        key = option.get("value", option.tag)
        options[key] = (option.text or "").strip() or key
    return options


def _constraints(element):
    found = []
    container = element.find("Constraints")
    if container is None:
        return found
    for check in container:
        kind = _text(check, "type")
        if not kind:
            continue  # a <reference> back to another field's check: we validate the whole node anyway
        add = check.find("addFields")
        found.append(
            Constraint(
                kind=kind,
                message=_text(check, "ValidationMessage") or "",
                add_fields=tuple((child.text or "").strip() for child in add) if add is not None else (),
                if_field=_text(check, "field") or "",
                if_value=_text(check, "check") or "",
                case_insensitive=_bool_tag(check, "caseInsensitive"),
            )
        )
    return found


def _relation(element):
    model = element.find("Model")
    if model is None or len(model) == 0:
        return None
    first = model[0]
    return (_text(first, "source") or "", _text(first, "items") or "", _text(first, "display") or "")


def _relation_filters(element):
    filters = element.find("Model/*/filters")
    if filters is None:
        return {}
    return {child.tag: (child.text or "").strip() for child in filters}


def _field(name, element):
    return FieldSpec(
        name=name,
        type=_type_name(element),
        required=_bool_tag(element, "Required"),
        default=_text(element, "Default") or "",
        multiple=_bool_tag(element, "Multiple"),
        options=_options(element),
        blank_desc=_text(element, "BlankDesc") or "",
        minimum=_number(element, "MinimumValue"),
        maximum=_number(element, "MaximumValue"),
        mask=_text(element, "Mask"),
        message=_text(element, "ValidationMessage"),
        relation=_relation(element),
        relation_filters=_relation_filters(element),
        constraints=_constraints(element),
        volatile=element.get("volatile") == "true",
        as_list=_bool_tag(element, "AsList"),
        netmask_required=_bool_tag(element, "NetMaskRequired"),
        netmask_allowed=_bool_tag(element, "NetMaskAllowed", default=True),
    )


def _collect(element, prefix, fields):
    for child in element:
        if child.tag in ("Constraints", "OptionValues", "Model"):
            continue
        name = prefix + child.tag
        if child.get("type"):
            spec = _field(name, child)
            if not spec.volatile:
                fields[name] = spec
        elif len(child):
            _collect(child, name + ".", fields)


@dataclass
class ItemSchema:
    """The fields of one array item (e.g. rules.rule) of one model file."""

    path: str
    fields: dict

    def template(self):
        return {name: spec.default for name, spec in self.fields.items()}


def load_item_schema(model_file, item_path):
    """The ItemSchema of the array at item_path ("rules.rule") in an OPNsense model XML file."""
    root = ET.parse(model_file).getroot()
    node = root.find("items")
    for part in item_path.split("."):
        node = node.find(part) if node is not None else None
    if node is None:
        raise ValueError("%s has no item %s" % (model_file, item_path))
    fields = {}
    _collect(node, "", fields)
    return ItemSchema(item_path, fields)


def mask_matches(mask, value):
    """Apply a PHP preg mask such as /^...$/i to value."""
    match = re.match(r"^/(.*)/([a-zA-Z]*)$", mask, re.S)
    if not match:
        return True
    pattern, flags = match.groups()
    py_flags = re.I if "i" in flags else 0
    return re.search(pattern, value, py_flags) is not None
