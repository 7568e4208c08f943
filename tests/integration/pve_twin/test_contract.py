# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Contract tests of the PVE twin over HTTPS with proxmoxer: what the collection's modules rely on."""

from __future__ import annotations

import time
import urllib.parse

import pytest
import requests
from proxmoxer.core import AuthenticationError, ResourceException

CLOUD_IMAGE = "local:import/debian-12-genericcloud-amd64.qcow2"
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHt+lab/key= admin@tappaas"


def _error(call):
    with pytest.raises(ResourceException) as caught:
        call()
    return caught.value


def test_tls_verifies_against_the_lab_ca_only(pve_lab):
    assert pve_lab.client().version.get()["version"].startswith("9.")
    with pytest.raises(requests.exceptions.SSLError):
        pve_lab.client(verify_ssl=True).version.get()


def test_token_and_password_auth(pve_lab):
    wrong = pve_lab.client(token_value="00000000-0000-0000-0000-000000000000")
    assert _error(wrong.version.get).status_code == 401
    with_password = pve_lab.client(
        token_name=None, token_value=None, user=pve_lab.env["PROXMOX_USER"], password=pve_lab.env["PROXMOX_PASSWORD"]
    )
    assert with_password.cluster.status.get()[0]["quorate"] == 1
    with pytest.raises(AuthenticationError):
        pve_lab.client(token_name=None, token_value=None, user="root@pam", password="wrong")


def test_seed_cluster_storages_image_and_template(pve):
    nodes = {n["node"]: n["status"] for n in pve.nodes.get()}
    assert nodes == {"tappaas1": "online", "tappaas2": "online", "tappaas3": "online"}
    storages = {s["storage"]: s for s in pve.storage.get()}
    assert storages["tank1"]["type"] == "zfspool" and set(storages["tank1"]["content"].split(",")) == {
        "images",
        "rootdir",
    }
    assert storages["tank2"]["type"] == "zfspool"
    assert set(storages["local"]["content"].split(",")) == {"iso", "vztmpl", "backup", "snippets", "import"}
    images = pve.nodes("tappaas2").storage("local").content.get(content="import")
    assert [i["volid"] for i in images] == [CLOUD_IMAGE]
    template = [r for r in pve.cluster.resources.get(type="vm") if r["vmid"] == 9000]
    assert template and template[0]["template"] == 1 and template[0]["name"] == "debian-12-template"
    config = pve.nodes("tappaas1").qemu(9000).config.get()
    assert config["ide2"].endswith("-cloudinit,media=cdrom")
    assert [p["name"] for p in pve.nodes("tappaas3").disks.zfs.get()] == ["tank1", "tank2"]


@pytest.mark.parametrize("value", ["true", True, "yes"])
def test_booleans_other_than_1_or_0_are_refused(pve, value):
    error = _error(lambda: pve.nodes("tappaas1").qemu.post(vmid=150, name="bool", onboot=value))
    assert error.status_code == 400
    assert error.content == "Parameter verification failed."
    assert error.errors == {"onboot": "type check ('boolean') failed - got '%s'" % value}
    assert not [r for r in pve.cluster.resources.get(type="vm") if r["vmid"] == 150]
    backup = _error(lambda: pve.cluster.backup.post(schedule="daily", vmid="9000", storage="local", enabled="false"))
    assert backup.errors == {"enabled": "type check ('boolean') failed - got 'false'"}


def test_raw_sshkeys_are_refused_and_encoded_ones_kept(pve_lab, pve):
    error = _error(lambda: pve.nodes("tappaas1").qemu(9000).config.put(sshkeys=KEY))
    assert error.status_code == 400
    assert "invalid urlencoded string" in error.errors["sshkeys"]
    plus = _error(lambda: pve.nodes("tappaas1").qemu(9000).config.put(sshkeys=urllib.parse.quote_plus(KEY)))
    assert "invalid urlencoded string" in plus.errors["sshkeys"]


