# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What lab.runner does about guests at up, serve, status and down; one call each, so the runner stays short."""

from __future__ import annotations

import os
import sys

from lab.guests import INVENTORY_FILE, cleanup, prepare
from lab.guests.podman import PodmanError

# Why the lab runs with or without guests (read by `status`), and a marker `up` waits on while the image is built.
STATUS_FILE = "guests.status"
PREPARING_FILE = "guests.preparing"
# How long `up` keeps waiting while the guest image is built (once per machine: debootstrap takes a minute or two).
IMAGE_BUILD_TIMEOUT = 900.0


def prepare_for_lab(state_dir):
    """LabGuests or None, deciding once per lab start; the reason goes to guests.status and the lab log."""
    preparing = os.path.join(state_dir, PREPARING_FILE)
    open(preparing, "w").close()
    try:
        guests, reason = prepare(state_dir, log=lambda line: print(line, flush=True))
    finally:
        os.remove(preparing)
    status = "on: every VM the PVE twin runs gets a podman guest" if guests else "off: %s" % reason
    with open(os.path.join(state_dir, STATUS_FILE), "w") as handle:
        handle.write(status + "\n")
    print("lab: guests %s" % status, flush=True)
    return guests


def env_variables(state_dir, guests):
    """The lab.env lines: LAB_GUESTS=1 when VMs get guests, and the inventory file that lists the running ones."""
    return {
        "LAB_GUESTS": "1" if guests is not None else "0",
        "LAB_GUESTS_INVENTORY": os.path.join(state_dir, INVENTORY_FILE),
    }


def still_preparing(state_dir):
    return os.path.exists(os.path.join(state_dir, PREPARING_FILE))


def status_line(state_dir):
    try:
        with open(os.path.join(state_dir, STATUS_FILE)) as handle:
            return "lab: guests " + handle.read().strip()
    except OSError:
        return "lab: guests unknown (the lab has not decided yet)"


def remove_after_down(state_dir):
    """The lab removes its containers when it stops; this also catches those of a lab that was killed."""
    if os.path.isdir(os.path.join(state_dir, "guests")):
        try:
            removed = cleanup(state_dir)
        except PodmanError as exc:
            print("lab: could not remove the guests' containers: %s" % exc, file=sys.stderr)
        else:
            if removed:
                print("lab: removed %d guest container(s) left running" % removed)
    for name in (INVENTORY_FILE, STATUS_FILE):
        path = os.path.join(state_dir, name)
        if os.path.exists(path):
            os.remove(path)
