# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""LabGuests: one podman container for every VM the PVE twin runs, and an inventory that says where each answers.

The PVE twin never waits for a container: a watcher compares the twin's running VMs with the lab's containers a few
times a second and starts or removes containers in the background, whatever made a VM run or stop (a start task, a
create with start=1, an HA request, a shutdown, a destroy). A container has the VM's name as its host name, runs
systemd and sshd, and answers on its own address on podman's bridge, so that SSH and a health check reach it from
this machine as they would reach a VM.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import time

import yaml

from lab.guests.podman import PodmanError

LABEL = "tappaas.lab"
INVENTORY_FILE = "guests.yml"
GROUP = "lab_guests"
WATCH_INTERVAL = 0.2
RETRY_AFTER = 10.0
SSH_ARGS = (
    "-C -o ControlMaster=no -o ControlPath=none"  # seconds before a container that failed to start is tried again
)


def lab_tag(state_dir):
    """Names every container of one lab, so parallel labs (tests) never touch each other's guests."""
    return hashlib.sha256(os.path.abspath(state_dir).encode()).hexdigest()[:10]


def container_name(tag, vmid, name):
    return "tappaas-lab-%s-%d-%s" % (tag, vmid, name)


def remove_lab_containers(podman, tag):
    """Removes every container of the lab `tag`, running or not (lab down; a lab that was killed)."""
    ids = podman.run("ps", "-a", "-q", "--filter", "label=%s=%s" % (LABEL, tag), timeout=60).split()
    if ids:
        podman.run("rm", "-f", "-t", "2", *ids, timeout=120)
    return len(ids)


class LabGuests:
    def __init__(self, state_dir, podman, image, keys, log=print):
        self.state_dir = state_dir
        self.podman = podman
        self.image = image
        self.keys = keys
        self.log = log
        self.tag = lab_tag(state_dir)
        self.inventory_path = os.path.join(state_dir, INVENTORY_FILE)
        self.running = {}  # vmid -> {"name", "container", "address"}
        self.failed = {}  # vmid -> (name, monotonic time of the failure)
        self._watcher = None

    # --------------------------------------------------------------- lifecycle

    def start_watching(self, running_vms):
        """running_vms() -> {vmid: name} of the VMs that run now; polled in the twins' event loop."""
        self.write_inventory()
        self._watcher = asyncio.ensure_future(self._watch(running_vms))

    async def stop(self):
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
        try:
            await asyncio.get_running_loop().run_in_executor(None, remove_lab_containers, self.podman, self.tag)
        except PodmanError as exc:
            self.log("lab: guests: could not remove the containers: %s" % exc)
        self.running.clear()
        self.write_inventory()

    async def _watch(self, running_vms):
        while True:
            try:
                await self.reconcile(running_vms())
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # a guest problem must never stop the twins
                self.log("lab: guests: %s" % exc)
            await asyncio.sleep(WATCH_INTERVAL)

    # --------------------------------------------------------------- reconcile

    async def reconcile(self, wanted):
        """Make the containers match `wanted` ({vmid: VM name}); rewrites the inventory when anything changed."""
        gone = [(vmid, guest) for vmid, guest in self.running.items() if wanted.get(vmid) != guest["name"]]
        for vmid, _guest in gone:
            del self.running[vmid]
        if gone:
            # The inventory stops naming a guest as soon as its VM stops, before its container is gone.
            self.write_inventory()
        for vmid, guest in gone:
            await self._remove(vmid, guest)
        changed = False
        now = time.monotonic()
        for vmid, name in sorted(wanted.items()):
            if vmid in self.running:
                continue
            failed_name, failed_at = self.failed.get(vmid, (None, 0.0))
            if failed_name == name and now - failed_at < RETRY_AFTER:
                continue
            changed = await self._start(vmid, name) or changed
        if changed:
            self.write_inventory()

    async def _start(self, vmid, name):
        container = container_name(self.tag, vmid, name)
        try:
            # A container left by a killed lab with the same state dir would block the name.
            await self.podman.arun("rm", "-f", "--ignore", container)
            await self.podman.arun(
                "run",
                "--detach",
                "--name",
                container,
                "--hostname",
                name,
                "--label",
                "%s=%s" % (LABEL, self.tag),
                "--label",
                "tappaas.vmid=%d" % vmid,
                "--systemd=always",
                "--volume",
                "%s:/etc/ssh/ssh_host_ed25519_key:ro" % self.keys.host_key,
                "--volume",
                "%s:/root/.ssh/authorized_keys:ro" % self.keys.authorized_key,
                self.image,
            )
            address = (
                await self.podman.arun("inspect", "--format", "{{.NetworkSettings.IPAddress}}", container)
            ).strip()
        except PodmanError as exc:
            self.failed[vmid] = (name, time.monotonic())
            self.log("lab: guests: VM %d (%s) runs without a guest: %s" % (vmid, name, exc))
            return False
        if not address:
            self.failed[vmid] = (name, time.monotonic())
            self.log("lab: guests: container %s has no address on podman's bridge" % container)
            await self.podman.arun("rm", "-f", container)
            return False
        self.failed.pop(vmid, None)
        self.running[vmid] = {"name": name, "container": container, "address": address}
        self.log("lab: guests: VM %d runs, guest %s at %s" % (vmid, name, address))
        return True

    async def _remove(self, vmid, guest):
        try:
            # Two seconds for systemd to stop cleanly; a guest has nothing to save.
            await self.podman.arun("rm", "-f", "-t", "2", guest["container"])
            self.log("lab: guests: VM %d stopped, guest %s removed" % (vmid, guest["name"]))
        except PodmanError as exc:
            self.log("lab: guests: could not remove %s: %s" % (guest["container"], exc))

    # --------------------------------------------------------------- inventory

    def write_inventory(self):
        """guests.yml: an Ansible inventory of the running guests (also usable on its own with -i)."""
        self.keys.write_known_hosts(guest["address"] for guest in self.running.values())
        hosts = {}
        for vmid, guest in sorted(self.running.items()):
            hosts[guest["name"]] = {
                "ansible_host": guest["address"],
                "lab_vmid": vmid,
                "lab_container": guest["container"],
            }
        inventory = {
            "all": {
                "children": {
                    GROUP: {
                        "hosts": hosts,
                        "vars": {
                            # Plays that delegate to a guest often run with connection: local; a guest is SSH.
                            "ansible_connection": "ssh",
                            "ansible_user": "root",
                            "ansible_python_interpreter": "/usr/bin/python3",
                            "ansible_ssh_private_key_file": self.keys.client_key,
                            "ansible_ssh_common_args": "-o UserKnownHostsFile=%s -o StrictHostKeyChecking=yes"
                            % self.keys.known_hosts,
                            # Guest addresses come and go with containers (and parallel labs): a persisted SSH
                            # master keyed on the address could reach a container that is no longer this guest.
                            "ansible_ssh_args": SSH_ARGS,
                        },
                    }
                }
            }
        }
        text = "# Written by the TAPPaaS lab: the guest of every VM the PVE twin runs now.\n" + yaml.safe_dump(
            inventory, default_flow_style=False, sort_keys=True
        )
        with open(self.inventory_path + ".tmp", "w") as handle:
            handle.write(text)
        os.replace(self.inventory_path + ".tmp", self.inventory_path)
