# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Plain vzdump archives on a dir storage (local): the PVE twin's archives, and proxmox_restore from them."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import yaml
from proxmoxer.core import ResourceException

from .conftest import wait_task

PLAYBOOK = Path(__file__).resolve().parents[3] / "playbooks" / "restore.yml"
NODE = "tappaas1"
OTHER_NODE = "tappaas2"
VMID = 4501
COPY_VMID = 4502
ARGS = {"vmid": VMID, "node": NODE, "storage": "tank2", "source_storage": "local"}
VOLID = re.compile(r"^local:backup/vzdump-qemu-%d-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d\.vma\.zst$" % VMID)


def _backups(pve, node):
    return [item for item in pve.nodes(node).storage("local").content.get(content="backup") if item["vmid"] == VMID]


@pytest.fixture(scope="module")
def dumped(pve):
    """Guest 4501 with one vzdump archive on tappaas1's local storage; removed again after the module."""
    create = pve.nodes(NODE).qemu.post(
        vmid=VMID, name="vz-app", memory=640, scsi0="tank1:1", net0="virtio,bridge=vmbr0", cipassword="s3cret"
    )
    assert wait_task(pve, NODE, create) == "OK"
    config = pve.nodes(NODE).qemu(VMID).config.get()
    upid = pve.nodes(NODE).vzdump.post(
        vmid=VMID, storage="local", compress="zstd", mode="snapshot", **{"notes-template": "{{guestname}}"}
    )
    assert wait_task(pve, NODE, upid) == "OK"
    (archive,) = _backups(pve, NODE)
    yield config, archive
    for node, vmid in ((NODE, VMID), (NODE, COPY_VMID)):
        if any(item["vmid"] == vmid for item in pve.cluster.resources.get(type="vm")):
            pve.nodes(node).qemu(vmid).status.stop.post()
            time.sleep(0.2)
            wait_task(pve, node, pve.nodes(node).qemu(vmid).delete(purge=1))
    for item in _backups(pve, NODE):
        wait_task(pve, NODE, pve.nodes(NODE).storage("local").content(item["volid"]).delete())


def test_vzdump_writes_an_archive_on_the_node_that_ran_it(pve, dumped):
    config, archive = dumped
    assert VOLID.match(archive["volid"]), archive
    assert archive["format"] == "vma.zst" and archive["subtype"] == "qemu" and archive["notes"] == "vz-app"
    assert archive["size"] > 0 and abs(archive["ctime"] - time.time()) < 600
    # local is not shared: another node's local holds none of it, and cannot restore it.
    assert _backups(pve, OTHER_NODE) == []
    with pytest.raises(ResourceException, match="can't find file '%s'" % re.escape(archive["volid"])):
        pve.nodes(OTHER_NODE).qemu.post(vmid=COPY_VMID, archive=archive["volid"])
    text = pve.nodes(NODE).vzdump.extractconfig.get(volume=archive["volid"])
    assert "name: vz-app\n" in text and "net0: %s\n" % config["net0"] in text


def test_twin_refuses_what_pve_refuses(pve, dumped):
    _config, archive = dumped
    with pytest.raises(
        ResourceException, match="unable to restore VM %d - VM %d already exists on node" % (VMID, VMID)
    ):
        pve.nodes(NODE).qemu.post(vmid=VMID, archive=archive["volid"])
    with pytest.raises(ResourceException, match="option conflicts with option 'archive'"):
        pve.nodes(NODE).qemu.post(vmid=COPY_VMID, archive=archive["volid"], scsi0="tank1:1")
    with pytest.raises(ResourceException, match="unable to parse directory volume name 'backup/nonsense'"):
        pve.nodes(NODE).qemu.post(vmid=COPY_VMID, archive="local:backup/nonsense")
    assert "wrong content type" in wait_task(pve, NODE, pve.nodes(NODE).vzdump.post(vmid=VMID, storage="tank1"))


def test_restore_latest_after_loss_in_the_four_step_rhythm(backup, pve, lab, dumped):
    config, archive = dumped
    assert wait_task(pve, NODE, pve.nodes(NODE).qemu(VMID).delete(purge=1)) == "OK"
    mark = lab.mark()
    checked = backup.run("proxmox_restore", ARGS, check=True)
    assert checked["changed"] is True and checked["archive"] == archive["volid"], checked
    assert checked["diff"]["before"] == {} and checked["diff"]["after"]["name"] == "vz-app", checked
    assert checked["diff"]["after"]["cipassword"] == "********"
    assert lab.writes(mark, "pve") == []
    mark = lab.mark()
    applied = backup.run("proxmox_restore", ARGS)
    assert applied["changed"] is True and applied["restored"] is True and applied["seconds"] >= 0, applied
    assert lab.writes(mark, "pve")
    restored = pve.nodes(NODE).qemu(VMID).config.get()
    for key in ("name", "memory", "net0", "smbios1", "vmgenid"):
        assert restored[key] == config[key], key
    assert restored["scsi0"].startswith("tank2:vm-%d-disk-" % VMID)
    mark = lab.mark()
    again = backup.run("proxmox_restore", ARGS)
    assert again["changed"] is False and again["restored"] is False and "exists" in again["msg"], again
    assert again["diff"]["before"] == again["diff"]["after"]
    assert lab.writes(mark, "pve") == []
    assert backup.run("proxmox_restore", ARGS, check=True)["changed"] is False


