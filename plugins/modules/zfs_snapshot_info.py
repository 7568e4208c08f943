#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: zfs_snapshot_info
short_description: Snapshots of a ZFS dataset with creation time and znapzend sync markers
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Lists the snapshots of a dataset (and, with O(recursive), of its children), oldest first, with their creation
    time, space used and the markers znapzend leaves on a snapshot it sent (C(org.znapzend:dst_<key>) naming the
    destination dataset and C(org.znapzend:dst_<key>_synced=1)).
  - For the restore playbooks (which snapshot to roll back to or send) and the verify steps (is replication
    current).
  - Runs C(zfs list) and one C(zfs get); it never changes anything.
options:
  name:
    description: The dataset.
    type: str
    required: true
  recursive:
    description: Include the snapshots of the dataset's descendants.
    type: bool
    default: false
attributes:
  check_mode:
    description: Only reads, so check mode runs the same.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
  idempotent:
    description: Only reads.
    support: full
  platform:
    description: Runs on the node that owns the dataset.
    support: full
    platforms: posix
seealso:
  - module: tappaas.platform.znapzend_plan
"""

EXAMPLES = r"""
- name: Snapshots of the PostgreSQL data
  tappaas.platform.zfs_snapshot_info:
    name: tank1/data/postgresql
  register: pg_snapshots

- name: Fail when the last replication to tank2 is older than a day
  ansible.builtin.assert:
    that:
      - pg_snapshots.last_synced.a is defined
      - (now().timestamp() - pg_snapshots.last_synced.a.creation) < 86400
"""

RETURN = r"""
exists:
  description: Whether the dataset exists; when it does not, the lists are empty.
  returned: always
  type: bool
snapshots:
  description: The snapshots, oldest first.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The full snapshot name.
      type: str
      sample: tank1/data/postgresql@2026-11-21-230000
    dataset:
      description: The dataset the snapshot belongs to.
      type: str
    snapshot:
      description: The part after C(@).
      type: str
    creation:
      description: Creation time, seconds since the epoch.
      type: int
    creation_iso:
      description: Creation time in ISO 8601, UTC.
      type: str
    used:
      description: Bytes used by the snapshot alone.
      type: int
    referenced:
      description: Bytes referenced.
      type: int
    synced_to:
      description: znapzend destination key -> destination dataset, for destinations this snapshot was sent to.
      type: dict
      sample: {a: tank2/replica/postgresql}
last_synced:
  description: Per znapzend destination key, the newest snapshot marked as synced to it (same fields as above).
  returned: always
  type: dict
commands:
  description: Always empty; the module only reads.
  returned: always
  type: list
  elements: list
  sample: []
"""

import datetime
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tappaas.platform.plugins.module_utils.zfs_module import run_zfs_module, zfs_client

_MARKER = re.compile(r"^org\.znapzend:dst_([^_]+)(_synced)?$")


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def snapshot_entries(props_by_name):
    """Snapshot dicts from a `zfs get` view of a dataset and its snapshots, oldest first."""
    entries = []
    for name, props in props_by_name.items():
        if "@" not in name:
            continue
        dataset, snapshot = name.split("@", 1)
        creation = _int(props.get("creation", ("-", "-"))[0])
        markers = {}
        synced = set()
        for prop, (value, _source) in props.items():
            match = _MARKER.match(prop)
            if not match:
                continue
            if match.group(2):
                if value == "1":
                    synced.add(match.group(1))
            else:
                markers[match.group(1)] = value
        entries.append(
            {
                "name": name,
                "dataset": dataset,
                "snapshot": snapshot,
                "creation": creation,
                "creation_iso": (
                    datetime.datetime.fromtimestamp(creation, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                    if creation is not None
                    else None
                ),
                "used": _int(props.get("used", ("-", "-"))[0]),
                "referenced": _int(props.get("referenced", ("-", "-"))[0]),
                "synced_to": dict((key, markers.get(key)) for key in sorted(synced)),
            }
        )
    entries.sort(key=lambda entry: (entry["creation"] or 0, entry["name"]))
    return entries


def run(module, client):
    name = module.params["name"]
    if client.properties(name) is None:
        return {"changed": False, "exists": False, "snapshots": [], "last_synced": {}}
    # `all` is the only way to get user properties; -d 1 reaches the dataset's own snapshots.
    if module.params["recursive"]:
        view = client.get([name], recursive=True)
    else:
        view = client.get([name], depth=1)
        view = dict((key, value) for key, value in view.items() if key.startswith(name + "@"))
    snapshots = snapshot_entries(view)
    last_synced = {}
    for entry in snapshots:
        for key in entry["synced_to"]:
            last_synced[key] = entry
    return {"changed": False, "exists": True, "snapshots": snapshots, "last_synced": last_synced}


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            recursive=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = zfs_client(module)
    run_zfs_module(module, client, lambda: run(module, client))


if __name__ == "__main__":
    main()
