# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Validation and resolution of a whole platform definition, before anything is touched.

``validate_definition`` returns every problem as 'path: message' (the path is the inventory variable path, e.g.
``tappaas_modules.nextcloud.zone: unknown zone 'srv_hme'``) plus the resolved definition: schema defaults applied
and the derived values every role needs (zone gateways, module addresses and internal DNS names).
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.calendar_event import (
    CalendarEventError,
    check_calendar_event,
)
from ansible_collections.tappaas.platform.plugins.module_utils.znapzend_plan import PlanError, normalise_plan
from ansible_collections.tappaas.platform.plugins.plugin_utils import network
from ansible_collections.tappaas.platform.plugins.plugin_utils.definition_schema import (
    apply_defaults,
    format_path,
    schema_problems,
)

# tappaas_module_<name> (15 + 16 characters) is the longest alias name OPNsense accepts (31).
MODULE_NAME_MAX = 16

DEFINITION_VARIABLES = ("tappaas_site", "tappaas_nodes", "tappaas_zones", "tappaas_tanks", "tappaas_modules")

# What depends_on may name besides modules: the platform capabilities (one role each).
CAPABILITIES = (
    "cluster",
    "storage",
    "network",
    "ingress",
    "identity",
    "backup",
    "monitoring",
    "database",
    "object_storage",
    "passwords",
)
INTERNET = "internet"

# Minimum number of disks per pool topology.
_MIN_DISKS = {"single": 1, "mirror": 2, "raidz1": 3, "raidz2": 4, "raidz3": 5, "stripe_of_mirrors": 4}


class _Problems(list):
    def add(self, path, message):
        self.append("%s: %s" % (format_path(path), message))


def validate_definition(definition, inventory_nodes=None):
    """Check a whole definition. Returns ``(problems, resolved)``; ``resolved`` is None when there are problems.

    ``definition`` maps the variable names of DEFINITION_VARIABLES to their values (absent ones are omitted).
    ``inventory_nodes`` is the host list of inventory group tappaas_nodes, when the inventory has that group.
    """
    problems = _Problems(schema_problems(definition))
    resolved = apply_defaults(definition)
    checker = _Checker(resolved, problems)
    checker.run(inventory_nodes)
    if problems:
        return list(problems), None
    return [], checker.resolved()


