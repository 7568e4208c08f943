#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: authentik_user
short_description: Manage an authentik user, its groups and its password
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a user in authentik (Directory > Users), identified by its username.
  - Only the options you set are compared; groups are compared as a set.
  - The password cannot be read back, so it is set when the user is created, or on every run with
    O(update_password=always). It is sent only to authentik's C(set_password) endpoint and never logged.
  - Service accounts are users with O(type=service_account).
options:
  username:
    description: The username, the user's unique key.
    type: str
    required: true
  name:
    description: The display name. Defaults to the username when the user is created.
    type: str
  email:
    description: The e-mail address.
    type: str
  active:
    description: Whether the user may sign in.
    type: bool
  type:
    description: The kind of user.
    type: str
    choices: [internal, external, service_account, internal_service_account]
  path:
    description: The path the user is listed under, for example V(users) or V(tappaas/automation).
    type: str
  attributes:
    description: Free-form attributes. Only the keys you give are compared and changed.
    type: dict
  groups:
    description: Names of groups the user belongs to. Each must exist.
    type: list
    elements: str
  groups_mode:
    description:
      - V(additive) adds the user to the listed groups and leaves other memberships alone.
      - V(exact) makes the listed groups the user's only groups.
    type: str
    choices: [additive, exact]
    default: additive
  password:
    description: The password. Sent only when the user is created, or on every run with O(update_password=always).
    type: str
  update_password:
    description: When to send O(password).
    type: str
    choices: [on_create, always]
    default: on_create
  state:
    description: Whether the user should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.authentik
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_authentik
"""

EXAMPLES = r"""
- name: An installer account
  tappaas.platform.authentik_user:
    username: alice
    name: Alice Example
    email: alice@example.org
    groups: [tappaas-installers]
    password: "{{ vault_alice_initial_password }}"

- name: A service account for automation
  tappaas.platform.authentik_user:
    username: tappaas-automation
    type: service_account
    path: tappaas/automation
    groups: [authentik Admins]
"""

RETURN = r"""
changed_fields:
  description: The options that differed and were (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
  sample: [email]
user:
  description: The user as authentik returned it.
  returned: when the user exists (not in check mode before creation)
  type: dict
  sample: {"pk": 7, "username": "alice", "is_active": true}
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.authentik import client_from_params
from ansible_collections.tappaas.platform.plugins.module_utils.authentik_resource import CollectionApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import (
    Field,
    ResourceDescriptor,
    ResourceEngine,
)

USER = ResourceDescriptor(
    "user",
    "username",
    [
        Field("username"),
        Field("name"),
        Field("email"),
        Field("active", kind="bool", api_name="is_active"),
        Field("type"),
        Field("path"),
        Field("attributes", kind="dict"),
        Field("groups", kind="set"),
        Field("password", secret=True, write_only=True),
    ],
    endpoint="core/users",
)


class UserApi(CollectionApi):
    """Users take no password in their body: it goes to set_password/ once the user exists."""

    def create(self, payload):
        password = payload.pop("password", None)
        created = super().create(payload)
        if password is not None:
            self.client.post(self.path, created["pk"], "set_password", body={"password": password})
        return created

    def update(self, current, payload):
        password = payload.pop("password", None)
        updated = super().update(current, payload) if payload else None
        if password is not None:
            self.client.post(self.path, current["pk"], "set_password", body={"password": password})
        return updated


def run(module):
    params = module.params
    client = client_from_params(params)
    api = UserApi(client, "core/users", "username")
    desired = {"username": params["username"]}
    if params["state"] == "present":
        desired.update(
            {
                "name": params["name"],
                "email": params["email"],
                "active": params["active"],
                "type": params["type"],
                "path": params["path"],
                "attributes": params["attributes"],
                "password": params["password"],
            }
        )
        current = api.read({"username": params["username"]})
        if current is None and desired["name"] is None:
            desired["name"] = params["username"]  # authentik requires a name
        if params["groups"] is not None:
            wanted = client.group_pks(params["groups"], option="groups")
            kept = (current or {}).get("groups", []) if params["groups_mode"] == "additive" else []
            desired["groups"] = sorted(set(wanted) | set(kept))
    engine = ResourceEngine(api, USER, module.check_mode)
    result = engine.ensure(desired, params["state"], update_write_only=params["update_password"])
    output = result.as_module_result()
    user = output.pop("resource")
    if user is not None:
        output["user"] = user
    return output


def main():
    module = create_module(
        "authentik",
        dict(
            username=dict(type="str", required=True),
            name=dict(type="str"),
            email=dict(type="str"),
            active=dict(type="bool"),
            type=dict(type="str", choices=["internal", "external", "service_account", "internal_service_account"]),
            path=dict(type="str"),
            attributes=dict(type="dict"),
            groups=dict(type="list", elements="str"),
            groups_mode=dict(type="str", choices=["additive", "exact"], default="additive"),
            password=dict(type="str", no_log=True),
            update_password=dict(type="str", choices=["on_create", "always"], default="on_create", no_log=False),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
