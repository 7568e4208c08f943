# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The network plan of a site: zones and module specs to VLANs, DHCP, DNS records, aliases and filter rules.

Pure: no API calls, so the network role, the module role, their check mode and the documentation's zone policy
diagram all see the same plan. The zone policy (filter_rules) is the network role's scope; each module's pinholes
(module_pinholes) are a scope of the module itself (module_rule_scope), so that removing a module removes exactly
its rules. Rule ids follow upstream TAPPaaS (tappaas-module:<vm>:<dir>:<peer>:<port>[/proto]) so that a rule is
the same rule on every run; bands place them (anti-lockout first, pinholes before the zone-level deny).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput

RFC1918_ALIAS = "tappaas_rfc1918"
RFC1918 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
MODULE_ALIAS = "tappaas_module_%s"


def module_alias(name):
    """The host alias of a module; OPNsense alias names allow letters, digits and _ only, module names use -."""
    return MODULE_ALIAS % name.replace("-", "_")


MODULE_RULE_SCOPE = "tappaas:module:%s"
DNS_PORT = "53"
PROXY_PORTS = ("80", "443")
DIRECTIONS = {"ingress": "in", "egress": "out"}


def zone_label(name):
    return name.replace("_", "-")


def _gateway(zone):
    if zone.get("gateway"):
        return zone["gateway"]
    return str(ipaddress.ip_network(zone["cidr"]).network_address + 1)


def _protocol(rule):
    protocol = str(rule.get("protocol") or "tcp").upper()
    return "TCP/UDP" if protocol in ("TCP/UDP", "TCPUDP") else protocol


def module_rule_scope(name):
    """The opnsense_rules scope that holds the pinholes of one module."""
    return MODULE_RULE_SCOPE % name


def active_zones(zones):
    return {name: zone for name, zone in zones.items() if zone.get("state", "active") == "active"}


def check_isolation(zones, isolated, management):
    """Isolated zones may appear only in the access lists of management zones (the upstream tier-4 invariant)."""
    for name in isolated:
        if name not in zones:
            raise InvalidInput("network_isolated_zones", "unknown zone '%s'" % name)
    for name, zone in zones.items():
        if name in management:
            continue
        for index, target in enumerate(zone.get("access_to") or []):
            if target in isolated:
                raise InvalidInput(
                    "tappaas_zones.%s.access_to[%d]" % (name, index),
                    "zone '%s' is isolated; only %s may reach it as a whole" % (target, ", ".join(management)),
                )


def vlans(zones, parent):
    # address: the zone gateway with the zone's prefix, what the SSH bootstrap gives the interface before 26.7.
    return [
        {
            "zone": name,
            "tag": zone["vlan"],
            "parent": parent,
            "description": name,
            "address": "%s/%d" % (_gateway(zone), ipaddress.ip_network(zone["cidr"]).prefixlen),
        }
        for name, zone in sorted(active_zones(zones).items())
        if zone["vlan"]
    ]


def dhcp_subnets(zones, internal_domain):
    subnets = []
    for name, zone in sorted(active_zones(zones).items()):
        if not zone.get("dhcp"):
            continue
        gateway = _gateway(zone)
        subnets.append(
            {
                "zone": name,
                "subnet": zone["cidr"],
                "pools": ["%s-%s" % (zone["dhcp"]["start"], zone["dhcp"]["end"])],
                "routers": [gateway],
                "dns_servers": [gateway],
                "domain_name": "%s.%s" % (zone_label(name), internal_domain),
            }
        )
    return subnets


def host_overrides(modules, addresses, internal_domain):
    """<module>.<zone>.internal for every module, pointing at its address."""
    return [
        {
            "hostname": name,
            "domain": "%s.%s" % (zone_label(module["zone"]), internal_domain),
            "address": addresses[name],
        }
        for name, module in sorted(modules.items())
        if name in addresses
    ]


def aliases(modules, addresses):
    found = [{"name": RFC1918_ALIAS, "type": "network", "content": list(RFC1918), "description": "RFC 1918"}]
    for name in sorted(modules):
        if name in addresses:
            found.append(
                {"name": module_alias(name), "type": "host", "content": [addresses[name]], "description": name}
            )
    return found