def test_named_archive_restores_as_a_new_guest_with_new_macs(backup, pve, dumped):
    config, archive = dumped
    args = {"vmid": COPY_VMID, "node": NODE, "archive": archive["volid"], "unique": True}
    result = backup.run("proxmox_restore", args)
    assert result["changed"] is True and result["archive"] == archive["volid"], result
    copy = pve.nodes(NODE).qemu(COPY_VMID).config.get()
    assert copy["name"] == "vz-app" and copy["net0"] != config["net0"]
    assert copy["scsi0"].startswith("tank1:vm-%d-disk-" % COPY_VMID)  # no storage given: the disk's old one


def test_running_guest_is_replaced_only_when_told(backup, pve, lab, dumped):
    _config, archive = dumped
    assert wait_task(pve, NODE, pve.nodes(NODE).qemu(VMID).status.start.post()) == "OK"
    mark = lab.mark()
    refused = backup.run("proxmox_restore", dict(ARGS, force=True))
    assert refused.get("failed") and refused["field"] == "force" and "running" in refused["msg"], refused
    assert lab.writes(mark, "pve") == []
    by_name = {key: value for key, value in ARGS.items() if key != "source_storage"}
    replaced = backup.run(
        "proxmox_restore", dict(by_name, archive=archive["volid"], force=True, stop_running=True, start=True)
    )
    assert replaced.get("changed") is True and replaced["restored"] is True, replaced
    assert pve.nodes(NODE).qemu(VMID).status.current.get()["status"] == "running"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"archive": "local:backup/vzdump-qemu-4501.vma", "source_storage": None}, "archive"),
        ({"archive": "local:iso/debian.iso", "source_storage": None}, "archive"),
        ({"archive": "local:backup/vzdump-qemu-4501-1999_01_01-00_00_00.vma.zst", "source_storage": None}, "archive"),
        ({"node": OTHER_NODE, "source_vmid": VMID}, "source_vmid"),
        ({"snapshot": "1999-01-01T00:00:00Z", "source_vmid": VMID}, "snapshot"),
        ({"source_storage": "nowhere", "source_vmid": VMID}, "source_storage"),
    ],
)
def test_bad_input_names_the_field_before_any_write(backup, lab, dumped, change, field):
    args = dict(ARGS, vmid=4599)
    args.update(change)
    args = {key: value for key, value in args.items() if value is not None}
    mark = lab.mark()
    result = backup.run("proxmox_restore", args)
    assert result.get("failed") and result["field"] == field, result
    assert lab.writes(mark, "pve") == []


def test_archive_from_another_nodes_local_names_the_field(backup, lab, dumped):
    _config, archive = dumped
    mark = lab.mark()
    result = backup.run("proxmox_restore", {"vmid": 4599, "node": OTHER_NODE, "archive": archive["volid"]})
    assert result.get("failed") and result["field"] == "archive" and "shared" in result["msg"], result
    assert lab.writes(mark, "pve") == []


def test_restore_playbook_takes_a_vzdump_archive(pve, lab, dumped, run_playbook, tmp_path, monkeypatch):
    _config, archive = dumped
    for key, value in lab.env.items():
        if key.startswith(("PROXMOX_", "LAB_")):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("PROXMOX_PASSWORD", raising=False)
    local = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        yaml.safe_dump(
            {
                "all": {
                    "vars": {"tappaas_modules": {"vzapp": {"vmid": VMID, "node": NODE}}},
                    "children": {"tappaas_nodes": {"hosts": {NODE: local}}},
                }
            }
        )
    )
    extra = ["-e", "restore_module=vzapp", "-e", "restore_archive=" + archive["volid"]]
    extra += ["-e", "restore_force=true", "-e", "restore_stop_running=true"]
    result = run_playbook(PLAYBOOK, inventory, *extra)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    assert "vzapp: restored %s in " % archive["volid"] in result.stdout
    assert pve.nodes(NODE).qemu(VMID).status.current.get()["status"] == "running"
