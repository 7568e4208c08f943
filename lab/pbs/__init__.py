# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Proxmox Backup Server twin; ``create_twin(context)`` is the factory lab.runner calls. See docs/backup.md."""

from __future__ import annotations


def create_twin(context):
    # Imported here: the PVE twin imports lab.pbs.registry, and the PBS twin imports lab.pve.next_run.
    from lab.pbs.twin import PbsTwin

    return PbsTwin(context)
