# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ResourceApi adapters of the PVE client for the resource engine: storage, replication, HA, access objects.

Each adapter knows its paths and how PVE spells values on the wire (1/0 booleans, comma lists, `delete=` for
unset options, the section `digest`); the descriptors in the modules hold the facts about the fields.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.access_account import AclEntries
from ansible_collections.tappaas.platform.plugins.module_utils.errors import NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.pve_props import format_bool
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi


def to_wire(payload, empty_means_delete=()):
    """PVE's form of an engine payload: booleans 1/0, lists comma-joined; empty listed keys go to `delete`."""
    wire, deletes = {}, []
    for key, value in payload.items():
        if key in empty_means_delete and value in ([], "", None):
            deletes.append(key)
        elif isinstance(value, bool):
            wire[key] = format_bool(value)
        elif isinstance(value, (list, tuple)):
            wire[key] = ",".join(str(item) for item in value)
        else:
            wire[key] = value
    if deletes:
        wire["delete"] = ",".join(deletes)
    return wire


def read_or_none(client, path, **params):
    try:
        return client.get(path, **params)
    except NotFound:
        return None


class SectionApi(ResourceApi):
    """A section-config object (storage, replication job, HA resource or rule): GET/PUT/DELETE on one path.

    `defaults` fill in what PVE leaves out of a read when an option has its default, so the diff compares like
    with like; `fixed` keys are sent on create only (PVE refuses them on update); `digest` guards updates.
    """

    def __init__(self, client, collection, id_key, fixed=(), defaults=None, empty_means_delete=(), create_extra=None):
        self.client = client
        self.collection = collection
        self.id_key = id_key
        self.fixed = tuple(fixed)
        self.defaults = dict(defaults or {})
        self.empty_means_delete = tuple(empty_means_delete)
        self.create_extra = dict(create_extra or {})

    def _path(self, object_id):
        return f"{self.collection}/{object_id}"

    def read(self, key):
        data = read_or_none(self.client, self._path(key[self.id_key]))
        if data is None:
            return None
        current = dict(self.defaults)
        current.update(data)
        current.setdefault(self.id_key, key[self.id_key])
        return current

    def create(self, payload):
        # An empty list means "the default" (all nodes, say); PVE wants the option left out for that.
        payload = {key: value for key, value in payload.items() if value not in ([], "")}
        self.client.post(self.collection, **to_wire(dict(self.create_extra, **payload)))
        return None

    def update(self, current, payload):
        changes = {key: value for key, value in payload.items() if key not in self.fixed and key != self.id_key}
        wire = to_wire(changes, self.empty_means_delete)
        if current.get("digest"):
            wire["digest"] = current["digest"]
        self.client.put(self._path(current[self.id_key]), **wire)
        return None

    def delete(self, current):
        self.client.delete(self._path(current[self.id_key]))


class StorageApi(SectionApi):
    def __init__(self, client):
        super().__init__(
            client,
            "storage",
            "storage",
            fixed=("type", "pool", "path", "datastore"),
            defaults={"nodes": "", "disable": 0},
            empty_means_delete=("nodes",),
        )


class ReplicationApi(SectionApi):
    def __init__(self, client):
        super().__init__(
            client,
            "cluster/replication",
            "id",
            fixed=("target", "type", "guest"),
            defaults={"schedule": "*/15", "disable": 0},
            create_extra={"type": "local"},
        )


class HaResourceApi(SectionApi):
    def __init__(self, client):
        super().__init__(
            client,
            "cluster/ha/resources",
            "sid",
            fixed=("type",),
            defaults={"state": "started", "max_restart": 1, "max_relocate": 1},
            empty_means_delete=("comment", "group"),
        )


class HaRuleApi(SectionApi):
    """PVE 9 HA rules; an update must name the rule's type again."""

    def __init__(self, client):
        super().__init__(client, "cluster/ha/rules", "rule", defaults={"strict": 0, "disable": 0})

    def update(self, current, payload):
        wire = to_wire({key: value for key, value in payload.items() if key not in ("rule", "type")})
        wire["type"] = current.get("type", "node-affinity")
        if current.get("digest"):
            wire["digest"] = current["digest"]
        self.client.put(self._path(current["rule"]), **wire)


