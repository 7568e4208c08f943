# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An access account (user, API token, ACL entries) the way Proxmox VE and PBS share it; each has its own flavour.

Reading: both answer ``GET /access/acl`` alike, every entry as ``{path, ugid, roleid, propagate}`` (PVE adds
``type``: user, group or token), one role per entry. Writing differs (PVE: several roles per call and
``users``/``tokens``; PBS: one ``role`` and one ``auth-id`` per call), so each flavour adds its own
create/update/delete to AclEntries. AccountRun is the run of one account's parts through the resource engine,
which proxmox_access and pbs_access share.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi, ResourceEngine


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


class AccountRun:
    """The parts of one account, each through the resource engine, with their results collected.

    A flavour implements run() with _ensure() per part and _ensure_acls() for the entries, and ends with result().
    """

    # The ACL entry descriptor of the flavour, and how it spells a path as the server stores it.
    ACL = None

    def __init__(self, client, params, check_mode):
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.parts = {}
        self.before = {}
        self.after = {}

    def stored_path(self, path):
        return path

    def _ensure(self, label, api, descriptor, desired, state="present"):
        result = ResourceEngine(api, descriptor, check_mode=self.check_mode).ensure(desired, state=state)
        summary = result.as_module_result()
        self.parts[label] = {key: summary[key] for key in ("action", "changed_fields")}
        self.before[label], self.after[label] = result.diff["before"], result.diff["after"]
        return result

    def _ensure_acls(self, acl_api, label):
        """Exactly the entries of params["acls"] for this principal: the wanted ones kept, any other path removed."""
        wanted_paths = set()
        for entry in self.params["acls"]:
            path = self.stored_path(entry["path"])
            wanted_paths.add(path)
            desired = {"path": path, "roles": entry["roles"], "propagate": entry["propagate"]}
            self._ensure(f"{label} {path}", acl_api, self.ACL, desired)
        for path in acl_api.paths():
            if path not in wanted_paths:
                self._ensure(f"{label} {path}", acl_api, self.ACL, {"path": path}, state="absent")

    def result(self, userid, token, secret):
        result = {
            "changed": any(part["action"] != "none" for part in self.parts.values()),
            "parts": self.parts,
            "diff": {"before": self.before, "after": self.after},
        }
        if token:
            result["full_tokenid"] = f"{userid}!{token}"
        if secret:
            result["token_secret"] = secret
        return result
