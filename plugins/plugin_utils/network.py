# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Zone arithmetic shared by the filters and the definition validator (controller side, on netaddr)."""

from __future__ import annotations

try:
    import netaddr
except ImportError:  # reported when used, so that importing the plugin never fails
    netaddr = None


class NetworkError(ValueError):
    """A zone or address that cannot be used; the message names the value."""


def _require_netaddr():
    if netaddr is None:
        raise NetworkError("the Python package 'netaddr' is required on the controller (pip install netaddr)")


def parse_network(cidr):
    """Return the IPv4 network of a cidr string; host bits set is an error, not silently masked."""
    _require_netaddr()
    try:
        network = netaddr.IPNetwork(cidr)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise NetworkError("'%s' is not an IPv4 network in cidr notation" % (cidr,)) from None
    if network.version != 4 or "/" not in str(cidr):
        raise NetworkError("'%s' is not an IPv4 network in cidr notation" % (cidr,))
    if network.ip != network.network:
        raise NetworkError("'%s' has host bits set (did you mean %s?)" % (cidr, network.cidr))
    if network.prefixlen > 30:
        raise NetworkError("'%s' is too small for a zone (at most /30)" % (cidr,))
    return network


def parse_address(ip):
    _require_netaddr()
    try:
        address = netaddr.IPAddress(ip)
    except (netaddr.AddrFormatError, ValueError, TypeError):
        raise NetworkError("'%s' is not an IPv4 address" % (ip,)) from None
    if address.version != 4:
        raise NetworkError("'%s' is not an IPv4 address" % (ip,))
    return address


def zone_gateway(zone):
    """The gateway of a zone: the explicit one, or the first host address of its cidr."""
    if zone.get("gateway"):
        return str(parse_address(zone["gateway"]))
    return str(netaddr.IPAddress(parse_network(zone["cidr"]).first + 1))


def dhcp_range(zone):
    """The DHCP pool of a zone as a netaddr.IPRange, or None when the zone has no DHCP."""
    dhcp = zone.get("dhcp")
    if not dhcp:
        return None
    start, end = parse_address(dhcp["start"]), parse_address(dhcp["end"])
    if start > end:
        raise NetworkError("DHCP range %s..%s runs backwards" % (start, end))
    return netaddr.IPRange(start, end)


def allocation_pool(zone):
    """Host addresses a module may be given automatically: the cidr minus gateway and DHCP range, in order."""
    network = parse_network(zone["cidr"])
    excluded = netaddr.IPSet([zone_gateway(zone)])
    pool_range = dhcp_range(zone)
    if pool_range is not None:
        excluded.add(pool_range)
    return [address for address in network.iter_hosts() if address not in excluded]


def allocate_ip(vmid, zone):
    """The deterministic address of a module without a static ip.

    It depends only on the module's vmid and its zone (cidr, gateway, DHCP range), never on other modules, so
    adding a module never moves an existing one. Two modules may land on the same address; the validator reports
    that and the fix is a static ``ip`` on one of them.
    """
    pool = allocation_pool(zone)
    if not pool:
        raise NetworkError("zone %s has no address left outside its gateway and DHCP range" % zone["cidr"])
    return str(pool[int(vmid) % len(pool)])


def module_ip(name, modules, zones):
    """The address of module ``name``: its static ``ip``, or the one allocated from its vmid in its zone."""
    module = modules.get(name)
    if module is None:
        raise NetworkError("unknown module '%s'" % name)
    if module.get("ip"):
        return str(parse_address(module["ip"]))
    zone = zones.get(module.get("zone"))
    if zone is None:
        raise NetworkError("module '%s' is in unknown zone '%s'" % (name, module.get("zone")))
    return allocate_ip(module["vmid"], zone)


def zone_of_ip(ip, zones):
    """The name of the zone whose cidr holds ``ip`` (the most specific one), or None."""
    address = parse_address(ip)
    best = None
    for name, zone in zones.items():
        network = parse_network(zone["cidr"])
        if address in network and (best is None or network.prefixlen > best[1]):
            best = (name, network.prefixlen)
    return best[0] if best else None


def zone_dns_label(zone):
    """The DNS label of a zone. Zone names are snake_case, but '_' is not valid in a hostname (OPNsense's Unbound
    refuses it in a host override), so it becomes '-': srv_home -> srv-home."""
    return zone.replace("_", "-")


def internal_fqdn(name, zone, internal_domain="internal"):
    """The DNS name of a guest inside the site: ``<name>.<zone label>.<internal_domain>``."""
    return "%s.%s.%s" % (name, zone_dns_label(zone), internal_domain)
