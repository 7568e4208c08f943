# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from unittest.mock import MagicMock

import pytest
from ansible.playbook.task import Task
from ansible.template import Templar

from ansible_collections.tappaas.platform.plugins.action.validate import ActionModule

from ..plugin_utils.definition_cases import base_definition


def _run(args, task_vars):
    task = MagicMock(Task)
    task.args = args
    task.async_val = 0
    task.check_mode = False
    task.diff = False
    action = ActionModule(
        task=task,
        connection=MagicMock(),
        play_context=MagicMock(),
        loader=MagicMock(),
        templar=Templar(loader=None),
        shared_loader_obj=None,
    )
    return action.run(task_vars=task_vars)


@pytest.fixture
def inventory_vars():
    return dict(base_definition(), groups={"tappaas_nodes": ["tappaas1", "tappaas2"]})


def test_reads_the_definition_from_inventory_variables(inventory_vars):
    result = _run({}, inventory_vars)
    assert not result.get("failed")
    assert result["changed"] is False
    assert result["problems"] == []
    assert result["msg"] == "the TAPPaaS definition of site 'lab' is valid: 2 nodes, 4 zones, 2 modules"
    assert result["definition"]["tappaas_modules"]["web"]["fqdn"] == "web.srv.internal"


def test_explicit_options_win_over_inventory_variables(inventory_vars):
    zones = dict(inventory_vars["tappaas_zones"])
    zones["home"] = dict(zones["home"], vlan=210)
    result = _run({"zones": zones}, inventory_vars)
    assert result["failed"] is True
    assert result["problems"] == ["tappaas_zones.home.vlan: VLAN 210 is already used by zone 'srv'"]
    assert result["msg"] == (
        "the TAPPaaS definition has 1 problem:\n- tappaas_zones.home.vlan: VLAN 210 is already used by zone 'srv'"
    )


def test_inventory_group_is_compared_unless_disabled(inventory_vars):
    inventory_vars["groups"] = {"tappaas_nodes": ["tappaas1"]}
    assert _run({}, inventory_vars)["problems"] == [
        "tappaas_nodes[1].name: node 'tappaas2' is not a host of inventory group tappaas_nodes"
    ]
    assert _run({"check_inventory_group": False}, inventory_vars)["problems"] == []


def test_a_missing_definition_names_the_variables():
    result = _run({}, {})
    assert result["failed"] is True
    assert result["problems"] == ["definition: missing required field 'tappaas_site', 'tappaas_nodes', 'tappaas_zones'"]
