# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The authentik twin of the lab (imitates authentik 2026.8.5, the version authentik-client is pinned to)."""

from __future__ import annotations

from lab.authentik.twin import AuthentikTwin


def create_twin(context):
    return AuthentikTwin(context)


__all__ = ["AuthentikTwin", "create_twin"]
