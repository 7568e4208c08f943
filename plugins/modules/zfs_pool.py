#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: zfs_pool
short_description: A ZFS pool with its topology, ashift and root dataset properties
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates a ZFS pool on the node it runs on with the topology of the platform definition (C(single), C(mirror),
    C(raidz1), C(raidz2), C(raidz3) or C(stripe_of_mirrors)), its ashift and the properties of its root dataset.
  - When the pool is not imported but an exported pool of that name can be found, the pool is imported instead of
    creating a new one.
  - A different topology or ashift on an existing pool is drift that only destroying data could fix; the module
    fails naming the exact difference and never changes the pool's vdevs.
  - Root dataset properties that differ on an existing pool are set, and a value equal to the inherited or default
    one is no change.
  - O(state=absent) destroys the pool and all its data, and only with O(force=true).
  - Runs the C(zpool) and C(zfs) commands of the node (OpenZFS or zfs-fuse); it is not an API module and has no
    action group.
options:
  name:
    description: The pool name.
    type: str
    required: true
  state:
    description: Whether the pool exists.
    type: str
    choices: [present, absent]
    default: present
  topology:
    description:
      - The layout of the data vdevs. C(single) makes one vdev per disk (a stripe without redundancy when several
        disks are given), C(stripe_of_mirrors) pairs the disks in the order given.
      - Required with O(state=present).
    type: str
    choices: [single, mirror, raidz1, raidz2, raidz3, stripe_of_mirrors]
  disks:
    description:
      - The devices (prefer C(/dev/disk/by-id) paths) or, for tests, absolute paths of files.
      - Compared with C(zpool status) by their base name, so C(/dev/disk/by-id/x) matches C(x) and C(x-part1).
      - Required with O(state=present).
    type: list
    elements: str
  ashift:
    description:
      - The sector size exponent set at creation (12 for 4K sectors). An existing pool whose ashift is set and
        differs is reported as drift.
    type: int
  properties:
    description:
      - Properties of the root dataset (C(-O) at creation), for example C(compression), C(atime), C(xattr).
      - Booleans become C(on)/C(off). On an existing pool, differing values are set with C(zfs set).
    type: dict
    default: {}
  pool_properties:
    description:
      - Pool properties given with C(-o) when the pool is created or imported, for example C(cachefile=none).
    type: dict
    default: {}
  autotrim:
    description:
      - Set the pool property C(autotrim) where the ZFS implementation has it (OpenZFS). Where it does not
        (zfs-fuse), the module warns and leaves it out.
    type: bool
  mountpoint:
    description: Mount point of the root dataset at creation (C(-m)), for example C(none).
    type: str
  import_dirs:
    description:
      - Directories searched for an exported pool of this name (C(zpool import -d)); by default C(/dev) is searched.
    type: list
    elements: path
    default: []
  force:
    description: Required with O(state=absent); without it the module refuses to destroy an existing pool.
    type: bool
    default: false
attributes:
  check_mode:
    description: Reports what it would create, import, set or destroy without running it.
    support: full
  diff_mode:
    description: Returns the pool's state, topology and compared root properties as C(before) and C(after).
    support: full
  idempotent:
    description: A second run with the same options reports no change and runs no C(zpool create) or C(zfs set).
    support: full
  platform:
    description: Runs on the Proxmox VE node (or any host with OpenZFS or zfs-fuse).
    support: full
    platforms: posix
notes:
  - zfs-fuse (used in CI) has no C(zpool list -p), no C(autotrim) and ashift 9 to 13 only; the module falls back or
    warns where it must.
seealso:
  - module: tappaas.platform.zfs_dataset
"""

EXAMPLES = r"""
- name: The redundant tank for VM disks
  tappaas.platform.zfs_pool:
    name: tank1
    topology: mirror
    disks:
      - /dev/disk/by-id/nvme-Samsung_SSD_990_PRO_2TB_S7KHNJ0W100001
      - /dev/disk/by-id/nvme-Samsung_SSD_990_PRO_2TB_S7KHNJ0W100002
    ashift: 12
    autotrim: true
    properties:
      compression: lz4
      atime: false
      xattr: sa

