# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Controller-side action behind tappaas.platform.validate: the definition is inventory data, so no host is needed."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.validation import check_type_bool
from ansible.plugins.action import ActionBase

from ansible_collections.tappaas.platform.plugins.plugin_utils.definition import (
    DEFINITION_VARIABLES,
    validate_definition,
)

# Option name -> inventory variable it defaults to.
_OPTIONS = {variable[len("tappaas_") :]: variable for variable in DEFINITION_VARIABLES}


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False
    _VALID_ARGS = frozenset([*list(_OPTIONS), "check_inventory_group"])

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = self._task.args
        definition = {}
        for option, variable in _OPTIONS.items():
            value = args.get(option, task_vars.get(variable))
            if value is not None:
                definition[variable] = self._templar.template(value)
        inventory_nodes = None
        if check_type_bool(args.get("check_inventory_group", True)):
            inventory_nodes = task_vars.get("groups", {}).get("tappaas_nodes") or None

        try:
            problems, resolved = validate_definition(definition, inventory_nodes)
        except RuntimeError as error:  # a missing controller requirement
            raise AnsibleActionFail(str(error)) from error

        result["changed"] = False
        result["problems"] = problems
        if problems:
            result["failed"] = True
            result["msg"] = "the TAPPaaS definition has %d problem%s:\n%s" % (
                len(problems),
                "" if len(problems) == 1 else "s",
                "\n".join("- " + problem for problem in problems),
            )
            return result
        modules = resolved.get("tappaas_modules", {})
        result["definition"] = resolved
        result["msg"] = "the TAPPaaS definition of site '%s' is valid: %d nodes, %d zones, %d modules" % (
            resolved["tappaas_site"]["name"],
            len(resolved.get("tappaas_nodes", [])),
            len(resolved.get("tappaas_zones", {})),
            len(modules),
        )
        return result
