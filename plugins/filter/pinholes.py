# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The pinholes of one module, for the module role's own rule scope (the compiler of the network plan)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_zone_policy import (
    module_pinhole_zones as _pinhole_zones,
)
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_zone_policy import (
    module_pinholes as _pinholes,
)
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_zone_policy import (
    module_rule_scope as _rule_scope,
)


def module_pinholes(module_name, modules, zones, interfaces=None):
    """The pinholes of a module as rules for tappaas.platform.opnsense_rules."""
    try:
        return _pinholes(module_name, modules, zones, interfaces or {})
    except (InvalidInput, KeyError, TypeError) as error:
        raise AnsibleFilterError("module_pinholes: %s" % error) from error


def module_pinhole_zones(module_name, modules, zones):
    """The zones whose OPNsense interface the pinholes of a module use."""
    try:
        return _pinhole_zones(module_name, modules, zones)
    except (InvalidInput, KeyError, TypeError) as error:
        raise AnsibleFilterError("module_pinhole_zones: %s" % error) from error


def module_rule_scope(module_name):
    """The opnsense_rules scope of a module's pinholes, tappaas:module:<name>."""
    return _rule_scope(module_name)


class FilterModule:
    def filters(self):
        return {
            "module_pinholes": module_pinholes,
            "module_pinhole_zones": module_pinhole_zones,
            "module_rule_scope": module_rule_scope,
        }