def test_create_with_import_from_makes_a_disk_of_the_image_size(pve_lab, pve):
    upid = pve.nodes("tappaas2").qemu.post(
        vmid=201,
        name="imported",
        memory="2048",
        scsi0="tank1:0,import-from=%s,discard=on" % CLOUD_IMAGE,
        ide2="tank1:cloudinit",
        net0="virtio,bridge=lan,tag=20",
        sshkeys=urllib.parse.quote(KEY, safe=""),
        onboot=1,
    )
    assert pve_lab.wait(pve, "tappaas2", upid)["exitstatus"] == "OK"
    config = pve.nodes("tappaas2").qemu(201).config.get()
    assert config["scsi0"] == "tank1:vm-201-disk-0,discard=on,size=3G"
    assert config["ide2"] == "tank1:vm-201-cloudinit,media=cdrom"
    assert urllib.parse.unquote(config["sshkeys"]) == KEY and config["onboot"] == 1
    assert config["net0"].startswith("virtio=BC:24:11:") and config["net0"].endswith(",bridge=lan,tag=20")
    volids = {v["volid"] for v in pve.nodes("tappaas2").storage("tank1").content.get(vmid=201)}
    assert volids == {"tank1:vm-201-disk-0", "tank1:vm-201-cloudinit"}
    wrong_size = _error(lambda: pve.nodes("tappaas2").qemu.post(vmid=202, scsi0="tank1:8,import-from=%s" % CLOUD_IMAGE))
    assert wrong_size.status_code == 400 and "import-from" in wrong_size.errors["scsi0"]
    missing = _error(
        lambda: pve.nodes("tappaas2").qemu.post(vmid=202, scsi0="tank1:0,import-from=local:import/x.qcow2")
    )
    assert missing.status_code == 500 and "does not exist" in missing.content


def test_clone_of_the_template_then_grow_and_start(pve_lab, pve):
    upid = pve.nodes("tappaas1").qemu(9000).clone.post(newid=301, name="cloned")
    status = pve_lab.wait(pve, "tappaas1", upid)
    assert status["exitstatus"] == "OK" and status["type"] == "qmclone" and status["id"] == "9000"
    config = pve.nodes("tappaas1").qemu(301).config.get()
    assert config["name"] == "cloned" and "template" not in config
    assert config["ide2"] == "tank1:vm-301-cloudinit,media=cdrom"
    assert config["net0"] != pve.nodes("tappaas1").qemu(9000).config.get()["net0"]  # a fresh MAC
    pve.nodes("tappaas1").qemu(301).config.put(cores=4, digest=config["digest"])
    stale = _error(lambda: pve.nodes("tappaas1").qemu(301).config.put(cores=2, digest=config["digest"]))
    assert stale.status_code == 500 and "checksum mismatch" in stale.content
    resize = pve.nodes("tappaas1").qemu(301).resize.put(disk="scsi0", size="+2G")
    assert pve_lab.wait(pve, "tappaas1", resize)["exitstatus"] == "OK"
    assert pve.nodes("tappaas1").qemu(301).config.get()["scsi0"].endswith(",size=5G")
    shrink = _error(lambda: pve.nodes("tappaas1").qemu(301).resize.put(disk="scsi0", size="4G"))
    assert (shrink.status_code, shrink.content) == (500, "shrinking disks is not supported")
    same = pve.nodes("tappaas1").qemu(301).resize.put(disk="scsi0", size="5G")
    assert pve_lab.wait(pve, "tappaas1", same)["exitstatus"] == "OK"
    start = pve.nodes("tappaas1").qemu(301).status.start.post()
    assert pve_lab.wait(pve, "tappaas1", start)["exitstatus"] == "OK"
    again = pve.nodes("tappaas1").qemu(301).status.start.post()
    assert pve_lab.wait(pve, "tappaas1", again)["exitstatus"] == "VM 301 already running"


def test_config_reads_merge_pending_mask_the_password_and_normalise_tags(pve):
    vm = pve.nodes("tappaas1").qemu(301)
    before = vm.config.get()
    vm.config.put(memory="4096", cipassword="s3cret", tags="Web,prod;web")
    merged = vm.config.get()
    assert merged["memory"] == "4096" and merged["cipassword"] == "**********" and merged["tags"] == "prod;web"
    assert vm.config.get(current=1)["memory"] == "2048"  # running: memory waits for a restart
    assert {p["key"]: p.get("pending") for p in vm.pending.get() if "pending" in p}["memory"] == "4096"
    assert merged["digest"] != before["digest"]


