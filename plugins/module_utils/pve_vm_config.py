# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A VM's config as one comparable view, the user's wishes in the same shape, and the plan between them.

The plan is pure: it names the config keys to send (already in PVE's wire form), the keys to delete, the disks
to grow, and the before/after the user sees. The orchestrator in pve_vm.py only carries it out.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.normalise import to_bool, to_int, to_str
from ansible_collections.tappaas.platform.plugins.module_utils.pve_props import (
    DISK_SLOT,
    IPCONFIG_SLOT,
    NET_SLOT,
    format_agent,
    format_bool,
    format_disk_options,
    format_ipconfig,
    format_net,
    format_size,
    format_sshkeys,
    format_tags,
    is_cdrom,
    join_properties,
    parse_agent,
    parse_disk,
    parse_ipconfig,
    parse_memory,
    parse_net,
    parse_sshkeys,
    parse_tags,
    size_to_bytes,
)

REDACTED = "**REDACTED**"
INT_KEYS = ("cores", "sockets", "balloon")
BOOL_KEYS = ("onboot",)
STR_KEYS = (
    "name",
    "cpu",
    "bios",
    "machine",
    "ostype",
    "scsihw",
    "boot",
    "description",
    "startup",
    "ciuser",
    "citype",
    "nameserver",
    "searchdomain",
)
# Keys PVE applies to a running VM at once; a change to any other key waits for a reboot unless the VM's
# `hotplug` option covers it (PVE's default is network,disk,usb).
HOTPLUG_KEYS = frozenset(("name", "description", "onboot", "tags", "protection", "startup", "agent"))
DEFAULT_HOTPLUG = "network,disk,usb"
DISK_OPTION_KEYS = ("discard", "ssd", "iothread", "cache", "backup", "replicate", "format", "aio")
# Only at creation: where a disk is allocated and what it is imported from.
DISK_CREATE_KEYS = ("storage", "import_from")


def _is_disk_key(key):
    return bool(DISK_SLOT.match(key)) or key == "efidisk0"


def view_value(key, value):
    """The comparable form of one config value as PVE returns it."""
    if key == "memory":
        return parse_memory(value)
    if key in INT_KEYS:
        return to_int(value)
    if key in BOOL_KEYS:
        return to_bool(value)
    if key == "tags":
        return parse_tags(value)
    if key == "sshkeys":
        return parse_sshkeys(value)
    if key == "agent":
        return parse_agent(value)
    if NET_SLOT.match(key):
        return parse_net(value)
    if IPCONFIG_SLOT.match(key):
        return parse_ipconfig(value)
    if _is_disk_key(key) and not is_cdrom(value):
        return parse_disk(value)
    return value


def config_view(config):
    """Every key of a PVE config in comparable form; the masked password and the digest are left out."""
    return {
        key: view_value(key, value) for key, value in config.items() if key not in ("digest", "cipassword", "pending")
    }


def merged_pending(entries):
    """The config as the next start will see it, from GET .../pending; and the keys that wait for a reboot."""
    config, waiting = {}, []
    for entry in entries or []:
        key = entry.get("key")
        if key is None:
            continue
        if entry.get("delete"):
            waiting.append(key)
            continue
        if "pending" in entry:
            config[key] = entry["pending"]
            waiting.append(key)
        elif "value" in entry:
            config[key] = entry["value"]
    return config, sorted(waiting)


def _field_error(option, exc):
    return InvalidInput(option, str(exc))


def desired_config(spec):
    """The user's wishes as {config key: comparable value}; options left unset are not managed."""
    wanted = {}
    for key in INT_KEYS:
        if spec.get(key) is not None:
            wanted[key] = _convert(key, to_int, spec[key])
    for key in STR_KEYS:
        if spec.get(key) is not None:
            wanted[key] = _convert(key, to_str, spec[key])
    if spec.get("onboot") is not None:
        wanted["onboot"] = bool(spec["onboot"])
    if spec.get("memory") is not None:
        wanted["memory"] = _convert("memory", parse_memory, spec["memory"])
    if spec.get("agent") is not None:
        wanted["agent"] = {"enabled": bool(spec["agent"])}
    if spec.get("tags") is not None:
        wanted["tags"] = parse_tags(spec["tags"])
    if spec.get("sshkeys") is not None:
        wanted["sshkeys"] = parse_sshkeys(spec["sshkeys"])
        if any("%" in key for key in wanted["sshkeys"]):
            raise InvalidInput("sshkeys", "give the keys as plain text; they are percent-encoded for PVE here")
    for slot, nic in (spec.get("nics") or {}).items():
        if not NET_SLOT.match(slot):
            raise InvalidInput(f"nics.{slot}", "slots are named net0, net1, ...")
        wanted[slot] = _convert(f"nics.{slot}", parse_net, nic)
    for slot, ipconfig in (spec.get("ipconfig") or {}).items():
        if not IPCONFIG_SLOT.match(slot):
            raise InvalidInput(f"ipconfig.{slot}", "slots are named ipconfig0, ipconfig1, ...")
        wanted[slot] = _convert(f"ipconfig.{slot}", parse_ipconfig, ipconfig)
    for slot, disk in (spec.get("disks") or {}).items():
        if not DISK_SLOT.match(slot):
            raise InvalidInput(f"disks.{slot}", "slots are named scsi0, virtio0, sata0 or ide0 and up")
        wanted[slot] = _desired_disk(slot, disk)
    return wanted


def _convert(option, parse, value):
    try:
        return parse(value)
    except (TypeError, ValueError) as exc:
        raise _field_error(option, exc) from exc


def _desired_disk(slot, disk):
    option = f"disks.{slot}"
    wanted = {key: value for key, value in disk.items() if value is not None}
    if "size" in wanted:
        wanted["size"] = _convert(f"{option}.size", size_to_bytes, wanted["size"])
    for key in ("discard", "ssd", "iothread", "backup", "replicate"):
        if key in wanted:
            wanted[key] = _convert(f"{option}.{key}", to_bool, wanted[key])
    unknown = sorted(set(wanted) - set(DISK_OPTION_KEYS) - set(DISK_CREATE_KEYS) - {"size"})
    if unknown:
        raise InvalidInput(option, "unknown disk options {}".format(", ".join(unknown)))
    return wanted


# ------------------------------------------------------------------------------------------------ wire forms


def wire_value(key, value):
    """A comparable value back in the form PVE accepts on a write."""
    if key == "tags":
        return format_tags(value)
    if key == "sshkeys":
        return format_sshkeys(value)
    if key == "agent":
        return format_agent(value)
    if key in BOOL_KEYS:
        return format_bool(value)
    if NET_SLOT.match(key):
        return format_net(value)
    if IPCONFIG_SLOT.match(key):
        return format_ipconfig(value)
    return value


def new_disk_wire(slot, disk, default_storage):
    """The value that allocates a new disk: 'tank1:32' or 'tank1:0,import-from=local:import/x.qcow2'."""
    storage = disk.get("storage") or default_storage
    if not storage:
        raise InvalidInput(f"disks.{slot}.storage", "is required to allocate a new disk")
    options = format_disk_options({key: disk[key] for key in DISK_OPTION_KEYS if key in disk})
    if disk.get("import_from"):
        options["import-from"] = disk["import_from"]
        return join_properties(f"{storage}:0", options)
    if "size" not in disk:
        raise InvalidInput(f"disks.{slot}.size", "is required for a new disk without import_from")
    gib = max(1, -(-disk["size"] // 1024**3))
    return join_properties(f"{storage}:{gib}", options)


def shown(key, value):
    """A value as the user sees it in a diff: sizes spelled out, secrets redacted."""
    if key == "cipassword":
        return REDACTED
    if isinstance(value, dict) and "size" in value and isinstance(value["size"], int):
        value = dict(value, size=format_size(value["size"]))
    return value


class Plan:
    """What converging one existing VM takes."""

    def __init__(self):
        self.changes = {}  # config key -> wire value
        self.deletes = []
        self.resizes = []  # (slot, size in bytes)
        self.before = {}
        self.after = {}
        self.targets = {}  # config key -> comparable value after the change (None: deleted)

    @property
    def changed(self):
        return bool(self.changes or self.deletes or self.resizes)

    def changed_keys(self):
        return sorted(set(self.changes) | set(self.deletes) | {slot for slot, _size in self.resizes})


def plan_update(current, wanted, managed_prefixes=(), password=None, default_storage=None, efidisk=None):
    """Compare a config view with the wishes; `managed_prefixes` (net, ipconfig) delete slots not wished for.

    `efidisk` (wire form) is added when the VM has none; an existing EFI disk is left alone.
    """
    plan = Plan()
    if efidisk and "efidisk0" not in current:
        plan.changes["efidisk0"] = efidisk
        plan.before["efidisk0"], plan.after["efidisk0"] = None, efidisk
    for key, want in sorted(wanted.items()):
        have = current.get(key)
        if _is_disk_key(key):
            _plan_disk(plan, key, have, want, default_storage)
            continue
        if isinstance(want, dict) and NET_SLOT.match(key) and have:
            # The MAC stays unless the user names one; other NIC options not given keep their value.
            target = dict(have)
            target.update(want)
        else:
            target = want
        plan.before[key], plan.after[key] = shown(key, have), shown(key, target)
        plan.targets[key] = target
        if have != target:
            plan.changes[key] = wire_value(key, target)
    for prefix in managed_prefixes:
        for key in sorted(current):
            if key.startswith(prefix) and key[len(prefix) :].isdigit() and key not in wanted:
                plan.deletes.append(key)
                plan.targets[key] = None
                plan.before[key], plan.after[key] = shown(key, current[key]), None
    if password is not None:
        plan.before["cipassword"], plan.after["cipassword"] = None, REDACTED
        plan.changes["cipassword"] = password
    return plan


def _plan_disk(plan, slot, have, want, default_storage):
    if have is None:
        plan.changes[slot] = new_disk_wire(slot, want, default_storage)
        plan.before[slot], plan.after[slot] = None, shown(slot, dict(want))
        plan.targets[slot] = dict(want)
        return
    target = dict(have)
    target.update({key: value for key, value in want.items() if key not in DISK_CREATE_KEYS})
    plan.before[slot], plan.after[slot] = shown(slot, have), shown(slot, target)
    plan.targets[slot] = target
    size_have, size_want = have.get("size"), want.get("size")
    if size_want is not None and size_have is not None and size_want < size_have:
        raise InvalidInput(
            f"disks.{slot}.size",
            f"is {format_size(size_have)}, asked for {format_size(size_want)}: disks only grow (a shrink loses data)",
        )
    if size_want is not None and size_want != size_have:
        plan.resizes.append((slot, size_want))
    options = {key: want[key] for key in DISK_OPTION_KEYS if key in want and want[key] != have.get(key)}
    if options:
        kept = {key: have[key] for key in have if key not in ("volume", "storage", "size")}
        kept.update(options)
        plan.changes[slot] = join_properties(have["volume"], format_disk_options(kept))


def waits_for_reboot(key, hotplug=None):
    """Whether PVE would keep a change of `key` on a running VM pending until the next boot (check mode)."""
    if key in HOTPLUG_KEYS:
        return False
    enabled = set(str(DEFAULT_HOTPLUG if hotplug is None else hotplug).split(","))
    if "1" in enabled:
        enabled = {"network", "disk", "usb", "memory", "cpu"}
    if NET_SLOT.match(key):
        return "network" not in enabled
    if DISK_SLOT.match(key):
        return "disk" not in enabled
    if key in ("memory", "balloon"):
        return "memory" not in enabled
    if key in ("cores", "sockets"):
        return "cpu" not in enabled
    return True


def macs_of(view):
    return {key: value.get("macaddr") for key, value in sorted(view.items()) if NET_SLOT.match(key)}


def public_config(view):
    """The normalised config for the module's return value: sizes spelled out, no secrets."""
    return {key: shown(key, value) for key, value in sorted(view.items())}
