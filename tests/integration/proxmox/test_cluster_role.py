# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/cluster.yml on the lab: node-level tasks skipped with a message, the API part against the PVE twin."""

from __future__ import annotations

import re
from pathlib import Path

PLAYBOOK = Path(__file__).resolve().parents[3] / "playbooks" / "cluster.yml"


def recap(output):
    found = re.search(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", output)
    assert found, output
    return dict(zip(("ok", "changed", "unreachable", "failed", "skipped"), map(int, found.groups())))


def test_cluster_role_api_part_on_the_lab(pve, run_playbook, tmp_path, monkeypatch):
    for key, value in pve.env.items():
        if key.startswith(("PROXMOX_", "LAB_")):
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("PROXMOX_PASSWORD", raising=False)
    secret_file = tmp_path / "token.secret"
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(
        "all:\n  children:\n    tappaas_nodes:\n      hosts:\n        tappaas1:\n"
        "          ansible_connection: local\n          ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
        "      vars:\n        tappaas_lab: true\n        cluster_automation_token_secret_path: %s\n" % secret_file
    )
    mark = pve.lab.mark()
    first = run_playbook(PLAYBOOK, inventory)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "skipping the node-level tasks" in first.stdout
    assert recap(first.stdout)["changed"] >= 2  # the account and the secret file
    assert pve.lab.writes(mark, "pve"), "the API part wrote nothing"
    secret = secret_file.read_text().strip()
    assert re.fullmatch(r"[0-9a-f-]{36}", secret) and secret not in first.stdout
    assert secret_file.stat().st_mode & 0o777 == 0o600

    token = pve.get("/access/users/tappaas@pve/token/ansible")
    assert token["privsep"] == 1
    acl = [entry for entry in pve.get("/access/acl") if entry["ugid"] == "tappaas@pve!ansible"]
    assert [(entry["path"], entry["roleid"]) for entry in acl] == [("/", "TAPPaaS")]
    user_acl = [entry for entry in pve.get("/access/acl") if entry["ugid"] == "tappaas@pve"]
    assert [(entry["path"], entry["type"]) for entry in user_acl] == [("/", "user")]
    privileges = pve.get("/access/roles/TAPPaaS")
    assert "VM.Allocate" in privileges and "Sys.PowerMgmt" not in privileges and "Permissions.Modify" not in privileges

    # The token works, and only with what the role grants: it sees the template, and clones and starts a VM.
    as_automation = dict(PROXMOX_TOKEN_ID="tappaas@pve!ansible", PROXMOX_TOKEN_SECRET=secret)
    listed = pve.run("proxmox_vm_info", {"templates": True}, env=as_automation)
    assert 9000 in [vm["vmid"] for vm in listed["vms"]], listed
    vm = {
        "vmid": 3401,
        "name": "it-least-privilege",
        "clone": "debian-12-template",
        "memory": 1024,
        "nics": {"net0": {"bridge": "lan", "tag": 20}},
        "state": "started",
    }
    started = pve.run("proxmox_vm", vm, env=as_automation)
    assert not started.get("failed") and started["status"] == "running", started
    assert not pve.run("proxmox_vm", {"vmid": 3401, "state": "absent"}, env=as_automation).get("failed")

    mark = pve.lab.mark()
    second = run_playbook(PLAYBOOK, inventory)
    assert second.returncode == 0, second.stdout + second.stderr
    assert recap(second.stdout)["changed"] == 0, second.stdout
    assert pve.lab.writes(mark, "pve") == []
