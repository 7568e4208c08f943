#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_storage
short_description: Proxmox VE storage definitions (ZFS pool, directory, Proxmox Backup Server)
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a cluster-wide storage definition (C(/storage)).
  - Content types and nodes are compared as sets; options not given are left as they are.
  - The type and the pool, path or datastore behind a storage cannot change once it exists; asking for another
    value fails before anything is changed.
  - Removing a definition does not touch the data on the pool, directory or datastore.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
options:
  storage:
    description: The storage id.
    type: str
    required: true
  type:
    description: Storage type. Required to create the storage.
    type: str
    choices: [zfspool, dir, pbs]
  pool:
    description: ZFS pool or dataset, for O(type=zfspool).
    type: str
  path:
    description: Directory, for O(type=dir).
    type: str
  server:
    description: Proxmox Backup Server address, for O(type=pbs).
    type: str
  port:
    description: TCP port of the Proxmox Backup Server, for O(type=pbs); PVE's default is 8007.
    type: int
  datastore:
    description: Datastore on the Proxmox Backup Server, for O(type=pbs).
    type: str
  username:
    description: User (with realm, and token name when a token is used) on the Proxmox Backup Server.
    type: str
  password:
    description:
      - Password or token secret for the Proxmox Backup Server. PVE never returns it, so it is sent when the
        storage is created, and on every run with O(update_password=always).
    type: str
  update_password:
    description: When to send O(password).
    type: str
    choices: [on_create, always]
    default: on_create
  fingerprint:
    description: SHA-256 fingerprint of the Proxmox Backup Server's TLS certificate.
    type: str
  content:
    description: Content types, for example V(images), V(rootdir), V(backup), V(iso), V(import), V(snippets).
    type: list
    elements: str
  nodes:
    description: Nodes the storage is available on; an empty list means all nodes.
    type: list
    elements: str
  disable:
    description: Disable the storage.
    type: bool
  state:
    description: Whether the storage definition exists.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: The redundant tank for VM disks on every node
  tappaas.platform.proxmox_storage:
    storage: tank1
    type: zfspool
    pool: tank1
    content: [images, rootdir]
    nodes: []

- name: The Proxmox Backup Server datastore
  tappaas.platform.proxmox_storage:
    storage: pbs
    type: pbs
    server: 10.0.0.5
    datastore: tappaas
    username: backup@pbs!pve
    password: "{{ vault_pbs_token_secret }}"
    fingerprint: "{{ pbs_fingerprint }}"
    content: [backup]
"""

RETURN = r"""
action:
  description: What was done, V(create), V(update), V(delete) or V(none).
  returned: always
  type: str
  sample: update
changed_fields:
  description: The options that changed or would change.
  returned: always
  type: list
  elements: str
  sample: [content]
before:
  description: The storage before, normalised; the password redacted.
  returned: always
  type: dict
after:
  description: The storage after, normalised; the password redacted.
  returned: always
  type: dict
resource:
  description: The storage as PVE describes it, the password redacted.
  returned: when it exists
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.pve_resources import StorageApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

DESCRIPTOR = ResourceDescriptor(
    "storage",
    "storage",
    [
        Field("storage"),
        Field("type", create_only=True),
        Field("pool", create_only=True),
        Field("path", create_only=True),
        Field("server"),
        Field("port", kind="int"),
        Field("datastore", create_only=True),
        Field("username"),
        Field("password", secret=True, write_only=True),
        Field("fingerprint"),
        Field("content", kind="set"),
        Field("nodes", kind="set"),
        Field("disable", kind="bool"),
    ],
    endpoint="/storage",
)
OPTIONS = list(DESCRIPTOR.fields)


def main():
    module = create_module(
        "proxmox",
        {
            "storage": {"type": "str", "required": True},
            "type": {"type": "str", "choices": ["zfspool", "dir", "pbs"]},
            "pool": {"type": "str"},
            "path": {"type": "str"},
            "server": {"type": "str"},
            "port": {"type": "int"},
            "datastore": {"type": "str"},
            "username": {"type": "str"},
            "password": {"type": "str", "no_log": True},
            "update_password": {
                "type": "str",
                "choices": ["on_create", "always"],
                "default": "on_create",
                "no_log": False,
            },
            "fingerprint": {"type": "str"},
            "content": {"type": "list", "elements": "str"},
            "nodes": {"type": "list", "elements": "str"},
            "disable": {"type": "bool"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        required_if=[
            ("type", "zfspool", ["pool"]),
            ("type", "dir", ["path"]),
            ("type", "pbs", ["server", "datastore", "username"]),
        ],
    )
    params = module.params
    state = params["state"]
    desired = {"storage": params["storage"]} if state == "absent" else {name: params[name] for name in OPTIONS}

    def operation():
        engine = ResourceEngine(StorageApi(PveClient.from_params(params)), DESCRIPTOR, check_mode=module.check_mode)
        return engine.ensure(desired, state=state, update_write_only=params["update_password"])

    run_module(module, operation)


if __name__ == "__main__":
    main()
