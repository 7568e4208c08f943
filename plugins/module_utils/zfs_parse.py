# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Parsers for the output of the zfs and zpool commands, written against what OpenZFS and zfs-fuse share.

zfs-fuse lacks `zpool list -p` and `zpool get -H`, so pool sizes may come back human-readable ("250M") and
pool properties only in the header form; every parser here accepts both.
"""

from __future__ import annotations

import re

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)\s*([bkmgtpe]?)(?:i?b)?$", re.IGNORECASE)
_SIZE_FACTORS = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50, "e": 1 << 60}


class ParseError(ValueError):
    """Output or input that does not have the expected shape; the message quotes it."""


def parse_size(value):
    """Bytes from a ZFS size: 10737418240, '10G', '1.5T', '512K', '10GiB' (binary units, as ZFS uses)."""
    if isinstance(value, bool):
        raise ParseError("%r is not a size" % (value,))
    if isinstance(value, int):
        return value
    text = str(value).strip()
    match = _SIZE.match(text)
    if not match:
        raise ParseError("'%s' is not a size (use bytes or a number with K, M, G, T, P or E)" % text)
    number, unit = match.group(1), match.group(2).lower()
    return round(float(number) * _SIZE_FACTORS[unit])


def parse_get(output):
    """Rows of `zfs get -H -p -o name,property,value,source`: {dataset: {property: (value, source)}}.

    The source is 'local', 'default', 'received', '-', 'temporary' or 'inherited from X' (kept verbatim).
    Values may contain tabs only in user properties that were set with them; the split keeps them whole.
    """
    result = {}
    for line in output.splitlines():
        if not line:
            continue
        parts = line.split("\t")
        if len(parts) < 4:
            raise ParseError("unexpected line in zfs get output: %r" % line)
        name, prop, source = parts[0], parts[1], parts[-1]
        value = "\t".join(parts[2:-1])
        result.setdefault(name, {})[prop] = (value, source)
    return result


def parse_zpool_list(output):
    """Rows of `zpool list -H [-p] -o name,size,allocated,free,capacity,health,altroot` as dicts, sizes in bytes."""
    pools = {}
    for line in output.splitlines():
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 7:
            raise ParseError("unexpected line in zpool list output: %r" % line)
        name, size, allocated, free, capacity, health, altroot = parts
        pools[name] = {
            "name": name,
            "size": parse_size(size),
            "allocated": parse_size(allocated),
            "free": parse_size(free),
            "capacity": int(capacity.rstrip("%") or 0),
            "health": health,
            "altroot": None if altroot == "-" else altroot,
        }
    return pools


def parse_zpool_get(output):
    """`zpool get` in either form: header (NAME PROPERTY VALUE SOURCE, space aligned) or -H (tab separated).

    Returns {pool: {property: (value, source)}}.
    """
    result = {}
    for line in output.splitlines():
        if not line.strip():
            continue
        parts = line.split("\t") if "\t" in line else line.split()
        if parts[:2] == ["NAME", "PROPERTY"]:
            continue
        if len(parts) < 4:
            raise ParseError("unexpected line in zpool get output: %r" % line)
        name, prop, source = parts[0], parts[1], parts[-1]
        result.setdefault(name, {})[prop] = (" ".join(parts[2:-1]), source)
    return result


# Group vdevs as zpool status names them: mirror-0, raidz1-0 (raidz-0 on old releases), raidz2-1, ...
_GROUP = re.compile(r"^(mirror|raidz[123]?|draid\S*)-\d+$")
_SPECIAL_SECTIONS = ("logs", "cache", "spares", "special", "dedup")


def parse_zpool_status_config(output, pool):
    """The data vdevs of `pool` from `zpool status` as a list of {"type", "disks"} in pool order.

    type is 'disk' for a top-level single device, else 'mirror' or 'raidz1'/'raidz2'/'raidz3'. Log, cache, spare
    and special sections are returned under their own key so they never count as data vdevs.
    """
    lines = _config_lines(output, pool)
    vdevs = []
    sections = {}
    current_section = None
    group = None
    for indent, name in lines:
        if indent == 0:
            # The pool line itself, or the start of a logs/cache/spares section.
            current_section = name if name in _SPECIAL_SECTIONS else None
            group = None
            continue
        target = sections.setdefault(current_section, []) if current_section else vdevs
        if indent == 1:
            match = _GROUP.match(name)
            if match:
                kind = match.group(1)
                group = {"type": "raidz1" if kind == "raidz" else kind, "disks": []}
                target.append(group)
            else:
                group = None
                target.append({"type": "disk", "disks": [name]})
        elif group is not None and not re.match(r"^(replacing|spare)-\d+$", name):
            # Deeper entries are members of the group; a "replacing-0" level is skipped into its disks.
            group["disks"].append(name)
    if not vdevs and not sections:
        raise ParseError("no configuration found for pool %s in zpool status output" % pool)
    return {"vdevs": vdevs, "special": sections}


def _config_lines(output, pool):
    """(depth, name) of the config table of one pool; depth counts the two-space indents below the pool."""
    in_pool = False
    in_config = False
    base = None
    rows = []
    for raw in output.splitlines():
        stripped = raw.strip()
        if stripped.startswith("pool:"):
            in_pool = stripped.split(":", 1)[1].strip() == pool
            in_config = False
            continue
        if not in_pool:
            continue
        if stripped.startswith("config:"):
            in_config = True
            continue
        if not in_config:
            continue
        if stripped.startswith("errors:"):
            break
        if not stripped or stripped.startswith("NAME"):
            continue
        body = raw.lstrip("\t")
        indent = len(body) - len(body.lstrip(" "))
        if base is None:
            base = indent
        rows.append(((indent - base) // 2, stripped.split()[0]))
    return rows


def parse_zpool_import_listing(output):
    """Pools offered by `zpool import` (no name): {name: state}."""
    pools = {}
    name = None
    for line in output.splitlines():
        stripped = line.strip()
        if stripped.startswith("pool:"):
            name = stripped.split(":", 1)[1].strip()
            pools[name] = None
        elif stripped.startswith("state:") and name is not None:
            pools[name] = stripped.split(":", 1)[1].strip()
    return pools
