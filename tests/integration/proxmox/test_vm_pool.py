# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_vm keeps an existing VM in the pool its spec names."""

from __future__ import annotations

TEMPLATE = "debian-12-template"
POOLED = {"vmid": 3150, "name": "it-pool", "clone": TEMPLATE, "pool": "it-pool-a", "state": "present"}


def _members(pve, pool):
    return {member.get("vmid") for member in pve.get("/pools/%s" % pool)["members"]}


def test_an_existing_vm_moves_into_the_pool_it_is_given(pve):
    for pool in ("it-pool-a", "it-pool-b"):
        pve.api("POST", "/api2/json/pools", {"poolid": pool})
    pve.rhythm("proxmox_vm", POOLED)
    assert pve.vm(3150)["pool"] == "it-pool-a"

    checked, applied, _again, _checked_again = pve.rhythm("proxmox_vm", dict(POOLED, pool="it-pool-b"))
    assert checked["actions"] == applied["actions"] == ["pool it-pool-b"]
    assert (applied["diff"]["before"]["pool"], applied["diff"]["after"]["pool"]) == ("it-pool-a", "it-pool-b")
    assert pve.vm(3150)["pool"] == "it-pool-b"
    assert 3150 in _members(pve, "it-pool-b") and 3150 not in _members(pve, "it-pool-a")

    # A spec without a pool leaves the membership alone.
    unpooled = {key: value for key, value in POOLED.items() if key != "pool"}
    pve.rhythm("proxmox_vm", unpooled, expect_change=False)
    assert pve.vm(3150)["pool"] == "it-pool-b"
    assert pve.run("proxmox_vm", dict(unpooled, state="absent"))["changed"] is True
