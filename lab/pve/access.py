# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Access control: users, roles, API tokens with privilege separation, and ACLs (user.cfg).

fakepve synthesises /access answers and only knows ``pve.acl``; here they are kept, and permission checks
follow them: a user holds the privileges of the roles granted to it (or its groups) on the path or, with
``propagate``, on a parent path; a token with ``privsep=1`` holds only what is granted to the token and to its
user both; with ``privsep=0`` it holds its user's. root@pam holds everything.
"""

from __future__ import annotations

import re
import uuid

from fakepve import shapes
from fakepve.model import PveError
from fakepve.routing import die, split_list

REALMS = ("pam", "pve")
USER_OPTIONS = ("enable", "expire", "comment", "email", "firstname", "lastname", "keys")
ALL_PRIVILEGES = tuple(sorted(shapes.PRIVILEGES))


def _privs(*patterns):
    return tuple(p for p in ALL_PRIVILEGES if any(re.fullmatch(pattern, p) for pattern in patterns))


# PVE's built-in roles (special, not editable), by the privilege groups PVE builds them from.
BUILTIN_ROLES = {
    "Administrator": ALL_PRIVILEGES,
    "NoAccess": (),
    "PVEAdmin": _privs(r"(?!Sys\.Modify$|Permissions\.Modify$|Realm\.Allocate$).*"),
    "PVEAuditor": _privs(r".*\.Audit"),
    "PVEDatastoreAdmin": _privs(r"Datastore\..*"),
    "PVEDatastoreUser": ("Datastore.AllocateSpace", "Datastore.Audit"),
    "PVEMappingAdmin": _privs(r"Mapping\..*"),
    "PVEMappingUser": ("Mapping.Audit", "Mapping.Use"),
    "PVEPoolAdmin": ("Pool.Allocate", "Pool.Audit"),
    "PVEPoolUser": ("Pool.Audit",),
    "PVESDNAdmin": _privs(r"SDN\..*"),
    "PVESDNUser": ("SDN.Audit", "SDN.Use"),
    "PVESysAdmin": _privs(r"Sys\..*", r"Permissions\.Modify"),
    "PVETemplateUser": ("VM.Audit", "VM.Clone"),
    "PVEUserAdmin": ("Group.Allocate", "Realm.AllocateUser", "User.Modify"),
    "PVEVMAdmin": _privs(r"VM\..*", r"Datastore\.AllocateSpace", r"Datastore\.Audit", r"SDN\.Use"),
    "PVEVMUser": _privs(r"VM\.(Audit|Backup|Console|PowerMgmt|Config\.(CDROM|Cloudinit|Options)|Snapshot.*)"),
}


def _user_realm(userid):
    name, _at, realm = userid.rpartition("@")
    if not name:
        raise die("value '%s' does not look like a valid user name" % userid)
    return realm


class AccessApi:
    """Mixin of FakePve: stateful users, roles, tokens and ACLs, and permission checks that follow them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.access_users = {}
        self.custom_roles = {}
        # [{"path", "type": user|group|token, "ugid", "roleid", "propagate"}]
        self.acl_entries = []
        self.token_info = {}  # "user@realm!name" -> {"privsep", "expire", "comment"}

    def _routes_access_state(self):
        users, user = "/access/users", "/access/users/{userid}"
        token = user + "/token/{tokenid}"
        roles, role = "/access/roles", "/access/roles/{roleid}"
        return [
            ("GET", users, self._ac_user_list),
            ("POST", users, self._ac_user_create),
            ("GET", user, self._ac_user_read),
            ("PUT", user, self._ac_user_update),
            ("DELETE", user, self._ac_user_delete),
            ("GET", user + "/token", self._ac_token_list),
            ("GET", token, self._ac_token_read),
            ("POST", token, self._ac_token_create),
            ("PUT", token, self._ac_token_update),
            ("DELETE", token, self._ac_token_delete),
            ("GET", roles, self._ac_role_list),
            ("POST", roles, self._ac_role_create),
            ("GET", role, self._ac_role_read),
            ("PUT", role, self._ac_role_update),
            ("DELETE", role, self._ac_role_delete),
            ("GET", "/access/acl", self._ac_acl_list),
            ("PUT", "/access/acl", self._ac_acl_update),
        ]

    def add_access_user(self, userid, password=None, **options):
        self.access_users[userid] = dict({"enable": 1, "expire": 0}, **options)
        if password is not None:
            self.users[userid] = password

    def add_api_token(self, userid, name, secret, privsep=1, comment=None):
        full = "%s!%s" % (userid, name)
        self.token_info[full] = {"privsep": privsep, "expire": 0}
        if comment:
            self.token_info[full]["comment"] = comment
        self.apitokens[full] = secret
        # fakepve checks permissions only once an ACL table exists; ours decides through allowed().
        self.acl = self.acl or {}
        return full

    # --------------------------------------------------------------- users

    def _ac_user(self, userid):
        if userid not in self.access_users:
            raise die("no such user ('%s')" % userid)
        return self.access_users[userid]

    def _ac_user_view(self, userid, full=False):
        data = dict(self.access_users[userid], userid=userid)
        data.pop("password", None)
        tokens = [self._ac_token_view(t) for t in sorted(self.token_info) if t.split("!")[0] == userid]
        if full:
            data["tokens"] = tokens
        data["realm-type"] = _user_realm(userid)
        return data

    async def _ac_user_list(self, values, user):
        items = [self._ac_user_view(uid, full=bool(values.get("full"))) for uid in sorted(self.access_users)]
        if values.get("enabled") is not None:
            items = [item for item in items if int(item.get("enable", 1)) == int(values["enabled"])]
        return items

    async def _ac_user_create(self, values, user):
        userid = values["userid"]
        realm = _user_realm(userid)
        if realm not in REALMS:
            raise die("auth domain '%s' does not exist" % realm)
        if userid in self.access_users:
            raise die("user '%s' already exists" % userid)
        for group in split_list(values.get("groups")):
            raise die("no such group '%s'" % group)
        options = {key: values[key] for key in USER_OPTIONS if values.get(key) is not None}
        self.add_access_user(userid, values.get("password") if realm == "pve" else None, **options)
        return None

    async def _ac_user_read(self, values, user):
        self._ac_user(values["userid"])
        data = self._ac_user_view(values["userid"])
        data.pop("userid")
        data["tokens"] = {t["tokenid"]: {k: v for k, v in t.items() if k != "tokenid"} for t in self._tokens_of(values)}
        return data

    def _tokens_of(self, values):
        return [self._ac_token_view(t) for t in sorted(self.token_info) if t.split("!")[0] == values["userid"]]

    async def _ac_user_update(self, values, user):
        entry = self._ac_user(values["userid"])
        entry.update({key: values[key] for key in USER_OPTIONS if values.get(key) is not None})
        return None

    async def _ac_user_delete(self, values, user):
        userid = values["userid"]
        self._ac_user(userid)
        if userid == "root@pam":
            raise die("can't delete root@pam")
        del self.access_users[userid]
        self.users.pop(userid, None)
        for full in [t for t in self.token_info if t.split("!")[0] == userid]:
            self._ac_forget_token(full)
        self.acl_entries = [e for e in self.acl_entries if not (e["type"] == "user" and e["ugid"] == userid)]
        return None

    # -------------------------------------------------------------- tokens

    def _ac_token_view(self, full):
        return dict(self.token_info[full], tokenid=full.split("!", 1)[1])

    def _ac_token_full(self, values, must_exist=True):
        self._ac_user(values["userid"])
        full = "%s!%s" % (values["userid"], values["tokenid"])
        if must_exist and full not in self.token_info:
            raise die("no such token '%s' for user '%s'" % (values["tokenid"], values["userid"]))
        return full

    async def _ac_token_list(self, values, user):
        self._ac_user(values["userid"])
        return self._tokens_of(values)

    async def _ac_token_read(self, values, user):
        info = self._ac_token_view(self._ac_token_full(values))
        info.pop("tokenid")
        return info

    async def _ac_token_create(self, values, user):
        full = self._ac_token_full(values, must_exist=False)
        if full in self.token_info:
            raise die("Token already exists.")
        secret = str(uuid.uuid4())
        privsep = values.get("privsep", 1)
        self.add_api_token(values["userid"], values["tokenid"], secret, privsep=privsep, comment=values.get("comment"))
        if values.get("expire"):
            self.token_info[full]["expire"] = values["expire"]
        info = dict(self.token_info[full])
        return {"full-tokenid": full, "info": info, "value": secret}

    async def _ac_token_update(self, values, user):
        full = self._ac_token_full(values)
        for key in ("privsep", "expire", "comment"):
            if values.get(key) is not None:
                self.token_info[full][key] = values[key]
        return dict(self.token_info[full])

    async def _ac_token_delete(self, values, user):
        self._ac_forget_token(self._ac_token_full(values))
        return None

    def _ac_forget_token(self, full):
        self.token_info.pop(full, None)
        self.apitokens.pop(full, None)
        self.acl_entries = [e for e in self.acl_entries if not (e["type"] == "token" and e["ugid"] == full)]

    # --------------------------------------------------------------- roles

    def _ac_role_privs(self, roleid):
        if roleid in BUILTIN_ROLES:
            return set(BUILTIN_ROLES[roleid])
        if roleid in self.custom_roles:
            return set(self.custom_roles[roleid])
        raise die("role '%s' does not exist" % roleid)

    @staticmethod
    def _ac_check_privs(text):
        privs = split_list(text)
        for priv in privs:
            if priv not in ALL_PRIVILEGES:
                raise die("invalid privilege '%s'" % priv)
        return privs

    async def _ac_role_list(self, values, user):
        items = [{"roleid": r, "privs": ",".join(sorted(p)), "special": 1} for r, p in sorted(BUILTIN_ROLES.items())]
        items += [{"roleid": r, "privs": ",".join(sorted(p))} for r, p in sorted(self.custom_roles.items())]
        return items

    async def _ac_role_create(self, values, user):
        roleid = values["roleid"]
        if roleid.lower().startswith("pve"):
            raise PveError(
                400,
                "Parameter verification failed.",
                {"roleid": "cannot use role ID starting with the (case-insensitive) 'PVE' namespace"},
            )
        if roleid in BUILTIN_ROLES or roleid in self.custom_roles:
            raise die("role '%s' already exists" % roleid)
        self.custom_roles[roleid] = set(self._ac_check_privs(values.get("privs")))
        return None

    async def _ac_role_read(self, values, user):
        return {priv: 1 for priv in sorted(self._ac_role_privs(values["roleid"]))}

    async def _ac_role_update(self, values, user):
        roleid = values["roleid"]
        if roleid in BUILTIN_ROLES:
            raise die("cannot modify special role '%s'" % roleid)
        self._ac_role_privs(roleid)
        privs = set(self._ac_check_privs(values.get("privs")))
        self.custom_roles[roleid] = (self.custom_roles[roleid] | privs) if values.get("append") else privs
        return None

    async def _ac_role_delete(self, values, user):
        roleid = values["roleid"]
        if roleid in BUILTIN_ROLES:
            raise die("cannot delete special role '%s'" % roleid)
        self._ac_role_privs(roleid)
        del self.custom_roles[roleid]
        self.acl_entries = [e for e in self.acl_entries if e["roleid"] != roleid]
        return None

    # ----------------------------------------------------------------- ACL

    async def _ac_acl_list(self, values, user):
        return [dict(entry) for entry in self.acl_entries]

    async def _ac_acl_update(self, values, user):
        path = "/" + "/".join(part for part in values["path"].split("/") if part)
        roles = split_list(values["roles"])
        for roleid in roles:
            self._ac_role_privs(roleid)
        subjects = [("user", u) for u in split_list(values.get("users"))]
        subjects += [("token", t) for t in split_list(values.get("tokens"))]
        if split_list(values.get("groups")):
            raise die("group '%s' does not exist" % split_list(values["groups"])[0])
        for kind, ugid in subjects:
            if kind == "user" and ugid not in self.access_users:
                raise die("user '%s' does not exist" % ugid)
            if kind == "token" and ugid not in self.token_info:
                raise die("no such token '%s'" % ugid)
        propagate = values.get("propagate", 1)
        for kind, ugid in subjects:
            for roleid in roles:
                self.acl_entries = [
                    e
                    for e in self.acl_entries
                    if not (e["path"] == path and e["ugid"] == ugid and e["roleid"] == roleid)
                ]
                if not values.get("delete"):
                    self.acl_entries.append(
                        {"path": path, "type": kind, "ugid": ugid, "roleid": roleid, "propagate": propagate}
                    )
        return None

    # ---------------------------------------------------------- permissions

    def _granted(self, ugid, path):
        """Privileges the ACL gives ugid on path: entries on the path itself, or propagating ones above it."""
        held = set()
        for entry in self.acl_entries:
            if entry["ugid"] != ugid:
                continue
            here = entry["path"] == path
            above = entry["propagate"] and (entry["path"] == "/" or path.startswith(entry["path"] + "/"))
            if here or above:
                held |= self._ac_role_privs(entry["roleid"])
        return held

    def _user_active(self, userid):
        entry = self.access_users.get(userid)
        return entry is not None and int(entry.get("enable", 1)) == 1

    def allowed(self, user, path, priv):
        if user is None:
            return False
        userid = user.split("!")[0]
        if userid == "root@pam" and (user == userid or not self.token_info.get(user, {}).get("privsep", 1)):
            return True
        if not self._user_active(userid):
            return False
        held = self._granted(userid, path)
        if "!" in user and self.token_info.get(user, {}).get("privsep", 1):
            held &= self._granted(user, path)
        return priv in held
