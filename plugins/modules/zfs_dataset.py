#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: zfs_dataset
short_description: ZFS datasets and their properties, compared with their source
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates a ZFS filesystem (or volume), optionally with children under it, and makes its properties match.
  - Properties are compared with what C(zfs get -p) reports, source included. A wanted value equal to the effective
    one, even an inherited or default one, is no change, so inheritance is never silently cut.
  - Sizes are compared in bytes, so C(10G) equals C(10737418240); booleans are C(on)/C(off).
  - O(inherit) removes local values so the property follows the parent again.
  - Properties that can only be set at creation (C(casesensitivity), C(normalization), C(utf8only),
    C(volblocksize), C(encryption), ...) fail with a clear message when an existing dataset has another value.
  - Every property of every dataset is checked before anything is created or set.
  - O(state=absent) never destroys children, snapshots or clones of the dataset that live elsewhere unless
    O(recursive=true).
  - Runs the C(zfs) command of the node; it is not an API module and has no action group.
options:
  name:
    description: The dataset, C(pool/path).
    type: str
    required: true
  state:
    description: Whether the dataset exists.
    type: str
    choices: [present, absent]
    default: present
  properties:
    description:
      - Properties of the dataset, native or user (C(module:key)). Only these are compared; others are left alone.
    type: dict
    default: {}
  inherit:
    description: Properties whose local value is removed, so they are inherited again.
    type: list
    elements: str
    default: []
  volume_size:
    description:
      - Create a volume (zvol) of this size instead of a filesystem, for example C(32G). On an existing volume the
        size is compared in bytes and grown or shrunk with C(zfs set volsize).
    type: str
  sparse:
    description: With O(volume_size), create a sparse volume (no reservation).
    type: bool
    default: false
  children:
    description:
      - Datasets created under O(name), each with its own properties; they inherit the rest from O(name).
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: The child's name relative to O(name), for example C(postgresql) or C(apps/postgresql).
        type: str
        required: true
      properties:
        description: Properties of the child.
        type: dict
        default: {}
      inherit:
        description: Properties of the child whose local value is removed.
        type: list
        elements: str
        default: []
  recursive:
    description:
      - With O(state=absent), also destroy the dataset's children, its snapshots and clones made from them.
        Without it the module refuses when any of those exist.
    type: bool
    default: false
attributes:
  check_mode:
    description: Reports what it would create, set, inherit or destroy without running it.
    support: full
  diff_mode:
    description: Returns the compared properties of each dataset, with their sources, as C(before) and C(after).
    support: full
  idempotent:
    description: A second run with the same options reports no change and runs no C(zfs create), C(set) or C(inherit).
    support: full
  platform:
    description: Runs on the Proxmox VE node (or any host with OpenZFS or zfs-fuse).
    support: full
    platforms: posix
notes:
  - zfs-fuse (used in CI) cannot create volumes or encrypted datasets; those paths are covered by unit tests only.
seealso:
  - module: tappaas.platform.zfs_pool
  - module: tappaas.platform.znapzend_plan
"""

EXAMPLES = r"""
- name: The data tree of tank1, with one dataset per application
  tappaas.platform.zfs_dataset:
    name: tank1/data
    properties:
      compression: lz4
      atime: false
    children:
      - name: postgresql
        properties:
          recordsize: 16K
          quota: 50G
      - name: nextcloud

- name: Let a dataset follow its parent's compression again
  tappaas.platform.zfs_dataset:
    name: tank1/data/nextcloud
    inherit: [compression]

- name: Remove a dataset and everything below it
  tappaas.platform.zfs_dataset:
    name: tank1/data/old
    state: absent
    recursive: true
"""

RETURN = r"""
datasets:
  description: Each dataset handled, parent first, with what was (or would be) done.
  returned: always
  type: list
  elements: dict
  sample:
    - {name: tank1/data, action: created, changes: []}
    - {name: tank1/data/postgresql, action: updated, changes: [[set, quota, "53687091200"]]}
commands:
  description: The commands that changed something, in the order they ran (empty on a run without change).
  returned: always
  type: list
  elements: list
  sample: [[zfs, set, "quota=53687091200", tank1/data/postgresql]]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_module import run_zfs_module, zfs_client
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_parse import ParseError, parse_size
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_properties import (
    apply_changes_to_view,
    describe,
    plan_property_changes,
    validate_property,
)


def _targets(params):
    """(dataset, properties, inherit, field) for the parent and each child, parent first."""
    name = params["name"].rstrip("/")
    if not name or "@" in name or " " in name:
        raise InvalidInput("name", "'%s' is not a dataset name" % params["name"])
    targets = [(name, params["properties"] or {}, params["inherit"] or [], "")]
    for index, child in enumerate(params["children"] or []):
        relative = (child.get("name") or "").strip("/")
        if not relative or "@" in relative:
            raise InvalidInput("children[%d].name" % index, "'%s' is not a relative dataset name" % child.get("name"))
        targets.append(
            (
                "%s/%s" % (name, relative),
                child.get("properties") or {},
                child.get("inherit") or [],
                "children[%d]." % index,
            )
        )
    return targets


