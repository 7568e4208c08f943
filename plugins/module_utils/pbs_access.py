# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ResourceApi adapters of the PBS client for access control: users, API tokens and ACL entries under /access.

PBS differs from PVE here: a token is always privilege-separated (no ``privsep`` option), its secret is handed out
once (``value`` in the answer to the create call, ``secret`` in the answer to an update with ``regenerate``), and
an ACL update names one ``role`` and one ``auth-id`` per call.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.access_account import AclEntries
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi

# PBS's built-in roles (pbs-api-types Role); the ACL update refuses any other name.
ROLES = (
    "Admin",
    "Audit",
    "NoAccess",
    "DatastoreAdmin",
    "DatastoreReader",
    "DatastoreBackup",
    "DatastorePowerUser",
    "DatastoreAudit",
    "RemoteAdmin",
    "RemoteAudit",
    "RemoteSyncOperator",
    "RemoteSyncPushOperator",
    "RemoteDatastorePowerUser",
    "RemoteDatastoreAdmin",
    "TapeAdmin",
    "TapeAudit",
    "TapeOperator",
    "TapeReader",
)
# pbs-config acl.rs check_acl_path: the subtrees an ACL path may name and how many components deep; datastore and
# remote paths may add up to 7 namespace levels.
MAX_NAMESPACE_DEPTH = 7
ACL_DEPTH = {"datastore": 2 + MAX_NAMESPACE_DEPTH, "remote": 3 + MAX_NAMESPACE_DEPTH}
ACL_SUBTREES = {
    "access": {"acl": 2, "users": 2, "domains": 2, "openid": 3},
    "system": {"disks": 2, "log": 2, "status": 2, "tasks": 2, "time": 2, "services": 3, "network": 4},
    "tape": {"device": 3, "pool": 3, "job": 3},
}


def is_acl_path(path):
    parts = [part for part in str(path).split("/") if part]
    if not str(path).startswith("/"):
        return False
    if len(parts) <= 1:
        return not parts or parts[0] in ACL_DEPTH or parts[0] in ACL_SUBTREES
    if parts[0] in ACL_DEPTH:
        return len(parts) <= ACL_DEPTH[parts[0]]
    return len(parts) <= ACL_SUBTREES.get(parts[0], {}).get(parts[1], 0)


def _wire(payload):
    wire, deletes = {}, []
    for key, value in payload.items():
        if value is None or value == "":
            deletes.append(key)
        elif isinstance(value, bool):
            wire[key] = 1 if value else 0
        else:
            wire[key] = value
    if deletes:
        wire["delete"] = deletes
    return wire


def _read(client, path):
    try:
        return client.get(path)
    except NotFound:
        return None


def check_acl_entry(index, entry):
    """An ACL entry PBS would refuse fails here, naming the field, before anything is written."""
    if not is_acl_path(entry["path"]):
        raise InvalidInput(
            f"acls[{index}].path",
            f"{entry['path']!r} is not a PBS ACL path (for example /, /datastore/<store>[/<namespace>...], "
            "/remote/<remote>[/<store>], /access/users, /system/tasks)",
        )
    unknown = sorted(set(entry["roles"]) - set(ROLES))
    if unknown:
        raise InvalidInput(f"acls[{index}].roles", f"unknown PBS role(s) {', '.join(unknown)}")


class PbsUserApi(ResourceApi):
    def __init__(self, client):
        self.client = client

    def read(self, key):
        data = _read(self.client, f"access/users/{key['userid']}")
        if data is None:
            return None
        current = {"enable": True}  # PBS leaves the default out
        current.update(data)
        current["userid"] = key["userid"]
        return current

    def create(self, payload):
        self.client.post("access/users", **_wire({k: v for k, v in payload.items() if v not in (None, "")}))

    def update(self, current, payload):
        changes = {key: value for key, value in payload.items() if key not in ("userid", "password")}
        wire = _wire(changes)
        if current.get("digest"):
            wire["digest"] = current["digest"]
        self.client.put(f"access/users/{current['userid']}", **wire)

    def delete(self, current):
        self.client.delete(f"access/users/{current['userid']}")


class PbsTokenApi(ResourceApi):
    """An API token of a user; ``secret`` holds the secret PBS handed out on this run, if it did."""

    def __init__(self, client, userid):
        self.client = client
        self.userid = userid
        self.secret = None

    def _path(self, name):
        return f"access/users/{self.userid}/token/{name}"

    def read(self, key):
        data = _read(self.client, self._path(key["tokenid"]))
        if data is None:
            return None
        current = {"enable": True, "expire": 0}
        current.update(data)
        current["tokenid"] = key["tokenid"]  # PBS answers with the full id user@realm!name
        return current

    def create(self, payload):
        wire = _wire({k: v for k, v in payload.items() if k != "tokenid" and v not in (None, "")})
        answer = self.client.post(self._path(payload["tokenid"]), **wire) or {}
        self.secret = answer.get("value")

    def update(self, current, payload):
        self.client.put(self._path(current["tokenid"]), **_wire({k: v for k, v in payload.items() if k != "tokenid"}))

    def delete(self, current):
        self.client.delete(self._path(current["tokenid"]))

    def regenerate(self, name):
        """A new secret for an existing token; its ACL entries stay."""
        answer = self.client.put(self._path(name), regenerate=1) or {}
        self.secret = answer.get("secret")


class PbsAclApi(AclEntries):
    """The ACL entries of one auth id (a user or a token) on one path: {path, roles, propagate}."""

    def __init__(self, client, auth_id):
        super().__init__(client)
        self.auth_id = auth_id

    def owns(self, entry):
        return entry.get("ugid") == self.auth_id

    def propagate_value(self, raw):
        return bool(True if raw is None else raw)

    def _put(self, path, role, propagate=None, delete=False):
        params = {"path": path, "role": role, "auth-id": self.auth_id}
        if propagate is not None:
            params["propagate"] = 1 if propagate else 0
        if delete:
            params["delete"] = 1
        self.client.put("access/acl", **params)

    def create(self, payload):
        for role in payload["roles"]:
            self._put(payload["path"], role, payload.get("propagate", True))

    def update(self, current, payload):
        roles = payload.get("roles", current["roles"])
        propagate = payload.get("propagate", current["propagate"])
        for role in sorted(set(current["roles"]) - set(roles)):
            self._put(current["path"], role, delete=True)
        # Setting a role again replaces its propagate flag, so only new roles (or all, for a new flag) are sent.
        resend = roles if "propagate" in payload else sorted(set(roles) - set(current["roles"]))
        for role in resend:
            self._put(current["path"], role, propagate)

    def delete(self, current):
        for role in current["roles"]:
            self._put(current["path"], role, delete=True)
