# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The proxmox modules' main(): argument handling, the engine wiring, secrets, with an in-memory PVE client."""

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic

from ansible_collections.tappaas.platform.plugins.module_utils import pve
from ansible_collections.tappaas.platform.plugins.module_utils.errors import NotFound
from ansible_collections.tappaas.platform.plugins.modules import proxmox_access, proxmox_ha, proxmox_storage, proxmox_vm

CONNECTION = {"api_host": "pve.example.org", "api_token_id": "root@pam!t", "api_token_secret": "conn-secret-1"}
PBS_PASSWORD = "pbs-secret-0d1e"


class Done(Exception):
    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


class MemoryPve:
    """get/post/put/delete on a dict of path -> object; records every write."""

    def __init__(self, objects=None):
        self.objects = dict(objects or {})
        self.writes = []
        self._version = None

    # The real client's version detection, on this fake's get().
    version = pve.PveClient.version

    def get(self, path, /, **params):
        if path not in self.objects:
            raise NotFound("%s does not exist" % path, status=500)
        return self.objects[path]

    def post(self, path, /, **params):
        self.writes.append(("post", path, params))
        if path.startswith("access/users/") and "/token/" in path:
            return {"full-tokenid": "x", "value": "token-secret-9f2"}
        return None

    def put(self, path, /, **params):
        self.writes.append(("put", path, params))

    def delete(self, path, /, **params):
        self.writes.append(("delete", path, params))


@pytest.fixture
def run(monkeypatch):
    def run_main(module, args, client, check_mode=False):
        args = dict(CONNECTION, **args)
        args.update(_ansible_check_mode=check_mode, _ansible_diff=True)
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode())
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy")
        monkeypatch.setattr(pve.PveClient, "from_params", classmethod(lambda cls, params: client))

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

    return run_main


PBS = {
    "storage": "pbs",
    "type": "pbs",
    "server": "10.0.0.5",
    "datastore": "tappaas",
    "username": "backup@pbs!pve",
    "password": PBS_PASSWORD,
    "content": ["backup"],
}


def test_storage_create_sends_pve_wire_form_and_hides_the_password(run):
    client = MemoryPve()
    done = run(proxmox_storage, dict(PBS, nodes=["tappaas2", "tappaas1"], disable=False), client)
    assert not done.failed and done.result["changed"]
    ((method, path, params),) = client.writes
    assert (method, path) == ("post", "storage")
    assert params["nodes"] == "tappaas1,tappaas2" and params["disable"] == 0 and params["content"] == "backup"
    assert PBS_PASSWORD not in json.dumps(done.result)


def test_storage_in_check_mode_writes_nothing(run):
    client = MemoryPve()
    done = run(proxmox_storage, PBS, client, check_mode=True)
    assert done.result["changed"] and client.writes == []


def test_storage_unchanged_and_empty_nodes_means_all(run):
    stored = {
        "storage": "pbs",
        "type": "pbs",
        "server": "10.0.0.5",
        "datastore": "tappaas",
        "username": "backup@pbs!pve",
        "content": "backup",
        "digest": "d",
    }
    client = MemoryPve({"storage/pbs": stored})
    done = run(proxmox_storage, dict(PBS, nodes=[]), client)
    assert done.result["changed"] is False and client.writes == []


def test_storage_narrowing_then_widening_nodes_uses_delete(run):
    stored = {"storage": "t", "type": "dir", "path": "/srv", "content": "iso", "nodes": "tappaas1", "digest": "d"}
    client = MemoryPve({"storage/t": stored})
    run(proxmox_storage, {"storage": "t", "type": "dir", "path": "/srv", "nodes": []}, client)
    assert client.writes == [("put", "storage/t", {"delete": "nodes", "digest": "d"})]


def test_storage_type_needs_its_options(run):
    done = run(proxmox_storage, {"storage": "t", "type": "zfspool"}, MemoryPve())
    assert done.failed and "pool" in done.result["msg"]


def test_access_returns_the_token_secret_once_and_never_in_the_diff(run):
    client = MemoryPve()
    args = {
        "userid": "tappaas@pve",
        "role": "TAPPaaS",
        "privileges": ["VM.Audit"],
        "token": "ansible",
        "acls": [{"path": "/", "roles": ["TAPPaaS"]}],
    }
    client.objects["access/acl"] = []
    done = run(proxmox_access, args, client)
    assert done.result["token_secret"] == "token-secret-9f2"
    assert "token-secret-9f2" not in json.dumps(done.result["diff"])
    paths = [(method, path) for method, path, _params in client.writes]
    assert paths == [
        ("post", "access/users"),
        ("post", "access/roles"),
        ("post", "access/users/tappaas@pve/token/ansible"),
        ("put", "access/acl"),
        ("put", "access/acl"),
    ]
    assert client.writes[3][2] == {"path": "/", "roles": "TAPPaaS", "tokens": "tappaas@pve!ansible", "propagate": 1}
    # The token holds only what its user holds too, so the user gets the same entry.
    assert client.writes[4][2] == {"path": "/", "roles": "TAPPaaS", "users": "tappaas@pve", "propagate": 1}


def test_vm_needs_vmid_or_name(run):
    done = run(proxmox_vm, {"memory": 1024}, MemoryPve())
    assert done.failed and "vmid" in done.result["msg"] and "name" in done.result["msg"]


def test_vm_bad_nic_fails_naming_the_option_before_any_call(run):
    client = MemoryPve()
    done = run(proxmox_vm, {"name": "x", "nics": {"net0": {"model": "virtio"}}}, client)
    assert done.failed and done.result["field"] == "nics.net0"
    assert client.writes == []


@pytest.mark.parametrize(
    ("release", "writes"),
    [
        ("9.1", [("post", "cluster/ha/resources"), ("post", "cluster/ha/rules")]),
        ("8.4", [("post", "cluster/ha/groups"), ("post", "cluster/ha/resources")]),
    ],
)
def test_ha_places_by_rule_on_pve9_and_by_group_on_pve8(run, release, writes):
    client = MemoryPve({"version": {"release": release}})
    args = {"vmid": 210, "preferred_node": "tappaas1", "fallback_nodes": ["tappaas2"]}
    done = run(proxmox_ha, args, client)
    assert not done.failed and done.result["changed"]
    assert [(method, path) for method, path, _params in client.writes] == writes
    placement = client.writes[1 if release.startswith("9") else 0][2]
    assert sorted(placement["nodes"].split(",")) == ["tappaas1:2", "tappaas2:1"]
    if release.startswith("8"):
        assert client.writes[1][2]["group"] == "tappaas-vm210"
    else:
        assert placement["type"] == "node-affinity" and placement["resources"] == "vm:210"


def test_ha_failback_needs_pve9(run):
    done = run(proxmox_ha, {"vmid": 210, "failback": False}, MemoryPve({"version": {"release": "8.4"}}))
    assert done.failed and done.result["field"] == "failback"
