# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ZFS property rules: how to compare a wanted value with what `zfs get -p` reports, and what may change.

A wanted value equal to the effective one is no change, whatever its source: turning an inherited value into an
identical local one would silently cut the dataset off from its parent. Sizes are compared in bytes.
"""

from __future__ import annotations

import re

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_parse import ParseError, parse_size

SIZE_PROPERTIES = frozenset(
    (
        "quota",
        "refquota",
        "reservation",
        "refreservation",
        "volsize",
        "recordsize",
        "volblocksize",
        "special_small_blocks",
    )
)
# Properties whose "none" reads back as 0 with -p.
_NONE_IS_ZERO = frozenset(("quota", "refquota", "reservation", "refreservation", "filesystem_limit", "snapshot_limit"))
_SIZE_PREFIXES = ("userquota@", "groupquota@", "projectquota@")

# Set only by `zfs create` (or, for the encryption keys, by `zfs change-key`): `zfs set` refuses them.
CREATE_ONLY = frozenset(
    ("casesensitivity", "normalization", "utf8only", "volblocksize", "encryption", "keyformat", "pbkdf2iters")
)

READ_ONLY = frozenset(
    (
        "type",
        "creation",
        "used",
        "available",
        "referenced",
        "compressratio",
        "refcompressratio",
        "mounted",
        "origin",
        "clones",
        "usedbysnapshots",
        "usedbydataset",
        "usedbychildren",
        "usedbyrefreservation",
        "userrefs",
        "defer_destroy",
        "guid",
        "createtxg",
        "written",
        "logicalused",
        "logicalreferenced",
        "objsetid",
        "encryptionroot",
        "keystatus",
        "receive_resume_token",
        "filesystem_count",
        "snapshot_count",
        "redact_snaps",
        "snapshots_changed",
    )
)

# ZFS limits (the same in OpenZFS and zfs-fuse): user property names up to 256 characters of lower-case letters,
# digits and ':+._-' with at least one ':', values below 8192 bytes.
_USER_PROPERTY = re.compile(r"^[a-z0-9][a-z0-9:+._-]*$")
MAX_USER_PROPERTY_NAME = 256
MAX_USER_PROPERTY_VALUE = 8191


def is_user_property(name):
    return ":" in name


def is_size_property(name):
    return name in SIZE_PROPERTIES or name.startswith(_SIZE_PREFIXES)


def normalise_value(prop, value, field="properties"):
    """The value as `zfs get -p` would report it: on/off for booleans, bytes for sizes, text otherwise."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if is_size_property(prop):
        text = str(value).strip().lower()
        if text == "none":
            return "0" if prop in _NONE_IS_ZERO or prop.startswith(_SIZE_PREFIXES) else "none"
        try:
            return str(parse_size(value))
        except ParseError as exc:
            raise InvalidInput("%s.%s" % (field, prop), str(exc)) from exc
    return str(value)


def validate_property(prop, value, known=None, field="properties"):
    """Raise InvalidInput naming `field.prop` for a property ZFS would refuse; `known` are the native names."""
    path = "%s.%s" % (field, prop)
    if value is None:
        raise InvalidInput(path, "a value is required (use inherit to remove a local value)")
    text = normalise_value(prop, value, field)
    if is_user_property(prop):
        if len(prop) > MAX_USER_PROPERTY_NAME:
            raise InvalidInput(path, "user property names are at most %d characters" % MAX_USER_PROPERTY_NAME)
        if not _USER_PROPERTY.match(prop):
            raise InvalidInput(path, "user property names use lower-case letters, digits and ':+._-' only")
        if text == "":
            raise InvalidInput(path, "ZFS refuses an empty value")
        if len(text.encode("utf-8")) > MAX_USER_PROPERTY_VALUE:
            raise InvalidInput(
                path,
                "the value is %d bytes; ZFS allows at most %d" % (len(text.encode("utf-8")), MAX_USER_PROPERTY_VALUE),
            )
        return text
    if prop in READ_ONLY:
        raise InvalidInput(path, "'%s' is read-only" % prop)
    if known is not None and prop not in known:
        raise InvalidInput(path, "unknown property '%s' (not a native property of this ZFS, and no ':' in it)" % prop)
    if text == "":
        raise InvalidInput(path, "ZFS refuses an empty value")
    return text


def is_local(source):
    return source == "local"


def plan_property_changes(dataset, desired, inherit, current, field="properties", inherit_field="inherit"):
    """The changes that make an existing dataset match: a list of ("set", prop, value) and ("inherit", prop).

    desired maps property -> normalised value; inherit lists properties that must lose their local value;
    current is {property: (value, source)} from `zfs get -H -p`. Raises InvalidInput for a create-only
    property whose value differs, before anything is changed.
    """
    changes = []
    for prop in sorted(desired):
        value = desired[prop]
        have, _source = current.get(prop, ("-", "-"))
        if have == value:
            continue
        if prop in CREATE_ONLY:
            raise InvalidInput(
                "%s.%s" % (field, prop),
                "can only be set when %s is created (it is '%s', wanted '%s'); recreate the dataset to change it"
                % (dataset, have, value),
            )
        changes.append(("set", prop, value))
    for prop in sorted(set(inherit or ())):
        if prop in desired:
            raise InvalidInput("%s.%s" % (inherit_field, prop), "is also given a value in %s" % field)
        _have, source = current.get(prop, ("-", "-"))
        if is_local(source):
            if prop in CREATE_ONLY:
                raise InvalidInput("%s.%s" % (inherit_field, prop), "can only be set when the dataset is created")
            changes.append(("inherit", prop))
    return changes


def describe(current, props):
    """{property: {"value", "source"}} of the named properties, for the before side of a diff."""
    result = {}
    for prop in sorted(props):
        value, source = current.get(prop, ("-", "-"))
        result[prop] = {"value": value, "source": source}
    return result


def apply_changes_to_view(view, changes):
    """The after side of a diff: the view with the planned changes applied."""
    after = {key: dict(value) for key, value in view.items()}
    for change in changes:
        if change[0] == "set":
            after[change[1]] = {"value": change[2], "source": "local"}
        else:
            after[change[1]] = {"value": "(inherited)", "source": "inherited"}
    return after
