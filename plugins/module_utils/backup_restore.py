# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Restore a guest from a backup through PVE: pick the archive, check the target, run the qmrestore task.

Two kinds of backup volume are restored the same way (``POST /nodes/{node}/qemu`` with ``archive``):
a PBS snapshot ``<storage>:backup/vm/<vmid>/<ISO time>`` and a plain vzdump archive on a file storage
``<storage>:backup/vzdump-qemu-<vmid>-<YYYY_MM_DD-HH_MM_SS>.vma[.zst|.gz|.lzo]``. A file storage that is not shared
(such as ``local``) is one directory per node, so its archives restore only on the node that wrote them.

A restore replaces a guest only when told to (``force``), and never a running one unless also told to stop it
(``stop_running``); a plain run against a guest that exists already restores nothing and says so, which is what
makes the module safe to rerun.
"""

from __future__ import annotations

import re
import time

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput, NotFound

PBS_VOLID = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]:backup/vm/(?P<vmid>\d+)/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
VZDUMP_VOLID = re.compile(
    r"^[a-zA-Z][a-zA-Z0-9\-_.]*[a-zA-Z0-9]:backup/vzdump-qemu-(?P<vmid>\d+)-"
    r"\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma(?:\.(?:zst|gz|lzo))?$"
)
# Config values that are secret in a guest config; never shown in a diff.
SECRET_CONFIG_KEYS = ("cipassword",)
MASK = "********"


def archive_vmid(volid):
    """The guest a VM backup volume belongs to, or an InvalidInput naming ``archive``."""
    found = PBS_VOLID.match(volid) or VZDUMP_VOLID.match(volid)
    if not found:
        raise InvalidInput(
            "archive",
            f"{volid!r} is not a VM backup volume: expected '<storage>:backup/vm/<vmid>/<YYYY-MM-DDTHH:MM:SSZ>' (PBS) "
            "or '<storage>:backup/vzdump-qemu-<vmid>-<YYYY_MM_DD-HH_MM_SS>.vma[.zst|.gz|.lzo]' (vzdump)",
        )
    return int(found.group("vmid"))


def _iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))


def list_backups(client, node, storage, vmid):
    """The backups of one guest on a storage, oldest first."""
    try:
        items = client.get(f"nodes/{node}/storage/{storage}/content", content="backup", vmid=vmid) or []
    except NotFound as exc:
        raise InvalidInput("source_storage", f"storage {storage!r} does not exist: {exc}") from exc
    items = [
        item
        for item in items
        if item.get("content") == "backup"
        and int(item.get("vmid", -1)) == int(vmid)
        and (PBS_VOLID.match(item["volid"]) or VZDUMP_VOLID.match(item["volid"]))  # VMs only, not containers
    ]
    return sorted(items, key=lambda item: (item.get("ctime", 0), item["volid"]))


def check_archive(client, node, volid):
    """A named archive must be a VM backup that the restore node can read."""
    vmid = archive_vmid(volid)
    storage = volid.split(":", 1)[0]
    try:
        listed = client.get(f"nodes/{node}/storage/{storage}/content", content="backup", vmid=vmid) or []
    except NotFound as exc:
        raise InvalidInput("archive", f"storage {storage!r} does not exist: {exc}") from exc
    if not any(item.get("volid") == volid for item in listed):
        raise InvalidInput(
            "archive",
            f"no backup {volid!r} on node {node!r} (a storage that is not shared, such as local, holds only the "
            "archives its own node wrote)",
        )
    return volid


def choose_archive(client, params):
    """The volume id to restore: given, the newest, or the one taken at ``snapshot`` (an ISO time or volid tail)."""
    if params.get("archive"):
        return check_archive(client, params["node"], params["archive"])
    source_vmid = params.get("source_vmid") or params["vmid"]
    backups = list_backups(client, params["node"], params["source_storage"], source_vmid)
    if not backups:
        raise InvalidInput("source_vmid", f"no backup of guest {source_vmid} on storage {params['source_storage']!r}")
    wanted = params.get("snapshot") or "latest"
    if wanted == "latest":
        return backups[-1]["volid"]
    for item in backups:
        if item["volid"].endswith("/" + wanted) or item["volid"] == wanted or _iso(item.get("ctime", 0)) == wanted:
            return item["volid"]
    known = ", ".join(item["volid"].rsplit("/", 1)[-1] for item in backups)
    raise InvalidInput("snapshot", f"no backup of guest {source_vmid} taken at {wanted!r} (there are: {known})")


def guest_status(client, vmid):
    """(node, status) of the guest with this vmid anywhere in the cluster, or (None, None)."""
    for item in client.resources("vm"):
        if int(item.get("vmid", -1)) == int(vmid):
            return item.get("node"), item.get("status")
    return None, None


def check_target(client, params):
    nodes = {item.get("node") for item in client.get("nodes") or []}
    if params["node"] not in nodes:
        raise InvalidInput("node", f"no such cluster node {params['node']!r}")
    if params.get("storage"):
        storages = {item.get("storage"): item for item in client.get("storage") or []}
        if params["storage"] not in storages:
            raise InvalidInput("storage", f"storage {params['storage']!r} does not exist")
        if "images" not in str(storages[params["storage"]].get("content", "")).split(","):
            raise InvalidInput("storage", f"storage {params['storage']!r} does not hold VM disks")


def parse_config(text):
    """A qemu-server config file as a dict: its ``key: value`` lines (snapshot sections and comments left out)."""
    out = {}
    for line in str(text or "").splitlines():
        if line.startswith("["):
            break  # [snapshot] and [PENDING] sections follow the current config
        key, sep, value = line.partition(": ")
        if sep and not line.startswith("#"):
            out[key] = value
    return out


def _shown(config):
    return {key: (MASK if key in SECRET_CONFIG_KEYS else value) for key, value in sorted(config.items())}


def diff(client, params, steps):
    """before: the guest's config now ({} when there is none); after: the config the archive holds (or before)."""
    before = {}
    if steps.get("node"):
        before = client.get(f"nodes/{steps['node']}/qemu/{params['vmid']}/config") or {}
        before.pop("digest", None)
    after = before
    if steps["action"] == "restore":
        after = parse_config(client.get(f"nodes/{params['node']}/vzdump/extractconfig", volume=steps["archive"]))
    return {"before": _shown(before), "after": _shown(after)}


