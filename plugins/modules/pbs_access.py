#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: pbs_access
short_description: A Proxmox Backup Server user, its API token and exactly their ACL entries
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Manages in one task what a least-privilege PBS account needs - a user (C(/access/users)), an API token of the
    user (C(/access/users/{userid}/token/{name})) and the ACL entries of the token and the user (C(/access/acl)).
    The typical use is the account Proxmox VE writes its backups with - C(DatastoreBackup) on one datastore only.
  - The ACL entries are exact - entries of that token (or user) on paths not listed in O(acls) are removed.
  - A PBS token is always privilege-separated - it holds only what both it and its user are granted - so with
    O(token) the user gets the same ACL entries as the token. The user has no password unless O(password) is
    given, so it cannot log in to use them itself.
  - PBS hands out a token's secret once, when the token is created (or regenerated); this module returns it in
    RV(token_secret) on that run only. Register the result with C(no_log) and pass the secret on (for example to
    M(tappaas.platform.proxmox_storage)) or store it in a vault. O(regenerate_token) makes a new secret for an
    existing token, keeping its ACL entries, when the old one is lost.
  - Paths and roles are checked before anything is written.
extends_documentation_fragment:
  - tappaas.platform.pbs
  - tappaas.platform.attributes
  - tappaas.platform.attributes.actiongroup_pbs
attributes:
  diff_mode:
    details: The user's password and the token secret never appear in the diff.
  idempotent:
    support: partial
    details: Idempotent unless O(regenerate_token) is set, which makes a new secret on every run.
options:
  userid:
    description: The user, with its realm, for example V(tappaas-pve@pbs).
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
    description: Password of a user in the C(pbs) realm, set when the user is created (PBS never returns it).
    type: str
  token:
    description: Name of an API token of the user, for example V(pve).
    type: str
  token_comment:
    description: Free text on the token.
    type: str
  token_enable:
    description: Whether the token works.
    type: bool
  regenerate_token:
    description:
      - Give the existing token a new secret (returned in RV(token_secret)); its ACL entries stay. Use it when the
        secret is lost; the old secret stops working at once.
    type: bool
    default: false
  acls:
    description:
      - The ACL entries of the token and its user (or of the user alone when O(token) is not given); entries of
        theirs on other paths are removed.
    type: list
    elements: dict
    suboptions:
      path:
        description: The ACL path, for example V(/datastore/tappaas_backup) or V(/remote/offsite).
        type: str
        required: true
      roles:
        description: PBS roles granted on the path, for example V(DatastoreBackup).
        type: list
        elements: str
        required: true
      propagate:
        description: Whether the grant applies below the path (to the datastore's namespaces).
        type: bool
        default: true
  state:
    description: V(absent) removes the token (and its ACL entries), or the user (and its tokens) when no O(token).
    type: str
    choices: [present, absent]
    default: present
"""

EXAMPLES = r"""
- name: The account PVE backs up with, allowed to write backups to one datastore and nothing else
  tappaas.platform.pbs_access:
    userid: tappaas-pve@pbs
    comment: Proxmox VE backups
    token: pve
    acls:
      - path: /datastore/tappaas_backup
        roles: [DatastoreBackup]
  register: pve_account
  no_log: true
"""

RETURN = r"""
full_tokenid:
  description: The full token id, C(user@realm!name), which is the username PVE's pbs storage takes.
  returned: when O(token) is given
  type: str
  sample: tappaas-pve@pbs!pve
token_secret:
  description: The token secret, only on the run that created or regenerated the token. Keep it secret.
  returned: when the token was created or regenerated (not in check mode)
  type: str
parts:
  description: What happened to each part (user, token, each ACL path) - action and changed fields.
  returned: always
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.access_account import AccountRun
from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pbs import PbsClient
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_access import (
    PbsAclApi,
    PbsTokenApi,
    PbsUserApi,
    check_acl_entry,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor

USER = ResourceDescriptor(
    "PBS user",
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
TOKEN = ResourceDescriptor(
    "PBS API token",
    "tokenid",
    [Field("tokenid"), Field("comment"), Field("enable", kind="bool")],
    endpoint="/access/users/{userid}/token",
)
ACL = ResourceDescriptor(
    "PBS ACL entry", "path", [Field("path"), Field("roles", kind="set"), Field("propagate", kind="bool")], "/access/acl"
)


class PbsAccessRun(AccountRun):
    """The parts of one PBS account: user, token and ACL entries."""

    ACL = ACL

    def stored_path(self, path):
        return "/" + "/".join(part for part in path.split("/") if part)  # as PBS stores it

    def validate(self):
        params = self.params
        if "@" not in params["userid"] or "!" in params["userid"]:
            raise InvalidInput("userid", f"{params['userid']!r} is not a PBS user id 'name@realm'")
        if params["regenerate_token"] and not params["token"]:
            raise InvalidInput("regenerate_token", "needs token")
        for index, entry in enumerate(params["acls"] or []):
            check_acl_entry(index, entry)

    def run(self):
        self.validate()
        params = self.params
        userid, token = params["userid"], params["token"]
        token_api = PbsTokenApi(self.client, userid)
        if params["state"] == "present":
            user = {name: params[name] for name in ("comment", "email", "enable", "password")}
            self._ensure("user", PbsUserApi(self.client), USER, dict(user, userid=userid))
            if token:
                wanted = {"tokenid": token, "comment": params["token_comment"], "enable": params["token_enable"]}
                created = self._ensure("token", token_api, TOKEN, wanted).as_module_result()["action"] == "create"
                if params["regenerate_token"] and not created:
                    self.parts["token"]["action"] = "regenerate"
                    if not self.check_mode:
                        token_api.regenerate(token)
            if params["acls"] is not None:
                self._ensure_acls(PbsAclApi(self.client, f"{userid}!{token}" if token else userid), "acl")
                if token:
                    # A token holds what it and its user are both granted, so the user needs the same entries.
                    self._ensure_acls(PbsAclApi(self.client, userid), "user acl")
        elif token:
            self._ensure("token", token_api, TOKEN, {"tokenid": token}, state="absent")
        else:
            self._ensure("user", PbsUserApi(self.client), USER, {"userid": userid}, state="absent")
        return self.result(userid, token, token_api.secret)


def main():
    module = create_module(
        "pbs",
        {
            "userid": {"type": "str", "required": True},
            "comment": {"type": "str"},
            "email": {"type": "str"},
            "enable": {"type": "bool"},
            "password": {"type": "str", "no_log": True},
            "token": {"type": "str", "no_log": False},
            "token_comment": {"type": "str"},
            "token_enable": {"type": "bool"},
            "regenerate_token": {"type": "bool", "default": False, "no_log": False},
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
    )
    run_module(
        module, lambda: PbsAccessRun(PbsClient.from_params(module.params), module.params, module.check_mode).run()
    )


if __name__ == "__main__":
    main()
