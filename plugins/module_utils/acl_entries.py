# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reading the ACL entries of one principal: Proxmox VE and PBS answer ``GET /access/acl`` alike.

Both list every entry as ``{path, ugid, roleid, propagate}`` (PVE adds ``type``: user, group or token), one role
per entry. How an entry is written differs (PVE: several roles per call and ``users``/``tokens``; PBS: one
``role`` and one ``auth-id`` per call), so each flavour adds its own create/update/delete.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi


class AclEntries(ResourceApi):
    """The ACL entries of one principal on one path as {path, roles, propagate}, read in one call per run."""

    def __init__(self, client):
        self.client = client
        self._entries = None

    def owns(self, entry):
        """Whether an entry of the list belongs to this principal."""
        raise NotImplementedError

    def propagate_value(self, raw):
        """The flavour's own form of an entry's propagate flag (absent means on)."""
        raise NotImplementedError

    def entries(self):
        if self._entries is None:
            self._entries = [entry for entry in self.client.get("access/acl") or [] if self.owns(entry)]
        return self._entries

    def paths(self):
        return sorted({entry["path"] for entry in self.entries()})

    def read(self, key):
        found = [entry for entry in self.entries() if entry.get("path") == key["path"]]
        if not found:
            return None
        return {
            "path": key["path"],
            "roles": sorted({entry["roleid"] for entry in found}),
            "propagate": self.propagate_value(found[0].get("propagate")),
        }
