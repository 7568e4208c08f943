# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The firewall the twin pretends to be: its version profile, collections, interfaces, services and revisions."""

from __future__ import annotations

import copy
import os
from dataclasses import dataclass

from lab.opnsense.schema import PROTOCOLS, load_item_schema, mask_matches
from lab.opnsense.store import Collection
from lab.opnsense.validation import Validator

MODELS = os.path.join(os.path.dirname(__file__), "models")


@dataclass(frozen=True)
class Profile:
    """What differs between the releases the twin imitates (see the reference, "version drift").

    Both releases route with the 24.7+ router (opnsense/core api.php): an unknown module, controller or action, and
    an action called with fewer parameters than it requires (setItem, delItem or toggleItem without a uuid), are
    HTTP 404 {"errorMessage": "Endpoint not found"} on either. The 400 {"status": 400, "message": "controller ...
    not found"} answer belongs to the Phalcon router of 24.1 and earlier, so it is no 26.1/26.7 difference. What
    does differ at the router is which endpoints exist: savepoints and interface assignment below.
    """

    name: str
    product_version: str
    models: str
    savepoint: bool  # filter savepoint/apply/{rev}/cancelRollback/revert: 24.1-26.1, removed in 26.7
    assignment_api: bool  # interfaces/assignment: 26.7+
    legacy_rows_always: bool  # searchRule shows automatic rows always (26.7) or only with show_all=1 (25.7-26.1)
    get_display_keys: bool  # get* responses carry "%field" siblings (26.7+)
    list_for_scalar: str  # the log line behind the HTTP 500 for a JSON list sent for a scalar
    error_level: bool  # UserException answers carry errorLevel (26.7+)


PROFILES = {
    "26.1": Profile("26.1", "26.1.11", "26.1", True, False, False, False, "Array to string conversion", False),
    "26.7": Profile("26.7", "26.7.2", "26.7", False, True, True, True, "expected a single value", True),
}

# (model file, item path, post key, service) per collection.
COLLECTIONS = {
    "rules": ("Firewall_Filter.xml", "rules.rule", "rule", "filter"),
    "aliases": ("Firewall_Alias.xml", "aliases.alias", "alias", "alias"),
    "categories": ("Firewall_Category.xml", "categories.category", "category", "filter"),
    "vlans": ("Interfaces_Vlan.xml", "vlan", "vlan", "vlan"),
    "hosts": ("Unbound_Unbound.xml", "hosts.host", "host", "unbound"),
    "subnets": ("Kea_KeaDhcpv4.xml", "subnets.subnet4", "subnet4", "kea"),
    "reservations": ("Kea_KeaDhcpv4.xml", "reservations.reservation", "reservation", "kea"),
}
CADDY_COLLECTIONS = {
    "caddy_reverse": ("reverseproxy.reverse", "reverse"),
    "caddy_subdomain": ("reverseproxy.subdomain", "subdomain"),
    "caddy_handle": ("reverseproxy.handle", "handle"),
    "caddy_accesslist": ("reverseproxy.accesslist", "accesslist"),
}
RELATION_TARGETS = {
    ("OPNsense.Firewall.Category", "categories.category"): "categories",
    ("OPNsense.Kea.KeaDhcpv4", "subnets.subnet4"): "subnets",
    ("OPNsense.Caddy.Caddy", "reverseproxy.reverse"): "caddy_reverse",
    ("OPNsense.Caddy.Caddy", "reverseproxy.subdomain"): "caddy_subdomain",
    ("OPNsense.Caddy.Caddy", "reverseproxy.accesslist"): "caddy_accesslist",
}
PHYSICAL = {"vtnet0": "vtnet0 (LAN)", "vtnet1": "vtnet1 (WAN)"}
GATEWAYS = {"WAN_GW": "WAN_GW - 203.0.113.1"}
CERTIFICATES = {"6a1f0c2e5b7d4": "Web GUI TLS certificate"}
# Automatic rules the filter shows next to the model's own (not real model uuids; read-only).
AUTOMATIC_RULES = (
    {"uuid": "0f5bbd7e4b4e6d1d2a7b6c9f1e3d5a7b", "legacy": True, "description": "Anti-Lockout Rule", "action": "pass"},
    {"uuid": "9c0e2f4a6b8d1c3e5f7a9b0d2e4f6a8c", "legacy": True, "description": "Default deny rule", "action": "block"},
)
PACKAGES = ("os-caddy", "os-acme-client", "os-mdns-repeater", "os-udpbroadcastrelay")


