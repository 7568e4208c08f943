# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proxmox VE property strings and value quirks, parsed into one comparable form and written back.

PVE hands back values normalised its own way (a MAC injected into net*, a volume id and size= on disks, tags
joined by ';', sshkeys percent-encoded, memory as a string); these helpers make both sides comparable. They
raise ValueError with a readable reason; callers turn that into InvalidInput naming the option.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from ansible_collections.tappaas.platform.plugins.module_utils.normalise import to_bool, to_int

NIC_MODELS = ("virtio", "e1000", "e1000e", "rtl8139", "vmxnet3")
MAC_PATTERN = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
SIZE_PATTERN = re.compile(r"^(\d+(?:\.\d+)?)\s*([KMGT]?)B?$", re.IGNORECASE)
SIZE_UNITS = {"": 1024**3, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}
DISK_SLOT = re.compile(r"^(scsi|virtio|sata|ide)(\d+)$")
NET_SLOT = re.compile(r"^net(\d+)$")
IPCONFIG_SLOT = re.compile(r"^ipconfig(\d+)$")
# Net options that are integers or booleans on the wire; the rest are strings.
NET_INT_KEYS = ("tag", "mtu", "queues")
NET_BOOL_KEYS = ("firewall", "link_down")
NET_KEY_ORDER = ("bridge", "tag", "firewall", "mtu", "queues", "rate", "link_down", "trunks")
DISK_BOOL_KEYS = ("discard", "ssd", "iothread", "backup", "replicate", "ro")
PRUNE_KEYS = ("keep-all", "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly")


def parse_property_string(text, default_key=None):
    """Split 'a=1,b=2' into {'a': '1', 'b': '2'}; a leading bare value goes under default_key."""
    if isinstance(text, dict):
        return dict(text)
    if not isinstance(text, str):
        raise ValueError(f"expected a property string, got {text!r}")
    result = {}
    for position, part in enumerate(item.strip() for item in text.split(",")):
        if not part:
            continue
        if "=" in part:
            key, value = part.split("=", 1)
            result[key.strip()] = value.strip()
        elif position == 0 and default_key:
            result[default_key] = part
        else:
            raise ValueError(f"cannot parse {part!r} in {text!r}: expected key=value")
    return result


def format_bool(value):
    """PVE accepts booleans only as 1 and 0."""
    return 1 if to_bool(value) else 0


def _format_value(value):
    if isinstance(value, bool):
        return str(format_bool(value))
    return str(value)


def join_properties(first, options, order=()):
    """'first,k=v,...' with keys in `order` first, then the rest sorted; None values are left out."""
    keys = [key for key in order if key in options] + sorted(key for key in options if key not in order)
    parts = [first] if first else []
    parts.extend(f"{key}={_format_value(options[key])}" for key in keys if options[key] is not None)
    return ",".join(parts)


# --------------------------------------------------------------------------------------------------- sizes


def size_to_bytes(value):
    """Bytes from 32 (GiB), '32G', '512M', '1.5T', '4096K'."""
    if isinstance(value, bool):
        raise ValueError(f"expected a disk size, got {value!r}")
    if isinstance(value, int):
        return value * SIZE_UNITS[""]
    match = SIZE_PATTERN.match(str(value).strip())
    if not match:
        raise ValueError(f"expected a disk size such as 32G or 512M, got {value!r}")
    return int(float(match.group(1)) * SIZE_UNITS[match.group(2).upper()])


def format_size(size_bytes):
    """PVE's spelling of a size: the largest unit that divides it exactly."""
    for unit in ("T", "G", "M", "K"):
        if size_bytes % SIZE_UNITS[unit] == 0:
            return f"{size_bytes // SIZE_UNITS[unit]}{unit}"
    return str(size_bytes)


# --------------------------------------------------------------------------------------------------- net


def parse_net(value):
    """{model, macaddr, bridge, tag, firewall, ...} from 'virtio=BC:24:..,bridge=lan,tag=20' or a dict."""
    if isinstance(value, dict):
        raw = {key: item for key, item in value.items() if item is not None}
    else:
        raw = parse_property_string(value)
        for model in NIC_MODELS:
            if model in raw:
                raw["model"], raw["macaddr"] = model, raw.pop(model)
                break
        else:
            for part in str(value).split(","):
                if part.strip() in NIC_MODELS:
                    raw["model"] = part.strip()
    nic = {}
    for key, item in raw.items():
        if key in NET_INT_KEYS:
            nic[key] = to_int(item)
        elif key in NET_BOOL_KEYS:
            nic[key] = to_bool(item)
        elif key == "macaddr":
            if not MAC_PATTERN.match(str(item)):
                raise ValueError(f"macaddr {item!r} is not a MAC address")
            nic[key] = str(item).upper()
        else:
            nic[key] = str(item)
    model = nic.get("model", "virtio")
    if model not in NIC_MODELS:
        raise ValueError(f"model {model!r} is not one of {', '.join(NIC_MODELS)}")
    nic["model"] = model
    if "bridge" not in nic:
        raise ValueError("a NIC needs a bridge")
    return nic


