# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""proxmox_storage, proxmox_replication, proxmox_ha and proxmox_access against the PVE twin, four-step rhythm."""

from __future__ import annotations

import json
import ssl
import time
import urllib.request

import pytest


def test_storage_zfspool_then_nodes_and_content_as_sets(pve, no_faults):
    storage = {
        "storage": "it-tank",
        "type": "zfspool",
        "pool": "tank1/it",
        "content": ["images", "rootdir"],
        "nodes": [],
    }
    applied = pve.rhythm("proxmox_storage", storage).applied
    assert applied["action"] == "create"
    assert pve.get("/storage/it-tank")["pool"] == "tank1/it"
    reordered = dict(storage, content=["rootdir", "images", "images"])
    assert pve.run("proxmox_storage", reordered)["changed"] is False
    narrowed = pve.rhythm("proxmox_storage", dict(storage, nodes=["tappaas2", "tappaas1"])).applied
    assert narrowed["changed_fields"] == ["nodes"]
    assert sorted(pve.get("/storage/it-tank")["nodes"].split(",")) == ["tappaas1", "tappaas2"]
    pve.rhythm("proxmox_storage", storage)  # widened again
    assert "nodes" not in pve.get("/storage/it-tank")
    refused = pve.run("proxmox_storage", dict(storage, pool="tank2/it"))
    assert refused["failed"] and refused["field"] == "pool" and "cannot be changed" in refused["msg"]
    removed = pve.rhythm("proxmox_storage", {"storage": "it-tank", "state": "absent"}).applied
    assert removed["action"] == "delete"


def test_storage_dir(pve, no_faults):
    applied = pve.rhythm(
        "proxmox_storage", {"storage": "it-dir", "type": "dir", "path": "/srv/it", "content": ["backup", "iso"]}
    ).applied
    assert applied["action"] == "create"
    assert pve.get("/storage/it-dir")["path"] == "/srv/it"
    pve.rhythm("proxmox_storage", {"storage": "it-dir", "state": "absent"})


def test_storage_pbs_against_the_pbs_twin_keeps_the_password_out_of_sight(pve, no_faults):
    env = pve.lab.env
    pbs_api(pve, "POST", "/config/datastore", {"name": "it-store", "path": "/srv/pbs/it-store"})
    pbs = {
        "storage": "it-pbs",
        "type": "pbs",
        "server": env["PBS_HOST"],
        "port": int(env["PBS_PORT"]),
        "datastore": "it-store",
        "username": env["PBS_USER"],
        "password": env["PBS_PASSWORD"],
        "fingerprint": env["PBS_FINGERPRINT"],
        "content": ["backup"],
    }
    results = pve.rhythm("proxmox_storage", pbs)
    assert all(env["PBS_PASSWORD"] not in repr(result) for result in results)
    assert results.applied["diff"]["after"]["password"] == "**REDACTED**"
    assert pve.get("/storage/it-pbs")["datastore"] == "it-store"
    # PVE checks the server when the storage is added: a wrong fingerprint fails with its message, adds nothing.
    wrong = dict(pbs, storage="it-pbs-bad", fingerprint="AA:" * 31 + "AA")
    refused = pve.run("proxmox_storage", wrong)
    assert refused["failed"] and "error fetching datastores" in refused["msg"], refused
    assert "it-pbs-bad" not in [item["storage"] for item in pve.get("/storage")]
    pve.rhythm("proxmox_storage", {"storage": "it-pbs", "state": "absent"})


def pbs_api(pve, method, path, body):
    """Set up the PBS twin directly (its datastore is the storage role's business, not this module's)."""
    env = pve.lab.env
    token = "PBSAPIToken=%s:%s" % (env["PBS_TOKEN_ID"], env["PBS_TOKEN_SECRET"])
    request = urllib.request.Request(
        "https://%s:%s/api2/json%s" % (env["PBS_HOST"], env["PBS_PORT"], path),
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": token, "Content-Type": "application/json"},
    )
    context = ssl.create_default_context(cafile=env["LAB_CA"])
    with urllib.request.urlopen(request, context=context, timeout=30) as answer:
        upid = json.loads(answer.read())["data"]
    # Creating a datastore is a task; wait for it so the storage finds the datastore.
    deadline = time.monotonic() + 30
    while isinstance(upid, str) and upid.startswith("UPID:") and time.monotonic() < deadline:
        node = upid.split(":")[1]
        status_url = "https://%s:%s/api2/json/nodes/%s/tasks/%s/status" % (env["PBS_HOST"], env["PBS_PORT"], node, upid)
        status = urllib.request.Request(status_url, headers={"Authorization": token})
        with urllib.request.urlopen(status, context=context, timeout=30) as answer:
            if json.loads(answer.read())["data"].get("status") == "stopped":
                return
        time.sleep(0.2)


@pytest.fixture(scope="module")
def guest(pve):
    vm = {
        "vmid": 3301,
        "name": "it-ha",
        "node": "tappaas1",
        "storage": "tank1",
        "memory": 512,
        "disks": {"scsi0": {"size": "1G"}},
        "nics": {"net0": {"bridge": "lan"}},
    }
    created = pve.run("proxmox_vm", vm)
    assert not created.get("failed"), created
    yield 3301
    pve.run("proxmox_ha", {"vmid": 3301, "state": "absent"})
    pve.run("proxmox_vm", {"vmid": 3301, "state": "absent"})


