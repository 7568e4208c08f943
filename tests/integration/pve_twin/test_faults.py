# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Each fault form of the PVE twin behaves as docs/lab.md says."""

from __future__ import annotations

import time

import pytest
import requests
from proxmoxer.core import ResourceException

LOCK_TIMEOUT = "can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout"


def _error(call):
    with pytest.raises(ResourceException) as caught:
        call()
    return caught.value


def test_http_fault_uses_pve_error_shape_and_reason_then_expires(no_faults, pve):
    no_faults.fault(method="GET", path=r"/qemu/9000/config$", status=500, message=LOCK_TIMEOUT, times=1)
    error = _error(pve.nodes("tappaas1").qemu(9000).config.get)
    assert (error.status_code, error.content) == (500, LOCK_TIMEOUT)
    raw = requests.get(no_faults.base + "/api2/json/version", verify=no_faults.ca, timeout=10)
    assert raw.status_code == 401  # not faulted: another path, and no login
    assert pve.nodes("tappaas1").qemu(9000).config.get()["template"] == 1


def test_5xx_fault_on_every_match_until_cleared(no_faults, pve):
    no_faults.fault(path=r"/cluster/resources", status=503, message="service unavailable", times=None)
    for _attempt in range(2):
        assert _error(pve.cluster.resources.get).status_code == 503
    no_faults.clear_faults()
    assert pve.cluster.resources.get()


def test_task_exit_fault_fails_the_task_and_changes_nothing(no_faults, pve):
    no_faults.fault(method="POST", path=r"/qemu/9000/clone$", task_exit=LOCK_TIMEOUT)
    upid = pve.nodes("tappaas1").qemu(9000).clone.post(newid=401, name="never")
    status = no_faults.wait(pve, "tappaas1", upid)
    assert status["exitstatus"] == LOCK_TIMEOUT and status["type"] == "qmclone"
    log = pve.nodes("tappaas1").tasks(upid).log.get()
    assert log[-1]["t"] == "TASK ERROR: " + LOCK_TIMEOUT
    assert 401 not in {r["vmid"] for r in pve.cluster.resources.get(type="vm")}
    upid = pve.nodes("tappaas1").qemu(9000).clone.post(newid=401, name="retried")
    assert no_faults.wait(pve, "tappaas1", upid)["exitstatus"] == "OK"


def test_slow_task_forms(no_faults, pve):
    no_faults.fault(slow_task_ms=400)
    started = time.monotonic()
    upid = pve.nodes("tappaas1").qemu(401).status.start.post()
    assert pve.nodes("tappaas1").tasks(upid).status.get()["status"] == "running"
    assert no_faults.wait(pve, "tappaas1", upid)["exitstatus"] == "OK"
    assert time.monotonic() - started >= 0.4
    no_faults.clear_faults()
    no_faults.fault(method="POST", path=r"/qemu/401/status/stop$", slow_task_ms=300)
    upid = pve.nodes("tappaas1").qemu(401).status.stop.post()
    assert pve.nodes("tappaas1").tasks(upid).status.get()["status"] == "running"
    assert no_faults.wait(pve, "tappaas1", upid)["exitstatus"] == "OK"


def test_node_offline_and_back(no_faults, pve):
    state = no_faults.fault(node_offline="tappaas2")
    assert state["offline_nodes"] == ["tappaas2"]
    assert {n["node"]: n["status"] for n in pve.nodes.get()}["tappaas2"] == "offline"
    error = _error(pve.nodes("tappaas2").qemu.get)
    assert (error.status_code, error.content) == (595, "No route to host")
    no_faults.clear_faults()
    assert isinstance(pve.nodes("tappaas2").qemu.get(), list)


def test_lost_quorum_refuses_writes_not_reads(no_faults, pve):
    assert no_faults.fault(quorum=False)["quorate"] is False
    assert pve.cluster.status.get()[0]["quorate"] == 0
    error = _error(lambda: pve.cluster.backup.post(id="quorum-job", schedule="daily", all=1))
    assert (error.status_code, error.content) == (500, "cluster not ready - no quorum?")
    assert pve.nodes("tappaas1").qemu(9000).config.get()
    no_faults.clear_faults()
    pve.cluster.backup.post(id="quorum-job", schedule="daily", all=1)
    pve.cluster.backup("quorum-job").delete()


def test_vm_lock_makes_config_writes_time_out(no_faults, pve):
    no_faults.fault(vm_lock=401)
    error = _error(lambda: pve.nodes("tappaas1").qemu(401).config.put(cores=2))
    assert (error.status_code, error.content) == (
        500,
        "can't lock file '/var/lock/qemu-server/lock-401.conf' - got timeout",
    )
    no_faults.clear_faults()
    pve.nodes("tappaas1").qemu(401).config.put(cores=2)


def test_bad_fault_is_refused_with_the_reason(no_faults):
    for fault, word in [({"path": "("}, "path"), ({"node_offline": "nope"}, "node_offline"), ({"x": 1}, "path")]:
        response = requests.post(no_faults.base + "/_lab/faults", json=fault, verify=no_faults.ca, timeout=10)
        assert response.status_code == 400 and word in response.json()["error"]


def test_pve8_profile_keeps_ha_groups_and_has_no_rules(no_faults, pve):
    assert no_faults.fault(pve_version="8.4.1")["pve_version"] == "8.4.1"
    assert pve.version.get()["version"] == "8.4.1"
    assert _error(pve.cluster.ha.rules.get).status_code == 501
    pve.cluster.ha.groups.post(group="prefer-one", nodes="tappaas1:2,tappaas2", restricted=0)
    pve.cluster.ha.resources.post(sid="vm:401", group="prefer-one", state="stopped")
    assert pve.cluster.ha.resources("vm:401").get()["group"] == "prefer-one"
    in_use = _error(lambda: pve.cluster.ha.groups("prefer-one").delete())
    assert in_use.content == "ha group is used by service 'vm:401'"
    missing = _error(lambda: pve.cluster.ha.resources("vm:401").put(group="nope"))
    assert missing.content == "HA group 'nope' does not exist"
    pve.cluster.ha.resources("vm:401").delete()
    pve.cluster.ha.groups("prefer-one").delete()
    no_faults.clear_faults()
    assert pve.version.get()["version"] == "9.0.10"
    refused = _error(lambda: pve.cluster.ha.groups.post(group="prefer-one", nodes="tappaas1"))
    assert refused.content == "cannot create group: ha groups have been migrated to rules"


def test_warnings_exit_is_a_success_that_did_its_work(no_faults, pve):
    no_faults.fault(method="POST", path=r"/qemu/401/status/start$", task_exit="WARNINGS: 2")
    upid = pve.nodes("tappaas1").qemu(401).status.start.post()
    status = no_faults.wait(pve, "tappaas1", upid)
    assert status["exitstatus"] == "WARNINGS: 2"
    log = [line["t"] for line in pve.nodes("tappaas1").tasks(upid).log.get()]
    assert log[-1] == "TASK WARNINGS: 2" and sum(line.startswith("WARN: ") for line in log) == 2
    assert pve.nodes("tappaas1").qemu(401).status.current.get()["status"] == "running"
    listed = {t["upid"]: t["status"] for t in pve.nodes("tappaas1").tasks.get(vmid=401)}
    assert listed[upid] == "WARNINGS: 2"
    stop = pve.nodes("tappaas1").qemu(401).status.stop.post()
    assert no_faults.wait(pve, "tappaas1", stop)["exitstatus"] == "OK"