def format_net(nic):
    first = nic["model"] + (f"={nic['macaddr']}" if nic.get("macaddr") else "")
    options = {key: item for key, item in nic.items() if key not in ("model", "macaddr")}
    return join_properties(first, options, NET_KEY_ORDER)


# --------------------------------------------------------------------------------------------------- disks


def parse_disk(value):
    """{volume, storage, size (bytes), options...} from 'tank1:vm-101-disk-0,size=32G,discard=on'."""
    props = parse_property_string(value, default_key="file")
    volume = props.pop("file", None)
    if volume is None:
        raise ValueError(f"disk {value!r} names no volume")
    disk = {"volume": volume, "storage": volume.split(":", 1)[0] if ":" in volume else None}
    if "size" in props:
        disk["size"] = size_to_bytes(props.pop("size"))
    for key, item in props.items():
        # discard is on|ignore, the other flags 0/1; both become booleans so the user can write true.
        disk[key] = (item == "on" or to_bool(item)) if key in DISK_BOOL_KEYS and item != "ignore" else item
    return disk


def format_disk_options(options):
    """Disk options for the wire: discard is 'on'/'ignore', the other flags 1/0."""
    wire = {}
    for key, item in options.items():
        if key == "discard" and isinstance(item, bool):
            wire[key] = "on" if item else "ignore"
        elif isinstance(item, bool):
            wire[key] = format_bool(item)
        else:
            wire[key] = item
    return wire


def is_cdrom(value):
    return "media=cdrom" in str(value)


# --------------------------------------------------------------------------------------------------- scalars


def parse_tags(value):
    """A sorted, duplicate-free, lower-case list from 'a;b', 'a,b', 'a b' or a list.

    PVE treats tags as a set and, by default (tag-style case-sensitive=0), without regard to case.
    """
    if value is None:
        return None
    items = value if isinstance(value, (list, tuple, set)) else re.split(r"[;,\s]+", str(value))
    return sorted({str(item).strip().lower() for item in items if str(item).strip()})


def format_tags(tags):
    return ";".join(sorted(tags))


def parse_sshkeys(value):
    """The set of public keys (sorted list) from a list, a newline-joined string or PVE's percent-encoded form."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        lines = [str(item) for item in value]
    else:
        text = str(value)
        # PVE stores them percent-encoded; a user writes them plainly. A key never contains '%'.
        if "%" in text:
            text = unquote(text)
        lines = text.splitlines()
    return sorted({" ".join(line.split()) for line in lines if line.strip()})


def format_sshkeys(keys):
    """PVE's format: newline-joined keys percent-encoded with nothing safe (%20, %0A; never '+')."""
    return quote("\n".join(keys) + "\n", safe="")


def parse_memory(value):
    """MiB from 2048, '2048' or PVE 8.4+'s property string 'current=2048'."""
    if isinstance(value, str) and "=" in value:
        value = parse_property_string(value, default_key="current").get("current")
    memory = to_int(value)
    if memory is not None and memory < 16:
        raise ValueError(f"memory is in MiB and must be at least 16, got {memory}")
    return memory


def parse_prune_backups(value):
    """{'keep-last': 3, ...} from 'keep-last=3,keep-daily=7' or a dict (PVE returns one, takes the string)."""
    if value is None:
        return None
    raw = parse_property_string(value) if isinstance(value, str) else dict(value)
    result = {}
    for key, item in raw.items():
        key = key.replace("_", "-")
        if key not in PRUNE_KEYS:
            raise ValueError(f"{key!r} is not a retention option (use {', '.join(PRUNE_KEYS)})")
        number = to_int(item)
        if number is None or number < 0:
            raise ValueError(f"{key} must be a non-negative integer, got {item!r}")
        result[key] = number
    return result


def format_prune_backups(retention):
    return join_properties("", retention, PRUNE_KEYS)


def parse_ipconfig(value):
    """{'ip': 'dhcp'|'10.0.0.5/24', 'gw': ..., 'ip6': ..., 'gw6': ...} from 'ip=...,gw=...' or a dict."""
    raw = parse_property_string(value) if isinstance(value, str) else dict(value)
    unknown = sorted(set(raw) - {"ip", "gw", "ip6", "gw6"})
    if unknown:
        raise ValueError(f"unknown ipconfig keys {', '.join(unknown)} (use ip, gw, ip6, gw6)")
    return {key: str(item) for key, item in raw.items() if item is not None}


def format_ipconfig(config):
    return join_properties("", config, ("ip", "gw", "ip6", "gw6"))


def parse_agent(value):
    """{'enabled': bool, ...} from 1, '1', True or 'enabled=1,fstrim_cloned_disks=1'."""
    if isinstance(value, dict):
        raw = dict(value)
    elif isinstance(value, (bool, int)):
        raw = {"enabled": value}
    else:
        raw = parse_property_string(str(value), default_key="enabled")
    return {
        key: (to_bool(item) if key in ("enabled", "fstrim_cloned_disks") else str(item)) for key, item in raw.items()
    }


def format_agent(agent):
    return join_properties(
        f"enabled={format_bool(agent.get('enabled', True))}",
        {key: item for key, item in agent.items() if key != "enabled"},
    )
