# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_restore against the PVE and PBS twins: restore after loss, no second restore, running guest refused."""

from __future__ import annotations

import pytest

from .conftest import wait_task

NODE = "tappaas3"
VMID = 4301


@pytest.fixture(scope="module")
def backed_up(backup, pve, lab):
    assert wait_task(backup.pbs, "localhost", backup.pbs.config.datastore.post(name="rst", path="/tank2/rst")) == "OK"
    pve.storage.post(
        storage="rst",
        type="pbs",
        server=lab.env["PBS_HOST"],
        port=lab.env["PBS_PORT"],
        datastore="rst",
        username=lab.env["PBS_TOKEN_ID"],
        password=lab.env["PBS_TOKEN_SECRET"],
        fingerprint=lab.env["PBS_FINGERPRINT"],
    )
    assert (
        wait_task(
            pve,
            NODE,
            pve.nodes(NODE).qemu.post(
                vmid=VMID, name="rst-app", memory=768, scsi0="tank1:1", net0="virtio,bridge=vmbr0"
            ),
        )
        == "OK"
    )
    config = pve.nodes(NODE).qemu(VMID).config.get()
    assert wait_task(pve, NODE, pve.nodes(NODE).vzdump.post(vmid=VMID, storage="rst")) == "OK"
    return config


ARGS = {"vmid": VMID, "node": NODE, "storage": "tank1", "source_storage": "rst"}


def test_restore_after_loss_then_no_second_restore(backup, pve, lab, backed_up):
    assert wait_task(pve, NODE, pve.nodes(NODE).qemu(VMID).delete(purge=1)) == "OK"
    checked = backup.run("proxmox_restore", ARGS, check=True)
    assert checked["changed"] is True and checked["archive"].startswith("rst:backup/vm/%d/" % VMID), checked
    assert backup.pve_get("/cluster/resources?type=vm") and all(
        item["vmid"] != VMID for item in backup.pve_get("/cluster/resources?type=vm")
    )
    restored = backup.run("proxmox_restore", ARGS)
    assert restored["changed"] is True and restored["seconds"] >= 0, restored
    config = pve.nodes(NODE).qemu(VMID).config.get()
    for key in ("name", "memory", "net0", "smbios1"):
        assert config[key] == backed_up[key]
    mark = lab.mark()
    again = backup.run("proxmox_restore", ARGS)
    assert again["changed"] is False and "exists" in again["msg"], again
    assert lab.writes(mark, "pve") == []
    assert backup.run("proxmox_restore", ARGS, check=True)["changed"] is False


def test_running_guest_is_not_replaced_unless_told(backup, pve, lab, backed_up):
    assert wait_task(pve, NODE, pve.nodes(NODE).qemu(VMID).status.start.post()) == "OK"
    mark = lab.mark()
    refused = backup.run("proxmox_restore", dict(ARGS, force=True))
    assert refused.get("failed") and "running" in refused["msg"], refused
    assert lab.writes(mark, "pve") == []
    replaced = backup.run("proxmox_restore", dict(ARGS, force=True, stop_running=True, start=True))
    assert replaced["changed"] is True, replaced
    assert pve.nodes(NODE).qemu(VMID).status.current.get()["status"] == "running"


def test_restore_as_a_new_guest_with_unique_macs(backup, pve, backed_up):
    result = backup.run("proxmox_restore", dict(ARGS, vmid=VMID + 1, source_vmid=VMID, unique=True))
    assert result["changed"] is True, result
    copy = pve.nodes(NODE).qemu(VMID + 1).config.get()
    assert copy["name"] == backed_up["name"] and copy["net0"] != backed_up["net0"]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"storage": "nowhere"}, "storage"),
        ({"node": "tappaas9"}, "node"),
        ({"snapshot": "1999-01-01T00:00:00Z"}, "snapshot"),
        ({"source_vmid": 4999}, "source_vmid"),
    ],
)
def test_bad_input_fails_before_any_write(backup, lab, backed_up, change, field):
    mark = lab.mark()
    args = dict(ARGS, vmid=4399, source_vmid=VMID)
    args.update(change)
    result = backup.run("proxmox_restore", args)
    assert result.get("failed") and result["field"] == field, result
    assert lab.writes(mark, "pve") == []
