# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Lab guests: a podman container for every VM the PVE twin runs, so that guest configuration runs for real.

``prepare(state_dir)`` decides once, at lab start, whether this machine can have guests (root, podman, runc and
debootstrap installable, ``podman info`` and a trial container working) and returns ``(LabGuests, "")`` or
``(None, reason)``; the lab then runs without guests and says why (lab.env LAB_GUESTS=0, ``python -m lab status``).
``TAPPAAS_LAB_GUESTS=0`` in the environment turns guests off on purpose.
"""

from __future__ import annotations

import os
import subprocess

from lab.guests.image import ImageError, ensure_image
from lab.guests.keys import LabKeys, SshKeyError
from lab.guests.manager import INVENTORY_FILE, LabGuests, lab_tag, remove_lab_containers
from lab.guests.podman import Podman, PodmanError

SETUP_SCRIPT = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "scripts", "lab-guests-setup.sh"
)

__all__ = ["INVENTORY_FILE", "LabGuests", "PodmanError", "cleanup", "prepare"]


def prepare(state_dir, log=print):
    """(LabGuests, "") when guests work on this machine, else (None, why not)."""
    if os.environ.get("TAPPAAS_LAB_GUESTS", "1") == "0":
        return None, "turned off (TAPPAAS_LAB_GUESTS=0)"
    setup = subprocess.run(["bash", SETUP_SCRIPT], capture_output=True, text=True, check=False)
    if setup.returncode != 0:
        return None, (setup.stderr.strip().splitlines() or ["lab-guests-setup.sh exit %d" % setup.returncode])[-1]
    podman = Podman()
    try:
        podman.write_config()
        podman.run("info", timeout=60)
        image = ensure_image(podman, log)
        # podman info can look healthy while every run fails (runtime, rlimits, cgroups): try one container.
        podman.run("run", "--rm", "--network", "none", image, "/bin/true", timeout=60)
        keys = LabKeys(os.path.join(os.path.abspath(state_dir), "guests"))
        keys.ensure()
    except (PodmanError, ImageError, SshKeyError, OSError) as exc:
        return None, str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return LabGuests(os.path.abspath(state_dir), podman, image, keys, log), ""


def cleanup(state_dir):
    """Removes the containers of the lab in state_dir (after its process is gone); the number removed."""
    if not Podman.available():
        return 0
    podman = Podman()
    if not os.path.exists(podman.conf_path):
        return 0
    return remove_lab_containers(podman, lab_tag(state_dir))