class _Checker:
    """Cross-field rules. Each check skips values the schema already reported as malformed."""

    def __init__(self, definition, problems):
        self.site = _mapping(definition.get("tappaas_site"))
        self.nodes = [node for node in _sequence(definition.get("tappaas_nodes")) if isinstance(node, dict)]
        self.zones = {
            name: zone for name, zone in _mapping(definition.get("tappaas_zones")).items() if isinstance(zone, dict)
        }
        self.tanks = _mapping(definition.get("tappaas_tanks"))
        self.modules = {
            name: module
            for name, module in _mapping(definition.get("tappaas_modules")).items()
            if isinstance(module, dict)
        }
        self.definition = definition
        self.problems = problems
        self.networks = {}  # zone name -> netaddr.IPNetwork, for zones whose cidr parses
        self.used_addresses = {}  # address -> path of its owner

    # -- entry point -------------------------------------------------------------------------------------------
    def run(self, inventory_nodes):
        self.check_zones()
        self.check_nodes(inventory_nodes)
        self.check_tanks()
        self.module_addresses = {}
        for name, module in self.modules.items():
            self.check_module(name, module)
        # Static addresses are claimed first so that a clash blames the allocated address, which is the one to fix.
        for allocate in (False, True):
            for name, module in self.modules.items():
                if self._module_zone_usable(module) and bool(module.get("ip")) != allocate:
                    self._check_module_address(name, ["tappaas_modules", name], module)
        self.check_dependency_cycles()

    # -- zones ---------------------------------------------------------------------------------------------------
    def check_zones(self):
        vlans = {}
        for name, zone in self.zones.items():
            path = ["tappaas_zones", name]
            try:
                self.networks[name] = network.parse_network(zone.get("cidr"))
            except network.NetworkError as error:
                self.problems.add([*path, "cidr"], str(error))
                continue
            vlan = zone.get("vlan")
            if isinstance(vlan, int):
                if vlan in vlans:
                    self.problems.add([*path, "vlan"], "VLAN %d is already used by zone '%s'" % (vlan, vlans[vlan]))
                else:
                    vlans[vlan] = name
            self._check_zone_addresses(name, zone, path)
            for field in ("access_to", "pinhole_allowed_from"):
                for index, other in enumerate(_sequence(zone.get(field))):
                    if other not in self.zones:
                        self.problems.add([*path, field, index], "unknown zone '%s'%s" % (other, self._zone_hint()))
                    elif other == name:
                        self.problems.add([*path, field, index], "a zone cannot name itself")
        self._check_overlaps()

    def _check_zone_addresses(self, name, zone, path):
        cidr = self.networks[name]
        try:
            gateway = network.parse_address(network.zone_gateway(zone))
        except network.NetworkError as error:
            self.problems.add([*path, "gateway"], str(error))
            return
        if gateway not in cidr or gateway in (cidr.network, cidr.broadcast):
            self.problems.add([*path, "gateway"], "%s is not a host address of %s" % (gateway, cidr))
        else:
            self.used_addresses[str(gateway)] = format_path([*path, "gateway"])
        dhcp = zone.get("dhcp")
        if not isinstance(dhcp, dict):
            return
        for end in ("start", "end"):
            try:
                address = network.parse_address(dhcp.get(end))
            except network.NetworkError:
                return  # reported by the schema
            if address not in cidr or address in (cidr.network, cidr.broadcast):
                self.problems.add([*path, "dhcp", end], "%s is not a host address of %s" % (address, cidr))
                return
        try:
            pool = network.dhcp_range(zone)
        except network.NetworkError as error:
            self.problems.add([*path, "dhcp"], str(error))
            return
        if gateway in pool:
            self.problems.add([*path, "dhcp"], "the DHCP range %s contains the gateway %s" % (pool, gateway))

    def _check_overlaps(self):
        names = sorted(self.networks, key=lambda zone_name: (self.networks[zone_name].first, zone_name))
        for index, name in enumerate(names):
            for other in names[index + 1 :]:
                if self.networks[other].first > self.networks[name].last:
                    break
                self.problems.add(
                    ["tappaas_zones", other, "cidr"],
                    "%s overlaps zone '%s' (%s)" % (self.networks[other], name, self.networks[name]),
                )

    def _zone_hint(self):
        return " (known zones: %s)" % ", ".join(sorted(self.zones)) if self.zones else ""

    def _zone_containing(self, address):
        for name, cidr in self.networks.items():
            if address in cidr:
                return name
        return None

    def _check_host_address(self, path, text, zone_name=None):
        """An address a host takes: inside its zone (or any zone), not special, not in DHCP, not taken."""
        try:
            address = network.parse_address(text)
        except network.NetworkError:
            return None  # reported by the schema
        zone_name = zone_name or self._zone_containing(address)
        cidr = self.networks.get(zone_name)
        if cidr is None:
            self.problems.add(path, "%s is not inside any zone" % address)
            return None
        if address not in cidr:
            self.problems.add(path, "%s is outside zone '%s' (%s)" % (address, zone_name, cidr))
            return None
        if address in (cidr.network, cidr.broadcast):
            self.problems.add(path, "%s is the network or broadcast address of zone '%s'" % (address, zone_name))
            return None
        try:
            pool = network.dhcp_range(self.zones[zone_name])
        except network.NetworkError:
            pool = None  # reported with the zone
        if pool is not None and address in pool:
            self.problems.add(path, "%s is inside the DHCP range %s of zone '%s'" % (address, pool, zone_name))
            return None
        owner = self.used_addresses.get(str(address))
        if owner is not None:
            self.problems.add(path, "%s is already used by %s" % (address, owner))
            return None
        self.used_addresses[str(address)] = format_path(path)
        return address

    # -- nodes ---------------------------------------------------------------------------------------------------
    def check_nodes(self, inventory_nodes):
        seen = {}
        for index, node in enumerate(self.nodes):
            name = node.get("name")
            path = ["tappaas_nodes", index]
            if name in seen:
                self.problems.add([*path, "name"], "duplicate node '%s' (also tappaas_nodes[%d])" % (name, seen[name]))
                continue
            seen[name] = index
            if isinstance(node.get("ip"), str):
                self._check_host_address([*path, "ip"], node["ip"])
        if inventory_nodes:
            declared = set(seen)
            for host in sorted(set(inventory_nodes) - declared):
                self.problems.add(
                    ["tappaas_nodes"], "inventory host '%s' of group tappaas_nodes is not declared" % host
                )
            for host in sorted(declared - set(inventory_nodes)):
                self.problems.add(
                    ["tappaas_nodes", seen[host], "name"],
                    "node '%s' is not a host of inventory group tappaas_nodes" % host,
                )
        self.node_names = set(seen)

    def _check_node(self, path, name):
        if isinstance(name, str) and name not in self.node_names:
            self.problems.add(path, "unknown node '%s' (known nodes: %s)" % (name, ", ".join(sorted(self.node_names))))
            return False
        return True

    # -- tanks ---------------------------------------------------------------------------------------------------
    def check_tanks(self):
        for node_name, tanks in self.tanks.items():
            path = ["tappaas_tanks", node_name]
            self._check_node(path, node_name)
            if not isinstance(tanks, dict):
                continue
            disks_seen, pools_seen = {}, {}
            for tank_name, tank in tanks.items():
                if not isinstance(tank, dict):
                    continue
                tank_path = [*path, tank_name]
                disks = [disk for disk in _sequence(tank.get("disks")) if isinstance(disk, str)]
                needed = _MIN_DISKS.get(tank.get("topology"))
                if needed and len(disks) < needed:
                    self.problems.add(
                        [*tank_path, "disks"],
                        "a %s needs at least %d disks, got %d" % (tank["topology"], needed, len(disks)),
                    )
                elif tank.get("topology") == "single" and len(disks) > 1:
                    self.problems.add(
                        [*tank_path, "disks"], "a single-disk tank takes exactly 1 disk, got %d" % len(disks)
                    )
                elif tank.get("topology") == "stripe_of_mirrors" and len(disks) % 2:
                    self.problems.add([*tank_path, "disks"], "a stripe of mirrors needs an even number of disks")
                for index, disk in enumerate(disks):
                    if disk in disks_seen:
                        self.problems.add(
                            [*tank_path, "disks", index], "disk '%s' is already used by %s" % (disk, disks_seen[disk])
                        )
                    else:
                        disks_seen[disk] = format_path(tank_path)
                pool = tank.get("pool", tank_name)
                if pool in pools_seen:
                    self.problems.add(
                        [*tank_path, "pool"], "pool '%s' is already used by %s" % (pool, pools_seen[pool])
                    )
                pools_seen[pool] = format_path(tank_path)

    def _tank_names(self, node_name):
        tanks = self.tanks.get(node_name)
        return set(tanks) if isinstance(tanks, dict) else set()

    # -- modules -------------------------------------------------------------------------------------------------
    def check_module(self, name, module):
        path = ["tappaas_modules", name]
        self._check_vmid(path, module)
        if name in self.node_names:
            self.problems.add(path, "module name '%s' is also a node name (hostnames must be unique)" % name)
        if len(name) > MODULE_NAME_MAX:
            # OPNsense alias names are at most 31 characters; the module's host alias is tappaas_module_<name>.
            self.problems.add(
                path,
                "module name '%s' is %d characters long; at most %d fit its firewall alias tappaas_module_<name> "
                "(OPNsense allows 31)" % (name, len(name), MODULE_NAME_MAX),
            )
        node_ok = self._check_node([*path, "node"], module.get("node"))
        ha = module.get("ha")
        if isinstance(ha, dict):
            if self._check_node([*path, "ha", "node"], ha.get("node")) and ha.get("node") == module.get("node"):
                self.problems.add([*path, "ha", "node"], "the failover node must differ from node '%s'" % ha["node"])
            self._check_schedule([*path, "ha", "replication_schedule"], ha.get("replication_schedule"))
        if node_ok:
            self._check_storage(path, module)
        self._check_image(path, module.get("image"))
        self._check_module_zone(path, module)
        self._check_firewall(name, path, module)
        self._check_ingress(name, path, module)
        self._check_identity(path, module)
        self._check_backup(path, module.get("backup"))
        self._check_dependencies(name, path, module)

    def _check_vmid(self, path, module):
        vmid = module.get("vmid")
        if not isinstance(vmid, int) or isinstance(vmid, bool):
            return
        owners = getattr(self, "_vmids", None)
        if owners is None:
            owners = self._vmids = {}
        if vmid in owners:
            self.problems.add([*path, "vmid"], "vmid %d is already used by module '%s'" % (vmid, owners[vmid]))
        else:
            owners[vmid] = path[-1]

    def _check_storage(self, path, module):
        if not self.tanks:
            return  # a site that declares no tanks leaves storage to Proxmox
        storage = module.get("storage")
        nodes = [module.get("node")]
        if isinstance(module.get("ha"), dict) and module["ha"].get("node") in self.node_names:
            nodes.append(module["ha"]["node"])
        for node_name in nodes:
            if storage not in self._tank_names(node_name):
                self.problems.add([*path, "storage"], "node '%s' has no tank '%s'" % (node_name, storage))

    def _check_image(self, path, image):
        if not isinstance(image, dict):
            return
        if image.get("source") == "clone" and image.get("template") in (None, ""):
            self.problems.add([*path, "image", "template"], "source clone needs the template to clone")
        if image.get("source") == "cloud_image" and not image.get("cloud_image"):
            self.problems.add([*path, "image", "cloud_image"], "source cloud_image needs the image volume to import")

    def _check_module_zone(self, path, module):
        zone_name = module.get("zone")
        if not isinstance(zone_name, str):
            return
        zone = self.zones.get(zone_name)
        if zone is None:
            self.problems.add([*path, "zone"], "unknown zone '%s'%s" % (zone_name, self._zone_hint()))
        elif zone.get("state") == "inactive":
            self.problems.add([*path, "zone"], "zone '%s' is inactive" % zone_name)

    def _module_zone_usable(self, module):
        zone = self.zones.get(module.get("zone"))
        return zone is not None and zone.get("state") != "inactive" and module.get("zone") in self.networks

    def _check_module_address(self, name, path, module):
        zone_name = module["zone"]
        if module.get("ip"):
            address = self._check_host_address([*path, "ip"], module["ip"], zone_name)
            if address is not None:
                self.module_addresses[name] = (str(address), "static")
            return
        if not isinstance(module.get("vmid"), int):
            return
        try:
            allocated = network.allocate_ip(module["vmid"], self.zones[zone_name])
        except network.NetworkError as error:
            self.problems.add([*path, "ip"], str(error))
            return
        owner = self.used_addresses.get(allocated)
        if owner is not None:
            self.problems.add(
                [*path, "ip"],
                "the address allocated from vmid %d, %s, is already used by %s; set ip explicitly"
                % (module["vmid"], allocated, owner),
            )
            return
        self.used_addresses[allocated] = format_path([*path, "ip"]) + " (allocated)"
        self.module_addresses[name] = (allocated, "allocated")

    def _check_peer(self, path, peer):
        """A pinhole peer is a zone or a module; returns the zone it lives in, or None."""
        if peer in self.zones:
            return peer
        if peer in self.modules:
            # A peer module in a broken zone is reported on that module; do not guess its policy here.
            return self.modules[peer]["zone"] if self._module_zone_usable(self.modules[peer]) else None
        self.problems.add(path, "unknown zone or module '%s'" % peer)
        return None

    def _check_firewall(self, name, path, module):
        firewall = module.get("firewall")
        if not isinstance(firewall, dict):
            return
        own_zone = self.zones.get(module.get("zone"), {})
        for direction, peer_field in (("ingress", "from"), ("egress", "to")):
            for index, rule in enumerate(_sequence(firewall.get(direction))):
                if not isinstance(rule, dict):
                    continue
                rule_path = [*path, "firewall", direction, index]
                peer = rule.get(peer_field)
                if isinstance(peer, str):
                    if peer == name:
                        self.problems.add([*rule_path, peer_field], "a module cannot open a pinhole to itself")
                        continue
                    peer_zone = self._check_peer([*rule_path, peer_field], peer)
                    if direction == "ingress" and peer_zone and peer_zone != module.get("zone"):
                        allowed = _sequence(own_zone.get("pinhole_allowed_from"))
                        if peer_zone not in allowed:
                            self.problems.add(
                                [*rule_path, peer_field],
                                "zone '%s' may not open pinholes into zone '%s' (not in its pinhole_allowed_from)"
                                % (peer_zone, module.get("zone")),
                            )
                for port_index, port in enumerate(_sequence(rule.get("ports"))):
                    if isinstance(port, str) and "-" in port:
                        low, high = (int(part) for part in port.split("-", 1))
                        if not 1 <= low <= high <= 65535:
                            self.problems.add(
                                [*rule_path, "ports", port_index],
                                "port range '%s' is not low-high within 1-65535" % port,
                            )

    def _check_ingress(self, name, path, module):
        ingress = module.get("ingress")
        if not isinstance(ingress, dict):
            return
        hostname = ingress.get("hostname", name)
        hostnames = getattr(self, "_hostnames", None)
        if hostnames is None:
            hostnames = self._hostnames = {}
        if hostname in hostnames:
            self.problems.add(
                [*path, "ingress", "hostname"],
                "hostname '%s' is already published by module '%s'" % (hostname, hostnames[hostname]),
            )
        else:
            hostnames[hostname] = name
        for index, zone_name in enumerate(_sequence(ingress.get("allowed_zones"))):
            if zone_name != INTERNET and zone_name not in self.zones:
                self.problems.add(
                    [*path, "ingress", "allowed_zones", index],
                    "unknown zone '%s' (a zone name or 'internet')" % zone_name,
                )

    def _check_identity(self, path, module):
        identity = module.get("identity")
        if not isinstance(identity, dict) or identity.get("mode") in (None, "none"):
            return
        if not identity.get("groups") and not identity.get("public"):
            self.problems.add(
                [*path, "identity", "groups"],
                "SSO mode '%s' needs at least one group allowed in (or public: true)" % identity["mode"],
            )
        if not isinstance(module.get("ingress"), dict):
            self.problems.add(
                [*path, "identity", "mode"],
                "SSO mode '%s' needs ingress: the application must be published to sign in" % identity["mode"],
            )

    def _check_backup(self, path, backup):
        if not isinstance(backup, dict) or not backup.get("enabled", True):
            return
        self._check_schedule([*path, "backup", "schedule"], backup.get("schedule"))
        retention = backup.get("retention")
        if isinstance(retention, dict) and not any(
            isinstance(count, int) and count > 0 for count in retention.values()
        ):
            self.problems.add([*path, "backup", "retention"], "keeps nothing: set at least one keep_* above 0")
        plan = backup.get("znapzend_plan")
        if isinstance(plan, str):
            try:
                normalise_plan(plan)
            except PlanError as error:
                self.problems.add([*path, "backup", "znapzend_plan"], str(error))

    def _check_schedule(self, path, schedule):
        if not isinstance(schedule, str):
            return
        try:
            check_calendar_event(schedule)
        except CalendarEventError as error:
            self.problems.add(path, "invalid schedule: %s" % error)

    def _check_dependencies(self, name, path, module):
        for index, dependency in enumerate(_sequence(module.get("depends_on"))):
            if dependency in CAPABILITIES:
                continue
            if dependency == name:
                self.problems.add([*path, "depends_on", index], "a module cannot depend on itself")
            elif dependency not in self.modules:
                self.problems.add(
                    [*path, "depends_on", index],
                    "unknown module or capability '%s' (capabilities: %s)" % (dependency, ", ".join(CAPABILITIES)),
                )
            elif module.get("state") != "absent" and self.modules[dependency].get("state") == "absent":
                self.problems.add([*path, "depends_on", index], "depends on module '%s', which is absent" % dependency)

    def check_dependency_cycles(self):
        graph = {
            name: [dep for dep in _sequence(module.get("depends_on")) if dep in self.modules and dep != name]
            for name, module in self.modules.items()
        }
        reported = set()
        for cycle in _find_cycles(graph):
            key = frozenset(cycle)
            if key in reported:
                continue
            reported.add(key)
            self.problems.add(
                ["tappaas_modules", cycle[0], "depends_on"], "dependency cycle: %s" % " -> ".join([*cycle, cycle[0]])
            )

    # -- result --------------------------------------------------------------------------------------------------
    def resolved(self):
        """The definition with defaults and derived values, for every role downstream."""
        internal_domain = self.site.get("internal_domain", "internal")
        for name, zone in self.zones.items():
            zone["gateway"] = network.zone_gateway(zone)
            zone["prefix"] = self.networks[name].prefixlen
        for name, module in self.modules.items():
            module["name"] = name
            module["ip"], module["ip_source"] = self.module_addresses[name]
            module["fqdn"] = network.internal_fqdn(name, module["zone"], internal_domain)
            if isinstance(module.get("ingress"), dict):
                module["ingress"].setdefault("hostname", name)
                module["url"] = "https://%s.%s" % (module["ingress"]["hostname"], self.site["domain"])
            if isinstance(module.get("backup"), dict) and module["backup"].get("znapzend_plan"):
                module["backup"]["znapzend_plan"] = normalise_plan(module["backup"]["znapzend_plan"])
        self.definition["tappaas_module_order"] = _topological_order(
            {
                name: [dep for dep in module.get("depends_on", []) if dep in self.modules]
                for name, module in self.modules.items()
            }
        )
        return self.definition


def _find_cycles(graph):
    """Every elementary cycle reachable by depth-first search, each as a list of names starting at its smallest."""
    cycles = []
    state = {}
    stack = []

    def visit(node):
        state[node] = "active"
        stack.append(node)
        for successor in graph.get(node, []):
            if state.get(successor) == "active":
                cycle = stack[stack.index(successor) :]
                start = cycle.index(min(cycle))
                cycles.append(cycle[start:] + cycle[:start])
            elif successor not in state:
                visit(successor)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def _topological_order(graph):
    """Modules in dependency order (dependencies first), ties broken by name so the order is stable."""
    order, done = [], set()

    def visit(node):
        if node in done:
            return
        done.add(node)
        for dependency in sorted(graph.get(node, [])):
            visit(dependency)
        order.append(node)

    for node in sorted(graph):
        visit(node)
    return order


def _mapping(value):
    return value if isinstance(value, dict) else {}


def _sequence(value):
    return value if isinstance(value, list) else []