class _Compiler:
    def __init__(self, zones, modules, interfaces, management, management_ports):
        self.zones = active_zones(zones)
        self.modules = modules
        self.interfaces = interfaces
        self.management = management
        self.management_ports = management_ports
        self.rules = []

    def interface(self, zone_name):
        return self.interfaces.get(zone_name, zone_name)

    def net(self, peer):
        """Source or destination for a peer: a module's host alias or a zone's network."""
        if peer in self.modules:
            return module_alias(peer)
        return self.zones[peer]["cidr"]

    def zone_of(self, peer):
        return self.modules[peer]["zone"] if peer in self.modules else peer

    def add(self, **rule):
        rule.setdefault("band", "zone")
        self.rules.append(rule)

    def anti_lockout(self):
        for zone_name in self.management:
            if zone_name not in self.zones:
                continue
            for port in self.management_ports:
                self.add(
                    id="anti-lockout:%s:%s" % (zone_name, port),
                    band="anti_lockout",
                    interface=[self.interface(zone_name)],
                    protocol="TCP",
                    source_net=self.zones[zone_name]["cidr"],
                    destination_net="(self)",
                    destination_port=str(port),
                    description="management reaches the firewall",
                )

    def infrastructure(self):
        for name, zone in sorted(self.zones.items()):
            self.add(
                id="dns:%s" % name,
                band="infrastructure",
                interface=[self.interface(name)],
                protocol="TCP/UDP",
                source_net=zone["cidr"],
                destination_net="(self)",
                destination_port=DNS_PORT,
                description="DNS on the firewall",
            )

    def proxy_reachability(self):
        """Clients of published modules reach Caddy on the firewall (upstream TAPPaaS seq 990/991)."""
        allowed = set()
        for module in self.modules.values():
            ingress = module.get("ingress")
            if isinstance(ingress, dict):
                allowed.update(ingress.get("allowed_zones") or [])
        for name in sorted(allowed):
            if name != "internet" and name not in self.zones:
                continue
            for port in PROXY_PORTS:
                self.add(
                    id="proxy:%s:%s" % (name, port),
                    band="infrastructure",
                    interface=[self.interface(name) if name != "internet" else self.interfaces.get(name, "wan")],
                    protocol="TCP",
                    source_net=self.zones[name]["cidr"] if name != "internet" else "any",
                    destination_net="(self)",
                    destination_port=port,
                    description="clients reach the reverse proxy",
                )

    def pinhole_zones(self, name):
        """Zones whose interface the pinholes of one module need: its own and those of its peers."""
        module = self.modules[name]
        found = {module["zone"]}
        firewall = module.get("firewall") or {}
        for direction, peer_key in (("ingress", "from"), ("egress", "to")):
            for rule in firewall.get(direction) or []:
                peer = rule.get(peer_key)
                if peer in self.modules or peer in self.zones:
                    found.add(self.zone_of(peer))
        return sorted(found)

    def pinholes(self, name, path="tappaas_modules"):
        module = self.modules[name]
        firewall = module.get("firewall") or {}
        own_zone = module["zone"]
        for direction, peer_key, band in (("ingress", "from", "module_ingress"), ("egress", "to", "module_egress")):
            for index, rule in enumerate(firewall.get(direction) or []):
                where = "%s.%s.firewall.%s[%d]" % (path, name, direction, index)
                peer = rule.get(peer_key)
                if peer not in self.modules and peer not in self.zones:
                    raise InvalidInput(where + "." + peer_key, "unknown zone or module '%s'" % peer)
                peer_zone = self.zone_of(peer)
                if peer_zone == own_zone:
                    continue  # traffic inside a zone never passes the firewall
                if direction == "ingress" and peer_zone not in (self.zones[own_zone].get("pinhole_allowed_from") or []):
                    raise InvalidInput(
                        where + ".from",
                        "zone '%s' may not open pinholes into zone '%s'" % (peer_zone, own_zone),
                    )
                source, target = (peer, name) if direction == "ingress" else (name, peer)
                protocol = _protocol(rule)
                for port in rule.get("ports") or []:
                    suffix = "" if protocol == "TCP" else "/" + protocol.lower()
                    self.add(
                        id="tappaas-module:%s:%s:%s:%s%s" % (name, DIRECTIONS[direction], peer, port, suffix),
                        band=band,
                        interface=[self.interface(self.zone_of(source))],
                        protocol=protocol,
                        source_net=self.net(source),
                        destination_net=self.net(target),
                        destination_port=str(port),
                        description=rule.get("description") or "%s %s %s" % (name, direction, peer),
                    )

    def zone_rules(self):
        for name, zone in sorted(self.zones.items()):
            interface = [self.interface(name)]
            for target in zone.get("access_to") or []:
                if target in self.zones:
                    self.add(
                        id="access:%s:%s" % (name, target),
                        interface=interface,
                        source_net=zone["cidr"],
                        destination_net=self.zones[target]["cidr"],
                        description="%s may reach %s" % (name, target),
                    )
            self.add(
                id="deny-private:%s" % name,
                action="block",
                interface=interface,
                source_net=zone["cidr"],
                destination_net=RFC1918_ALIAS,
                log=True,
                description="%s reaches no other private network" % name,
            )
            if zone.get("egress", True):
                self.add(
                    id="egress:%s" % name,
                    interface=interface,
                    source_net=zone["cidr"],
                    destination_net=RFC1918_ALIAS,
                    destination_not=True,
                    description="%s reaches the internet" % name,
                )


