# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Module paths zfs-fuse cannot run, so the integration tests cannot reach them: MOCKED here, on purpose.

zfs-fuse has no zvols ("Function not implemented"), no encryption and no autotrim, and reports ashift 0. These
tests answer the zfs/zpool commands the way OpenZFS does and check what the modules would run.
"""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic

from ansible_collections.tappaas.platform.plugins.modules import zfs_dataset, zfs_pool

POOL_ROOT = "".join(
    "tank1\t%s\t%s\t%s\n" % row
    for row in [
        ("type", "filesystem", "-"),
        ("compression", "lz4", "local"),
        ("volsize", "-", "-"),
        ("volblocksize", "-", "-"),
        ("encryption", "off", "default"),
        ("atime", "off", "local"),
    ]
)
VOLUME = "".join(
    "tank1/vm-100-disk-0\t%s\t%s\t%s\n" % row
    for row in [
        ("type", "volume", "-"),
        ("volsize", "34359738368", "local"),
        ("volblocksize", "16384", "default"),
        ("encryption", "off", "default"),
        ("compression", "lz4", "inherited from tank1"),
    ]
)
MISSING = (1, "", "cannot open 'x': dataset does not exist\n")


class OpenZfs:
    """Answers zfs/zpool commands from a table of the datasets that exist; records what ran."""

    def __init__(self, datasets, pool_lines=None, status="", pool_get=None):
        self.datasets = dict(datasets)
        self.pool_lines = pool_lines
        self.status = status
        self.pool_get = pool_get or {}
        self.calls = []

    def __call__(self, module, argv, **_kwargs):
        self.calls.append(list(argv))
        if argv[:2] == ["zfs", "get"]:
            name = argv[-1]
            return (0, self.datasets[name], "") if name in self.datasets else MISSING
        if argv[:2] == ["zpool", "list"]:
            return (0, self.pool_lines, "") if self.pool_lines else (1, "", "cannot open 'tank1': no such pool\n")
        if argv[:2] == ["zpool", "status"]:
            return 0, self.status, ""
        if argv[:2] == ["zpool", "get"]:
            prop = argv[2]
            return 0, "tank1\t%s\t%s\tlocal\n" % (prop, self.pool_get.get(prop, "-")), ""
        return 0, "", ""

    def writes(self):
        # A bare `zpool import` only lists what could be imported.
        return [
            call
            for call in self.calls
            if call[1] in ("create", "set", "inherit", "destroy", "import") and call != ["zpool", "import"]
        ]


class Done(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


@pytest.fixture
def run_module(monkeypatch):
    def run(module, args, zfs, check_mode=False):
        args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=True)
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode())
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy")

        def run_command(self, argv, **kwargs):
            return zfs(self, argv, **kwargs)

        monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)

        def exit_json(self, **kwargs):
            raise Done(kwargs, False)

        def fail_json(self, msg, **kwargs):
            kwargs["msg"] = msg
            raise Done(kwargs, True)

        monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
        monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
        with pytest.raises(Done) as done:
            module.main()
        return done.value

    return run


VOLUME_ARGS = {
    "name": "tank1/vm-100-disk-0",
    "volume_size": "32G",
    "sparse": True,
    "properties": {"volblocksize": "16K"},
}


def test_mocked_zvol_is_created_sparse_with_its_size_in_bytes(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT})
    done = run_module(zfs_dataset, VOLUME_ARGS, zfs)
    assert not done.failed and done.result["changed"]
    assert zfs.writes() == [
        ["zfs", "create", "-p", "-s", "-V", "34359738368", "-o", "volblocksize=16384", "tank1/vm-100-disk-0"]
    ]


def test_mocked_zvol_in_check_mode_runs_nothing(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT})
    done = run_module(zfs_dataset, VOLUME_ARGS, zfs, check_mode=True)
    assert done.result["changed"] and zfs.writes() == []


def test_mocked_existing_zvol_of_the_same_size_is_no_change(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT, "tank1/vm-100-disk-0": VOLUME})
    done = run_module(zfs_dataset, VOLUME_ARGS, zfs)
    assert not done.failed and not done.result["changed"]
    assert zfs.writes() == []


def test_mocked_zvol_grows_with_zfs_set_volsize(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT, "tank1/vm-100-disk-0": VOLUME})
    done = run_module(zfs_dataset, dict(VOLUME_ARGS, volume_size="64G"), zfs)
    assert done.result["changed"]
    assert zfs.writes() == [["zfs", "set", "volsize=68719476736", "tank1/vm-100-disk-0"]]


def test_mocked_volblocksize_change_fails_before_anything_runs(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT, "tank1/vm-100-disk-0": VOLUME})
    args = dict(VOLUME_ARGS, volume_size="64G", properties={"volblocksize": "8K"})
    done = run_module(zfs_dataset, args, zfs)
    assert done.failed
    assert done.result["field"] == "properties.volblocksize"
    assert "can only be set when tank1/vm-100-disk-0 is created (it is '16384', wanted '8192')" in done.result["msg"]
    assert zfs.writes() == []


def test_mocked_encryption_cannot_be_turned_on_later(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT, "tank1/vm-100-disk-0": VOLUME})
    done = run_module(zfs_dataset, {"name": "tank1/vm-100-disk-0", "properties": {"encryption": "aes-256-gcm"}}, zfs)
    assert done.failed and done.result["field"] == "properties.encryption"
    assert zfs.writes() == []


STATUS = (
    "  pool: tank1\n state: ONLINE\nconfig:\n\n\tNAME STATE\n\ttank1 ONLINE\n\t  mirror-0 ONLINE\n"
    "\t    nvme-a ONLINE\n\t    nvme-b ONLINE\n\nerrors: No known data errors\n"
)
POOL_ARGS = {
    "name": "tank1",
    "topology": "mirror",
    "disks": ["/dev/disk/by-id/nvme-a", "/dev/disk/by-id/nvme-b"],
    "ashift": 12,
    "autotrim": True,
    "properties": {"compression": "lz4"},
}
POOL_LIST = "tank1\t1992864825344\t569344\t1992864256000\t0\tONLINE\t-\n"


def test_mocked_openzfs_autotrim_is_set_where_supported(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT}, POOL_LIST, STATUS, {"ashift": "12", "autotrim": "off"})
    done = run_module(zfs_pool, POOL_ARGS, zfs)
    assert not done.failed, done.result
    assert zfs.writes() == [["zpool", "set", "autotrim=on", "tank1"]]
    assert done.result["pool"]["size"] == 1992864825344


def test_mocked_openzfs_pool_matching_everything_is_no_change(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT}, POOL_LIST, STATUS, {"ashift": "12", "autotrim": "on"})
    done = run_module(zfs_pool, POOL_ARGS, zfs)
    assert not done.failed and not done.result["changed"]
    assert zfs.writes() == []


def test_mocked_openzfs_ashift_drift_is_an_error_and_changes_nothing(run_module):
    zfs = OpenZfs({"tank1": POOL_ROOT}, POOL_LIST, STATUS, {"ashift": "9", "autotrim": "off"})
    done = run_module(zfs_pool, POOL_ARGS, zfs)
    assert done.failed
    assert (
        done.result["drift"]
        == "pool tank1 has ashift 9 but the definition wants 12 (ashift is fixed when vdevs are created)"
    )
    assert zfs.writes() == []


def test_mocked_openzfs_creation_uses_by_id_paths(run_module):
    zfs = OpenZfs({}, None, STATUS, {})
    done = run_module(zfs_pool, dict(POOL_ARGS, autotrim=None), zfs, check_mode=True)
    assert done.result["changed"] and done.result["action"] == "created"
    assert zfs.writes() == []
