# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""LabGuests.reconcile against a recording podman: which containers it starts and removes, and the inventory."""

from __future__ import annotations

import asyncio

import yaml

from lab.guests.keys import LabKeys
from lab.guests.manager import LabGuests, container_name, lab_tag
from lab.guests.podman import PodmanError


class RecordingPodman:
    """Answers like podman: `run` makes a container (or fails for names in fail_names), `inspect` gives its address."""

    def __init__(self, fail_names=()):
        self.calls = []
        self.containers = {}
        self.fail_names = set(fail_names)

    async def arun(self, *args, timeout=60):
        self.calls.append(args)
        if args[0] == "run":
            name = args[args.index("--name") + 1]
            if args[args.index("--hostname") + 1] in self.fail_names:
                raise PodmanError("podman run failed (exit 126): lab test")
            self.containers[name] = "10.88.0.%d" % (len(self.containers) + 2)
        elif args[0] == "inspect":
            return self.containers[args[-1]] + "\n"
        elif args[0] == "rm":
            self.containers.pop(args[-1], None)
        return ""


def _guests(tmp_path, podman):
    keys = LabKeys(str(tmp_path / "guests"))
    keys.ensure()
    return LabGuests(str(tmp_path), podman, "localhost/tappaas-lab-guest:test", keys, log=lambda line: None)


def _hosts(guests):
    with open(guests.inventory_path) as handle:
        return yaml.safe_load(handle)["all"]["children"]["lab_guests"]["hosts"] or {}


def test_a_running_vm_gets_a_container_with_its_name_and_an_inventory_entry(tmp_path):
    podman = RecordingPodman()
    guests = _guests(tmp_path, podman)
    asyncio.run(guests.reconcile({320: "wiki"}))
    name = container_name(lab_tag(str(tmp_path)), 320, "wiki")
    run = next(call for call in podman.calls if call[0] == "run")
    assert run[run.index("--hostname") + 1] == "wiki" and run[run.index("--name") + 1] == name
    assert "%s:/root/.ssh/authorized_keys:ro" % guests.keys.authorized_key in run
    hosts = _hosts(guests)
    assert hosts == {"wiki": {"ansible_host": "10.88.0.2", "lab_vmid": 320, "lab_container": name}}
    known = (tmp_path / "guests" / "known_hosts").read_text()
    assert known.startswith("10.88.0.2 ssh-ed25519 ")

    # Nothing changes while the VM keeps running; stopping it removes the container and the entry.
    calls = len(podman.calls)
    asyncio.run(guests.reconcile({320: "wiki"}))
    assert len(podman.calls) == calls
    asyncio.run(guests.reconcile({}))
    assert podman.calls[-1][0] == "rm" and podman.calls[-1][-1] == name
    assert _hosts(guests) == {}


def test_a_renamed_vm_gets_a_new_guest(tmp_path):
    podman = RecordingPodman()
    guests = _guests(tmp_path, podman)
    asyncio.run(guests.reconcile({330: "whoami"}))
    asyncio.run(guests.reconcile({330: "whoareyou"}))
    assert set(_hosts(guests)) == {"whoareyou"}
    assert list(podman.containers) == [container_name(guests.tag, 330, "whoareyou")]


def test_a_guest_that_fails_to_start_is_not_listed_and_not_retried_at_once(tmp_path):
    podman = RecordingPodman(fail_names={"postgres"})
    guests = _guests(tmp_path, podman)
    asyncio.run(guests.reconcile({230: "postgres", 320: "wiki"}))
    assert set(_hosts(guests)) == {"wiki"}
    runs = [call for call in podman.calls if call[0] == "run"]
    asyncio.run(guests.reconcile({230: "postgres", 320: "wiki"}))
    assert [call for call in podman.calls if call[0] == "run"] == runs