class HaGroupApi(SectionApi):
    """PVE 8 HA groups (PVE 9 migrated them to rules)."""

    def __init__(self, client):
        super().__init__(
            client, "cluster/ha/groups", "group", fixed=("type",), defaults={"restricted": 0, "nofailback": 0}
        )


class RoleApi(ResourceApi):
    """Roles: GET returns {privilege: 1, ...}; PUT without `append` replaces the whole list."""

    def __init__(self, client):
        self.client = client

    def read(self, key):
        privileges = read_or_none(self.client, f"access/roles/{key['roleid']}")
        if privileges is None:
            return None
        return {"roleid": key["roleid"], "privs": sorted(name for name, on in privileges.items() if on)}

    def create(self, payload):
        self.client.post("access/roles", **to_wire(payload))

    def update(self, current, payload):
        self.client.put(f"access/roles/{current['roleid']}", privs=",".join(payload.get("privs", [])))

    def delete(self, current):
        self.client.delete(f"access/roles/{current['roleid']}")


class UserApi(SectionApi):
    def __init__(self, client):
        super().__init__(client, "access/users", "userid", fixed=("password",), defaults={"enable": 1})

    def read(self, key):
        current = super().read(key)
        if current is not None:
            current.pop("tokens", None)  # tokens are their own objects
        return current


class TokenApi(ResourceApi):
    """An API token of a user. PVE hands the secret out once, in the answer to the create call."""

    def __init__(self, client, userid):
        self.client = client
        self.userid = userid
        self.secret = None
        self.full_tokenid = None

    def _path(self, tokenid):
        return f"access/users/{self.userid}/token/{tokenid}"

    def read(self, key):
        data = read_or_none(self.client, self._path(key["tokenid"]))
        if data is None:
            return None
        current = {"privsep": 1, "expire": 0}
        current.update(data)
        current["tokenid"] = key["tokenid"]
        return current

    def create(self, payload):
        wire = to_wire({key: value for key, value in payload.items() if key != "tokenid"})
        answer = self.client.post(self._path(payload["tokenid"]), **wire) or {}
        self.secret = answer.get("value")
        self.full_tokenid = answer.get("full-tokenid")
        return None

    def update(self, current, payload):
        wire = to_wire({key: value for key, value in payload.items() if key != "tokenid"})
        self.client.put(self._path(current["tokenid"]), **wire)

    def delete(self, current):
        self.client.delete(self._path(current["tokenid"]))


class AclApi(AclEntries):
    """The ACL entries of one principal (a user or a token) on one path: {path, roles, propagate}.

    PVE's ACL is one list read in one call; PUT adds roles and PUT with delete=1 removes them, so an update
    removes the roles no longer wanted and then adds the rest.
    """

    def __init__(self, client, principal, principal_type):
        super().__init__(client)
        self.principal = principal
        self.principal_type = principal_type  # "user" or "token"

    def owns(self, entry):
        return entry.get("ugid") == self.principal and entry.get("type") == self.principal_type

    def propagate_value(self, raw):
        return int(1 if raw is None else raw)

    def _put(self, path, roles, propagate=None, delete=False):
        params = {"path": path, "roles": ",".join(roles), f"{self.principal_type}s": self.principal}
        if propagate is not None:
            params["propagate"] = format_bool(propagate)
        if delete:
            params["delete"] = 1
        self.client.put("access/acl", **params)

    def create(self, payload):
        self._put(payload["path"], payload["roles"], payload.get("propagate", True))

    def update(self, current, payload):
        roles = payload.get("roles", current["roles"])
        propagate = payload.get("propagate", bool(current["propagate"]))
        stale = sorted(set(current["roles"]) - set(roles))
        if stale or "propagate" in payload:
            # propagate belongs to each role entry; re-adding every role with the new flag is how PVE changes it.
            self._put(current["path"], stale if "propagate" not in payload else current["roles"], delete=True)
        self._put(current["path"], roles, propagate)

    def delete(self, current):
        self._put(current["path"], current["roles"], delete=True)
