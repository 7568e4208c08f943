# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Restore a guest from a backup through PVE: pick the archive, check the target, run the qmrestore task.

A restore replaces a guest only when told to (``force``), and never a running one unless also told to stop it
(``stop_running``); a plain run against a guest that exists already restores nothing and says so, which is what
makes the module safe to rerun.
"""

from __future__ import annotations

import time

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput, NotFound


def list_backups(client, node, storage, vmid):
    """The backups of one guest on a storage, oldest first."""
    try:
        items = client.get(f"nodes/{node}/storage/{storage}/content", content="backup", vmid=vmid) or []
    except NotFound as exc:
        raise InvalidInput("source_storage", f"storage {storage!r} does not exist: {exc}") from exc
    items = [item for item in items if item.get("content") == "backup" and int(item.get("vmid", -1)) == int(vmid)]
    return sorted(items, key=lambda item: (item.get("ctime", 0), item["volid"]))


def choose_archive(client, params):
    """The volume id to restore: given, the newest, or the one taken at ``snapshot`` (an ISO time or volid tail)."""
    if params.get("archive"):
        return params["archive"]
    source_vmid = params.get("source_vmid") or params["vmid"]
    backups = list_backups(client, params["node"], params["source_storage"], source_vmid)
    if not backups:
        raise InvalidInput("source_vmid", f"no backup of guest {source_vmid} on storage {params['source_storage']!r}")
    wanted = params.get("snapshot") or "latest"
    if wanted == "latest":
        return backups[-1]["volid"]
    for item in backups:
        if item["volid"].endswith("/" + wanted) or item["volid"] == wanted:
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


def plan(client, params):
    """What a run would do: {'action': 'restore' | 'none', 'archive', 'replace', 'stop', 'reason'}."""
    check_target(client, params)
    archive = choose_archive(client, params)
    node, status = guest_status(client, params["vmid"])
    result = {"archive": archive, "replace": False, "stop": False, "action": "restore", "reason": ""}
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
