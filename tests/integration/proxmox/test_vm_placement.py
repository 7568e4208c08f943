# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_vm places a clone on another node than its template's: full clone, then offline migration."""

from __future__ import annotations

PLACED = {
    "vmid": 3160,
    "name": "it-placed",
    "clone": "debian-12-template",
    "node": "tappaas3",
    "memory": 1024,
    "nics": {"net0": {"bridge": "lan", "tag": 210}},
    "state": "started",
}


def test_a_clone_lands_on_the_named_node_with_its_disks(pve):
    checked, applied, _again, _checked_again = pve.rhythm("proxmox_vm", PLACED)
    assert checked["actions"][:2] == ["clone", "migrate"]
    assert applied["actions"][:2] == ["clone", "migrate"] and applied["node"] == "tappaas3"
    vm = pve.vm(3160)
    assert (vm["node"], vm["status"]) == ("tappaas3", "running")
    config = pve.get("/nodes/tappaas3/qemu/3160/config")
    assert config["scsi0"].startswith("tank1:") and config["memory"] == "1024"
    assert pve.run("proxmox_vm", dict(PLACED, state="absent"))["changed"] is True


def test_a_linked_clone_for_another_node_is_refused_before_any_write(pve):
    mark = pve.lab.mark()
    result = pve.run("proxmox_vm", dict(PLACED, vmid=3161, name="it-linked", full=False))
    assert result["failed"] is True
    assert "full: a linked clone stays on its template's node 'tappaas1'; use full: true" in result["msg"]
    assert pve.lab.writes(mark, "pve") == []
