# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HA groups (/cluster/ha/groups), which only a PVE 8 twin keeps; PVE 9 migrated them to rules.

The twin speaks PVE 9 unless switched to the PVE 8 profile (``{"pve_version": "8.4.1"}`` on /_lab/faults):
then groups are kept and a resource may name one, and /cluster/ha/rules does not exist (501), as on PVE 8.
"""

from __future__ import annotations

from fakepve.model import PveError
from fakepve.routing import die, split_list

from lab.pve.sections import SectionConfig

GROUPS = "/cluster/ha/groups"
ONE_GROUP = GROUPS + "/{group}"
GROUP_OPTIONS = ("nodes", "restricted", "nofailback", "comment")
PVE9_DEFAULT = ("9.0.10", "9.0")


class HaGroupsApi:
    """Mixin of FakePve: HA groups for the PVE 8 profile, PVE 9's refusals otherwise."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ha_groups = SectionConfig(fixed=("type",), required=("nodes",))

    def _routes_ha_groups(self):
        return [
            ("GET", GROUPS, self._hg_list),
            ("POST", GROUPS, self._hg_create),
            ("GET", ONE_GROUP, self._hg_read),
            ("PUT", ONE_GROUP, self._hg_update),
            ("DELETE", ONE_GROUP, self._hg_delete),
        ]

    @property
    def pve_major(self):
        return int(str(self.version).split(".", maxsplit=1)[0])

    def set_pve_version(self, version=None):
        """Switch the profile: a PVE 8.x version keeps HA groups and has no rules; None goes back to PVE 9."""
        version = version or PVE9_DEFAULT[0]
        self.version, self.release_version = version, ".".join(version.split(".")[:2])
        if self.pve_major >= 9:
            self.ha_groups.entries.clear()
            for resource in self.ha_resources.entries.values():
                resource.pop("group", None)

    def need_rules(self, method, path):
        if self.pve_major < 9:
            raise PveError(501, "Method '%s /api2/json%s' not implemented" % (method, path))

    def _need_groups(self, verb):
        if self.pve_major >= 9:
            raise die("cannot %s group: ha groups have been migrated to rules" % verb)

    def _hg_check_nodes(self, nodes):
        for item in split_list(nodes):
            if item.split(":")[0] not in self.nodes:
                raise die("no such cluster node '%s'" % item.split(":")[0])

    async def _hg_list(self, values, user):
        return self.ha_groups.listing("group") if self.pve_major < 9 else []

    async def _hg_create(self, values, user):
        self._need_groups("create")
        if values["group"] in self.ha_groups:
            raise die("ha group ID '%s' already defined" % values["group"])
        self._hg_check_nodes(values["nodes"])
        options = {key: values[key] for key in GROUP_OPTIONS if values.get(key) is not None}
        self.ha_groups.entries[values["group"]] = dict(options, type="group")
        return None

    def _hg_find(self, name):
        if name not in self.ha_groups:
            raise die("no such ha group '%s'" % name)

    async def _hg_read(self, values, user):
        self._need_groups("read")
        self._hg_find(values["group"])
        return self.ha_groups.view(values["group"], "group")

    async def _hg_update(self, values, user):
        self._need_groups("update")
        self._hg_find(values["group"])
        if values.get("nodes") is not None:
            self._hg_check_nodes(values["nodes"])
        options = {key: values[key] for key in GROUP_OPTIONS if values.get(key) is not None}
        self.ha_groups.update(values["group"], options, GROUP_OPTIONS, values.get("digest"), values.get("delete"))
        return None

    async def _hg_delete(self, values, user):
        self._need_groups("delete")
        self._hg_find(values["group"])
        for sid, resource in sorted(self.ha_resources.entries.items()):
            if resource.get("group") == values["group"]:
                raise die("ha group is used by service '%s'" % sid)
        del self.ha_groups.entries[values["group"]]
        return None
