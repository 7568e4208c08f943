#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: proxmox_access
short_description: A Proxmox VE user, its role, a privilege-separated API token and exactly its ACLs
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Manages in one task what an automation account needs, so that nothing runs as C(root@pam) - a user
    (C(/access/users)), a role with exactly the given privileges (C(/access/roles)), an API token of the user
    with privilege separation (C(/access/users/{userid}/token/{tokenid})) and the ACL entries of the token (or
    of the user when no token is given) (C(/access/acl)).
  - The ACL entries are exact - entries of that token or user on paths not listed in O(acls) are removed.
  - With O(token), the user gets the same ACL entries as the token. A privilege-separated token only holds what
    both it and its user are granted; the user has no password unless O(password) is given, so it cannot log in
    to use them itself.
  - PVE hands out a token's secret once, when the token is created; this module returns it in RV(token_secret)
    on that run only. Register the result with C(no_log) and store the secret in a vault.
extends_documentation_fragment:
  - tappaas.platform.proxmox
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_proxmox
attributes:
  diff_mode:
    details: The user's password and the token secret never appear in the diff.
options:
  userid:
    description: The user, with its realm, for example V(tappaas@pve).
    type: str
    required: true
  comment:
    description: Free text on the user.
    type: str
  email:
    description: E-mail address of the user.
    type: str
  enable:
    description: Whether the user may log in and its tokens work.
    type: bool
  password:
    description: Password of a user in the C(pve) realm, set when the user is created (PVE never returns it).
    type: str
  role:
    description: A role to manage, by name. Its privileges are exactly O(privileges).
    type: str
  privileges:
    description: The privileges of O(role), for example V(VM.Allocate). Compared as a set.
    type: list
    elements: str
  token:
    description: Name of an API token of the user, for example V(ansible).
    type: str
  token_privsep:
    description: Privilege separation - the token has only the ACLs given to it, never all of the user's.
    type: bool
    default: true
  token_comment:
    description: Free text on the token.
    type: str
  token_expire:
    description: Expiry of the token as a Unix time; V(0) never expires.
    type: int
  acls:
    description:
      - The ACL entries of the token and its user (or of the user alone when O(token) is not given); entries of
        theirs on other paths are removed.
    type: list
    elements: dict
    suboptions:
      path:
        description: The ACL path, for example V(/) or V(/vms/210) or V(/storage/tank1).
        type: str
        required: true
      roles:
        description: Roles granted on the path.
        type: list
        elements: str
        required: true
      propagate:
        description: Whether the grant applies below the path.
        type: bool
        default: true
  state:
    description:
      - V(absent) removes the token (and its ACLs), or the user when no O(token) is given, and O(role) when given.
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: The automation account with exactly the privileges TAPPaaS needs
  tappaas.platform.proxmox_access:
    userid: tappaas@pve
    comment: TAPPaaS automation
    role: TAPPaaS
    privileges: [VM.Allocate, VM.Audit, VM.Config.Disk, VM.PowerMgmt, Datastore.AllocateSpace, Sys.Audit]
    token: ansible
    acls:
      - path: /
        roles: [TAPPaaS]
  register: automation
  no_log: true
"""

RETURN = r"""
full_tokenid:
  description: The full token id, C(user@realm!name).
  returned: when O(token) is given
  type: str
  sample: tappaas@pve!ansible
token_secret:
  description: The token secret, only on the run that created the token. Keep it secret.
  returned: when the token was created (not in check mode)
  type: str
parts:
  description: What happened to each part (user, role, token, each ACL path) - action and changed fields.
  returned: always
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.access_account import AccountRun
from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.pve import PveClient
from ansible_collections.tappaas.platform.plugins.module_utils.pve_resources import AclApi, RoleApi, TokenApi, UserApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor

USER = ResourceDescriptor(
    "user",
    "userid",
    [
        Field("userid"),
        Field("comment"),
        Field("email"),
        Field("enable", kind="bool"),
        Field("password", secret=True, write_only=True, create_only=True),
    ],
    endpoint="/access/users",
)
ROLE = ResourceDescriptor("role", "roleid", [Field("roleid"), Field("privs", kind="set")], endpoint="/access/roles")
TOKEN = ResourceDescriptor(
    "API token",
    "tokenid",
    [Field("tokenid"), Field("privsep", kind="bool"), Field("comment"), Field("expire", kind="int")],
    endpoint="/access/users/{userid}/token",
)
ACL = ResourceDescriptor(
    "ACL entry", "path", [Field("path"), Field("roles", kind="set"), Field("propagate", kind="bool")], "/access/acl"
)


class AccessRun(AccountRun):
    """The parts of one PVE account: user, role, token and ACL entries."""

    ACL = ACL

    def run(self):
        params = self.params
        userid, token = params["userid"], params["token"]
        token_api = TokenApi(self.client, userid)
        principal = (f"{userid}!{token}", "token") if token else (userid, "user")
        if params["state"] == "present":
            user = {name: params[name] for name in ("comment", "email", "enable", "password")}
            self._ensure("user", UserApi(self.client), USER, dict(user, userid=userid))
            if params["role"]:
                self._ensure(
                    "role", RoleApi(self.client), ROLE, {"roleid": params["role"], "privs": params["privileges"]}
                )
            if token:
                wanted = {"tokenid": token, "privsep": params["token_privsep"], "comment": params["token_comment"]}
                wanted["expire"] = params["token_expire"]
                self._ensure("token", token_api, TOKEN, wanted)
            if params["acls"] is not None:
                self._ensure_acls(AclApi(self.client, *principal), "acl")
                if token:
                    # A privilege-separated token holds what it and its user are both granted, so the user
                    # needs the same entries; without a password it cannot log in to use them itself.
                    self._ensure_acls(AclApi(self.client, userid, "user"), "user acl")
        else:
            if token:
                self._ensure("token", token_api, TOKEN, {"tokenid": token}, state="absent")
            else:
                self._ensure("user", UserApi(self.client), USER, {"userid": userid}, state="absent")
            if params["role"]:
                self._ensure("role", RoleApi(self.client), ROLE, {"roleid": params["role"]}, state="absent")
        return self.result(userid, token, token_api.secret)


def main():
    module = create_module(
        "proxmox",
        {
            "userid": {"type": "str", "required": True},
            "comment": {"type": "str"},
            "email": {"type": "str"},
            "enable": {"type": "bool"},
            "password": {"type": "str", "no_log": True},
            "role": {"type": "str"},
            "privileges": {"type": "list", "elements": "str"},
            "token": {"type": "str", "no_log": False},
            "token_privsep": {"type": "bool", "default": True},
            "token_comment": {"type": "str"},
            "token_expire": {"type": "int", "no_log": False},
            "acls": {
                "type": "list",
                "elements": "dict",
                "options": {
                    "path": {"type": "str", "required": True},
                    "roles": {"type": "list", "elements": "str", "required": True},
                    "propagate": {"type": "bool", "default": True},
                },
            },
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        },
        required_by={"privileges": ("role",)},
    )
    if module.params["state"] == "present" and module.params["role"] and module.params["privileges"] is None:
        module.fail_json(msg="privileges: is required with role when state=present", field="privileges")
    run_module(module, lambda: AccessRun(PveClient.from_params(module.params), module.params, module.check_mode).run())


if __name__ == "__main__":
    main()
