# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PBS users, API tokens, ACLs and the permission check the endpoints make.

As PBS does: tokens always have privilege separation (a token holds what its own ACLs grant, never more than
its user), ``root@pam`` holds every privilege, and on one path the deepest ACL level naming the auth id wins,
with an ancestor's ACL applying only when it propagates.
"""

from __future__ import annotations

import secrets
import uuid

ALL_PRIVILEGES = frozenset(
    (
        "Sys.Audit",
        "Sys.Modify",
        "Sys.PowerManagement",
        "Datastore.Audit",
        "Datastore.Allocate",
        "Datastore.Modify",
        "Datastore.Read",
        "Datastore.Verify",
        "Datastore.Backup",
        "Datastore.Prune",
        "Permissions.Modify",
        "Remote.Audit",
        "Remote.Modify",
        "Remote.Read",
    )
)
ROLES = {
    "Admin": ALL_PRIVILEGES,
    "Audit": frozenset(("Sys.Audit", "Datastore.Audit", "Remote.Audit")),
    "NoAccess": frozenset(),
    "DatastoreAdmin": frozenset(
        (
            "Datastore.Audit",
            "Datastore.Modify",
            "Datastore.Read",
            "Datastore.Verify",
            "Datastore.Backup",
            "Datastore.Prune",
        )
    ),
    "DatastoreReader": frozenset(("Datastore.Audit", "Datastore.Read")),
    "DatastoreBackup": frozenset(("Datastore.Backup",)),
    "DatastorePowerUser": frozenset(("Datastore.Backup", "Datastore.Prune")),
    "DatastoreAudit": frozenset(("Datastore.Audit",)),
    "RemoteAdmin": frozenset(("Remote.Audit", "Remote.Modify", "Remote.Read")),
    "RemoteAudit": frozenset(("Remote.Audit",)),
    "RemoteSyncOperator": frozenset(("Remote.Audit", "Remote.Read")),
}
ROOT = "root@pam"


class PermissionDenied(Exception):
    pass


class Access:
    def __init__(self, root_password):
        self.users = {ROOT: {"userid": ROOT, "enable": True, "comment": "Superuser"}}
        self.passwords = {ROOT: root_password}
        self.tokens = {}  # "user@realm!name" -> {"secret", "enable", "comment", "expire"}
        self.acl = []  # {"path", "ugid", "roleid", "propagate"}

    # Authentication.

    def check_password(self, userid, password):
        user = self.users.get(userid)
        return bool(user and user.get("enable", True) and self.passwords.get(userid) == password)

    def check_token(self, tokenid, secret):
        token = self.tokens.get(tokenid)
        user = self.users.get(tokenid.split("!")[0])
        return bool(
            token and user and token.get("enable", True) and user.get("enable", True) and token["secret"] == secret
        )

    def add_token(self, userid, name, comment=None, enable=True):
        tokenid = "%s!%s" % (userid, name)
        secret = self.new_secret()
        self.tokens[tokenid] = {"secret": secret, "enable": enable, "comment": comment}
        return tokenid, secret

    @staticmethod
    def new_secret():
        return str(uuid.uuid4())

    @staticmethod
    def new_ticket(userid):
        return "PBS:%s:%08X::%s" % (userid, 0x6A000000, secrets.token_urlsafe(32))

    # Authorisation.

    def _roles_at(self, auth_id, path):
        parts = [part for part in path.split("/") if part]
        chosen = None
        for depth in range(len(parts) + 1):
            here = "/" + "/".join(parts[:depth])
            exact = depth == len(parts)
            entries = [
                entry
                for entry in self.acl
                if entry["ugid"] == auth_id and entry["path"] == here and (exact or entry["propagate"])
            ]
            if entries:
                chosen = entries
        return chosen or []

    def privileges(self, auth_id, path):
        userid = auth_id.split("!")[0]
        if userid == ROOT and "!" not in auth_id:
            return ALL_PRIVILEGES
        user_privs = ALL_PRIVILEGES if userid == ROOT else _union(self._roles_at(userid, path))
        if "!" not in auth_id:
            return user_privs
        return user_privs & _union(self._roles_at(auth_id, path))

    def require(self, auth_id, path, *any_of):
        held = self.privileges(auth_id, path)
        if not any(priv in held for priv in any_of):
            raise PermissionDenied("permission check failed")

    def allowed(self, auth_id, path, privilege):
        return privilege in self.privileges(auth_id, path)


def _union(entries):
    out = set()
    for entry in entries:
        out |= ROLES.get(entry["roleid"], frozenset())
    return frozenset(out)
