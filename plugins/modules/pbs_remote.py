#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbs_remote
short_description: Proxmox Backup Server remotes (other PBS servers to sync with)
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a remote of a Proxmox Backup Server (C(/config/remote)), another PBS that sync
    jobs pull from or push to, the off-site copy of a 3-2-1 backup.
  - PBS never reads the secret back, so O(password) is sent when the remote is created, and on later runs only
    with O(update_password=always) (which then reports a change).
extends_documentation_fragment:
  - tappaas.platform.pbs
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_pbs
options:
  name:
    description: Remote name (3 to 32 characters).
    type: str
    required: true
  host:
    description: Host name or address of the remote PBS. Required to create the remote.
    type: str
  port:
    description: API port of the remote PBS; PBS's default is 8007.
    type: int
  fingerprint:
    description:
      - SHA-256 fingerprint of the remote's certificate (32 colon-separated hex bytes).
      - Needed unless the remote's certificate chains to a CA the local PBS trusts.
    type: str
  auth_id:
    description: The user or API token (C(user@realm!name)) to log in to the remote as. Required to create it.
    type: str
  password:
    description: The password or token secret for O(auth_id). Required to create the remote. Never logged.
    type: str
  update_password:
    description: V(on_create) sends O(password) only when creating; V(always) sends it every run.
    type: str
    choices: [on_create, always]
    default: on_create
  comment:
    description: Free text.
    type: str
  state:
    description: Whether the remote exists.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: The off-site PBS of a buddy site, with a sync-only token
  tappaas.platform.pbs_remote:
    name: offsite
    host: pbs.buddy.example
    fingerprint: "64:d3:ff:3a:50:38:53:5a:9b:f7:50:...:2b"
    auth_id: "sync@pbs!tappaas"
    password: "{{ vault_offsite_token }}"
"""

RETURN = r"""
action:
  description: What was done, V(create), V(update), V(delete) or V(none).
  returned: always
  type: str
changed_fields:
  description: The options that changed or would change.
  returned: always
  type: list
  elements: str
before:
  description: The remote before, normalised (the password is never shown).
  returned: always
  type: dict
after:
  description: The remote after, normalised (the password is never shown).
  returned: always
  type: dict
resource:
  description: The remote as PBS describes it.
  returned: when it exists
  type: dict
"""

import re

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pbs import PbsClient
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_resources import PbsConfigApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

FINGERPRINT = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){31}$")


def _fingerprint(value):
    text = str(value).strip().lower()
    if not FINGERPRINT.match(text):
        raise ValueError("must be 32 colon-separated hex bytes (the SHA-256 fingerprint)")
    return text


def _auth_id(value):
    text = str(value)
    if "@" not in text.split("!", maxsplit=1)[0]:
        raise ValueError(f"must be user@realm or user@realm!token, got {text!r}")
    return text


DESCRIPTOR = ResourceDescriptor(
    "remote",
    "name",
    [
        Field("name"),
        Field("host"),
        Field("port", kind="int"),
        Field("fingerprint", normalise=_fingerprint),
        Field("auth_id", api_name="auth-id", normalise=_auth_id),
        Field("password", secret=True, write_only=True),
        Field("comment"),
    ],
    endpoint="/config/remote",
)

REQUIRED_TO_CREATE = ("host", "auth_id", "password")


def main():
    module = create_module(
        "pbs",
        {
            "name": {"type": "str", "required": True},
            "host": {"type": "str"},
            "port": {"type": "int"},
            "fingerprint": {"type": "str"},
            "auth_id": {"type": "str"},
            "password": {"type": "str", "no_log": True},
            "update_password": {
                "type": "str",
                "choices": ["on_create", "always"],
                "default": "on_create",
                "no_log": False,
            },
            "comment": {"type": "str"},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
    )
    params = module.params
    desired = {"name": params["name"]}
    if params["state"] == "present":
        desired.update(
            {name: params[name] for name in ("host", "port", "fingerprint", "auth_id", "password", "comment")}
        )

    def operation():
        api = PbsConfigApi(PbsClient.from_params(params), "remote", "name")
        engine = ResourceEngine(api, DESCRIPTOR, check_mode=module.check_mode)
        if params["state"] == "present":
            DESCRIPTOR.normalise_desired(desired)  # bad input fails before the first request
            if api.read({"name": params["name"]}) is None:
                for name in REQUIRED_TO_CREATE:
                    if not params.get(name):
                        raise InvalidInput(name, "is required to create the remote")
        return engine.ensure(desired, state=params["state"], update_write_only=params["update_password"])

    run_module(module, operation)


if __name__ == "__main__":
    main()
