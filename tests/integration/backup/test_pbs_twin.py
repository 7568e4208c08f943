# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PBS twin with the PVE twin: pbs storage, vzdump, content, restore, prune, GC, sync, auth and faults."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI
from proxmoxer.core import AuthenticationError, ResourceException

from .conftest import wait_task


@pytest.fixture(scope="module")
def store(backup, pve, lab):
    assert wait_task(backup.pbs, "localhost", backup.pbs.config.datastore.post(name="coop", path="/tank2/coop")) == "OK"
    pve.storage.post(
        storage="coop",
        type="pbs",
        server=lab.env["PBS_HOST"],
        port=lab.env["PBS_PORT"],
        datastore="coop",
        username=lab.env["PBS_TOKEN_ID"],
        password=lab.env["PBS_TOKEN_SECRET"],
        fingerprint=lab.env["PBS_FINGERPRINT"],
    )
    return "coop"


def test_ticket_login_and_csrf(lab):
    api = ProxmoxAPI(
        lab.env["PBS_HOST"],
        port=int(lab.env["PBS_PORT"]),
        service="PBS",
        user="root@pam",
        password=lab.env["PBS_PASSWORD"],
        verify_ssl=lab.env["LAB_CA"],
    )
    assert api.version.get()["version"].startswith("3.")
    with pytest.raises(AuthenticationError):
        ProxmoxAPI(
            lab.env["PBS_HOST"],
            port=int(lab.env["PBS_PORT"]),
            service="PBS",
            user="root@pam",
            password="wrong",
            verify_ssl=lab.env["LAB_CA"],
        )


def test_pbs_storage_needs_the_right_fingerprint(pve, lab, backup, store):
    with pytest.raises(ResourceException) as caught:
        pve.storage.post(
            storage="coop-bad",
            type="pbs",
            server=lab.env["PBS_HOST"],
            port=lab.env["PBS_PORT"],
            datastore="coop",
            username=lab.env["PBS_TOKEN_ID"],
            password=lab.env["PBS_TOKEN_SECRET"],
            fingerprint="AB:" * 31 + "AB",
        )
    assert "not verified" in caught.value.content
    assert "coop-bad" not in [s["storage"] for s in pve.storage.get()]


def test_vzdump_then_restore_gives_back_the_config(pve, backup, store):
    node = "tappaas2"
    assert (
        wait_task(
            pve,
            node,
            pve.nodes(node).qemu.post(vmid=4101, name="drill", memory=512, scsi0="tank1:2", net0="virtio,bridge=vmbr0"),
        )
        == "OK"
    )
    before = pve.nodes(node).qemu(4101).config.get()
    assert wait_task(pve, node, pve.nodes(node).vzdump.post(vmid=4101, storage=store, mode="snapshot")) == "OK"
    content = pve.nodes(node).storage(store).content.get(vmid=4101)
    assert len(content) == 1 and content[0]["format"] == "pbs-vm"
    snaps = backup.pbs.admin.datastore("coop").snapshots.get(**{"backup-id": "4101"})
    config = backup.pbs.admin.datastore("coop")("download-decoded").get(
        **{
            "backup-type": "vm",
            "backup-id": "4101",
            "backup-time": snaps[0]["backup-time"],
            "file-name": "qemu-server.conf.blob",
        }
    )
    assert "name: drill" in config
    with pytest.raises(ResourceException, match="VM 4101 already exists on node 'tappaas2'"):
        pve.nodes(node).qemu.post(vmid=4101, archive=content[0]["volid"])
    assert wait_task(pve, node, pve.nodes(node).qemu(4101).delete(purge=1)) == "OK"
    assert (
        wait_task(pve, node, pve.nodes(node).qemu.post(vmid=4101, archive=content[0]["volid"], storage="tank2")) == "OK"
    )
    after = pve.nodes(node).qemu(4101).config.get()
    assert after["scsi0"].startswith("tank2:vm-4101-disk-0")
    for key in ("name", "memory", "net0", "smbios1"):
        assert after[key] == before[key]


def test_prune_gc_and_sync(backup, pve, lab, store):
    pbs = backup.pbs
    for _run in range(2):  # two more snapshots of 4101, so prune has something to remove
        assert wait_task(pve, "tappaas2", pve.nodes("tappaas2").vzdump.post(vmid=4101, storage=store)) == "OK"
    assert wait_task(pbs, "localhost", pbs.config.datastore.post(name="coop_off", path="/tank2/coop_off")) == "OK"
    pbs.config.remote.post(
        name="coop-remote",
        host=lab.env["PBS_HOST"],
        port=int(lab.env["PBS_PORT"]),
        fingerprint=lab.env["PBS_FINGERPRINT"],
        password=lab.env["PBS_TOKEN_SECRET"],
        **{"auth-id": lab.env["PBS_TOKEN_ID"]},
    )
    pbs.config.sync.post(
        id="coop-push", store="coop", remote="coop-remote", **{"remote-store": "coop_off", "sync-direction": "push"}
    )
    assert wait_task(pbs, "localhost", pbs.admin.sync("coop-push").run.post()) == "OK"
    source = pbs.admin.datastore("coop").snapshots.get()
    copied = pbs.admin.datastore("coop_off").snapshots.get()
    assert source and [s["backup-time"] for s in copied] == [s["backup-time"] for s in source]
    pbs.config.prune.post(id="coop-prune", store="coop_off", schedule="02:00", **{"keep-last": 1})
    assert wait_task(pbs, "localhost", pbs.admin.prune("coop-prune").run.post()) == "OK"
    assert len(pbs.admin.datastore("coop_off").snapshots.get()) == 1
    assert wait_task(pbs, "localhost", pbs.admin.datastore("coop_off").gc.post()) == "OK"
    assert pbs.admin.datastore("coop_off").gc.get()["pending-bytes"] == 0


def test_task_fault_ends_the_worker_with_the_message(backup):
    backup.fault(method="POST", path="/admin/datastore/coop/gc$", task_exit="unable to get exclusive lock - EBUSY")
    upid = backup.pbs.admin.datastore("coop").gc.post()
    assert wait_task(backup.pbs, "localhost", upid) == "unable to get exclusive lock - EBUSY"


def test_errors_carry_the_message_in_the_reason(backup):
    with pytest.raises(ResourceException) as caught:
        backup.pbs.config.prune.post(id="coop-bad", store="missing", schedule="02:00", **{"keep-last": 1})
    assert caught.value.status_code == 400 and caught.value.content == "datastore 'missing' does not exist"
