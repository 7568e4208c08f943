# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""ResourceApi adapters of the PBS client: datastores, prune/verify/sync jobs and remotes under /config.

PBS spells values its own way on the wire: booleans as true/false are accepted as 1/0, ``delete`` is an array
(sent as repeated form keys), and each config file's ``digest`` guards an update.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi


def to_wire(payload):
    """PBS's form of a payload: booleans 1/0, lists as repeated keys; None or "" means delete the option."""
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


class PbsConfigApi(ResourceApi):
    """One /config/<kind> section object: GET/PUT/DELETE on /config/<kind>/<id>, POST on /config/<kind>."""

    def __init__(self, client, kind, id_key, fixed=(), worker=False):
        self.client = client
        self.collection = f"config/{kind}"
        self.id_key = id_key
        self.fixed = tuple(fixed)
        self.worker = worker  # datastores are created and removed by a worker task

    def _path(self, object_id):
        return f"{self.collection}/{object_id}"

    def read(self, key):
        try:
            data = self.client.get(self._path(key[self.id_key]))
        except NotFound:
            return None
        data = dict(data or {})
        data.setdefault(self.id_key, key[self.id_key])
        return data

    def create(self, payload):
        wire = to_wire({key: value for key, value in payload.items() if value not in (None, "")})
        if self.worker:
            self.client.run_worker("post", self.collection, f"create {self.collection}", **wire)
        else:
            self.client.post(self.collection, **wire)
        return None

    def update(self, current, payload):
        changes = {key: value for key, value in payload.items() if key not in self.fixed and key != self.id_key}
        wire = to_wire(changes)
        if current.get("digest"):
            wire["digest"] = current["digest"]
        self.client.put(self._path(current[self.id_key]), **wire)
        return None

    def delete(self, current):
        if self.worker:
            self.client.run_worker("delete", self._path(current[self.id_key]), f"remove {self.collection}")
        else:
            self.client.delete(self._path(current[self.id_key]))
