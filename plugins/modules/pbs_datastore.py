#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbs_datastore
short_description: Proxmox Backup Server datastores
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a datastore of a Proxmox Backup Server (C(/config/datastore)), the place vzdump
    backups land, with its garbage-collection schedule and notification settings.
  - The path cannot change once the datastore exists. Removing a datastore removes its configuration and jobs;
    the data on disk is kept unless O(destroy_data) is set.
extends_documentation_fragment:
  - tappaas.platform.pbs
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_pbs
options:
  name:
    description: Datastore name (3 to 32 characters, letters, digits, C(.), C(_) and C(-)).
    type: str
    required: true
  path:
    description: Absolute path of the datastore's directory, on a ZFS dataset of a tank (for example C(/tank2/backup)).
    type: path
  gc_schedule:
    description:
      - When garbage collection runs, as a calendar event (for example V(sat 03:00)).
      - Prune frees space only after it.
    type: str
  comment:
    description: Free text.
    type: str
  notification_mode:
    description: How PBS sends notifications for this datastore.
    type: str
    choices: [legacy-sendmail, notification-system]
  notify_user:
    description: The user that gets mail in V(legacy-sendmail) mode.
    type: str
  verify_new:
    description: Verify every new snapshot right after its backup.
    type: bool
  destroy_data:
    description: With O(state=absent), also remove the datastore's contents from disk.
    type: bool
    default: false
  state:
    description: Whether the datastore exists.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: A datastore on tank2 with a weekly garbage collection
  tappaas.platform.pbs_datastore:
    name: tappaas_backup
    path: /tank2/tappaas_backup
    gc_schedule: "sat 03:00"
    notification_mode: notification-system
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
before:
  description: The datastore before, normalised.
  returned: always
  type: dict
after:
  description: The datastore after, normalised.
  returned: always
  type: dict
resource:
  description: The datastore as PBS describes it.
  returned: when it exists
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.calendar_event import (
    CalendarEventError,
    check_calendar_event,
)
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pbs import PbsClient
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_resources import PbsConfigApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine


def _path(value):
    text = str(value)
    if not text.startswith("/"):
        raise ValueError(f"must be an absolute path, got {text!r}")
    return text.rstrip("/") or "/"


DESCRIPTOR = ResourceDescriptor(
    "datastore",
    "name",
    [
        Field("name"),
        Field("path", normalise=_path, create_only=True),
        Field("gc_schedule", api_name="gc-schedule"),
        Field("comment"),
        Field("notification_mode", api_name="notification-mode"),
        Field("notify_user", api_name="notify-user"),
        Field("verify_new", api_name="verify-new", kind="bool"),
    ],
    endpoint="/config/datastore",
)


class DatastoreApi(PbsConfigApi):
    def __init__(self, client, destroy_data):
        super().__init__(client, "datastore", "name", fixed=("path",), worker=True)
        self.destroy_data = destroy_data

    def delete(self, current):
        self.client.run_worker(
            "delete", self._path(current["name"]), "remove datastore", **{"destroy-data": 1 if self.destroy_data else 0}
        )


def main():
    module = create_module(
        "pbs",
        {
            "name": {"type": "str", "required": True},
            "path": {"type": "path"},
            "gc_schedule": {"type": "str"},
            "comment": {"type": "str"},
            "notification_mode": {"type": "str", "choices": ["legacy-sendmail", "notification-system"]},
            "notify_user": {"type": "str"},
            "verify_new": {"type": "bool"},
            "destroy_data": {"type": "bool", "default": False},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
    )
    params = module.params
    desired = {"name": params["name"]}
    if params["state"] == "present":
        fields = ("path", "gc_schedule", "comment", "notification_mode", "notify_user", "verify_new")
        desired.update({name: params[name] for name in fields})

    def operation():
        if params["state"] == "present" and params.get("gc_schedule"):
            try:
                check_calendar_event(params["gc_schedule"])
            except CalendarEventError as exc:
                raise InvalidInput("gc_schedule", str(exc)) from exc
        api = DatastoreApi(PbsClient.from_params(params), params["destroy_data"])
        engine = ResourceEngine(api, DESCRIPTOR, check_mode=module.check_mode)
        if params["state"] == "present" and not params.get("path") and api.read({"name": params["name"]}) is None:
            raise InvalidInput("path", "is required to create the datastore")
        return engine.ensure(desired, state=params["state"])

    run_module(module, operation)


if __name__ == "__main__":
    main()
