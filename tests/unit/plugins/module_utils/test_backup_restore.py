# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Which backup a restore picks, and when it refuses."""

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.backup_restore import (
    archive_vmid,
    choose_archive,
    parse_config,
    plan,
)
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


VZDUMPS = [
    {
        "volid": "local:backup/vzdump-qemu-101-2026_11_20-21_00_00.vma.zst",
        "content": "backup",
        "vmid": 101,
        "ctime": 1795208400,
        "format": "vma.zst",
    },
    {
        "volid": "local:backup/vzdump-lxc-101-2026_11_21-21_00_00.tar.zst",
        "content": "backup",
        "vmid": 101,
        "ctime": 1795294800,
        "format": "tar.zst",
    },
]


class VzdumpClient(FakeClient):
    def get(self, path, **params):
        if path == "nodes/tappaas1/storage/local/content":
            return [item for item in VZDUMPS if item["vmid"] == params["vmid"]]
        if path == "nodes/tappaas2/storage/local/content":
            return []
        return super().get(path, **params)


VZ_PARAMS = dict(PARAMS, source_storage="local")


def test_vzdump_latest_skips_container_archives_and_takes_a_utc_time():
    assert choose_archive(VzdumpClient(), VZ_PARAMS) == VZDUMPS[0]["volid"]
    named = dict(VZ_PARAMS, snapshot="2026-11-20T21:00:00Z")
    assert choose_archive(VzdumpClient(), named) == VZDUMPS[0]["volid"]
    by_tail = dict(VZ_PARAMS, snapshot="vzdump-qemu-101-2026_11_20-21_00_00.vma.zst")
    assert choose_archive(VzdumpClient(), by_tail) == VZDUMPS[0]["volid"]


@pytest.mark.parametrize(
    "volid, vmid",
    [
        ("local:backup/vzdump-qemu-101-2026_11_20-21_00_00.vma.zst", 101),
        ("nfs-1:backup/vzdump-qemu-7001-2026_01_02-03_04_05.vma", 7001),
        ("tappaas_backup:backup/vm/110/2026-11-21T21:00:00Z", 110),
    ],
)
def test_archive_vmid_of_vm_backups(volid, vmid):
    assert archive_vmid(volid) == vmid


@pytest.mark.parametrize(
    "volid",
    [
        "local:backup/vzdump-lxc-101-2026_11_20-21_00_00.tar.zst",
        "local:backup/vzdump-qemu-101.vma",
        "local:iso/debian.iso",
        "/var/lib/vz/dump/vzdump-qemu-101-2026_11_20-21_00_00.vma",
        "pbs:backup/ct/101/2026-11-21T21:00:00Z",
    ],
)
def test_archive_vmid_names_the_field_for_anything_else(volid):
    with pytest.raises(InvalidInput) as caught:
        archive_vmid(volid)
    assert caught.value.field_path == "archive"


def test_named_archive_must_be_on_the_restore_nodes_storage():
    params = dict(PARAMS, archive=VZDUMPS[0]["volid"], source_storage=None)
    assert choose_archive(VzdumpClient(), params) == VZDUMPS[0]["volid"]
    with pytest.raises(InvalidInput, match="not shared") as caught:
        choose_archive(VzdumpClient(), dict(params, node="tappaas2"))
    assert caught.value.field_path == "archive"


def test_parse_config_stops_at_snapshot_sections_and_skips_comments():
    text = "#a note\nname: app\nmemory: 2048\n\n[PENDING]\nmemory: 4096\n[snap1]\nname: old\n"
    assert parse_config(text) == {"name": "app", "memory": "2048"}
