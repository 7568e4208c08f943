# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The prune job adapter: retention travels as one value, a dropped rule becomes a delete on the wire."""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_jobs import DESCRIPTORS, JobApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceEngine


class FakeClient:
    def __init__(self, objects):
        self.objects = objects
        self.writes = []

    def get(self, path, **params):
        if path not in self.objects:
            raise NotFound("no such prune job")
        return dict(self.objects[path])

    def post(self, path, **params):
        self.writes.append(("post", path, params))

    def put(self, path, **params):
        self.writes.append(("put", path, params))

    def delete(self, path, **params):
        self.writes.append(("delete", path, params))


def test_same_retention_makes_no_write():
    client = FakeClient(
        {
            "config/prune/p1": {
                "id": "p1",
                "store": "s",
                "schedule": "02:00",
                "keep-last": 4,
                "keep-daily": 14,
                "digest": "abc",
            }
        }
    )
    engine = ResourceEngine(JobApi(client, "prune"), DESCRIPTORS["prune"])
    result = engine.ensure({"id": "p1", "schedule": "02:00", "retention": {"keep-daily": 14, "keep-last": 4}})
    assert result.changed is False and client.writes == []


def test_dropped_rule_is_deleted_and_digest_sent():
    client = FakeClient(
        {
            "config/prune/p1": {
                "id": "p1",
                "store": "s",
                "schedule": "02:00",
                "keep-last": 4,
                "keep-weekly": 8,
                "digest": "abc",
            }
        }
    )
    engine = ResourceEngine(JobApi(client, "prune"), DESCRIPTORS["prune"])
    result = engine.ensure({"id": "p1", "retention": {"keep-last": 4}})
    assert result.changed_fields == ["retention"]
    method, path, params = client.writes[0]
    assert (method, path) == ("put", "config/prune/p1")
    assert params["delete"] == ["keep-weekly"] and params["digest"] == "abc" and params["keep-last"] == 4


def test_create_flattens_keep_rules():
    client = FakeClient({})
    engine = ResourceEngine(JobApi(client, "prune"), DESCRIPTORS["prune"])
    engine.ensure({"id": "p2", "store": "s", "schedule": "02:00", "retention": {"keep-daily": 7}})
    assert client.writes == [("post", "config/prune", {"id": "p2", "store": "s", "schedule": "02:00", "keep-daily": 7})]


def test_check_mode_makes_no_write():
    client = FakeClient({})
    engine = ResourceEngine(JobApi(client, "prune"), DESCRIPTORS["prune"], check_mode=True)
    assert engine.ensure({"id": "p3", "store": "s", "schedule": "02:00", "retention": {"keep-last": 1}}).changed
    assert client.writes == []
