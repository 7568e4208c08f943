# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Proxmox VE twin: fakepve (a test dependency, not vendored) extended where the collection needs state.

``create_twin(context)`` is the factory lab.runner calls; see docs/lab.md for what the twin keeps state for and
the fault forms it takes.
"""

from __future__ import annotations

from lab.pve.twin import PveTwin


def create_twin(context):
    return PveTwin(context)


__all__ = ["PveTwin", "create_twin"]
