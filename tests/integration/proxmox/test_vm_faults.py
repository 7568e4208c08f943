# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_vm under the twin's faults: transient ones are retried, permanent ones fail with PVE's message."""

from __future__ import annotations

import time

LOCK_TIMEOUT = "can't lock file '/var/lock/qemu-server/lock-%d.conf' - got timeout"
TASK_ERROR = "storage 'tank1' does not have enough free space"


def spec(vmid, **extra):
    base = {
        "vmid": vmid,
        "name": "it-fault-%d" % vmid,
        "node": "tappaas3",
        "storage": "tank1",
        "memory": 512,
        "disks": {"scsi0": {"size": "1G"}},
        "nics": {"net0": {"bridge": "lan"}},
    }
    base.update(extra)
    return base


def remove(pve, vmid):
    pve.run("proxmox_vm", {"vmid": vmid, "state": "absent"})


def test_a_task_lock_timeout_is_retried(pve, no_faults):
    pve.fault(method="POST", path=r"^/api2/json/nodes/tappaas3/qemu$", task_exit=LOCK_TIMEOUT % 3201, times=1)
    mark = pve.lab.mark()
    result = pve.run("proxmox_vm", spec(3201))
    assert not result.get("failed"), result
    creates = [entry for entry in pve.lab.writes(mark, "pve") if entry["path"].endswith("/nodes/tappaas3/qemu")]
    assert len(creates) == 2
    remove(pve, 3201)


def test_a_synchronous_lock_timeout_is_retried(pve, no_faults):
    pve.run("proxmox_vm", spec(3202))
    pve.fault(method="POST", path=r"/qemu/3202/config$", status=500, message=LOCK_TIMEOUT % 3202, times=2)
    result = pve.run("proxmox_vm", spec(3202, memory=768))
    assert not result.get("failed"), result
    assert result["changed_keys"] == ["memory"]
    remove(pve, 3202)


def test_a_failed_task_fails_with_pves_message_and_leaves_no_vm(pve, no_faults):
    pve.fault(method="POST", path=r"^/api2/json/nodes/tappaas3/qemu$", task_exit=TASK_ERROR, times=1)
    result = pve.run("proxmox_vm", spec(3203))
    assert result["failed"] and TASK_ERROR in result["msg"], result
    assert pve.vm(3203) is None


def test_a_failure_after_creation_removes_the_half_made_vm(pve, no_faults):
    pve.fault(method="PUT", path=r"/qemu/3204/resize$", status=500, message="zfs error: out of space", times=1)
    result = pve.run(
        "proxmox_vm",
        spec(3204, disks={"scsi0": {"import_from": "local:import/debian-12-genericcloud-amd64.qcow2", "size": "8G"}}),
    )
    assert result["failed"] and "zfs error: out of space" in result["msg"]
    assert "half-made VM 3204 was removed again" in result["msg"]
    assert pve.vm(3204) is None


def test_a_slow_task_finishes_within_its_timeout(pve, no_faults):
    pve.fault(method="POST", path=r"^/api2/json/nodes/tappaas3/qemu$", slow_task_ms=2500, times=1)
    started = time.monotonic()
    result = pve.run("proxmox_vm", spec(3205, timeouts={"create": 30}))
    assert not result.get("failed"), result
    assert time.monotonic() - started >= 2.5
    remove(pve, 3205)


def test_a_slow_task_past_its_timeout_fails_by_the_wall_clock(pve, no_faults):
    pve.run("proxmox_vm", spec(3206))
    pve.fault(method="POST", path=r"/qemu/3206/status/start$", slow_task_ms=6000, times=1)
    result = pve.run("proxmox_vm", spec(3206, state="started", timeouts={"start": 2}))
    assert result["failed"] and "timed out after 2 s" in result["msg"], result
    time.sleep(4.5)
    remove(pve, 3206)


def test_an_offline_node_is_refused_before_any_write(pve, no_faults):
    pve.fault(node_offline="tappaas3")
    mark = pve.lab.mark()
    result = pve.run("proxmox_vm", spec(3207))
    assert result["failed"] and "node 'tappaas3' is offline" in result["msg"], result
    assert pve.lab.writes(mark, "pve") == []


def test_5xx_is_retried(pve, no_faults):
    pve.fault(method="GET", path=r"^/api2/json/cluster/resources", status=503, message="Service Unavailable", times=2)
    mark = pve.lab.mark()
    result = pve.run("proxmox_vm", spec(3208), check=True)
    assert not result.get("failed"), result
    reads = [entry for entry in pve.lab.requests(mark, "pve") if "cluster/resources" in entry["path"]]
    assert [entry["status"] for entry in reads] == [503, 503, 200]


def test_lost_quorum_fails_with_pves_message_and_changes_nothing(pve, no_faults):
    pve.fault(quorum=False)
    mark = pve.lab.mark()
    result = pve.run("proxmox_vm", spec(3207))
    assert result.get("failed") and "cluster not ready - no quorum?" in result["msg"], result
    assert [entry for entry in pve.lab.writes(mark, "pve") if entry["status"] < 400] == []
    pve.clear_faults()
    assert pve.vm(3207) is None
