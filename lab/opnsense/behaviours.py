# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller behaviour the model files do not carry: derived values, safe-delete and in-use guards."""

from __future__ import annotations


def install(firewall):
    c = firewall.collections
    c["vlans"].before_save.append(_vlan_device_name)
    c["subnets"].before_save.append(_next_subnet_id)
    c["aliases"].in_use.append(_alias_referrers)
    c["subnets"].in_use.append(_relation_referrers("reservations", "subnet", "reservation"))
    c["caddy_reverse"].in_use.append(_relation_referrers("caddy_handle", "reverse", "handle"))
    c["caddy_reverse"].in_use.append(_relation_referrers("caddy_subdomain", "reverse", "subdomain"))
    c["caddy_subdomain"].in_use.append(_relation_referrers("caddy_handle", "subdomain", "handle"))
    c["caddy_accesslist"].in_use.append(_relation_referrers("caddy_reverse", "accesslist", "domain"))
    c["caddy_accesslist"].in_use.append(_relation_referrers("caddy_subdomain", "accesslist", "subdomain"))
    c["caddy_reverse"].validators.append(_caddy_unique_domain_port)
    c["caddy_subdomain"].validators.append(_caddy_subdomain_under_wildcard)
    c["vlans"].in_use.append(_vlan_assigned)
    c["vlans"].validators.append(_vlan_assigned_unchanged)


def _vlan_device_name(collection, uuid, row):
    """VlanSettingsController names the device vlan0N (qinq0N for 802.1ad) when none is given."""
    if row.get("vlanif"):
        return
    prefix = "qinq0" if row.get("proto") == "opt2" else "vlan0"
    taken = {other.get("vlanif") for key, other in collection.rows.items() if key != uuid}
    number = 1
    while "%s%d" % (prefix, number) in taken:
        number += 1
    row["vlanif"] = "%s%d" % (prefix, number)


def _next_subnet_id(collection, uuid, row):
    if row.get("subnet_id"):
        return
    used = [int(other.get("subnet_id") or 0) for key, other in collection.rows.items() if key != uuid]
    row["subnet_id"] = str(max([*used, 0]) + 1)


def _alias_referrers(collection, uuid, row):
    name = row.get("name")
    firewall = collection.world
    users = []
    for rule in firewall.collections["rules"].rows.values():
        for field in ("source_net", "destination_net", "source_port", "destination_port"):
            if name in (rule.get(field) or "").split(","):
                users.append("rule %s" % (rule.get("description") or "(no description)"))
                break
    for other_uuid, alias in collection.rows.items():
        if other_uuid != uuid and name in (alias.get("content") or "").split("\n"):
            users.append("alias %s" % alias.get("name"))
    if users:
        return "Cannot delete alias %s. Currently in use by %s" % (name, ", ".join(users))
    return None


def _relation_referrers(target, field, what):
    def check(collection, uuid, row):
        rows = collection.world.collections[target].rows
        users = [
            other.get("description") or key
            for key, other in rows.items()
            if uuid in (other.get(field) or "").split(",")
        ]
        if users:
            return "Item in use by: %s %s" % (what, ", ".join(users))
        return None

    return check


def _caddy_unique_domain_port(collection, uuid, row):
    """os-caddy's Caddy::checkForUniquePortCombos: a domain without a port takes both 80 and 443."""
    domain = row.get("FromDomain", "")
    mine = {row.get("FromPort")} if row.get("FromPort") else {"80", "443"}
    for key, other in collection.rows.items():
        if key == uuid or other.get("FromDomain") != domain:
            continue
        theirs = {other.get("FromPort")} if other.get("FromPort") else {"80", "443"}
        for port in sorted(mine & theirs):
            return {
                "FromDomain": "Duplicate entry: The combination of %s and port %s is already used. "
                "Each combination of domain and port must be unique." % (domain, port)
            }
    return {}


def _caddy_subdomain_under_wildcard(collection, uuid, row):
    """os-caddy's Caddy::checkSubdomainsAgainstDomains: an enabled subdomain must end with the base of an enabled
    wildcard domain (a plain suffix test, as the PHP str_ends_with does)."""
    if row.get("enabled") != "1":
        return {}
    name = row.get("FromDomain", "")
    bases = [
        domain.get("FromDomain", "")[2:]
        for domain in collection.world.collections["caddy_reverse"].rows.values()
        if domain.get("enabled") == "1" and domain.get("FromDomain", "").startswith("*.")
    ]
    if any(name.endswith(base) for base in bases):
        return {}
    return {
        "FromDomain": "Invalid subdomain configuration: %s does not fall under any configured wildcard domain." % name
    }


def _assigned_to(firewall, device):
    return [name for name, data in firewall.interfaces.items() if data.get("if") == device]


def _vlan_assigned(collection, uuid, row):
    names = _assigned_to(collection.world, row.get("vlanif"))
    if names:
        return "VLAN %s is assigned to interface %s and cannot be removed" % (row.get("vlanif"), names[0])
    return None


def _vlan_assigned_unchanged(collection, uuid, row):
    """Re-tagging or re-parenting an assigned VLAN fails validation (its device name would change under it)."""
    current = collection.rows.get(uuid)
    if current is None or not _assigned_to(collection.world, current.get("vlanif")):
        return {}
    problems = {}
    for field in ("tag", "if", "vlanif"):
        if row.get(field) != current.get(field):
            problems[field] = "This VLAN is assigned as an interface; its parent, tag and device cannot change."
    return problems