def test_pending_lists_the_digest_and_masks_the_password(pve):
    vm = pve.nodes("tappaas1").qemu(301)
    pending = {item["key"]: item for item in vm.pending.get()}
    assert pending["digest"] == {"key": "digest", "value": vm.config.get()["digest"]}
    assert pending["cipassword"].get("pending", pending["cipassword"].get("value")) == "**********"


def test_nic_changes_on_a_running_vm_apply_at_once_but_memory_waits(pve):
    vm = pve.nodes("tappaas1").qemu(301)
    assert vm.status.current.get()["status"] == "running"
    net0 = vm.config.get(current=1)["net0"]
    retagged = ",".join(part for part in net0.split(",") if not part.startswith("tag=")) + ",tag=230"
    vm.config.put(net0=retagged)
    assert vm.config.get(current=1)["net0"] == retagged  # hotplug network: live, no reboot
    assert "net0" not in {item["key"] for item in vm.pending.get() if "pending" in item or "delete" in item}
    assert "memory" in {item["key"] for item in vm.pending.get() if "pending" in item}


def test_ha_resource_and_rule_keep_state(pve_lab, pve):
    pve.cluster.ha.resources.post(sid="vm:301", state="started", max_restart=2)
    resource = pve.cluster.ha.resources("vm:301").get()
    assert resource["state"] == "started" and resource["max_restart"] == 2 and resource["type"] == "vm"
    duplicate = _error(lambda: pve.cluster.ha.resources.post(sid="301"))
    assert duplicate.content == "resource ID 'vm:301' already defined"
    group = _error(lambda: pve.cluster.ha.resources.post(sid="vm:201", group="g1"))
    assert "ha groups have been migrated to rules" in group.content
    pve.cluster.ha.rules.post(rule="web-on-1", type="node-affinity", resources="vm:301", nodes="tappaas1:2,tappaas2")
    rule = pve.cluster.ha.rules("web-on-1").get()
    assert rule["nodes"] == "tappaas1:2,tappaas2" and rule["resources"] == "vm:301"
    unmanaged = _error(
        lambda: pve.cluster.ha.rules.post(rule="x", type="node-affinity", resources="vm:201", nodes="tappaas1")
    )
    assert unmanaged.content == "cannot use unmanaged resource(s) vm:201."
    strict = _error(lambda: pve.cluster.ha.rules("web-on-1").put(type="node-affinity", strict="true"))
    assert strict.errors == {"strict": "type check ('boolean') failed - got 'true'"}
    pve.cluster.ha.rules("web-on-1").put(type="node-affinity", strict=1, digest=rule["digest"])
    assert pve.cluster.ha.rules("web-on-1").get()["strict"] == 1
    pve.cluster.ha.resources("vm:301").put(comment="web", digest=resource["digest"])
    stale = _error(lambda: pve.cluster.ha.resources("vm:301").put(max_relocate=3, digest=resource["digest"]))
    assert "file changed by other user" in stale.content
    pve.cluster.ha.resources("vm:301").put(state="stopped", delete="max_restart")
    updated = pve.cluster.ha.resources("vm:301").get()
    assert updated["state"] == "stopped" and "max_restart" not in updated
    assert pve.nodes("tappaas1").qemu(301).status.current.get()["ha"]["managed"] == 1
    pve.cluster.ha.resources("vm:301").delete()
    assert pve.cluster.ha.resources.get() == [] and pve.cluster.ha.rules.get() == []


def test_backup_job_crud(pve):
    pve.cluster.backup.post(
        id="nightly",
        schedule="21:00",
        vmid="9000,301",
        storage="local",
        mode="snapshot",
        **{"prune-backups": "keep-last=3,keep-daily=7"},
    )
    job = pve.cluster.backup("nightly").get()
    assert job["prune-backups"] == {"keep-last": 3, "keep-daily": 7}
    assert job["enabled"] == 1 and job["next-run"] > time.time()
    conflict = _error(lambda: pve.cluster.backup("nightly").put(all=1, vmid="301"))
    assert conflict.errors == {"all": "option conflicts with option 'vmid'"}
    pve.cluster.backup("nightly").put(enabled=0, delete="mode")
    job = next(j for j in pve.cluster.backup.get() if j["id"] == "nightly")
    assert job["enabled"] == 0 and "mode" not in job and "next-run" not in job
    assert _error(lambda: pve.cluster.backup.post(id="nightly", schedule="daily", all=1)).content == (
        "Job 'nightly' already exists"
    )
    pve.cluster.backup("nightly").delete()
    assert _error(pve.cluster.backup("nightly").get).errors == {"id": "No such job 'nightly'"}


