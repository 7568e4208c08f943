# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HA resources (/cluster/ha/resources) and PVE 9 HA rules (/cluster/ha/rules), as pve-ha-manager keeps them.

The twin reports PVE 9, where HA groups were migrated to rules: a resource with ``group`` fails with PVE 9's
message (ha_groups.py keeps groups for the PVE 8 profile, where rules do not exist). A resource's requested
state is applied to its guest after the HA manager's delay (``ha_delay`` PVE seconds), and fakepve turns
start/stop of a managed guest into hastart/hastop tasks.
"""

from __future__ import annotations

import asyncio
import re
import time

from fakepve import schema as pve_schema
from fakepve.model import PveError
from fakepve.routing import die, split_list
from fakepve.schema import validate

from lab.pve.sections import SectionConfig
from lab.pve.strict import boolean_errors

RESOURCE_OPTIONS = ("state", "group", "max_restart", "max_relocate", "comment", "failback", "auto-rebalance")
RULE_TYPES = ("node-affinity", "resource-affinity")
RULE_ID_KEYS = ("rule", "type", "digest", "delete")
# HA resource states that keep the guest running; 'enabled' is the old spelling of 'started'.
RUNNING_STATES = ("started", "enabled")


def parameter_error(errors):
    return PveError(400, "Parameter verification failed.", errors)


def _rule_branch(kind, creating):
    """The part of the rules schema for one rule type: PVE declares each type's options in a oneOf branch."""
    method, template = ("POST", "/cluster/ha/rules") if creating else ("PUT", "/cluster/ha/rules/{rule}")
    parts = pve_schema.load().paths[template][method]["parameters"]["allOf"]
    return next(o for part in parts for o in part.get("oneOf", []) if o.get("instance-type") == kind)


