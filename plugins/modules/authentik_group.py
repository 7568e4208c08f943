#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: authentik_group
short_description: Manage an authentik group, its parents and its members
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Creates, updates or removes a group in authentik (Directory > Groups), identified by its name.
  - Only the options you set are compared; parents and members are compared as sets, so order never causes a change.
  - Members are managed additively by default (listed users are added, others stay); O(members_mode=exact) also
    removes users that are not listed.
  - Before authentik 2025.12 a group has a single parent; the module detects the version and sends C(parent) then.
options:
  name:
    description: The group's name, unique in authentik.
    type: str
    required: true
  is_superuser:
    description: Whether members of this group are authentik superusers.
    type: bool
  parents:
    description:
      - Names of the parent groups. Each must exist.
      - authentik before 2025.12 accepts at most one parent.
    type: list
    elements: str
  attributes:
    description:
      - Free-form attributes. Only the keys you give are compared and changed; other keys stay.
    type: dict
  members:
    description: Usernames of the group's members. Each user must exist.
    type: list
    elements: str
  members_mode:
    description:
      - V(additive) adds the listed users and leaves other members alone.
      - V(exact) makes the listed users the only members.
    type: str
    choices: [additive, exact]
    default: additive
  state:
    description: Whether the group should exist.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - tappaas.platform.authentik
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_authentik
"""

EXAMPLES = r"""
- name: The installers group, with akadmin as a member
  tappaas.platform.authentik_group:
    name: tappaas-installers
    members: [akadmin]
    attributes:
      tappaas_role: installers

- name: Admins of the home scope, inside the installers group
  tappaas.platform.authentik_group:
    name: home-admins
    parents: [tappaas-installers]

- name: Remove a group
  tappaas.platform.authentik_group:
    name: old-team
    state: absent
"""

RETURN = r"""
changed_fields:
  description: The options that differed and were (or in check mode would be) changed.
  returned: always
  type: list
  elements: str
  sample: [users]
group:
  description: The group as authentik returned it; absent after deletion, or in check mode before creation.
  returned: when the group exists
  type: dict
  sample: {"pk": "3f0c2f7e-3d6b-4f7e-9a53-1a3f5c9a2b11", "name": "tappaas-installers", "users": [4]}
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.authentik import client_from_params
from ansible_collections.tappaas.platform.plugins.module_utils.authentik_resource import CollectionApi
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.resource import (
    Field,
    ResourceDescriptor,
    ResourceEngine,
)


def group_descriptor(parents_field="parents"):
    """The group resource; before authentik 2025.12 the parent is one UUID in `parent`, not a list."""
    parents = Field("parents", kind="set", api_name="parents")
    if parents_field == "parent":
        parents = Field("parents", kind="str", api_name="parent")
    return ResourceDescriptor(
        "group",
        "name",
        [
            Field("name"),
            Field("is_superuser", kind="bool"),
            parents,
            Field("attributes", kind="dict"),
            Field("users", kind="set"),
        ],
        endpoint="core/groups",
    )


def desired_state(client, api, params):
    """The group's desired fields with names resolved to the UUIDs and user pks authentik stores."""
    desired = {name: params[name] for name in ("name", "is_superuser", "attributes")}
    parents_field = "parents"
    if params["parents"] is not None:
        parents_field = client.group_parents_field()
        pks = client.group_pks(params["parents"], option="parents")
        if parents_field == "parent":
            if len(pks) > 1:
                raise InvalidInput("parents", "this authentik (before 2025.12) allows one parent group only")
            desired["parents"] = pks[0] if pks else None
        else:
            desired["parents"] = pks
    if params["members"] is not None:
        wanted = client.user_pks(params["members"], option="members")
        current = api.read({"name": params["name"]}) if params["members_mode"] == "additive" else None
        desired["users"] = sorted(set(wanted) | set((current or {}).get("users", [])))
    return group_descriptor(parents_field), desired


def run(module):
    params = module.params
    client = client_from_params(params)
    api = CollectionApi(client, "core/groups", "name", list_params={"include_users": "false"})
    if params["state"] == "absent":
        descriptor, desired = group_descriptor(), {"name": params["name"]}
    else:
        descriptor, desired = desired_state(client, api, params)
    result = ResourceEngine(api, descriptor, module.check_mode).ensure(desired, params["state"])
    output = result.as_module_result()
    output["group"] = output.pop("resource")
    if output["group"] is None:
        output.pop("group")
    return output


def main():
    module = create_module(
        "authentik",
        dict(
            name=dict(type="str", required=True),
            is_superuser=dict(type="bool"),
            parents=dict(type="list", elements="str"),
            attributes=dict(type="dict"),
            members=dict(type="list", elements="str"),
            members_mode=dict(type="str", choices=["additive", "exact"], default="additive"),
            state=dict(type="str", choices=["present", "absent"], default="present"),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
