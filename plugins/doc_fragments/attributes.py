# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Attributes every resource module built on the resource engine can honestly claim.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check mode and return the changed status and diff it would have, without changing anything.
    support: full
  diff_mode:
    description: Returns the fields it compared as C(before) and C(after) of the diff, with secrets redacted.
    support: full
  idempotent:
    description:
      - Running it again with the same options changes nothing and makes no write requests.
    support: full
"""

    ACTIONGROUP_PROXMOX = r"""
attributes:
  action_group:
    description: Use C(group/tappaas.platform.proxmox) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - tappaas.platform.proxmox
"""

    ACTIONGROUP_OPNSENSE = r"""
attributes:
  action_group:
    description: Use C(group/tappaas.platform.opnsense) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - tappaas.platform.opnsense
"""

    ACTIONGROUP_AUTHENTIK = r"""
attributes:
  action_group:
    description: Use C(group/tappaas.platform.authentik) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - tappaas.platform.authentik
"""

    ACTIONGROUP_PBS = r"""
attributes:
  action_group:
    description: Use C(group/tappaas.platform.pbs) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - tappaas.platform.pbs
"""