- name: A pool on sparse files for a test, never mounted and not remembered across reboots
  tappaas.platform.zfs_pool:
    name: tappaas-test-tank2
    topology: single
    disks: [/var/tmp/zfs/d3]
    mountpoint: none
    pool_properties:
      cachefile: none
    import_dirs: [/var/tmp/zfs]

- name: Destroy a pool and all its data
  tappaas.platform.zfs_pool:
    name: scratch
    state: absent
    force: true
"""

RETURN = r"""
pool:
  description: The pool after the run (before it, in check mode); absent when the pool does not exist.
  returned: when the pool exists
  type: dict
  sample: {name: tank1, health: ONLINE, size: 262144000, allocated: 569344, free: 261574656, capacity: 0}
topology:
  description: The data vdevs as C(zpool status) reports them.
  returned: when the pool exists
  type: list
  elements: dict
  sample: [{type: mirror, disks: [/dev/disk/by-id/nvme-a, /dev/disk/by-id/nvme-b]}]
action:
  description: What was done (or would be in check mode).
  returned: always
  type: str
  sample: created
  choices: [none, created, imported, updated, destroyed]
drift:
  description: The exact difference between the wanted and the actual topology or ashift, when the module failed on it.
  returned: failed on drift
  type: str
  sample: "pool tank1 is mirror(a, b) but the definition wants raidz1(a, b, c) (...)"
commands:
  description: The commands that changed something, in the order they ran (empty on a run without change).
  returned: always
  type: list
  elements: list
  sample: [[zpool, create, -o, ashift=12, tank1, mirror, /dev/disk/by-id/a, /dev/disk/by-id/b]]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput, TappaasError
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_module import run_zfs_module, zfs_client
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_properties import (
    apply_changes_to_view,
    describe,
    plan_property_changes,
    validate_property,
)
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_topology import (
    TOPOLOGIES,
    describe_vdevs,
    desired_vdevs,
    topology_drift,
    vdev_arguments,
)


class PoolDrift(TappaasError):
    """The pool exists with another layout; only destroying it could fix that, so it is reported."""


def _wanted_root_properties(params):
    return dict(
        (prop, validate_property(prop, value, field="properties"))
        for prop, value in (params["properties"] or {}).items()
    )


def _pool_info(client, name):
    return client.pool_list(name).get(name)


def ensure_absent(module, client):
    name = module.params["name"]
    info = _pool_info(client, name)
    if info is None:
        return {"changed": False, "action": "none"}
    if not module.params["force"]:
        raise InvalidInput(
            "force", "pool %s exists; state=absent destroys it and all its data only with force: true" % name
        )
    result = {"changed": True, "action": "destroyed", "pool": info}
    if module._diff:
        result["diff"] = {"before": {"state": "present", "health": info["health"]}, "after": {"state": "absent"}}
    if not module.check_mode:
        client.pool_destroy(name)
    return result