def test_replication_job_crud(pve):
    same = _error(lambda: pve.cluster.replication.post(id="301-0", type="local", target="tappaas1"))
    assert same.content == "Source and target must not be identical"
    pve.cluster.replication.post(id="301-0", type="local", target="tappaas2", schedule="*/15", rate=50)
    job = pve.cluster.replication("301-0").get()
    assert job["guest"] == 301 and job["jobnum"] == 0 and job["target"] == "tappaas2" and job["rate"] == 50
    pve.cluster.replication("301-0").put(schedule="*/30", delete="rate")
    listed = pve.cluster.replication.get()
    assert [(j["id"], j["schedule"], "rate" in j) for j in listed] == [("301-0", "*/30", False)]
    pve.cluster.replication("301-0").delete()
    assert pve.cluster.replication.get() == []


def test_storage_and_zfs_pool_crud(pve_lab, pve):
    pve.storage.post(storage="backups", type="dir", path="/mnt/backups", content="backup", nodes="tappaas1")
    assert pve.storage("backups").get()["nodes"] == "tappaas1"
    pve.storage("backups").put(content="backup,iso")
    assert set(pve.storage("backups").get()["content"].split(",")) == {"backup", "iso"}
    pve.storage("backups").delete()
    assert "backups" not in {s["storage"] for s in pve.storage.get()}
    upid = pve.nodes("tappaas2").disks.zfs.post(
        name="tank3", raidlevel="mirror", devices="/dev/sdd,/dev/sde", add_storage=1
    )
    assert pve_lab.wait(pve, "tappaas2", upid)["exitstatus"] == "OK"
    assert "tank3" in {p["name"] for p in pve.nodes("tappaas2").disks.zfs.get()}
    assert pve.storage("tank3").get()["type"] == "zfspool"
    in_use = _error(lambda: pve.nodes("tappaas2").disks.zfs.post(name="tank4", raidlevel="single", devices="/dev/sdd"))
    assert in_use.content == "device '/dev/sdd' is already in use"


def test_node_network_is_staged_then_applied(pve_lab, pve):
    network = pve.nodes("tappaas3").network
    assert {i["iface"]: i["type"] for i in network.get()} == {"eno1": "eth", "eno2": "eth", "vmbr0": "bridge"}
    network.post(iface="lan", type="bridge", bridge_ports="eno2", bridge_vlan_aware=1, autostart=1)
    staged = {i["iface"]: i for i in network.get(type="bridge")}
    assert staged["lan"]["active"] == 0 and staged["lan"]["bridge_vlan_aware"] == 1
    taken = _error(lambda: network.post(iface="lan", type="bridge"))
    assert taken.errors == {"iface": "interface already exists"}
    missing_port = _error(lambda: network.post(iface="wan", type="bridge", bridge_ports="eno9"))
    assert missing_port.errors == {"bridge_ports": "interface 'eno9' does not exist"}
    assert pve_lab.wait(pve, "tappaas3", network.put())["exitstatus"] == "OK"
    assert network("lan").get()["active"] == 1
    network("lan").put(type="bridge", cidr="10.0.0.3/24")
    assert network("lan").get()["address"] == "10.0.0.3" and network("lan").get()["method"] == "static"
    network.delete()
    assert "address" not in network("lan").get()
    network("lan").delete()
    assert pve_lab.wait(pve, "tappaas3", network.put())["exitstatus"] == "OK"
    assert "lan" not in {i["iface"] for i in network.get()}


