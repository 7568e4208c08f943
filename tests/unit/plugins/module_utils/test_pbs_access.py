# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PBS ACL paths and roles as PBS checks them, and the ACL adapter's calls (one role per PUT)."""

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_access import (
    PbsAclApi,
    check_acl_entry,
    is_acl_path,
)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/datastore",
        "/datastore/store1",
        "/datastore/store1/ns/a/b",
        "/remote/r/store",
        "/access/users",
        "/system/tasks",
        "/system/network/interfaces/eth0",
        "/tape/pool/p1",
        "/access/openid/x",
    ],
)
def test_paths_pbs_accepts(path):
    assert is_acl_path(path)


@pytest.mark.parametrize(
    "path",
    [
        "datastore/x",
        "/datastores/x",
        "/access/users/root@pam",
        "/system/tasks/x",
        "/storage/local",
        "/datastore/a/1/2/3/4/5/6/7/8",
    ],
)
def test_paths_pbs_refuses(path):
    assert not is_acl_path(path)


def test_entry_check_names_path_and_roles():
    with pytest.raises(InvalidInput) as caught:
        check_acl_entry(2, {"path": "/vms/100", "roles": ["DatastoreBackup"]})
    assert caught.value.field_path == "acls[2].path"
    with pytest.raises(InvalidInput, match="PVEVMAdmin") as caught:
        check_acl_entry(0, {"path": "/datastore/x", "roles": ["DatastoreBackup", "PVEVMAdmin"]})
    assert caught.value.field_path == "acls[0].roles"


class RecordingClient:
    def __init__(self, acl):
        self.acl = acl
        self.puts = []

    def get(self, endpoint, /, **params):
        assert endpoint == "access/acl"
        return self.acl

    def put(self, endpoint, /, **params):
        self.puts.append(params)


def test_acl_update_removes_stale_roles_and_adds_new_ones_one_per_call():
    client = RecordingClient(
        [
            {"path": "/datastore/x", "ugid": "u@pbs!t", "roleid": "DatastoreAdmin", "propagate": True},
            {"path": "/datastore/x", "ugid": "other@pbs", "roleid": "Admin", "propagate": True},
        ]
    )
    api = PbsAclApi(client, "u@pbs!t")
    current = api.read({"path": "/datastore/x"})
    assert current == {"path": "/datastore/x", "roles": ["DatastoreAdmin"], "propagate": True}
    api.update(current, {"roles": ["DatastoreBackup"]})
    assert client.puts == [
        {"path": "/datastore/x", "role": "DatastoreAdmin", "auth-id": "u@pbs!t", "delete": 1},
        {"path": "/datastore/x", "role": "DatastoreBackup", "auth-id": "u@pbs!t", "propagate": 1},
    ]
