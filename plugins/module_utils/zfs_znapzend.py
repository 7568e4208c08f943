# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A znapzend backup set as the `org.znapzend:*` properties znapzend reads, validated like znapzendzetup.

znapzend keeps its whole configuration in local user properties of the source dataset. znapzendzetup rewrites
all of them on every change (inherit everything, then one set per key); here only the keys that differ are set
and the keys no longer wanted are inherited, so an unchanged plan runs no write at all.
"""

from __future__ import annotations

import re
import shlex

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_properties import MAX_USER_PROPERTY_VALUE
from ansible_collections.tappaas.platform.plugins.module_utils.znapzend_plan import PlanError, normalise_plan

PREFIX = "org.znapzend:"
DEFAULT_TSFORMAT = "%Y-%m-%d-%H%M%S"
DEFAULT_MBUFFER_SIZE = "1G"

# znapzend matches destinations with dst_[^_]+, so '_' in a key breaks it, and ZFS refuses upper case.
_DESTINATION_KEY = re.compile(r"^[a-z0-9.-]+$")
# ZnapZend::Config splitHostDataSet: [host:]dataset, where the host may carry a user@ and has no '/' or ':'.
_HOST_DATASET = re.compile(r"^(?:([^:/]+):)?([^@\s]+|[^@\s]+@[^@\s]+)$")
_TSFORMAT = re.compile(r"^(%[YmdHMSz]|[\w\-.:])+$")
_MBUFFER_SIZE = re.compile(r"^\d+[bkMG%]?$")
_DATASET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$")


def _on_off(value):
    return "on" if value else "off"


def _check_value(path, value):
    if value == "":
        raise InvalidInput(path, "must not be empty (ZFS refuses empty property values; use off)")
    if len(value.encode("utf-8")) > MAX_USER_PROPERTY_VALUE:
        raise InvalidInput(
            path, "is %d bytes; ZFS allows at most %d" % (len(value.encode("utf-8")), MAX_USER_PROPERTY_VALUE)
        )
    return value


def _plan(path, plan):
    try:
        return normalise_plan(plan)
    except PlanError as exc:
        raise InvalidInput(path, str(exc)) from exc


def _command(path, command, is_executable):
    """off, or a command whose first word is an executable on this host (znapzendzetup dies otherwise)."""
    if command is None or command == "off":
        return "off"
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise InvalidInput(path, "is not a shell command line: %s" % exc) from exc
    if not words:
        raise InvalidInput(path, "is empty; use off for no command")
    if is_executable is not None and not is_executable(words[0]):
        raise InvalidInput(path, "executable '%s' does not exist or cannot be executed on this host" % words[0])
    return _check_value(path, command)


def _mbuffer(path, mbuffer):
    if mbuffer is None or mbuffer == "off":
        return "off"
    _binary, _sep, port = mbuffer.partition(":")
    if port and not (re.match(r"^\d{1,5}$", port) and int(port) < 65535):
        raise InvalidInput(path, "'%s' is not a valid port number (below 65535)" % port)
    return _check_value(path, mbuffer)


def _mbuffer_size(path, size):
    if not _MBUFFER_SIZE.match(str(size)):
        raise InvalidInput(path, "'%s' is not an mbuffer size (digits and an optional b, k, M, G or %%)" % size)
    return str(size)


def validate_tsformat(tsformat, path="tsformat"):
    if not _TSFORMAT.match(tsformat or ""):
        raise InvalidInput(path, "'%s' may only hold %%Y %%m %%d %%H %%M %%S %%z, letters, digits and _-.:" % tsformat)
    missing = [code for code in ("%Y", "%m", "%d", "%H", "%M", "%S") if code not in tsformat]
    if missing:
        # znapzend parses snapshot names back with strptime; without these the round trip loses the time.
        raise InvalidInput(path, "'%s' lacks %s, so snapshot times cannot be read back" % (tsformat, " ".join(missing)))
    return tsformat


def desired_properties(params, is_executable=None):
    """{org.znapzend:key: value} for the module parameters; raises InvalidInput naming the field."""
    src = params["name"]
    if not _DATASET.match(src) or "@" in src:
        raise InvalidInput("name", "'%s' is not a dataset name" % src)
    props = {
        "enabled": _on_off(params.get("enabled", True)),
        "recursive": _on_off(params.get("recursive", False)),
        "src_plan": _plan("plan", params.get("plan")),
        "tsformat": validate_tsformat(params.get("tsformat") or DEFAULT_TSFORMAT),
        "pre_znap_cmd": _command("pre_snap_command", params.get("pre_snap_command"), is_executable),
        "post_znap_cmd": _command("post_snap_command", params.get("post_snap_command"), is_executable),
        "mbuffer": _mbuffer("mbuffer", params.get("mbuffer")),
        "mbuffer_size": _mbuffer_size("mbuffer_size", params.get("mbuffer_size") or DEFAULT_MBUFFER_SIZE),
    }
    send_delay = params.get("send_delay")
    if send_delay is not None:
        if int(send_delay) < 0:
            raise InvalidInput("send_delay", "must be 0 or more seconds, got %s" % send_delay)
        props["zend_delay"] = str(int(send_delay))
    for key, dst in sorted((params.get("destinations") or {}).items()):
        props.update(_destination_properties(key, dst or {}, is_executable))
    return dict((PREFIX + key, value) for key, value in props.items())


def _destination_properties(key, dst, is_executable):
    field = "destinations.%s" % key
    if not _DESTINATION_KEY.match(key):
        raise InvalidInput(
            field, "destination keys use lower-case letters, digits, '.' and '-' only (znapzend splits on '_')"
        )
    dataset = dst.get("dataset")
    if not dataset:
        raise InvalidInput(field + ".dataset", "is required")
    if not _HOST_DATASET.match(dataset):
        raise InvalidInput(field + ".dataset", "'%s' is not [user@]host:dataset or a dataset" % dataset)
    if not dst.get("plan"):
        raise InvalidInput(field + ".plan", "is required (znapzend needs a plan for every destination)")
    prefix = "dst_%s" % key
    props = {
        prefix: _check_value(field + ".dataset", dataset),
        prefix + "_plan": _plan(field + ".plan", dst["plan"]),
        prefix + "_precmd": _command(field + ".pre_send_command", dst.get("pre_send_command"), is_executable),
        prefix + "_pstcmd": _command(field + ".post_send_command", dst.get("post_send_command"), is_executable),
    }
    # Absent means enabled (znapzendzetup enable-dst removes the key); only a disabled destination is written.
    if dst.get("enabled") is False:
        props[prefix + "_enabled"] = "off"
    # Absent means the daemon's --autoCreation/--noautoCreation decides.
    if dst.get("autocreation") is not None:
        props[prefix + "_autocreation"] = _on_off(dst["autocreation"])
    if dst.get("mbuffer") is not None:
        props[prefix + "_mbuffer"] = _mbuffer(field + ".mbuffer", dst["mbuffer"])
    if dst.get("mbuffer_size") is not None:
        props[prefix + "_mbuffer_size"] = _mbuffer_size(field + ".mbuffer_size", dst["mbuffer_size"])
    return props


def _same(prop, wanted, have):
    if wanted == have:
        return True
    if prop.endswith("plan"):
        # A plan written by hand ('7d=>1h') means the same as znapzend's normal form; rewriting it is noise.
        try:
            return normalise_plan(have) == wanted
        except PlanError:
            return False
    return False


def plan_znapzend_changes(desired, current_local):
    """(set, inherit): keys whose local value differs from the wanted one, and local keys no longer wanted.

    current_local maps every local `org.znapzend:*` property of the source to its value.
    """
    to_set = [
        (prop, value) for prop, value in sorted(desired.items()) if not _same(prop, value, current_local.get(prop))
    ]
    to_inherit = sorted(prop for prop in current_local if prop not in desired)
    return to_set, to_inherit


def local_znapzend_properties(current):
    """{prop: value} of the local org.znapzend:* properties in a `zfs get` view ({prop: (value, source)})."""
    return dict(
        (prop, value) for prop, (value, source) in current.items() if prop.startswith(PREFIX) and source == "local"
    )
