# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/validate.yml via ansible-playbook: the example passes, each broken definition fails naming its field."""

from __future__ import annotations

import json
import sys

import pytest
import yaml

from .conftest import COLLECTION_ROOT

sys.path.insert(0, str(COLLECTION_ROOT / "tests" / "unit" / "plugins" / "plugin_utils"))
from definition_cases import broken_cases

PLAYBOOK = COLLECTION_ROOT / "playbooks" / "validate.yml"
CASES = broken_cases()


def _inventory(tmp_path, definition, nodes):
    """An inventory directory whose group_vars/all holds ``definition`` and whose tappaas_nodes group is ``nodes``."""
    (tmp_path / "group_vars" / "all").mkdir(parents=True)
    (tmp_path / "group_vars" / "all" / "definition.yml").write_text(yaml.safe_dump(definition, sort_keys=False))
    hosts = {"all": {"children": {"tappaas_nodes": {"hosts": {name: {} for name in nodes}}}}}
    (tmp_path / "hosts.yml").write_text(yaml.safe_dump(hosts))
    return tmp_path


def test_example_inventory_passes_and_reports_every_module(run_playbook):
    result = run_playbook(PLAYBOOK, COLLECTION_ROOT / "inventories" / "example")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the TAPPaaS definition of site 'example' is valid: 3 nodes, 11 zones, 5 modules" in result.stdout
    assert (
        "nextcloud: nextcloud.srv-home.internal 10.2.10.89 (allocated) on tappaas1, SSO oidc, https://cloud.example.org"
        in (" ".join(result.stdout.split()))
    )
    assert "changed=0" in result.stdout and "failed=0" in result.stdout


def test_check_mode_gives_the_same_answer(run_playbook):
    result = run_playbook(PLAYBOOK, COLLECTION_ROOT / "inventories" / "example", "--check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "changed=0" in result.stdout


@pytest.mark.parametrize(("definition", "expected"), [case[1:3] for case in CASES], ids=[case[0] for case in CASES])
def test_broken_definition_fails_naming_the_field(run_playbook, tmp_path, definition, expected):
    nodes = [node["name"] for node in definition.get("tappaas_nodes", []) if isinstance(node, dict)]
    result = run_playbook(
        PLAYBOOK,
        _inventory(tmp_path, definition, sorted(set(nodes))),
        "-e",
        "ansible_python_interpreter=" + sys.executable,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    output = result.stdout + result.stderr
    for problem in expected:
        assert "- " + problem in output or json.dumps("- " + problem)[1:-1] in output, (problem, output)
    assert "%d problem" % len(expected) in output