class HaApi:
    """Mixin of FakePve: stateful HA resources and rules."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ha_resources = SectionConfig(fixed=("type",))
        self.ha_rules = SectionConfig(fixed=("type",), required=("resources",))
        # The HA manager's pending reactions; kept so the event loop does not drop them half-way.
        self.ha_reactions = set()

    def _routes_ha(self):
        resources, one = "/cluster/ha/resources", "/cluster/ha/resources/{sid}"
        rules, rule = "/cluster/ha/rules", "/cluster/ha/rules/{rule}"
        return [
            ("GET", resources, self._ha_resource_list),
            ("POST", resources, self._ha_resource_create),
            ("GET", one, self._ha_resource_read),
            ("PUT", one, self._ha_resource_update),
            ("DELETE", one, self._ha_resource_delete),
            ("GET", rules, self._ha_rule_list),
            ("POST", rules, self._ha_rule_create),
            ("GET", rule, self._ha_rule_read),
            ("PUT", rule, self._ha_rule_update),
            ("DELETE", rule, self._ha_rule_delete),
        ]

    # ------------------------------------------------------------ resources

    def _ha_sid(self, text):
        """PVE::HA::Config::parse_sid: 'vm:100', 'ct:100', or a bare vmid looked up in the cluster."""
        text = str(text)
        if re.fullmatch(r"\d+", text):
            guest = self.vm(int(text)) or self.guest(int(text))
            if guest is None:
                raise die("unable to detect SID from VMID - VM/CT %s does not exist" % text)
            kind = "vm" if self.vm(int(text)) is not None else "ct"
            return "%s:%s" % (kind, text), kind, int(text)
        found = re.fullmatch(r"(vm|ct):(\d+)", text)
        if not found:
            raise die("unable to parse service id '%s'" % text)
        return text, found.group(1), int(found.group(2))

    def _ha_guest_exists(self, kind, vmid):
        guest = self.vm(vmid) if kind == "vm" else self.guest(vmid)
        if guest is None or (kind == "ct" and guest is self.vm(vmid)):
            raise die("resource '%s:%d' does not exist in cluster" % (kind, vmid))
        return guest

    def _ha_options(self, values):
        if values.get("group") is not None:
            if self.pve_major >= 9:
                raise die("invalid parameter 'group': ha groups have been migrated to rules")
            if values["group"] not in self.ha_groups:
                raise die("HA group '%s' does not exist" % values["group"])
        return {key: values[key] for key in RESOURCE_OPTIONS if values.get(key) is not None}

    async def _ha_resource_list(self, values, user):
        items = self.ha_resources.listing("sid")
        if values.get("type"):
            items = [item for item in items if item["type"] == values["type"]]
        return items

    async def _ha_resource_create(self, values, user):
        sid, kind, vmid = self._ha_sid(values["sid"])
        if values.get("type") and values["type"] != kind:
            raise die("types does not match")
        guest = self._ha_guest_exists(kind, vmid)
        options = self._ha_options(values)
        if sid in self.ha_resources:
            raise die("resource ID '%s' already defined" % sid)
        self.ha_resources.entries[sid] = dict(options, type=kind)
        self._ha_apply_state(guest, options.get("state", "started"))
        return None

    async def _ha_resource_read(self, values, user):
        sid = self._ha_sid(values["sid"])[0]
        if sid not in self.ha_resources:
            raise die("no such resource '%s'" % sid)
        return self.ha_resources.view(sid, "sid")

    async def _ha_resource_update(self, values, user):
        sid, kind, vmid = self._ha_sid(values["sid"])
        if sid not in self.ha_resources:
            raise die("no such resource '%s'" % sid)
        options = self._ha_options(values)
        self.ha_resources.update(sid, options, RESOURCE_OPTIONS, values.get("digest"), values.get("delete"))
        if "state" in options or "state" in split_list(values.get("delete")):
            guest = self.vm(vmid) if kind == "vm" else self.guest(vmid)
            self._ha_apply_state(guest, self.ha_resources.get(sid).get("state", "started"))
        return None

    async def _ha_resource_delete(self, values, user):
        sid, kind, vmid = self._ha_sid(values["sid"])
        if sid not in self.ha_resources:
            raise die("cannot delete service '%s', not HA managed!" % sid)
        del self.ha_resources.entries[sid]
        guest = self.vm(vmid) if kind == "vm" else self.guest(vmid)
        if guest is not None:
            guest.ha_state = None
        if values.get("purge", 1):
            self._ha_purge_from_rules(sid)
        return None

    def _ha_apply_state(self, guest, state):
        """What the HA manager does with a requested state, after its reaction delay."""
        guest.ha_state = "started" if state in RUNNING_STATES else state
        if state == "ignored":
            return

        async def later():
            await self.pause(self.ha_delay)
            if state in RUNNING_STATES and guest.status != "running":
                guest.apply_pending()
                guest.status = guest.qmpstatus = "running"
                guest.started_at = time.time()
            elif state in ("stopped", "disabled"):
                guest.status = guest.qmpstatus = "stopped"

        reaction = asyncio.ensure_future(later())
        self.ha_reactions.add(reaction)
        reaction.add_done_callback(self.ha_reactions.discard)

    def _ha_purge_from_rules(self, sid):
        for name in list(self.ha_rules.entries):
            rule = self.ha_rules.entries[name]
            left = [item for item in split_list(rule.get("resources")) if item != sid]
            if left:
                rule["resources"] = ",".join(left)
            else:
                del self.ha_rules.entries[name]

    # ---------------------------------------------------------------- rules

    def _ha_rule_values(self, values, creating):
        """Check a rule request against the branch of the schema its type selects (fakepve skips oneOf)."""
        kind = values.get("type")
        if kind is None:
            raise parameter_error({"type": "property is missing and it is not optional"})
        if kind not in RULE_TYPES:
            raise parameter_error(
                {"type": "value '%s' does not have a value in the enumeration '%s'" % (kind, ", ".join(RULE_TYPES))}
            )
        branch = _rule_branch(kind, creating)
        options = {k: v for k, v in values.items() if k not in RULE_ID_KEYS}
        errors = boolean_errors(branch["properties"], options)
        checked, schema_errors = validate(branch, options)
        errors = dict(schema_errors, **errors)
        if errors:
            raise parameter_error(errors)
        return kind, checked

    def _ha_rule_check_refs(self, options):
        if "resources" in options:
            resources = [self._ha_sid(item)[0] for item in split_list(options["resources"])]
            if not resources:
                raise die("no resources were specified")
            unmanaged = [sid for sid in resources if sid not in self.ha_resources]
            if unmanaged:
                raise die("cannot use unmanaged resource(s) %s." % ", ".join(unmanaged))
            options["resources"] = ",".join(resources)
        if "nodes" in options:
            nodes = [item.split(":")[0] for item in split_list(options["nodes"])]
            if not nodes:
                raise die("no nodes were specified")
            missing = [node for node in nodes if node not in self.nodes]
            if missing:
                raise die("cannot use non-existent node(s) %s." % ", ".join(missing))

    async def _ha_rule_list(self, values, user):
        self.need_rules("GET", "/cluster/ha/rules")
        items = self.ha_rules.listing("rule")
        if values.get("type"):
            items = [item for item in items if item["type"] == values["type"]]
        if values.get("resource"):
            items = [item for item in items if values["resource"] in split_list(item.get("resources"))]
        return items

    async def _ha_rule_create(self, values, user):
        self.need_rules("POST", "/cluster/ha/rules")
        name = values.get("rule")
        if name is None:
            raise parameter_error({"rule": "property is missing and it is not optional"})
        kind, options = self._ha_rule_values(values, creating=True)
        self._ha_rule_check_refs(options)
        if name in self.ha_rules:
            raise die("HA rule '%s' already defined" % name)
        self.ha_rules.entries[name] = dict(options, type=kind)
        return None

    async def _ha_rule_read(self, values, user):
        self.need_rules("GET", "/cluster/ha/rules/%s" % values["rule"])
        if values["rule"] not in self.ha_rules:
            raise die("no such ha rule '%s'" % values["rule"])
        return self.ha_rules.view(values["rule"], "rule")

    async def _ha_rule_update(self, values, user):
        self.need_rules("PUT", "/cluster/ha/rules/%s" % values["rule"])
        name = values["rule"]
        kind, options = self._ha_rule_values(values, creating=False)
        if name not in self.ha_rules:
            raise die("HA rule '%s' does not exist" % name)
        if self.ha_rules.get(name)["type"] != kind:
            raise die("types does not match")
        self._ha_rule_check_refs(options)
        known = list(_rule_branch(kind, creating=True)["properties"])
        self.ha_rules.update(name, options, known, values.get("digest"), values.get("delete"))
        return None

    async def _ha_rule_delete(self, values, user):
        self.need_rules("DELETE", "/cluster/ha/rules/%s" % values["rule"])
        if values["rule"] not in self.ha_rules:
            raise die("no such ha rule '%s'" % values["rule"])
        del self.ha_rules.entries[values["rule"]]
        return None
