# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The /config tree of PBS: datastores, prune/verify/sync jobs, remotes; and /access: users, tokens, ACLs.

Each kind is one section-config file in /etc/proxmox-backup, so GET answers carry the file's ``digest``, PUT
takes ``digest`` (a stale one is refused) and ``delete`` (options to remove), and secrets (a remote's password)
are never read back.
"""

from __future__ import annotations

import hashlib
import json

from lab.pbs import schema
from lab.pbs.access import ROLES
from lab.pbs.errors import ApiFailure


def _delete_list(value):
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [part for item in items for part in str(item).split(",") if part]


class Section:
    """One config file: id -> options."""

    def __init__(self, kind, id_key, spec, secret=()):
        self.kind = kind
        self.id_key = id_key
        self.spec = spec
        self.secret = tuple(secret)
        self.entries = {}

    def digest(self):
        return hashlib.sha256(json.dumps(self.entries, sort_keys=True).encode()).hexdigest()

    def view(self, key):
        entry = {k: v for k, v in self.entries[key].items() if k not in self.secret}
        entry[self.id_key] = key
        return entry

    def lookup(self, key):
        if key not in self.entries:
            raise ApiFailure(400, "no such %s '%s'" % (self.kind, key))
        return self.entries[key]

    def check_digest(self, digest):
        if digest and digest != self.digest():
            raise ApiFailure(400, "detected modified configuration - file changed by other user? Try again.")

    def create(self, values, required):
        parsed = schema.check(self.spec, values, required=(self.id_key, *tuple(required)))
        key = parsed.pop(self.id_key)
        if key in self.entries:
            raise ApiFailure(400, "%s '%s' already exists." % (self.kind, key))
        return key, parsed

    def update(self, key, values, fixed=()):
        entry = self.lookup(key)
        values = dict(values)
        digest = values.pop("digest", None)
        deletes = _delete_list(values.pop("delete", None))
        values.pop(self.id_key, None)
        parsed = schema.check(self.spec, values)
        self.check_digest(digest)
        for option in deletes:
            if option not in self.spec or option == self.id_key:
                raise schema.ParameterError({"delete": "value '%s' is not defined in the enumeration." % option})
            if option in fixed:
                raise ApiFailure(400, "unable to delete required option '%s'" % option)
        for option in fixed:
            if option in parsed and parsed[option] != entry.get(option):
                raise ApiFailure(400, "unable to change '%s'" % option)
        changed = dict(entry)
        for option in deletes:
            changed.pop(option, None)
        changed.update(parsed)
        return changed


class Config:
    """State of the /config and /access trees, and the handlers for them."""

    def __init__(self, twin):
        self.twin = twin
        self.datastores = Section("datastore", "name", schema.DATASTORE)
        self.prune_jobs = Section("prune job", "id", schema.PRUNE_JOB)
        self.verify_jobs = Section("verification job", "id", schema.VERIFY_JOB)
        self.sync_jobs = Section("sync job", "id", schema.SYNC_JOB)
        self.remotes = Section("remote", "name", schema.REMOTE, secret=("password",))

    @property
    def access(self):
        return self.twin.access

    def routes(self):
        simple = []
        for base, section, create, update in (
            ("/config/prune", self.prune_jobs, self._job_create, self._job_update),
            ("/config/verify", self.verify_jobs, self._job_create, self._job_update),
            ("/config/sync", self.sync_jobs, self._job_create, self._job_update),
            ("/config/remote", self.remotes, self._remote_create, self._remote_update),
        ):
            simple += [
                ("GET", base, self._lister(section)),
                ("POST", base, self._bind(create, section)),
                ("GET", base + "/{id}", self._reader(section)),
                ("PUT", base + "/{id}", self._bind(update, section)),
                ("DELETE", base + "/{id}", self._bind(self._remove, section)),
            ]
        return [
            *simple,
            ("GET", "/config/datastore", self._lister(self.datastores)),
            ("POST", "/config/datastore", self._datastore_create),
            ("GET", "/config/datastore/{id}", self._reader(self.datastores)),
            ("PUT", "/config/datastore/{id}", self._datastore_update),
            ("DELETE", "/config/datastore/{id}", self._datastore_delete),
            ("GET", "/access/users", self._users_list),
            ("POST", "/access/users", self._user_create),
            ("GET", "/access/users/{id}", self._user_read),
            ("PUT", "/access/users/{id}", self._user_update),
            ("DELETE", "/access/users/{id}", self._user_delete),
            ("GET", "/access/users/{id}/token", self._tokens_list),
            ("GET", "/access/users/{id}/token/{name}", self._token_read),
            ("POST", "/access/users/{id}/token/{name}", self._token_create),
            ("PUT", "/access/users/{id}/token/{name}", self._token_update),
            ("DELETE", "/access/users/{id}/token/{name}", self._token_delete),
            ("GET", "/access/acl", self._acl_list),
            ("PUT", "/access/acl", self._acl_update),
            ("GET", "/access/roles", self._roles),
        ]

    # Permission paths: what each config kind is guarded by.

    def _path_of(self, section, key, entry=None):
        if section is self.remotes:
            return "/remote/%s" % key if key else "/remote"
        store = (entry or {}).get("store")
        return "/datastore/%s" % store if store else "/datastore"

    def _audit(self, section, auth_id, key, entry):
        priv = "Remote.Audit" if section is self.remotes else "Datastore.Audit"
        return self.access.allowed(auth_id, self._path_of(section, key, entry), priv)

    def _modify(self, section, auth_id, key, entry):
        privs = ("Remote.Modify",) if section is self.remotes else ("Datastore.Modify", "Datastore.Prune")
        self.access.require(auth_id, self._path_of(section, key, entry), *privs)

    def _lister(self, section):
        async def handler(values, auth_id, params):
            out = []
            for key in sorted(section.entries):
                if self._audit(section, auth_id, key, section.entries[key]):
                    out.append(section.view(key))
            return out

        return handler

    def _reader(self, section):
        async def handler(values, auth_id, params):
            entry = section.lookup(params["id"])
            self.access.require(
                auth_id,
                self._path_of(section, params["id"], entry),
                "Remote.Audit" if section is self.remotes else "Datastore.Audit",
            )
            return dict(section.view(params["id"]), digest=section.digest())

        return handler

    @staticmethod
    def _bind(method, section):
        async def handler(values, auth_id, params):
            return method(section, values, auth_id, params)

        return handler

    # Jobs.

    def _job_refs(self, section, job):
        if job.get("store") not in self.datastores.entries:
            raise ApiFailure(400, "datastore '%s' does not exist" % job.get("store"))
        if section is self.sync_jobs:
            if job.get("remote") and job["remote"] not in self.remotes.entries:
                raise ApiFailure(400, "remote '%s' does not exist" % job["remote"])
            if job.get("sync-direction") == "push" and not job.get("remote"):
                raise ApiFailure(400, "push sync job requires a remote")
        if section is self.prune_jobs and not job.get("schedule"):
            raise ApiFailure(400, "prune job needs a schedule")

    def _job_create(self, section, values, auth_id, params):
        required = ("store", "remote-store") if section is self.sync_jobs else ("store",)
        if section is self.prune_jobs:
            required += ("schedule",)
        key, job = section.create(values, required)
        self._job_refs(section, job)
        self._modify(section, auth_id, key, job)
        if section is self.sync_jobs and job.get("remote"):
            self.access.require(auth_id, "/remote/%s" % job["remote"], "Remote.Read", "Remote.Modify")
        section.entries[key] = job
        return None

    def _job_update(self, section, values, auth_id, params):
        key = params["id"]
        self._modify(section, auth_id, key, section.lookup(key))
        job = section.update(key, values, fixed=("store",) if section is not self.sync_jobs else ())
        self._job_refs(section, job)
        section.entries[key] = job
        return None

    def _remove(self, section, values, auth_id, params):
        key = params["id"]
        entry = section.lookup(key)
        self._modify(section, auth_id, key, entry)
        section.check_digest(values.get("digest"))
        if section is self.remotes:
            users = sorted(job_id for job_id, job in self.sync_jobs.entries.items() if job.get("remote") == key)
            if users:
                raise ApiFailure(400, "remote '%s' is used by sync jobs: %s" % (key, ", ".join(users)))
        del section.entries[key]
        return None

    # Remotes.

    def _remote_create(self, section, values, auth_id, params):
        key, remote = section.create(values, ("host", "auth-id", "password"))
        self._modify(section, auth_id, None, None)
        section.entries[key] = remote
        return None

    def _remote_update(self, section, values, auth_id, params):
        key = params["id"]
        self._modify(section, auth_id, key, None)
        section.entries[key] = section.update(key, values)
        return None

    # Datastores: create and delete are workers in PBS 3.

    async def _datastore_create(self, values, auth_id, params):
        key, store = self.datastores.create(values, ("path",))
        self.access.require(auth_id, "/datastore", "Datastore.Allocate")
        for other, entry in self.datastores.entries.items():
            if entry["path"] == store["path"]:
                raise ApiFailure(400, "datastore '%s' already uses path '%s'" % (other, store["path"]))

        async def body(log):
            log("Chunkstore create: 1%")
            self.datastores.entries[key] = store
            self.twin.stores.setdefault(key, {"snapshots": [], "pending-bytes": 0, "removed-bytes": 0})

        return self.twin.start_task("create-datastore", key, auth_id, body, values)

    async def _datastore_update(self, values, auth_id, params):
        key = params["id"]
        self.access.require(auth_id, "/datastore/%s" % key, "Datastore.Modify")
        self.datastores.entries[key] = self.datastores.update(key, values, fixed=("path",))
        return None

    async def _datastore_delete(self, values, auth_id, params):
        key = params["id"]
        self.datastores.lookup(key)
        self.access.require(auth_id, "/datastore/%s" % key, "Datastore.Allocate")
        for section in (self.prune_jobs, self.verify_jobs, self.sync_jobs):
            for job in list(section.entries):
                if section.entries[job].get("store") == key:
                    del section.entries[job]  # PBS removes the store's jobs with it

        async def body(log):
            self.datastores.entries.pop(key, None)
            if schema.TRUE.count(str(values.get("destroy-data", "0")).lower()):
                self.twin.stores.pop(key, None)

        return self.twin.start_task("delete-datastore", key, auth_id, body, values)

    # Users, tokens and ACLs.

    async def _users_list(self, values, auth_id, params):
        out = []
        for userid in sorted(self.access.users):
            if userid == auth_id.split("!")[0] or self.access.allowed(auth_id, "/access/users", "Sys.Audit"):
                out.append(dict(self.access.users[userid]))
        return out

    def _user(self, userid):
        if userid not in self.access.users:
            raise ApiFailure(404, "no such user '%s'" % userid)
        return self.access.users[userid]

    async def _user_read(self, values, auth_id, params):
        self.access.require(auth_id, "/access/users", "Sys.Audit")
        return dict(self._user(params["id"]), digest=_digest(self.access.users))

    async def _user_create(self, values, auth_id, params):
        parsed = schema.check(schema.USER, values, required=("userid",))
        self.access.require(auth_id, "/access/users", "Permissions.Modify")
        userid = parsed["userid"]
        if "!" in userid:
            raise schema.ParameterError({"userid": "value does not match the regex pattern"})
        if userid in self.access.users:
            raise ApiFailure(400, "user '%s' already exists." % userid)
        if userid.split("@")[1] not in ("pbs", "pam"):
            raise ApiFailure(400, "unknown realm '%s'" % userid.split("@")[1])
        password = parsed.pop("password", None)
        if password is not None and userid.endswith("@pam"):
            raise ApiFailure(400, "password is only allowed for realm 'pbs'")
        parsed.setdefault("enable", True)
        self.access.users[userid] = parsed
        if password is not None:
            self.access.passwords[userid] = password
        return None

    async def _user_update(self, values, auth_id, params):
        self.access.require(auth_id, "/access/users", "Permissions.Modify")
        user = self._user(params["id"])
        values = dict(values)
        values.pop("digest", None)
        deletes = _delete_list(values.pop("delete", None))
        parsed = schema.check(schema.USER, values)
        password = parsed.pop("password", None)
        for option in deletes:
            user.pop(option, None)
        user.update(parsed)
        if password is not None:
            self.access.passwords[params["id"]] = password
        return None

    async def _user_delete(self, values, auth_id, params):
        self.access.require(auth_id, "/access/users", "Permissions.Modify")
        self._user(params["id"])
        if params["id"] == "root@pam":
            raise ApiFailure(400, "cannot delete the superuser")
        del self.access.users[params["id"]]
        self.access.passwords.pop(params["id"], None)
        for tokenid in [t for t in self.access.tokens if t.split("!")[0] == params["id"]]:
            del self.access.tokens[tokenid]
        self.access.acl = [e for e in self.access.acl if e["ugid"].split("!")[0] != params["id"]]
        return None

    async def _tokens_list(self, values, auth_id, params):
        self._user(params["id"])
        if auth_id.split("!")[0] != params["id"]:
            self.access.require(auth_id, "/access/users", "Sys.Audit")
        return [
            {"tokenid": tokenid, "enable": token["enable"], "comment": token.get("comment") or ""}
            for tokenid, token in sorted(self.access.tokens.items())
            if tokenid.split("!")[0] == params["id"]
        ]

    async def _token_create(self, values, auth_id, params):
        self._user(params["id"])
        if auth_id.split("!")[0] != params["id"] or "!" in auth_id:
            self.access.require(auth_id, "/access/users", "Permissions.Modify")
        name = params["name"]
        if not schema.SAFE_ID.match(name):
            raise schema.ParameterError({"token-name": "value does not match the regex pattern"})
        if "%s!%s" % (params["id"], name) in self.access.tokens:
            raise ApiFailure(400, "token '%s' for user '%s' already exists." % (name, params["id"]))
        tokenid, secret = self.access.add_token(
            params["id"], name, values.get("comment"), values.get("enable", "1") not in schema.FALSE
        )
        return {"tokenid": tokenid, "value": secret}

    def _token(self, params, auth_id, privilege):
        tokenid = "%s!%s" % (params["id"], params["name"])
        if auth_id.split("!")[0] != params["id"] or "!" in auth_id:
            self.access.require(auth_id, "/access/users", privilege)
        if tokenid not in self.access.tokens:
            raise ApiFailure(404, "no such token '%s' for user '%s'" % (params["name"], params["id"]))
        return tokenid, self.access.tokens[tokenid]

    async def _token_read(self, values, auth_id, params):
        tokenid, token = self._token(params, auth_id, "Sys.Audit")
        out = {"tokenid": tokenid, "enable": token["enable"], "expire": token.get("expire") or 0}
        if token.get("comment"):
            out["comment"] = token["comment"]
        return out

    async def _token_update(self, values, auth_id, params):
        """update_token: comment, enable, expire, delete, and ``regenerate`` (a new secret, the ACLs kept)."""
        values = dict(values)
        values.pop("digest", None)
        deletes = _delete_list(values.pop("delete", None))
        regenerate = str(values.pop("regenerate", "0")).lower() in schema.TRUE
        parsed = schema.check(schema.TOKEN, values)
        for option in deletes:
            if option not in ("comment",):
                raise schema.ParameterError({"delete": "value '%s' is not defined in the enumeration." % option})
        _tokenid, token = self._token(params, auth_id, "Permissions.Modify")
        for option in deletes:
            token.pop(option, None)
        token.update(parsed)
        if regenerate:
            token["secret"] = self.access.new_secret()
            return {"secret": token["secret"]}
        return None

    async def _token_delete(self, values, auth_id, params):
        tokenid = "%s!%s" % (params["id"], params["name"])
        if tokenid not in self.access.tokens:
            raise ApiFailure(404, "no such token '%s' for user '%s'" % (params["name"], params["id"]))
        if auth_id.split("!")[0] != params["id"] or "!" in auth_id:
            self.access.require(auth_id, "/access/users", "Permissions.Modify")
        del self.access.tokens[tokenid]
        self.access.acl = [e for e in self.access.acl if e["ugid"] != tokenid]
        return None

    async def _acl_list(self, values, auth_id, params):
        self.access.require(auth_id, "/access/acl", "Sys.Audit")
        return [
            {
                "path": e["path"],
                "ugid": e["ugid"],
                "ugid_type": "user",
                "roleid": e["roleid"],
                "propagate": e["propagate"],
            }
            for e in sorted(self.access.acl, key=lambda e: (e["path"], e["ugid"], e["roleid"]))
        ]

    async def _acl_update(self, values, auth_id, params):
        errors = {}
        path, role, ugid = values.get("path"), values.get("role"), values.get("auth-id")
        if not path or not str(path).startswith("/"):
            errors["path"] = "parameter is missing and it is not optional." if not path else "invalid ACL path"
        if not role:
            errors["role"] = "parameter is missing and it is not optional."
        elif role not in ROLES:
            errors["role"] = "value '%s' is not defined in the enumeration." % role
        if not ugid:
            errors["auth-id"] = "parameter is missing and it is not optional."
        if errors:
            raise schema.ParameterError(errors)
        self.access.require(auth_id, "/access/acl", "Permissions.Modify")
        delete = str(values.get("delete", "0")).lower() in schema.TRUE
        if not delete:  # PBS allows deleting the entries of vanished users and invalid paths
            if ugid not in self.access.users and ugid not in self.access.tokens:
                raise ApiFailure(400, "no such %s." % ("API token" if "!" in ugid else "user"))
            check_acl_path(path)
        path = "/" + "/".join(part for part in str(path).split("/") if part)
        propagate = str(values.get("propagate", "1")).lower() not in schema.FALSE
        entry = {"path": path, "ugid": ugid, "roleid": role, "propagate": propagate}
        same = [e for e in self.access.acl if (e["path"], e["ugid"], e["roleid"]) == (path, ugid, role)]
        for old in same:
            self.access.acl.remove(old)
        if not delete:
            self.access.acl.append(entry)
        return None

    async def _roles(self, values, auth_id, params):
        return [{"roleid": name, "privs": sorted(privs)} for name, privs in sorted(ROLES.items())]


# pbs-config acl.rs check_acl_path: the subtrees an ACL may name and how many components deep; datastore and remote
# paths may add up to 7 namespace levels. (/system/network is simplified: its dns and interfaces/<if> below.)
MAX_NAMESPACE_DEPTH = 7
ACL_DEPTH = {"datastore": 2 + MAX_NAMESPACE_DEPTH, "remote": 3 + MAX_NAMESPACE_DEPTH}
ACL_SUBTREES = {
    "access": {"acl": 2, "users": 2, "domains": 2, "openid": 3},
    "system": {"disks": 2, "log": 2, "status": 2, "tasks": 2, "time": 2, "services": 3, "network": 4},
    "tape": {"device": 3, "pool": 3, "job": 3},
}


def check_acl_path(path):
    parts = [part for part in str(path).split("/") if part]
    if len(parts) <= 1 and (not parts or parts[0] in ACL_DEPTH or parts[0] in ACL_SUBTREES):
        return
    if parts[0] in ACL_DEPTH and len(parts) <= ACL_DEPTH[parts[0]]:
        return
    if len(parts) >= 2 and len(parts) <= ACL_SUBTREES.get(parts[0], {}).get(parts[1], 0):
        return
    raise ApiFailure(400, "invalid acl path '%s'." % path)


def _digest(data):
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
