# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The lab cluster every twin starts with: three nodes, the TAPPaaS storages, a cloud image and a template."""

from __future__ import annotations

import time

GIB = 1024**3
MIB = 1024**2
NODES = ("tappaas1", "tappaas2", "tappaas3")
CLUSTER_NAME = "tappaas-lab"
LAB_TOKEN_NAME = "lab"
CLOUD_IMAGE = "debian-12-genericcloud-amd64.qcow2"
CLOUD_IMAGE_VOLID = "local:import/" + CLOUD_IMAGE
TEMPLATE_VMID = 9000
TEMPLATE_NAME = "debian-12-template"
TEMPLATE_MAC = "BC:24:11:90:00:01"
# Each node's disks: tank1 and tank2 use two of them, the others are free for new pools.
NODE_DISKS = ("/dev/sdb", "/dev/sdc", "/dev/sdd", "/dev/sde")


def _storages():
    return {
        "local": {
            "type": "dir",
            "path": "/var/lib/vz",
            "content": "iso,vztmpl,backup,snippets,import",
            "files": set(),
            "active": 1,
            "avail": 80 * GIB,
        },
        "tank1": {
            "type": "zfspool",
            "pool": "tank1",
            "content": "images,rootdir",
            "sparse": 1,
            "files": set(),
            "active": 1,
            "avail": 500 * GIB,
        },
        "tank2": {
            "type": "zfspool",
            "pool": "tank2",
            "content": "images,rootdir",
            "sparse": 1,
            "files": set(),
            "active": 1,
            "avail": 500 * GIB,
        },
    }


def _volume(vmid, size, fmt="raw"):
    return {"content": "images", "format": fmt, "size": size, "vmid": vmid, "ctime": int(time.time())}


def seed_cluster(pve, token_secret):
    pve.cluster_name = CLUSTER_NAME
    pve.nodes = {name: {"online": True} for name in NODES}
    pve.storages = _storages()
    for index, node in enumerate(NODES, 1):
        # The addresses fakepve's /cluster/status reports for the nodes.
        pve.seed_node_network(node, "192.0.2.%d/24" % (10 + index), "192.0.2.1")
        pve.node_disks[node] = list(NODE_DISKS)
        pve.add_zfs_pool(node, "tank1", "single", [NODE_DISKS[0]])
        pve.add_zfs_pool(node, "tank2", "single", [NODE_DISKS[1]])

    # The import content: an image the size of Debian's genericcloud qcow2 with its 3 GiB virtual disk.
    pve.store_file("local", CLOUD_IMAGE, 330 * MIB, content="import")
    pve.storages["local"]["volumes"]["import/" + CLOUD_IMAGE]["virtual_size"] = 3 * GIB

    tank1 = pve.storages["tank1"].setdefault("volumes", {})
    tank1["base-%d-disk-0" % TEMPLATE_VMID] = _volume(TEMPLATE_VMID, 3 * GIB)
    tank1["vm-%d-cloudinit" % TEMPLATE_VMID] = _volume(TEMPLATE_VMID, 4 * MIB)
    pve.add_vm(
        TEMPLATE_VMID,
        TEMPLATE_NAME,
        node=NODES[0],
        template=True,
        config={
            "name": TEMPLATE_NAME,
            "template": 1,
            "ostype": "l26",
            "cores": 2,
            "sockets": 1,
            "cpu": "x86-64-v2-AES",
            "memory": "2048",
            "scsihw": "virtio-scsi-single",
            "scsi0": "tank1:base-%d-disk-0,discard=on,iothread=1,size=3G" % TEMPLATE_VMID,
            "ide2": "tank1:vm-%d-cloudinit,media=cdrom" % TEMPLATE_VMID,
            "net0": "virtio=%s,bridge=lan" % TEMPLATE_MAC,
            "boot": "order=scsi0",
            "agent": "1",
            "serial0": "socket",
            "vga": "serial0",
            "ciuser": "debian",
            "ipconfig0": "ip=dhcp",
            "smbios1": "uuid=9d3c6a54-6c4e-4f3a-9a43-000000009000",
            "vmgenid": "2f7d4a8e-0c51-4b0b-8f5e-000000009000",
            "meta": "creation-qemu=10.0.2,ctime=1767225600",
        },
    )

    pve.add_access_user("root@pam", comment="Built-in superuser")
    pve.add_api_token("root@pam", LAB_TOKEN_NAME, token_secret, privsep=0, comment="lab automation token")
