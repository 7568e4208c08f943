# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pve import TaskFailed
from ansible_collections.tappaas.platform.plugins.module_utils.pve_vm import VmOrchestrator, find_vm, least_loaded

NODES = [
    {"type": "node", "node": "tappaas1", "status": "online", "cpu": 0.5, "mem": 6, "maxmem": 8},
    {"type": "node", "node": "tappaas2", "status": "online", "cpu": 0.1, "mem": 2, "maxmem": 8},
    {"type": "node", "node": "tappaas3", "status": "offline", "cpu": 0, "mem": 0, "maxmem": 8},
]
CONFIG = {
    "name": "web",
    "cores": 2,
    "memory": "2048",
    "net0": "virtio=BC:24:11:2A:00:01,bridge=lan,tag=20",
    "scsi0": "tank1:vm-101-disk-0,size=8G",
    "digest": "d1",
}


class FakeCluster:
    """A tiny in-memory stand-in for PveClient: enough state for the orchestrator's calls, and a call log."""

    def __init__(self, vms=None, fail_on=None):
        self.vms = copy.deepcopy(vms or {})  # vmid -> {"node", "status", "config", "template"}
        self.writes = []
        self.reads = []
        self.fail_on = fail_on

    def resources(self, kind=None):
        self.reads.append("cluster/resources")
        items = [
            {
                "type": "qemu",
                "vmid": vmid,
                "name": vm["config"].get("name"),
                "node": vm["node"],
                "status": vm["status"],
                "template": vm.get("template", 0),
            }
            for vmid, vm in self.vms.items()
        ]
        return items if kind == "vm" else items + NODES

    def next_vmid(self):
        return max([*self.vms, 99]) + 1

    def get(self, path):
        self.reads.append(path)
        vmid = int(path.split("/")[3])
        config = dict(self.vms[vmid]["config"])
        return [{"key": key, "value": value} for key, value in config.items()]

    def run_task(self, method, path, timeout, what, **params):
        self.writes.append((method, path, params))
        if self.fail_on and self.fail_on in path:
            raise TaskFailed("storage 'tank9' does not exist", upid="UPID:x", log_tail=["TASK ERROR: no storage"])
        parts = path.split("/")
        if path.endswith("/qemu") and method == "post":
            config = {key: value for key, value in params.items() if key not in ("vmid", "pool")}
            config["scsi0"] = "tank1:vm-%d-disk-0,size=2G" % params["vmid"]
            config["net0"] = "virtio=BC:24:11:00:00:09,bridge=lan"
            self.vms[params["vmid"]] = {"node": parts[1], "status": "stopped", "config": config}
        elif path.endswith("/config"):
            vm = self.vms[int(parts[3])]
            vm["config"].update({key: value for key, value in params.items() if key not in ("digest", "delete")})
        elif method == "delete":
            self.vms.pop(int(parts[3]))
        elif path.endswith("/status/start"):
            self.vms[int(parts[3])]["status"] = "running"
        return {"exitstatus": "OK"}


SPEC = {
    "vmid": 101,
    "name": "web",
    "state": "present",
    "cores": 2,
    "memory": 2048,
    "nics": {"net0": {"bridge": "lan", "tag": 20}},
    "disks": {"scsi0": {"size": "8G"}},
}


def existing():
    return FakeCluster({101: {"node": "tappaas1", "status": "running", "config": CONFIG}})


def test_a_matching_vm_takes_two_reads_and_no_write():
    cluster = existing()
    result = VmOrchestrator(cluster).ensure(SPEC).as_module_result()
    assert result["changed"] is False
    assert cluster.writes == []
    assert len(cluster.reads) == 2
    assert result["macs"] == {"net0": "BC:24:11:2A:00:01"}


def test_check_mode_predicts_exactly_what_the_real_run_does():
    spec = dict(SPEC, memory="4096", disks={"scsi0": {"size": "16G"}})
    checked_cluster, real_cluster = existing(), existing()
    checked = VmOrchestrator(checked_cluster, check_mode=True).ensure(spec).as_module_result()
    real = VmOrchestrator(real_cluster).ensure(spec).as_module_result()
    assert checked_cluster.writes == []
    for key in ("changed", "diff", "changed_keys", "actions", "config"):
        assert checked[key] == real[key], key
    assert real["changed_keys"] == ["memory", "scsi0"]
    assert [write[1] for write in real_cluster.writes] == [
        "nodes/tappaas1/qemu/101/config",
        "nodes/tappaas1/qemu/101/resize",
    ]
    assert real_cluster.writes[0][2] == {"memory": 4096, "digest": "d1"}
    assert real_cluster.writes[1][2] == {"disk": "scsi0", "size": "16G"}


def test_a_shrink_fails_before_any_write():
    cluster = existing()
    with pytest.raises(InvalidInput, match="only grow"):
        VmOrchestrator(cluster).ensure(dict(SPEC, disks={"scsi0": {"size": "4G"}}))
    assert cluster.writes == []


def test_a_new_vm_is_created_configured_and_started_on_the_least_loaded_node():
    cluster = FakeCluster()
    spec = {
        "name": "db",
        "state": "started",
        "storage": "tank1",
        "memory": 1024,
        "ciuser": "tappaas",
        "cipassword": "pw-123",
        "disks": {"scsi0": {"import_from": "local:import/debian.qcow2", "size": "10G"}},
    }
    result = VmOrchestrator(cluster).ensure(spec).as_module_result()
    assert result["vmid"] == 100 and result["node"] == "tappaas2" and result["status"] == "running"
    create = cluster.writes[0]
    assert create[1] == "nodes/tappaas2/qemu"
    assert create[2]["scsi0"] == "tank1:0,import-from=local:import/debian.qcow2"
    assert create[2]["ide2"] == "tank1:cloudinit"
    assert [write[1].rsplit("/", 1)[-1] for write in cluster.writes] == ["qemu", "resize", "start"]
    assert "pw-123" not in repr(result)


def test_a_failed_step_after_creation_removes_the_half_made_vm():
    cluster = FakeCluster(fail_on="/status/start")
    with pytest.raises(ApiError) as caught:
        VmOrchestrator(cluster).ensure({"vmid": 120, "name": "x", "state": "started", "storage": "tank1"})
    assert "half-made VM 120 was removed again" in str(caught.value)
    assert "storage 'tank9' does not exist" in str(caught.value)
    assert 120 not in cluster.vms


def test_a_named_node_must_be_online():
    with pytest.raises(ApiError, match=r"tappaas3.*offline"):
        VmOrchestrator(FakeCluster()).ensure({"name": "x", "node": "tappaas3", "state": "present"})


def test_duplicate_names_need_a_vmid():
    vms = [{"vmid": 1, "name": "a"}, {"vmid": 2, "name": "a"}]
    with pytest.raises(InvalidInput, match="2 guests are named 'a'"):
        find_vm(vms, name="a")
    assert find_vm(vms, vmid=2)["vmid"] == 2


def test_least_loaded_skips_offline_nodes():
    assert least_loaded(NODES) == "tappaas2"
    with pytest.raises(ApiError, match="no node"):
        least_loaded([dict(NODES[2])])