class Firewall:
    def __init__(self, profile_name):
        if profile_name not in PROFILES:
            raise ValueError("unknown OPNsense profile %r (use %s)" % (profile_name, ", ".join(PROFILES)))
        self.profile = PROFILES[profile_name]
        self.revision = 0
        self.interfaces = {
            "lan": {"if": "vtnet0", "descr": "LAN", "lock": "1", "ipaddr": "10.0.0.1/24"},
            "wan": {"if": "vtnet1", "descr": "WAN", "lock": "1", "ipaddr": "dhcp"},
        }
        self.installed = set()
        self.firmware_job = None  # {"package", "action", "done_at"}
        self.firmware_log = ""
        self.validator = Validator(self)
        self.collections = {}
        model_dir = os.path.join(MODELS, self.profile.models)
        for name, (model, path, key, service) in COLLECTIONS.items():
            self.collections[name] = Collection(
                name, load_item_schema(os.path.join(model_dir, model), path), key, service, self
            )
        for name, (path, key) in CADDY_COLLECTIONS.items():
            schema = load_item_schema(os.path.join(MODELS, "caddy_plugin_Caddy.xml"), path)
            self.collections[name] = Collection(name, schema, key, "caddy", self)
        # Settings nodes (one item, no uuid): (module, controller) -> (collection, model root key, node path).
        general = load_item_schema(os.path.join(MODELS, "caddy_plugin_Caddy.xml"), "general")
        self.collections["caddy_general"] = Collection("caddy_general", general, "general", "caddy", self)
        self.collections["caddy_general"].rows["general"] = general.template()
        self.settings = {("caddy", "general"): ("caddy_general", "caddy", "general")}
        self.services = {}
        for service in {c.service for c in self.collections.values()} | {"assignment"}:
            self.services[service] = {"pending": False, "applies": 0, "applied": self._snapshot(service)}
        from lab.opnsense import behaviours

        behaviours.install(self)

    # Revisions and pending state.

    def saved(self, service):
        """A write persisted: one more config revision, and the service has changes waiting for an apply."""
        self.revision += 1
        self.services[service]["pending"] = True

    def apply(self, *services):
        for service in services:
            state = self.services[service]
            state["pending"] = False
            state["applies"] += 1
            state["applied"] = self._snapshot(service)

    def _snapshot(self, service):
        if service == "assignment":
            return copy.deepcopy(self.interfaces)
        return {name: copy.deepcopy(c.rows) for name, c in self.collections.items() if c.service == service}

    def state(self):
        return {
            "profile": self.profile.name,
            "product_version": self.profile.product_version,
            "revision": self.revision,
            "services": copy.deepcopy(self.services),
            "interfaces": copy.deepcopy(self.interfaces),
            "installed": sorted(self.installed),
        }

    # What the model files cannot know: the option lists that come from the running system.

    def interface_names(self):
        return set(self.interfaces)

    def alias_names(self):
        return {row.get("name", "") for row in self.collections["aliases"].rows.values()}

    def options(self, collection, spec):
        kind = spec.type
        if kind in ("InterfaceField", "UnboundInterfaceField"):
            return {name: data["descr"] or name.upper() for name, data in self.interfaces.items()}
        if kind == "VlanInterfaceField":
            return dict(PHYSICAL)
        if kind == "ProtocolField":
            return {name: name for name in PROTOCOLS}
        if kind == "JsonKeyValueStoreField":
            return dict(GATEWAYS) if spec.name in ("gateway", "replyto") else dict(spec.options)
        if kind == "CertificateField":
            return dict(CERTIFICATES)
        if kind == "ModelRelationField" and spec.relation:
            target = RELATION_TARGETS.get(spec.relation[:2])
            if target is None:
                return {}
            display = spec.relation[2].split(",")[0]
            # <filters> narrow the options, e.g. a Caddy subdomain may only hang under a wildcard domain.
            return {
                uuid: row.get(display, "")
                for uuid, row in self.collections[target].rows.items()
                if all(mask_matches(mask, row.get(name, "")) for name, mask in spec.relation_filters.items())
            }
        return dict(spec.options)