def plan(client, params):
    """What a run would do: {'action': 'restore' | 'none', 'archive', 'replace', 'stop', 'reason'}."""
    check_target(client, params)
    archive = choose_archive(client, params)
    node, status = guest_status(client, params["vmid"])
    result = {"archive": archive, "replace": False, "stop": False, "action": "restore", "reason": "", "node": node}
    if node is None:
        return result
    if not params.get("force"):
        result.update(action="none", reason=f"guest {params['vmid']} exists on {node}; set force to replace it")
        return result
    if node != params["node"]:
        raise InvalidInput("node", f"guest {params['vmid']} exists on node {node!r}, not {params['node']!r}")
    if status == "running" and not params.get("stop_running"):
        raise InvalidInput("force", f"guest {params['vmid']} is running; set stop_running to stop and replace it")
    result.update(replace=True, stop=status == "running")
    return result


def restore(client, params, steps):
    """Carry out a plan; returns the seconds the restore took (stop, restore task, start)."""
    started = time.monotonic()
    node, vmid, timeout = params["node"], params["vmid"], params["timeout"]
    if steps["stop"]:
        client.run_task("post", f"nodes/{node}/qemu/{vmid}/status/stop", timeout, f"stop guest {vmid}")
    client.run_task(
        "post",
        f"nodes/{node}/qemu",
        timeout,
        f"restore of guest {vmid}",
        vmid=vmid,
        archive=steps["archive"],
        storage=params.get("storage"),
        force=1 if steps["replace"] else None,
        unique=1 if params.get("unique") else None,
    )
    if params.get("start"):
        client.run_task("post", f"nodes/{node}/qemu/{vmid}/status/start", timeout, f"start guest {vmid}")
    return round(time.monotonic() - started, 3)
