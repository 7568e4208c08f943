# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ZFS pools on nodes (/nodes/{node}/disks/zfs), as PVE's disk management creates and lists them.

Each node has a few disks; a pool takes some of them with a RAID level whose minimum disk count PVE enforces.
Creating with ``add_storage=1`` also adds a zfspool storage for the node, as PVE does.
"""

from __future__ import annotations

from fakepve.routing import die

GIB = 1024**3
ZFS = "/nodes/{node}/disks/zfs"
ONE_POOL = ZFS + "/{name}"
# RAID level -> (minimum disks, exact count or None)
RAID_RULES = {"single": (1, 1), "mirror": (2, None), "raid10": (4, None), "raidz": (3, None), "raidz2": (4, None)}
RAID_RULES["raidz3"] = (5, None)
DISK_BYTES = 500 * GIB


class ZfsApi:
    """Mixin of FakePve: per-node ZFS pools and the disks they use."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # node -> {pool name: {"raidlevel", "devices": [...], "size", "alloc"}}
        self.zfs_pools = {}
        # node -> [disk paths]
        self.node_disks = {}

    def _routes_zfs(self):
        return [
            ("GET", ZFS, self._zfs_list),
            ("POST", ZFS, self._zfs_create),
            ("GET", ONE_POOL, self._zfs_read),
            ("DELETE", ONE_POOL, self._zfs_delete),
        ]

    def add_zfs_pool(self, node, name, raidlevel, devices):
        """Seed or create a pool; its size follows the RAID level (mirrors keep one disk's worth)."""
        data_disks = {"single": 1, "mirror": 1, "raid10": len(devices) // 2}.get(raidlevel, len(devices) - 1)
        if raidlevel == "raidz2":
            data_disks = len(devices) - 2
        elif raidlevel == "raidz3":
            data_disks = len(devices) - 3
        self.zfs_pools.setdefault(node, {})[name] = {
            "raidlevel": raidlevel,
            "devices": list(devices),
            "size": data_disks * DISK_BYTES,
            "alloc": 0,
        }

    def _zfs_used_devices(self, node):
        return {device for pool in self.zfs_pools.get(node, {}).values() for device in pool["devices"]}

    async def _zfs_list(self, values, user):
        items = []
        for name, pool in sorted(self.zfs_pools.get(values["node"], {}).items()):
            items.append(
                {
                    "name": name,
                    "size": pool["size"],
                    "alloc": pool["alloc"],
                    "free": pool["size"] - pool["alloc"],
                    "frag": 0,
                    "dedup": 1.0,
                    "health": "ONLINE",
                }
            )
        return items

    def _zfs_check_devices(self, node, raidlevel, devices):
        minimum, exact = RAID_RULES[raidlevel]
        if exact == 1 and len(devices) != 1:
            raise die("please give only one disk for single disk mode")
        if raidlevel == "raid10" and len(devices) % 2:
            raise die("raid10 needs an even number of disks")
        if len(devices) < minimum:
            raise die("%s needs at least %d disks" % (raidlevel, minimum))
        known = self.node_disks.get(node, [])
        used = self._zfs_used_devices(node)
        for device in devices:
            if device not in known:
                raise die("'%s' is not a valid local disk" % device)
            if device in used:
                raise die("device '%s' is already in use" % device)

    async def _zfs_create(self, values, user):
        node, name = values["node"], values["name"]
        devices = [item for item in str(values["devices"]).replace(";", ",").replace(" ", ",").split(",") if item]
        if name in self.zfs_pools.get(node, {}):
            raise die("pool '%s' already exists on node '%s'" % (name, node))
        if values.get("draid-config") and not values["raidlevel"].startswith("draid"):
            raise die("draid-config set without using dRAID level")
        if values["raidlevel"] not in RAID_RULES:
            raise die("%s needs a dRAID layout the lab does not model" % values["raidlevel"])
        self._zfs_check_devices(node, values["raidlevel"], devices)
        add_storage = values.get("add_storage")
        if add_storage and name in self.storages:
            raise die("Storage ID '%s' already exists on node %s" % (name, node))

        async def body():
            self.add_zfs_pool(node, name, values["raidlevel"], devices)
            if add_storage:
                self.storages[name] = {
                    "type": "zfspool",
                    "pool": name,
                    "content": "images,rootdir",
                    "nodes": node,
                    "files": set(),
                    "active": 1,
                    "avail": self.zfs_pools[node][name]["size"],
                }
            return None

        return await self.task(node, "zfscreate", name, user, body)

    async def _zfs_read(self, values, user):
        pool = self.zfs_pools.get(values["node"], {}).get(values["name"])
        if pool is None:
            raise die("zpool '%s' does not exist" % values["name"])
        leaves = [
            {"name": device.rsplit("/", 1)[-1], "state": "ONLINE", "read": 0, "write": 0, "cksum": 0, "leaf": 1}
            for device in pool["devices"]
        ]
        if pool["raidlevel"] != "single":
            vdev = {"mirror": "mirror-0", "raid10": "mirror-0"}.get(pool["raidlevel"], pool["raidlevel"] + "-0")
            leaves = [{"name": vdev, "state": "ONLINE", "read": 0, "write": 0, "cksum": 0, "children": leaves}]
        return {
            "name": values["name"],
            "state": "ONLINE",
            "errors": "No known data errors",
            "children": [
                {"name": values["name"], "state": "ONLINE", "read": 0, "write": 0, "cksum": 0, "children": leaves}
            ],
        }

    async def _zfs_delete(self, values, user):
        node, name = values["node"], values["name"]
        if name not in self.zfs_pools.get(node, {}):
            raise die("zpool '%s' does not exist" % name)

        async def body():
            del self.zfs_pools[node][name]
            if values.get("cleanup-config") and name in self.storages:
                nodes = [n for n in str(self.storages[name].get("nodes") or "").split(",") if n and n != node]
                if nodes:
                    self.storages[name]["nodes"] = ",".join(nodes)
                else:
                    del self.storages[name]
            return None

        return await self.task(node, "zfsremove", name, user, body)