def _plan(client, params, check_mode=False):
    """Every dataset's planned action, computed (and validated) before anything runs."""
    pool = params["name"].split("/", 1)[0]
    pool_props = client.properties(pool)
    if pool_props is None and not check_mode:
        raise InvalidInput("name", "pool %s does not exist on this node" % pool)
    # In check mode the pool may be one an earlier task would have created; native names cannot be checked then.
    known = set(pool_props) if pool_props is not None else None
    volume_size = None
    if params["volume_size"] is not None:
        try:
            volume_size = parse_size(params["volume_size"])
        except ParseError as exc:
            raise InvalidInput("volume_size", str(exc)) from exc
        if known is not None:
            known.update(("volsize", "volblocksize"))
    plans = []
    for index, (dataset, properties, inherit, field) in enumerate(_targets(params)):
        wanted = dict(
            (prop, validate_property(prop, value, known=known, field=field + "properties"))
            for prop, value in properties.items()
        )
        for prop in inherit:
            if known is not None and prop not in known and ":" not in prop:
                raise InvalidInput("%sinherit.%s" % (field, prop), "unknown property '%s'" % prop)
        current = client.properties(dataset) if pool_props is not None else None
        is_volume_parent = index == 0 and volume_size is not None
        if is_volume_parent:
            wanted["volsize"] = str(volume_size)
        if current is None:
            plans.append({"name": dataset, "action": "created", "wanted": wanted, "current": {}, "changes": []})
            continue
        changes = plan_property_changes(
            dataset, wanted, inherit, current, field=field + "properties", inherit_field=field + "inherit"
        )
        plans.append(
            {
                "name": dataset,
                "action": "updated" if changes else "none",
                "wanted": wanted,
                "inherit": inherit,
                "current": current,
                "changes": changes,
            }
        )
    return plans, volume_size, (pool if pool_props is None else None)


def ensure_present(module, client):
    params = module.params
    plans, volume_size, missing_pool = _plan(client, params, module.check_mode)
    if missing_pool:
        module.warn("pool %s does not exist yet; check mode assumes an earlier task creates it" % missing_pool)
    changed = any(plan["action"] != "none" for plan in plans)
    result = {"changed": changed, "datasets": []}
    if module._diff:
        before, after = {}, {}
        for plan in plans:
            view = describe(plan["current"], list(plan["wanted"]) + list(plan.get("inherit") or []))
            if plan["action"] == "created":
                before[plan["name"]] = {"state": "absent"}
                after[plan["name"]] = {"state": "present", "properties": plan["wanted"]}
            else:
                before[plan["name"]] = {"state": "present", "properties": view}
                after[plan["name"]] = {"state": "present", "properties": apply_changes_to_view(view, plan["changes"])}
        result["diff"] = {"before": before, "after": after}
    for index, plan in enumerate(plans):
        result["datasets"].append({"name": plan["name"], "action": plan["action"], "changes": plan["changes"]})
        if module.check_mode:
            continue
        if plan["action"] == "created":
            wanted = dict(plan["wanted"])
            size = None
            if index == 0 and volume_size is not None:
                wanted.pop("volsize", None)
                size = volume_size
            client.create(plan["name"], wanted, volume_size=size, sparse=params["sparse"])
        for change in plan["changes"]:
            if change[0] == "set":
                client.set(plan["name"], change[1], change[2])
            else:
                client.inherit(plan["name"], change[1])
    return result


def _dependents(client, name):
    """(descendants, snapshots, outside clones) of a dataset, for refusing a destroy that would take them too."""
    subtree = client.list_names(name, types="all", recursive=True)
    descendants = [entry for entry in subtree if entry != name and "@" not in entry]
    snapshots = [entry for entry in subtree if "@" in entry]
    pool = name.split("/", 1)[0]
    origins = client.get([pool], properties="origin", recursive=True)
    inside = set(subtree)
    clones = sorted(
        dataset
        for dataset, props in origins.items()
        if dataset not in inside and props.get("origin", ("-", "-"))[0] in inside
    )
    return descendants, snapshots, clones


def ensure_absent(module, client):
    name = module.params["name"].rstrip("/")
    if "/" not in name:
        raise InvalidInput("name", "%s is a pool's root dataset; destroy the pool with zfs_pool instead" % name)
    if client.properties(name) is None:
        return {"changed": False, "datasets": [{"name": name, "action": "none", "changes": []}]}
    descendants, snapshots, clones = _dependents(client, name)
    if (descendants or snapshots or clones) and not module.params["recursive"]:
        parts = []
        if descendants:
            parts.append("children %s" % ", ".join(descendants))
        if snapshots:
            parts.append("%d snapshot(s) (%s)" % (len(snapshots), ", ".join(snapshots[:5])))
        if clones:
            parts.append("dependent clones %s" % ", ".join(clones))
        raise InvalidInput("recursive", "%s has %s; set recursive: true to destroy them too" % (name, "; ".join(parts)))
    result = {
        "changed": True,
        "datasets": [{"name": name, "action": "destroyed", "changes": []}]
        + [{"name": entry, "action": "destroyed", "changes": []} for entry in descendants + clones],
    }
    if module._diff:
        result["diff"] = {
            "before": dict((entry, {"state": "present"}) for entry in [name, *descendants, *clones]),
            "after": dict((entry, {"state": "absent"}) for entry in [name, *descendants, *clones]),
        }
    if not module.check_mode:
        client.destroy(name, recursive=bool(descendants or snapshots), dependents=bool(clones))
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            properties=dict(type="dict", default={}),
            inherit=dict(type="list", elements="str", default=[]),
            volume_size=dict(type="str"),
            sparse=dict(type="bool", default=False),
            children=dict(
                type="list",
                elements="dict",
                default=[],
                options=dict(
                    name=dict(type="str", required=True),
                    properties=dict(type="dict", default={}),
                    inherit=dict(type="list", elements="str", default=[]),
                ),
            ),
            recursive=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = zfs_client(module)

    def operation():
        if module.params["state"] == "absent":
            return ensure_absent(module, client)
        return ensure_present(module, client)

    run_zfs_module(module, client, operation)


if __name__ == "__main__":
    main()
