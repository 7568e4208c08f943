# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import importlib.util
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

TOOL = Path(__file__).resolve().parents[3] / "tools" / "check_action_groups.py"
_spec = importlib.util.spec_from_file_location("check_action_groups", TOOL)
check_action_groups = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_action_groups)


def module_source(platform_call="create_module('proxmox', argument_spec)", fragments=None):
    fragments = (
        ["tappaas.platform.proxmox", "tappaas.platform.attributes.actiongroup_proxmox"]
        if fragments is None
        else fragments
    )
    doc = {"module": "x", "short_description": "x", "extends_documentation_fragment": fragments}
    return textwrap.dedent(
        '''\
        DOCUMENTATION = r"""
        {doc}"""

        from ansible_collections.tappaas.platform.plugins.module_utils import ansible_base


        def main():
            argument_spec = {{}}
            module = {call}


        if __name__ == "__main__":
            main()
        '''
    ).format(doc=yaml.safe_dump(doc), call=platform_call)


def build(root, modules, groups=None):
    (root / "meta").mkdir(parents=True)
    (root / "plugins" / "modules").mkdir(parents=True)
    groups = {"proxmox": [], "opnsense": [], "authentik": [], "pbs": []} if groups is None else groups
    (root / "meta" / "runtime.yml").write_text(yaml.safe_dump({"requires_ansible": ">=2.19", "action_groups": groups}))
    for name, source in modules.items():
        (root / "plugins" / "modules" / f"{name}.py").write_text(source)
    return root


def problems(root):
    return check_action_groups.check(root)[0]


PLAIN = 'DOCUMENTATION = r"""\nmodule: validate\n"""\n\ndef main():\n    pass\n'


def test_a_good_tree_passes(tmp_path, capsys):
    root = build(
        tmp_path,
        {
            "proxmox_vm": module_source(),
            "opnsense_alias": module_source(
                "ansible_base.create_module(platform='opnsense', argument_spec=argument_spec)",
                ["tappaas.platform.opnsense", "tappaas.platform.attributes.ACTIONGROUP_OPNSENSE"],
            ),
            "validate": PLAIN,
        },
        {
            "proxmox": ["proxmox_vm"],
            "opnsense": ["tappaas.platform.opnsense_alias", {"metadata": {"extend_group": []}}],
            "authentik": [],
            "pbs": [],
        },
    )
    assert check_action_groups.main([str(root)]) == 0
    assert capsys.readouterr().out.strip() == "action groups: 3 modules checked, OK"


def test_a_module_missing_from_its_group_is_reported(tmp_path):
    root = build(tmp_path, {"proxmox_vm": module_source()})
    assert problems(root) == [
        "plugins/modules/proxmox_vm.py: uses proxmox, but is not listed in meta/runtime.yml action_groups.proxmox"
    ]


@pytest.mark.parametrize(
    "fragments, missing",
    [
        (["tappaas.platform.attributes.actiongroup_proxmox"], "tappaas.platform.proxmox"),
        (["tappaas.platform.proxmox"], "tappaas.platform.attributes.actiongroup_proxmox"),
    ],
)
def test_missing_doc_fragments_are_reported(tmp_path, fragments, missing):
    root = build(tmp_path, {"proxmox_vm": module_source(fragments=fragments)}, {"proxmox": ["proxmox_vm"]})
    assert problems(root) == [
        f"plugins/modules/proxmox_vm.py: uses proxmox, but does not extend the doc fragment {missing}"
    ]


def test_fragments_of_another_platform_are_reported(tmp_path):
    fragments = [
        "tappaas.platform.proxmox",
        "tappaas.platform.attributes.actiongroup_proxmox",
        "tappaas.platform.attributes.actiongroup_pbs",
    ]
    root = build(tmp_path, {"proxmox_vm": module_source(fragments=fragments)}, {"proxmox": ["proxmox_vm"], "pbs": []})
    assert problems(root) == [
        "plugins/modules/proxmox_vm.py: extends tappaas.platform.attributes.actiongroup_pbs, but does not use pbs"
    ]


def test_a_listed_module_that_does_not_exist_is_reported(tmp_path):
    root = build(tmp_path, {}, {"proxmox": ["proxmox_ghost"], "opnsense": []})
    assert problems(root) == [
        "meta/runtime.yml: action_groups.proxmox lists proxmox_ghost, "
        "but plugins/modules/proxmox_ghost.py does not exist"
    ]


def test_a_listed_module_of_another_platform_or_none_is_reported(tmp_path):
    root = build(
        tmp_path,
        {"proxmox_vm": module_source(), "validate": PLAIN},
        {"proxmox": ["proxmox_vm"], "opnsense": ["proxmox_vm", "validate"]},
    )
    assert problems(root) == [
        "meta/runtime.yml: action_groups.opnsense lists proxmox_vm, but proxmox_vm uses proxmox",
        "meta/runtime.yml: action_groups.opnsense lists validate, but validate uses no platform",
    ]


def test_a_platform_without_a_group_is_reported(tmp_path):
    root = build(tmp_path, {"proxmox_vm": module_source()}, {"opnsense": []})
    assert problems(root) == [
        "plugins/modules/proxmox_vm.py: uses proxmox, but meta/runtime.yml has no action group proxmox"
    ]


@pytest.mark.parametrize(
    "call, problem",
    [
        (
            "create_module(PLATFORM, argument_spec)",
            "create_module() must name its platform as a string literal",
        ),
        ("create_module('vmware', argument_spec)", "unknown platform 'vmware'"),
    ],
)
def test_platforms_that_cannot_be_told_are_reported(tmp_path, call, problem):
    source = module_source(call, fragments=[])
    line = next(number for number, text in enumerate(source.splitlines(), 1) if "create_module(" in text)
    root = build(tmp_path, {"odd": source})
    assert problems(root) == [f"plugins/modules/odd.py: line {line}: {problem}"]


def test_a_module_using_two_platforms_is_reported(tmp_path):
    source = module_source() + "\n\ndef other():\n    create_module('pbs', {})\n"
    root = build(tmp_path, {"mixed": source}, {"proxmox": ["mixed"], "pbs": ["mixed"]})
    found = problems(root)
    assert "plugins/modules/mixed.py: uses more than one platform: pbs, proxmox" in found


def test_broken_documentation_of_an_api_module_is_reported(tmp_path):
    source = module_source().replace("module: x", "module: x\n  bad: [", 1)
    root = build(tmp_path, {"proxmox_vm": source}, {"proxmox": ["proxmox_vm"]})
    assert problems(root)[0].startswith("plugins/modules/proxmox_vm.py: DOCUMENTATION is not valid YAML")


def test_the_command_line_prints_every_problem_and_exits_1(tmp_path):
    root = build(tmp_path, {"proxmox_vm": module_source(fragments=[])}, {"pbs": ["pbs_gone"]})
    run = subprocess.run([sys.executable, str(TOOL), str(root)], capture_output=True, text=True, check=False)
    assert run.returncode == 1
    lines = run.stdout.strip().splitlines()
    assert len(lines) == 4
    assert all("proxmox_vm" in line or "pbs_gone" in line for line in lines)


def test_the_real_collection_passes():
    found, count = check_action_groups.check(TOOL.parents[1])
    assert found == []
    assert count >= 0
