# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_vm and proxmox_vm_info against the PVE twin: the lifecycle in the four-step rhythm."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

IMAGE = "local:import/debian-12-genericcloud-amd64.qcow2"
TEMPLATE = "debian-12-template"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB1 admin@example.org"
PASSWORD = "cloud-init-pw-7731"

FROM_IMAGE = {
    "vmid": 3101,
    "name": "it-image",
    "node": "tappaas2",
    "storage": "tank1",
    "memory": 1024,
    "disks": {"scsi0": {"import_from": IMAGE, "size": "4G", "discard": True}},
    "nics": {"net0": {"bridge": "lan", "tag": 20, "firewall": True}},
    "ipconfig": {"ipconfig0": {"ip": "10.2.10.31/24", "gw": "10.2.10.1"}},
    "ciuser": "tappaas",
    "cipassword": PASSWORD,
    "sshkeys": [KEY],
    "tags": ["tappaas", "it"],
    "onboot": True,
    "agent": True,
    "state": "started",
}
CLONED = {
    "vmid": 3102,
    "name": "it-clone",
    "clone": TEMPLATE,
    "cores": 2,
    "memory": "2048",
    "disks": {"scsi0": {"size": "5G"}},
    "nics": {"net0": {"bridge": "lan", "tag": 30}},
    "ciuser": "tappaas",
    "sshkeys": [KEY],
    "tags": ["it", "clone"],
    "state": "present",
}


def config_of(pve, vmid):
    vm = pve.vm(vmid)
    return pve.get("/nodes/%s/qemu/%d/config" % (vm["node"], vmid))


@pytest.fixture(scope="module")
def image_vm(pve):
    return pve.rhythm("proxmox_vm", FROM_IMAGE)


@pytest.fixture(scope="module")
def clone_vm(pve):
    return pve.rhythm("proxmox_vm", CLONED)


def test_create_from_cloud_image(pve, image_vm):
    checked, applied, again, _checked_again = image_vm
    assert checked["vmid"] == 3101 and checked["node"] == "tappaas2"
    assert applied["actions"] == ["create", "resize scsi0", "start"]
    assert applied["status"] == "running" and pve.vm(3101)["status"] == "running"
    config = config_of(pve, 3101)
    assert config["scsi0"].startswith("tank1:vm-3101-disk-") and "size=4G" in config["scsi0"]
    # sshkeys travel percent-encoded (never '+') and come back so; the module compares them decoded.
    assert "+" not in config["sshkeys"] and unquote(config["sshkeys"]).strip() == KEY
    assert again["macs"] == applied["macs"] and applied["macs"]["net0"]
    assert PASSWORD not in repr(applied)
    assert applied["diff"]["after"]["cipassword"] == "**REDACTED**"


def test_a_no_op_reads_at_most_twice(pve, image_vm):
    mark = pve.lab.mark()
    result = pve.run("proxmox_vm", FROM_IMAGE)
    assert result["changed"] is False
    requests = pve.lab.requests(mark, "pve")
    assert [entry["method"] for entry in requests] == ["GET", "GET"], requests


def test_clone_configures_and_grows_in_the_same_task(pve, clone_vm):
    applied = clone_vm.applied
    assert applied["actions"] == ["clone", "configure", "resize scsi0"]
    config = config_of(pve, 3102)
    assert config["cores"] == 2 and "tag=30" in config["net0"] and "size=5G" in config["scsi0"]
    assert sorted(config["tags"].split(";")) == ["clone", "it"]
    assert applied["status"] == "stopped"


def test_grow_disk_then_a_shrink_is_refused(pve, clone_vm):
    grown = dict(CLONED, disks={"scsi0": {"size": "7G"}})
    applied = pve.rhythm("proxmox_vm", grown).applied
    assert applied["changed_keys"] == ["scsi0"]
    assert applied["diff"]["before"]["scsi0"]["size"] == "5G" and applied["diff"]["after"]["scsi0"]["size"] == "7G"
    mark = pve.lab.mark()
    refused = pve.run("proxmox_vm", dict(CLONED, disks={"scsi0": {"size": "2G"}}))
    assert refused["failed"] and refused["field"] == "disks.scsi0.size" and "only grow" in refused["msg"]
    assert pve.lab.writes(mark, "pve") == []
    assert "size=7G" in config_of(pve, 3102)["scsi0"]


def test_change_nic_vlan_keeps_the_mac(pve, clone_vm):
    mac = clone_vm.applied["macs"]["net0"]
    applied = pve.rhythm("proxmox_vm", dict(CLONED, disks=None, nics={"net0": {"bridge": "lan", "tag": 40}})).applied
    assert applied["changed_keys"] == ["net0"]
    assert applied["macs"]["net0"] == mac
    assert config_of(pve, 3102)["net0"].upper().startswith("VIRTIO=%s" % mac)


def test_memory_change_on_a_running_vm_needs_a_reboot(pve, image_vm):
    checked, applied, again, _checked_again = pve.rhythm("proxmox_vm", dict(FROM_IMAGE, memory=1536))
    assert applied["changed_keys"] == ["memory"]
    assert checked["reboot_required"] is True and applied["reboot_required"] is True
    assert again["reboot_required"] is True  # still pending until the guest reboots
    pending = pve.get("/nodes/tappaas2/qemu/3101/pending")
    assert any(entry["key"] == "memory" and str(entry.get("pending")) == "1536" for entry in pending)
    restarted = pve.run("proxmox_vm", dict(FROM_IMAGE, memory=1536, state="restarted"))
    assert restarted["changed"] and restarted["reboot_required"] is False


def test_stop_and_start(pve, image_vm):
    stopped = pve.rhythm("proxmox_vm", dict(FROM_IMAGE, memory=1536, state="stopped")).applied
    assert stopped["actions"] == ["shutdown"] and pve.vm(3101)["status"] == "stopped"
    started = pve.rhythm("proxmox_vm", dict(FROM_IMAGE, memory=1536, state="started")).applied
    assert started["actions"] == ["start"] and pve.vm(3101)["status"] == "running"


def test_found_by_name_anywhere_in_the_cluster(pve, image_vm):
    by_name = pve.run("proxmox_vm", {"name": "it-image", "memory": 1536}, check=True)
    assert by_name["changed"] is False and by_name["vmid"] == 3101 and by_name["node"] == "tappaas2"


def test_info_lists_from_one_call(pve, image_vm, clone_vm):
    mark = pve.lab.mark()
    listed = pve.run("proxmox_vm_info", {"tags": ["it"]})
    assert [vm["vmid"] for vm in listed["vms"]] == [3101, 3102]
    assert len(pve.lab.requests(mark, "pve")) == 1
    one = pve.run("proxmox_vm_info", {"vmid": 3102, "config": True})
    assert one["vms"][0]["config"]["net0"]["tag"] in (30, 40)


def test_bad_input_fails_before_any_call(pve):
    mark = pve.lab.mark()
    bad = pve.run("proxmox_vm", {"name": "bad", "nics": {"net0": {"tag": 10}}})
    assert bad["failed"] and bad["field"] == "nics.net0" and "bridge" in bad["msg"]
    assert pve.lab.requests(mark, "pve") == []


def test_delete(pve, image_vm, clone_vm):
    for vmid in (3101, 3102):
        applied = pve.rhythm("proxmox_vm", {"vmid": vmid, "state": "absent"}).applied
        assert applied["status"] == "absent"
        assert pve.vm(vmid) is None
