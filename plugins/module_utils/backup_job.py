# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduled vzdump jobs (/cluster/backup) for the resource engine.

Two values are compared as structures, not as PVE spells them: the guest selection (``vmid`` list, ``all`` with
``exclude``, or ``pool``) is one canonical value so that switching between the three deletes the old one, and
``prune-backups`` (sent as ``keep-last=3,...``, read back as an object) is parsed on both sides.
"""

from __future__ import annotations

import time

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pve_props import (
    PRUNE_KEYS,
    format_prune_backups,
    parse_prune_backups,
)
from ansible_collections.tappaas.platform.plugins.module_utils.pve_resources import SectionApi, to_wire
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor

SELECTION_KEYS = ("vmid", "all", "exclude", "pool")


def _ids(value):
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return sorted({int(str(item).strip()) for item in items if str(item).strip()})


def selection_text(selection):
    """'vmid=101,102' | 'all' | 'all;exclude=9000' | 'pool=apps' from a selection dict or that text."""
    if isinstance(selection, str):
        return selection
    if selection.get("vmid"):
        return "vmid=" + ",".join(str(vmid) for vmid in _ids(selection["vmid"]))
    if selection.get("pool"):
        return "pool=%s" % selection["pool"]
    if str(selection.get("all", "0")) in ("1", "True", "true"):
        excluded = _ids(selection.get("exclude") or [])
        return "all;exclude=" + ",".join(str(vmid) for vmid in excluded) if excluded else "all"
    raise ValueError("choose the guests: vmids, all (with exclude) or pool")


def selection_wire(text):
    """The job options for a selection text, with the other ways of choosing guests set to be deleted."""
    wire = {key: None for key in SELECTION_KEYS}
    if text.startswith("vmid="):
        wire["vmid"] = text[len("vmid=") :]
    elif text.startswith("pool="):
        wire["pool"] = text[len("pool=") :]
    else:
        wire["all"] = True
        if ";exclude=" in text:
            wire["exclude"] = text.split(";exclude=")[1]
    return wire


def prune_text(value):
    """Canonical keep-all/keep-* text of a prune-backups value (dict, object or string); keeps-nothing refused."""
    parsed = parse_prune_backups(value)
    if not parsed or not (parsed.get("keep-all") or any(parsed.get(key) for key in PRUNE_KEYS if key != "keep-all")):
        raise ValueError("keeps nothing: set keep_all or at least one keep_* option above 0")
    return format_prune_backups({key: parsed[key] for key in PRUNE_KEYS if key in parsed})


DESCRIPTOR = ResourceDescriptor(
    "backup job",
    "id",
    [
        Field("id"),
        Field("schedule"),
        Field("storage"),
        Field("selection", normalise=selection_text),
        Field("node"),
        Field("mode"),
        Field("compress"),
        Field("prune_backups", api_name="prune-backups", normalise=prune_text),
        Field("notes_template", api_name="notes-template"),
        Field("enabled", kind="bool"),
        Field("comment"),
    ],
    endpoint="/cluster/backup",
)


class BackupJobApi(SectionApi):
    def __init__(self, client):
        super().__init__(
            client,
            "cluster/backup",
            "id",
            defaults={"enabled": 1, "mode": "snapshot"},
            empty_means_delete=("comment", "node", "notes-template", "prune-backups"),
        )

    def read(self, key):
        data = super().read(key)
        if data is not None:
            data["selection"] = selection_text({name: data.get(name) for name in SELECTION_KEYS})
        return data

    @staticmethod
    def _expand(payload, current=None):
        payload = dict(payload)
        if "selection" in payload:
            for key, value in selection_wire(payload.pop("selection")).items():
                if value is not None:
                    payload[key] = value
                elif current is not None and current.get(key) not in (None, "", 0):
                    payload[key] = ""
        return payload

    def create(self, payload):
        return super().create(self._expand(payload))

    def update(self, current, payload):
        changes = self._expand(payload, current)
        deletes = [key for key in SELECTION_KEYS if changes.get(key) == ""]
        for key in deletes:
            changes.pop(key)
        wire = to_wire({key: value for key, value in changes.items() if key != "id"}, self.empty_means_delete)
        if deletes:
            wire["delete"] = ",".join(filter(None, [wire.get("delete"), *deletes]))
        if current.get("digest"):
            wire["digest"] = current["digest"]
        self.client.put(self._path(current["id"]), **wire)


def check_references(client, params, warn=None):
    """An unknown storage or node fails here, before anything is written.

    In check mode (``warn`` given) a missing storage is only a warning: an earlier task of the same play (the
    backup role registers PBS as storage first) creates it, and check mode never did.
    """
    if params.get("storage"):
        storages = {item.get("storage"): item for item in client.get("storage") or []}
        if params["storage"] not in storages:
            message = "storage %r does not exist in the cluster" % params["storage"]
            if warn is None:
                raise InvalidInput("storage", message)
            warn("storage: %s; assuming an earlier task creates it (check mode)" % message)
            return
        content = str(storages[params["storage"]].get("content", ""))
        if "backup" not in content.split(","):
            raise InvalidInput(
                "storage", "storage %r does not hold backups (content: %s)" % (params["storage"], content)
            )
    if params.get("node"):
        nodes = {item.get("node") for item in client.get("nodes") or []}
        if params["node"] not in nodes:
            raise InvalidInput("node", "no such cluster node %r" % params["node"])


def run_now(client, job, timeout):
    """Run a job at once, as the GUI's "Run now" does: one vzdump per node that holds some of its guests.

    Returns [{"node", "vmids", "seconds"}]; a failed vzdump raises with the task's own message.
    """
    selection = selection_wire(job["selection"])
    guests = [item for item in client.resources("vm") if not item.get("template")]
    if selection.get("vmid"):
        wanted = set(_ids(selection["vmid"]))
        chosen = [item for item in guests if int(item["vmid"]) in wanted]
    elif selection.get("pool"):
        chosen = [item for item in guests if item.get("pool") == selection["pool"]]
    else:
        excluded = set(_ids(selection.get("exclude") or []))
        chosen = [item for item in guests if int(item["vmid"]) not in excluded]
    if job.get("node"):
        chosen = [item for item in chosen if item.get("node") == job["node"]]
    runs = []
    for node in sorted({item["node"] for item in chosen}):
        vmids = sorted(int(item["vmid"]) for item in chosen if item["node"] == node)
        started = time.monotonic()
        client.run_task(
            "post",
            f"nodes/{node}/vzdump",
            timeout,
            f"backup of {vmids} on {node}",
            vmid=",".join(str(vmid) for vmid in vmids),
            storage=job.get("storage"),
            mode=job.get("mode"),
            **{"notes-template": job.get("notes-template")},
        )
        runs.append({"node": node, "vmids": vmids, "seconds": round(time.monotonic() - started, 3)})
    return runs
