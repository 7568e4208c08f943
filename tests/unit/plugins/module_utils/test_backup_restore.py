# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which backup a restore picks, and when it refuses."""

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.backup_restore import choose_archive, plan
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput

BACKUPS = [
    {"volid": "pbs:backup/vm/101/2026-11-20T21:00:00Z", "content": "backup", "vmid": 101, "ctime": 100},
    {"volid": "pbs:backup/vm/101/2026-11-21T21:00:00Z", "content": "backup", "vmid": 101, "ctime": 200},
]


class FakeClient:
    def __init__(self, guests=()):
        self.guests = list(guests)

    def get(self, path, **params):
        if path.endswith("/content"):
            return [item for item in BACKUPS if item["vmid"] == params["vmid"]]
        if path == "nodes":
            return [{"node": "tappaas1"}, {"node": "tappaas2"}]
        if path == "storage":
            return [{"storage": "tank1", "content": "images,rootdir"}, {"storage": "pbs", "content": "backup"}]
        raise AssertionError(path)

    def resources(self, kind):
        return self.guests


PARAMS = {"vmid": 101, "node": "tappaas1", "source_storage": "pbs", "storage": "tank1", "snapshot": "latest"}


def test_latest_and_named_snapshot():
    assert choose_archive(FakeClient(), PARAMS).endswith("2026-11-21T21:00:00Z")
    named = dict(PARAMS, snapshot="2026-11-20T21:00:00Z")
    assert choose_archive(FakeClient(), named).endswith("2026-11-20T21:00:00Z")


def test_unknown_snapshot_lists_the_known_ones():
    with pytest.raises(InvalidInput, match="2026-11-21T21:00:00Z") as caught:
        choose_archive(FakeClient(), dict(PARAMS, snapshot="1999-01-01T00:00:00Z"))
    assert caught.value.field_path == "snapshot"


def test_existing_guest_is_left_alone_without_force():
    steps = plan(FakeClient([{"vmid": 101, "node": "tappaas1", "status": "stopped"}]), PARAMS)
    assert steps["action"] == "none" and "force" in steps["reason"]


def test_running_guest_needs_stop_running():
    running = FakeClient([{"vmid": 101, "node": "tappaas1", "status": "running"}])
    with pytest.raises(InvalidInput, match="running"):
        plan(running, dict(PARAMS, force=True))
    steps = plan(running, dict(PARAMS, force=True, stop_running=True))
    assert steps["replace"] and steps["stop"]


def test_storage_without_images_is_refused():
    with pytest.raises(InvalidInput) as caught:
        plan(FakeClient(), dict(PARAMS, storage="pbs"))
    assert caught.value.field_path == "storage"
