# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Network arithmetic filters for the platform definition (zones, module addresses, internal DNS names)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.tappaas.platform.plugins.plugin_utils import network


def _wrap(function):
    def filter_function(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except (network.NetworkError, KeyError, TypeError) as error:
            raise AnsibleFilterError("%s: %s" % (function.__name__, error)) from error

    filter_function.__name__ = function.__name__
    filter_function.__doc__ = function.__doc__
    return filter_function


def zone_of_ip(ip, zones):
    """The name of the zone whose cidr holds ip, or none."""
    return network.zone_of_ip(ip, zones)


def zone_gateway(zone_name, zones):
    """The gateway of a zone: its explicit gateway or the first host of its cidr."""
    if zone_name not in zones:
        raise network.NetworkError("unknown zone '%s'" % zone_name)
    return network.zone_gateway(zones[zone_name])


def module_ip(module_name, modules, zones):
    """The address of a module: its static ip, or the one allocated deterministically from its vmid."""
    return network.module_ip(module_name, modules, zones)


def internal_fqdn(name, zone, internal_domain="internal"):
    """The DNS name of a guest inside the site: <name>.<zone-label>.<internal_domain> (srv_home -> srv-home)."""
    return network.internal_fqdn(name, zone, internal_domain)


class FilterModule:
    def filters(self):
        return {function.__name__: _wrap(function) for function in (zone_of_ip, zone_gateway, module_ip, internal_fqdn)}
