# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The twins the lab starts: service name -> "module:factory". A factory takes a LabContext and returns a twin.

Each issue that adds a twin adds its line here; `make lab-up` starts whatever is listed.
"""

from __future__ import annotations

TWINS = {
    "authentik": "lab.authentik:create_twin",
    "opnsense": "lab.opnsense:create_twin",
    "pbs": "lab.pbs:create_twin",
    "pve": "lab.pve:create_twin",
}

# Loopback ports; high numbers so the lab never collides with a real service on the machine.
DEFAULT_PORTS = {"pve": 18006, "pbs": 18007, "opnsense": 18443, "authentik": 19443}