def test_replication_job(pve, guest, no_faults):
    job = {"vmid": guest, "target": "tappaas2", "schedule": "*/15", "rate": 100}
    applied = pve.rhythm("proxmox_replication", job).applied
    assert applied["action"] == "create"
    stored = pve.get("/cluster/replication/%d-0" % guest)
    assert stored["target"] == "tappaas2" and float(stored["rate"]) == 100
    assert pve.run("proxmox_replication", dict(job, rate=100.0))["changed"] is False
    changed = pve.rhythm("proxmox_replication", dict(job, schedule="*/30")).applied
    assert changed["changed_fields"] == ["schedule"]
    refused = pve.run("proxmox_replication", dict(job, target="tappaas3"))
    assert refused["failed"] and refused["field"] == "target"
    pve.rhythm("proxmox_replication", {"vmid": guest, "state": "absent"})


def test_ha_resource_with_node_affinity(pve, guest, no_faults):
    ha = {
        "vmid": guest,
        "ha_state": "started",
        "max_restart": 2,
        "preferred_node": "tappaas1",
        "fallback_nodes": ["tappaas2"],
    }
    applied = pve.rhythm("proxmox_ha", ha).applied
    assert applied["pve_version"].startswith("9")
    assert applied["resource"]["action"] == "create" and applied["placement"]["action"] == "create"
    rule = pve.get("/cluster/ha/rules/tappaas-vm%d" % guest)
    assert rule["type"] == "node-affinity"
    assert sorted(rule["nodes"].split(",")) == ["tappaas1:2", "tappaas2:1"]
    assert pve.get("/cluster/ha/resources/vm:%d" % guest)["max_restart"] == 2
    moved = pve.rhythm("proxmox_ha", dict(ha, preferred_node="tappaas2", fallback_nodes=["tappaas3"])).applied
    assert moved["resource"]["action"] == "none" and moved["placement"]["changed_fields"] == ["nodes"]
    # Power of an HA-managed guest goes through hastart/hastop tasks; the module waits for the guest itself.
    started = pve.run("proxmox_vm", {"vmid": guest, "state": "started"})
    assert not started.get("failed") and started["status"] == "running", started
    assert pve.vm(guest)["status"] == "running"
    stopped = pve.run("proxmox_vm", {"vmid": guest, "state": "stopped"})
    assert not stopped.get("failed") and stopped["actions"] == ["shutdown"], stopped
    assert pve.vm(guest)["status"] == "stopped"
    removed = pve.rhythm("proxmox_ha", {"vmid": guest, "state": "absent"}).applied
    assert removed["resource"]["action"] == "delete" and removed["placement"]["action"] == "delete"


def test_ha_on_pve8_uses_an_ha_group(pve, guest, no_faults):
    pve.fault(pve_version="8.4.1")  # the twin's PVE 8 profile: HA groups, no /cluster/ha/rules
    ha = {"vmid": guest, "ha_state": "started", "preferred_node": "tappaas2", "fallback_nodes": ["tappaas3"]}
    applied = pve.rhythm("proxmox_ha", ha).applied
    assert applied["pve_version"].startswith("8")
    assert applied["placement"]["action"] == "create"
    group = pve.get("/cluster/ha/groups/tappaas-vm%d" % guest)
    assert sorted(group["nodes"].split(",")) == ["tappaas2:2", "tappaas3:1"]
    assert pve.get("/cluster/ha/resources/vm:%d" % guest)["group"] == "tappaas-vm%d" % guest
    removed = pve.rhythm("proxmox_ha", {"vmid": guest, "state": "absent"}).applied
    assert removed["resource"]["action"] == "delete" and removed["placement"]["action"] == "delete"


def test_access_user_role_token_and_exact_acls(pve, no_faults):
    account = {
        "userid": "it-auto@pve",
        "comment": "integration",
        "role": "ItAutomation",
        "privileges": ["VM.Audit", "VM.PowerMgmt", "Datastore.Audit"],
        "token": "ansible",
        "acls": [{"path": "/vms", "roles": ["ItAutomation"]}, {"path": "/storage", "roles": ["ItAutomation"]}],
    }
    checked, applied, again, _checked_again = pve.rhythm("proxmox_access", account)
    secret = applied["token_secret"]
    assert secret and "token_secret" not in checked and "token_secret" not in again
    assert applied["full_tokenid"] == "it-auto@pve!ansible"
    token = pve.get("/access/users/it-auto@pve/token/ansible")
    assert token["privsep"] == 1
    acl = [entry for entry in pve.get("/access/acl") if entry["ugid"] == "it-auto@pve!ansible"]
    assert sorted((entry["path"], entry["roleid"]) for entry in acl) == [
        ("/storage", "ItAutomation"),
        ("/vms", "ItAutomation"),
    ]
    assert sorted(pve.get("/access/roles/ItAutomation")) == ["Datastore.Audit", "VM.Audit", "VM.PowerMgmt"]
    # Exactly these privileges and ACLs: a narrower list removes what is no longer listed.
    narrower = dict(account, privileges=["VM.Audit"], acls=[{"path": "/vms", "roles": ["ItAutomation"]}])
    narrowed = pve.rhythm("proxmox_access", narrower).applied
    assert narrowed["parts"]["acl /storage"]["action"] == "delete"
    assert sorted(pve.get("/access/roles/ItAutomation")) == ["VM.Audit"]
    pve.rhythm("proxmox_access", {"userid": "it-auto@pve", "role": "ItAutomation", "state": "absent"})
    assert [user for user in pve.get("/access/users") if user["userid"] == "it-auto@pve"] == []