def filter_rules(zones, modules, interfaces, management=("mgmt",), management_ports=(443,), isolated=()):
    """The zone policy as rules for opnsense_rules, in the order the bands want them.

    The modules give the proxy reachability of the published ones; their pinholes are not here but in the scope of
    each module (module_pinholes), which the module role owns.
    """
    check_isolation(active_zones(zones), isolated, management)
    compiler = _Compiler(zones, modules, interfaces, list(management), list(management_ports))
    compiler.anti_lockout()
    compiler.infrastructure()
    compiler.proxy_reachability()
    compiler.zone_rules()
    return compiler.rules


def module_pinholes(name, modules, zones, interfaces):
    """The pinholes of one module as rules for opnsense_rules in its own scope (module_rule_scope).

    modules are the present modules of the site (a peer must be one of them or a zone); interfaces map zones to
    OPNsense interfaces, a zone missing from them keeps its name. Raises InvalidInput naming the field.
    """
    if name not in modules:
        raise InvalidInput("module_name", "'%s' is not one of the modules given" % name)
    compiler = _Compiler(zones, modules, interfaces, [], [])
    if modules[name].get("zone") not in compiler.zones:
        raise InvalidInput(
            "tappaas_modules.%s.zone" % name, "unknown or inactive zone '%s'" % modules[name].get("zone")
        )
    compiler.pinholes(name)
    return compiler.rules


def module_pinhole_zones(name, modules, zones):
    """The zones whose OPNsense interface the pinholes of one module use (its own zone and its peers' zones)."""
    if name not in modules:
        raise InvalidInput("module_name", "'%s' is not one of the modules given" % name)
    return _Compiler(zones, modules, {}, [], []).pinhole_zones(name)


def reverse_proxy_routes(site, modules, addresses, zones, internal_domain):
    """One Caddy route per module with ingress: its public name, upstream and the networks allowed in."""
    routes = []
    for name, module in sorted(modules.items()):
        ingress = module.get("ingress")
        if not isinstance(ingress, dict):
            continue
        allowed = ingress.get("allowed_zones") or []
        networks = [] if "internet" in allowed else [zones[zone]["cidr"] for zone in allowed if zone in zones]
        routes.append(
            {
                "module": name,
                "domain": "%s.%s" % (ingress.get("hostname", name), site["domain"]),
                "upstream_host": "%s.%s.%s" % (name, zone_label(module["zone"]), internal_domain),
                "upstream_port": int(ingress.get("port", 80)),
                "allowed_networks": networks,
            }
        )
    return routes
