# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lab guests: a VM the PVE twin runs gets a podman container with its name that Ansible reaches over SSH.

Where podman cannot run containers the lab runs without guests and says why; that path is tested on every machine
by giving a lab a podman that fails.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from ..conftest import COLLECTION_ROOT

VMID = 4711
NAME = "guest-probe"


def _guests_on(lab):
    return lab.env.get("LAB_GUESTS") == "1"


def _status(state_dir):
    done = subprocess.run(
        [sys.executable, "-m", "lab", "status", "--state", str(state_dir)],
        cwd=str(COLLECTION_ROOT),
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout


def _inventory_hosts(lab):
    path = Path(lab.env["LAB_GUESTS_INVENTORY"])
    if not path.exists():
        return {}
    group = yaml.safe_load(path.read_text())["all"]["children"]["lab_guests"]
    return group.get("hosts") or {}


def _wait_for(predicate, timeout=30.0, what="the lab guests"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("%s did not settle within %s s" % (what, timeout))


def _containers(lab):
    """Names of the podman containers of this lab, through the lab's own podman configuration."""
    from lab.guests.manager import LABEL, lab_tag
    from lab.guests.podman import Podman

    out = Podman().run(
        "ps", "-a", "--format", "{{.Names}}", "--filter", "label=%s=%s" % (LABEL, lab_tag(lab.state_dir))
    )
    return set(out.split())


def _ansible_command(lab, host, *args):
    """An ad-hoc command on a guest through the inventory the lab writes (its key, its known_hosts)."""
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="True")
    return subprocess.run(
        [str(Path(sys.executable).with_name("ansible")), "-i", lab.env["LAB_GUESTS_INVENTORY"], host, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_lab_says_whether_it_has_guests(lab):
    assert lab.env["LAB_GUESTS"] in ("0", "1")
    status = _status(lab.state_dir)
    assert ("lab: guests on" if _guests_on(lab) else "lab: guests off: ") in status, status


def test_a_running_vm_gets_a_guest_with_its_name_until_it_stops(lab, pve_lab, pve):
    if not _guests_on(lab):
        pytest.skip("this machine runs the lab without guests: %s" % _status(lab.state_dir).strip())
    node = pve.nodes("tappaas1")
    pve_lab.wait(pve, "tappaas1", node.qemu.post(vmid=VMID, name=NAME, memory=512, start=1))

    host = _wait_for(lambda: _inventory_hosts(lab).get(NAME), what="the guest of a started VM")
    assert host["lab_vmid"] == VMID
    keys = Path(lab.state_dir) / "guests"
    assert stat.S_IMODE((keys / "id_ed25519").stat().st_mode) == 0o600
    # Host key checking stays on: the lab wrote the guest's address and key to the known_hosts it names.
    assert host["ansible_host"] in (keys / "known_hosts").read_text()

    # sshd needs a moment after the container starts; Ansible then finds the VM's name inside.
    answers = []

    def hostname_answers():
        answers.append(_ansible_command(lab, NAME, "-m", "ansible.builtin.command", "-a", "hostname"))
        return answers[-1].returncode == 0

    _wait_for(hostname_answers, 60, "sshd in the guest")
    assert NAME in answers[-1].stdout, answers[-1].stdout + answers[-1].stderr
    assert host["lab_container"] in _containers(lab)

    # Stopping the VM removes its guest, starting it again brings a new one, destroying it leaves nothing.
    pve_lab.wait(pve, "tappaas1", node.qemu(VMID).status.stop.post())
    _wait_for(lambda: NAME not in _inventory_hosts(lab), what="the guest of a stopped VM")
    _wait_for(lambda: host["lab_container"] not in _containers(lab), what="the container of a stopped VM")

    pve_lab.wait(pve, "tappaas1", node.qemu(VMID).status.start.post())
    _wait_for(lambda: _inventory_hosts(lab).get(NAME), what="the guest of a restarted VM")
    pve_lab.wait(pve, "tappaas1", node.qemu(VMID).status.stop.post())
    pve_lab.wait(pve, "tappaas1", node.qemu(VMID).delete())
    _wait_for(lambda: NAME not in _inventory_hosts(lab), what="the guest of a destroyed VM")
    _wait_for(lambda: host["lab_container"] not in _containers(lab), what="the container of a destroyed VM")


def test_without_a_working_podman_the_lab_runs_without_guests(tmp_path):
    """A podman whose every call fails: the lab still starts and says why it has no guests (lab.env, status)."""
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    podman = fake_bin / "podman"
    podman.write_text("#!/bin/sh\necho 'Error: cannot connect to the container runtime (lab test)' >&2\nexit 125\n")
    podman.chmod(0o755)
    state = tmp_path / "lab"
    env = dict(os.environ, PATH="%s:%s" % (fake_bin, os.environ["PATH"]))
    command = [sys.executable, "-m", "lab"]
    started = subprocess.run(
        [*command, "up", "--state", str(state), "--free-ports", "--only", "pve"],
        cwd=str(COLLECTION_ROOT),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        assert "lab: guests off: " in started.stdout, started.stdout
        lab_env = (state / "lab.env").read_text()
        assert "LAB_GUESTS=0" in lab_env
        status = _status(state)
        # Root gets the reason podman gave; elsewhere the reason is that guests need root.
        assert "cannot connect to the container runtime" in status or "need root" in status, status
    finally:
        subprocess.run([*command, "down", "--state", str(state)], cwd=str(COLLECTION_ROOT), env=env, check=False)
    assert not (state / "lab.pid").exists()