def ensure_present(module, client):
    params = module.params
    name = params["name"]
    for required in ("topology", "disks"):
        if not params[required]:
            raise InvalidInput(required, "is required when state is present")
    wanted = desired_vdevs(params["topology"], params["disks"])
    if params["ashift"] is not None and not 9 <= params["ashift"] <= 16:
        raise InvalidInput("ashift", "must be between 9 and 16, got %s" % params["ashift"])
    root_properties = _wanted_root_properties(params)
    pool_properties = dict(
        (key, validate_property(key, value, field="pool_properties"))
        for key, value in (params["pool_properties"] or {}).items()
    )
    warnings = []
    if params["autotrim"] is not None:
        if client.pool_property_supported("autotrim", name):
            pool_properties["autotrim"] = "on" if params["autotrim"] else "off"
        else:
            warnings.append("this ZFS has no autotrim pool property; autotrim was left out")

    info = _pool_info(client, name)
    action = "none"
    if info is None:
        importable = client.importable_pools(params["import_dirs"])
        if name in importable:
            state = importable[name]
            if state not in (None, "ONLINE", "DEGRADED"):
                raise TappaasError("exported pool %s cannot be imported: its state is %s" % (name, state))
            action = "imported"
            if module.check_mode:
                return _finish(module, {"changed": True, "action": action}, warnings)
            import_options = dict((k, v) for k, v in pool_properties.items() if k in ("cachefile", "altroot"))
            client.pool_import(name, params["import_dirs"], import_options)
        else:
            action = "created"
            result = {"changed": True, "action": action}
            if module._diff:
                result["diff"] = {
                    "before": {"state": "absent"},
                    "after": {"state": "present", "topology": describe_vdevs(wanted), "properties": root_properties},
                }
            if not module.check_mode:
                create_options = dict(pool_properties)
                if params["ashift"] is not None:
                    create_options["ashift"] = str(params["ashift"])
                client.pool_create(
                    name,
                    vdev_arguments(wanted),
                    pool_properties=create_options,
                    root_properties=root_properties,
                    mountpoint=params["mountpoint"],
                )
                result["pool"] = _pool_info(client, name)
                result["topology"] = client.pool_topology(name)["vdevs"]
            return _finish(module, result, warnings)

    # The pool exists (or was just imported): check what cannot change, then converge what can.
    actual = client.pool_topology(name)["vdevs"]
    drift = topology_drift(name, wanted, actual)
    if drift is None and params["ashift"] is not None:
        have = client.pool_properties(name, ["ashift"]).get("ashift", ("0", "default"))[0]
        # ashift 0 means "detected per vdev" (zfs-fuse and pools created without -o ashift); nothing to compare.
        if have not in ("0", "-", "") and int(have) != params["ashift"]:
            drift = "pool %s has ashift %s but the definition wants %s (ashift is fixed when vdevs are created)" % (
                name,
                have,
                params["ashift"],
            )
    if drift:
        raise PoolDrift(drift)

    root = client.properties(name) or {}
    for prop in sorted(root_properties):
        # The root dataset lists every native property this ZFS knows; user properties carry a ':'.
        if ":" not in prop and prop not in root:
            raise InvalidInput(
                "properties.%s" % prop, "unknown property '%s' (not a native property of this ZFS)" % prop
            )
    changes = plan_property_changes(name, root_properties, [], root, field="properties")
    pool_changes = []
    if "autotrim" in pool_properties:
        have = client.pool_properties(name, ["autotrim"]).get("autotrim", ("-", "-"))[0]
        if have != pool_properties["autotrim"]:
            pool_changes.append(("autotrim", pool_properties["autotrim"]))
    result = {"changed": bool(changes or pool_changes) or action == "imported", "action": action}
    if result["changed"] and action == "none":
        result["action"] = "updated"
    if module._diff:
        view = describe(root, root_properties)
        result["diff"] = {
            "before": {"state": "present" if action == "none" else "exported", "properties": view},
            "after": {"state": "present", "properties": apply_changes_to_view(view, changes)},
        }
    if not module.check_mode:
        for change in changes:
            client.set(name, change[1], change[2])
        for prop, value in pool_changes:
            client.pool_set(name, prop, value)
    result["pool"] = _pool_info(client, name)
    result["topology"] = actual
    return _finish(module, result, warnings)


def _finish(module, result, warnings):
    for warning in warnings:
        module.warn(warning)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            topology=dict(type="str", choices=list(TOPOLOGIES)),
            disks=dict(type="list", elements="str"),
            ashift=dict(type="int"),
            properties=dict(type="dict", default={}),
            pool_properties=dict(type="dict", default={}),
            autotrim=dict(type="bool"),
            mountpoint=dict(type="str"),
            import_dirs=dict(type="list", elements="path", default=[]),
            force=dict(type="bool", default=False),
        ),
        supports_check_mode=True,
    )
    client = zfs_client(module)

    def operation():
        try:
            if module.params["state"] == "absent":
                return ensure_absent(module, client)
            return ensure_present(module, client)
        except PoolDrift as exc:
            module.fail_json(msg=str(exc), drift=str(exc), commands=client.writes)

    run_zfs_module(module, client, operation)


if __name__ == "__main__":
    main()
