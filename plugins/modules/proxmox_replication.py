#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_replication
short_description: Proxmox VE storage replication jobs for a guest
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a ZFS storage replication job (C(/cluster/replication)) that copies a guest's
    local disks to another node on a schedule, so HA can start the guest there.
  - The job id is C(<vmid>-<job>). The target node cannot change once the job exists (PVE refuses it); remove the
    job and create a new one instead.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
options:
  vmid:
    description: The guest whose disks are replicated.
    type: int
    required: true
  job:
    description: Job number of this guest (a guest may replicate to several nodes).
    type: int
    default: 0
  target:
    description: The node to replicate to. Required to create the job.
    type: str
  schedule:
    description: How often, as a PVE calendar event; PVE's default is V(*/15) (every 15 minutes).
    type: str
  rate:
    description: Bandwidth limit in MB/s.
    type: float
  comment:
    description: Free text.
    type: str
  disable:
    description: Disable the job without removing it.
    type: bool
  state:
    description: Whether the job exists.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: Replicate nextcloud to tappaas2 every 15 minutes at up to 100 MB/s
  tappaas.platform.proxmox_replication:
    vmid: 210
    target: tappaas2
    schedule: "*/15"
    rate: 100
"""

RETURN = r"""
action:
  description: What was done, V(create), V(update), V(delete) or V(none).
  returned: always
  type: str
  sample: create
changed_fields:
  description: The options that changed or would change.
  returned: always
  type: list
  elements: str
  sample: [schedule]
before:
  description: The job before, normalised.
  returned: always
  type: dict
after:
  description: The job after, normalised.
  returned: always
  type: dict
resource:
  description: The job as PVE describes it.
  returned: when it exists
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.pve_resources import ReplicationApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine


def _rate(value):
    # PVE stores the number as given (100 or 100.0); compare the value, not its spelling.
    return "%g" % float(value)


DESCRIPTOR = ResourceDescriptor(
    "replication job",
    "id",
    [
        Field("id"),
        Field("target", create_only=True),
        Field("schedule"),
        Field("rate", normalise=_rate),
        Field("comment"),
        Field("disable", kind="bool"),
    ],
    endpoint="/cluster/replication",
)


def main():
    module = create_module(
        "proxmox",
        {
            "vmid": {"type": "int", "required": True},
            "job": {"type": "int", "default": 0},
            "target": {"type": "str"},
            "schedule": {"type": "str"},
            "rate": {"type": "float"},
            "comment": {"type": "str"},
            "disable": {"type": "bool"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        required_if=[("state", "present", ["target"])],
    )
    params = module.params
    desired = {"id": f"{params['vmid']}-{params['job']}"}
    if params["state"] == "present":
        desired.update({name: params[name] for name in ("target", "schedule", "rate", "comment", "disable")})

    def operation():
        engine = ResourceEngine(ReplicationApi(PveClient.from_params(params)), DESCRIPTOR, check_mode=module.check_mode)
        return engine.ensure(desired, state=params["state"])

    run_module(module, operation)


if __name__ == "__main__":
    main()
