# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment checks: the real definition passes, and each kind of mistake is named."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# tests/unit/tools/<this file>: the collection root is three levels above the folder.
COLLECTION_ROOT = Path(__file__).resolve().parents[3]
TOOL_PATH = COLLECTION_ROOT / "tools" / "check_execution_environment.py"
FILES = ("galaxy.yml", "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt", "bindep.txt")


def _load_tool():
    spec = importlib.util.spec_from_file_location("check_execution_environment", TOOL_PATH)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tool = _load_tool()


@pytest.fixture
def root(tmp_path):
    """A copy of the collection files the checks read, with the root link as in the repository."""
    for name in (*FILES, "requirements-dev.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(COLLECTION_ROOT / name, tmp_path / name)
    (tmp_path / "execution-environment.yml").symlink_to("meta/execution-environment.yml")
    return tmp_path


def _edit_definition(root, change):
    path = root / "meta" / "execution-environment.yml"
    raw = yaml.safe_load(path.read_text())
    change(raw)
    path.write_text(yaml.safe_dump(raw))


def _create_context(root, tmp_path):
    builder = shutil.which("ansible-builder") or str(Path(sys.executable).parent / "ansible-builder")
    if not Path(builder).exists():
        pytest.skip("ansible-builder is not installed (make setup installs it)")
    context = tmp_path / "context"
    subprocess.run(
        [builder, "create", "--file", "execution-environment.yml", "--context", str(context)],
        cwd=root,
        check=True,
        capture_output=True,
    )
    return context


def test_the_shipped_definition_passes():
    assert tool.check_definition(COLLECTION_ROOT) == []


def test_the_shipped_definition_builds_a_context_that_passes(tmp_path):
    context = _create_context(COLLECTION_ROOT, tmp_path)
    assert tool.check_context(COLLECTION_ROOT, context) == []


def test_an_ansible_core_pin_outside_requires_ansible_and_untested_is_named(root):
    _edit_definition(root, lambda raw: raw["dependencies"]["ansible_core"].update(package_pip="ansible-core==2.18.3"))
    problems = tool.check_definition(root)
    assert any("ansible-core 2.18.3 is outside meta/runtime.yml requires_ansible" in p for p in problems)
    assert any("differs from requirements-dev.txt's ansible-core==" in p for p in problems)


def test_an_unpinned_ansible_core_is_named(root):
    _edit_definition(root, lambda raw: raw["dependencies"]["ansible_core"].update(package_pip="ansible-core>=2.19"))
    assert any("must pin one version (ansible-core==X)" in p for p in tool.check_definition(root))


def test_a_python_too_old_for_the_pinned_ansible_core_is_named(root):
    installed = tool.importlib.metadata.version("ansible-core")
    _edit_definition(
        root, lambda raw: raw["dependencies"]["ansible_core"].update(package_pip=f"ansible-core=={installed}")
    )
    _edit_definition(
        root,
        lambda raw: raw["dependencies"].update(
            python_interpreter={"package_system": "python3.9", "python_path": "/usr/bin/python3.9"}
        ),
    )
    (root / "requirements-dev.txt").unlink()  # only the interpreter is wrong now
    problems = tool.check_definition(root)
    assert problems == [
        f"meta/execution-environment.yml: ansible-core {installed} needs Python "
        f"{tool.importlib.metadata.metadata('ansible-core')['Requires-Python']}, but the EE installs python3.9"
    ]


def test_dependency_paths_are_read_from_the_collection_root(root):
    _edit_definition(root, lambda raw: raw["dependencies"].update(python="ee-requirements.txt", system=["gcc"]))
    problems = tool.check_definition(root)
    assert any("dependencies.python names ee-requirements.txt, which does not exist" in p for p in problems)
    assert any("dependencies.system must name a file relative to the collection root" in p for p in problems)


def test_a_build_ignored_dependency_file_is_named(root):
    galaxy = yaml.safe_load((root / "galaxy.yml").read_text())
    galaxy["build_ignore"].append("bindep.txt")
    (root / "galaxy.yml").write_text(yaml.safe_dump(galaxy))
    assert any("build_ignore 'bindep.txt' keeps it out of the tarball" in p for p in tool.check_definition(root))


def test_pinned_capped_and_ansible_requirements_are_named(root):
    with (root / "requirements.txt").open("a") as stream:
        stream.write("pexpect==4.9.0\nidna>=3,<4\nansible-core>=2.19\nnot a requirement!\n")
    problems = tool.check_definition(root)
    assert any("'pexpect==4.9.0' pins or caps the version (==4.9.0)" in p for p in problems)
    assert any("'idna>=3,<4' pins or caps the version (<4)" in p for p in problems)
    assert any("ansible-core comes with the EE itself" in p for p in problems)
    assert any("'not a requirement!' is not a valid requirement" in p for p in problems)


def test_an_unparsable_bindep_file_is_named(root):
    with (root / "bindep.txt").open("a") as stream:
        stream.write("openssh-clients [platform:rpm\n")
    assert any(p.startswith("bindep.txt: bindep cannot parse it") for p in tool.check_definition(root))


def test_collection_dependencies_without_a_galaxy_entry_are_named(root):
    galaxy = yaml.safe_load((root / "galaxy.yml").read_text())
    galaxy["dependencies"] = {"community.general": ">=10.0.0"}
    (root / "galaxy.yml").write_text(yaml.safe_dump(galaxy))
    assert any("galaxy.yml depends on community.general" in p for p in tool.check_definition(root))


def test_a_missing_or_wrong_root_link_is_named(root):
    (root / "execution-environment.yml").unlink()
    assert any("execution-environment.yml is missing" in p for p in tool.check_definition(root))
    (root / "execution-environment.yml").write_text("version: 3\n")
    assert any("make it a link to meta/execution-environment.yml" in p for p in tool.check_definition(root))


def test_a_context_with_another_base_image_or_missing_files_is_named(root, tmp_path):
    context = _create_context(root, tmp_path)
    containerfile = context / "Containerfile"
    containerfile.write_text(
        containerfile.read_text().replace("registry.access.redhat.com/ubi9/ubi-minimal", "quay.io/other/image")
    )
    (context / "_build" / "bindep.txt").write_text("gcc\n")
    (context / "_build" / "requirements.txt").unlink()
    problems = tool.check_context(root, context)
    assert any(p.startswith("Containerfile: build arg EE_BASE_IMAGE is 'quay.io/other/image:") for p in problems)
    assert "context: _build/bindep.txt differs from the collection's bindep.txt" in problems
    assert "context: _build/requirements.txt is missing (dependencies.python: requirements.txt)" in problems


def test_introspection_that_misses_or_adds_requirements_is_named(root, tmp_path):
    pip = tmp_path / "pip.txt"
    bindep = tmp_path / "bindep.txt"
    declared = [line for line in (root / "requirements.txt").read_text().splitlines() if line and line[0] != "#"]
    pip.write_text("".join(f"{line}  # from collection tappaas.platform\n" for line in declared[1:]) + "six\n")
    bindep.write_text(
        "".join(
            f"{line}  # from collection tappaas.platform\n" for line in tool._requirement_lines(root / "bindep.txt")
        )
    )
    problems = tool.check_introspection(root, root, pip, bindep)
    assert problems == [
        f"ansible-builder introspect did not find {declared[0]} from requirements.txt in the installed "
        "tappaas.platform (is requirements.txt in the tarball, and named by meta/execution-environment.yml?)",
        "ansible-builder introspect found six, which requirements.txt does not list",
    ]


def test_main_exits_1_listing_problems_and_2_on_bad_usage(root, capsys):
    _edit_definition(root, lambda raw: raw.update(version=2))
    assert tool.main(["definition", str(root)]) == 1
    assert "FAIL meta/execution-environment.yml: version must be 3" in capsys.readouterr().out
    assert tool.main(["context", str(root)]) == 2