def test_access_user_role_token_and_acl(pve_lab, pve):
    pve.access.users.post(userid="tappaas@pve", password="lab-password-1", comment="automation")
    pve.access.roles.post(roleid="TAPPaaSAutomation", privs="VM.Audit,VM.Allocate")
    created = pve.access.users("tappaas@pve").token("ansible").post(privsep=1)
    assert created["full-tokenid"] == "tappaas@pve!ansible" and created["info"]["privsep"] == 1
    token = pve_lab.client(user="tappaas@pve", token_name="ansible", token_value=created["value"])
    denied = _error(token.nodes("tappaas1").qemu(9000).config.get)
    assert denied.status_code == 403 and denied.content == "Permission check failed (/vms/9000, VM.Audit)"
    pve.access.acl.put(path="/vms", roles="TAPPaaSAutomation", users="tappaas@pve")
    assert _error(token.nodes("tappaas1").qemu(9000).config.get).status_code == 403  # privsep: token too
    pve.access.acl.put(path="/vms", roles="TAPPaaSAutomation", tokens="tappaas@pve!ansible")
    assert token.nodes("tappaas1").qemu(9000).config.get()["name"] == "debian-12-template"
    acl = {(e["path"], e["type"], e["ugid"], e["roleid"]) for e in pve.access.acl.get()}
    assert ("/vms", "token", "tappaas@pve!ansible", "TAPPaaSAutomation") in acl
    assert pve.access.roles("TAPPaaSAutomation").get() == {"VM.Allocate": 1, "VM.Audit": 1}
    pve.access.users("tappaas@pve").token("ansible").delete()
    assert _error(token.version.get).status_code == 401
    pve.access.users("tappaas@pve").delete()
    pve.access.roles("TAPPaaSAutomation").delete()


def test_destroy_with_purge_cleans_ha_replication_and_backup_jobs(pve_lab, pve):
    pve.cluster.ha.resources.post(sid="vm:201", state="stopped")
    pve.cluster.replication.post(id="201-0", type="local", target="tappaas3")
    pve.cluster.backup.post(id="only-201", schedule="daily", vmid="201", storage="local")
    pve.cluster.backup.post(id="two", schedule="daily", vmid="201,9000", storage="local")
    refused = _error(lambda: pve.nodes("tappaas2").qemu(201).delete())
    assert refused.content == "unable to remove VM 201 - used in HA resources and purge parameter not set."
    upid = pve.nodes("tappaas2").qemu(201).delete(purge=1)
    assert pve_lab.wait(pve, "tappaas2", upid)["exitstatus"] == "OK"
    deadline = time.monotonic() + 5
    while pve.cluster.ha.resources.get() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pve.cluster.ha.resources.get() == [] and pve.cluster.replication.get() == []
    assert [(j["id"], j["vmid"]) for j in pve.cluster.backup.get()] == [("two", "9000")]
    assert pve.nodes("tappaas2").storage("tank1").content.get(vmid=201) == []
    pve.cluster.backup("two").delete()


def test_request_log_records_every_request(lab, pve):
    mark = lab.mark()
    pve.nodes("tappaas1").qemu.get()
    _error(pve.nodes("tappaas1").qemu(999).config.get)
    entries = lab.requests(mark, "pve")
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/api2/json/nodes/tappaas1/qemu", 200),
        ("GET", "/api2/json/nodes/tappaas1/qemu/999/config", 500),
    ]
    assert all(isinstance(e["ms"], (int, float)) for e in entries)


def test_clones_leave_local_storage_only_by_migration(pve_lab, pve):
    refused = _error(lambda: pve.nodes("tappaas1").qemu(9000).clone.post(newid=320, target="tappaas3"))
    assert (refused.status_code, refused.content) == (500, "can't clone VM to node 'tappaas3' (VM uses local storage)")
    upid = pve.nodes("tappaas1").qemu(9000).clone.post(newid=320, name="moving", full=1)
    assert pve_lab.wait(pve, "tappaas1", upid)["exitstatus"] == "OK"
    local = _error(lambda: pve.nodes("tappaas1").qemu(320).migrate.post(target="tappaas1"))
    assert local.status_code == 400 and local.errors == {"target": "target is local node."}
    moved = pve.nodes("tappaas1").qemu(320).migrate.post(target="tappaas3")
    status = pve_lab.wait(pve, "tappaas1", moved)
    assert (status["exitstatus"], status["type"]) == ("OK", "qmigrate")
    where = {vm["vmid"]: vm["node"] for vm in pve.cluster.resources.get(type="vm")}
    assert where[320] == "tappaas3"
    start = pve.nodes("tappaas3").qemu(320).status.start.post()
    assert pve_lab.wait(pve, "tappaas3", start)["exitstatus"] == "OK"
    running = _error(lambda: pve.nodes("tappaas3").qemu(320).migrate.post(target="tappaas1"))
    assert running.content == "can't migrate running VM without --online"
