# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role's meta/argument_specs.yml documents exactly the variables of its defaults/main.yml (DESIGN.md 5)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

ROLES = sorted(path for path in (Path(__file__).resolve().parents[3] / "roles").iterdir() if path.is_dir())


def _load(path):
    with open(path) as handle:
        return yaml.safe_load(handle) or {}


def test_there_are_roles_to_check():
    assert len(ROLES) >= 5


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_argument_specs_match_defaults(role):
    specs_file = role / "meta" / "argument_specs.yml"
    assert specs_file.exists(), "%s has no meta/argument_specs.yml" % role.name
    options = _load(specs_file)["argument_specs"]["main"].get("options", {})
    defaults_file = role / "defaults" / "main.yml"
    defaults = _load(defaults_file) if defaults_file.exists() else {}
    assert sorted(set(defaults) - set(options)) == [], "defaults without an argument spec"
    documented_with_default = sorted(name for name, spec in options.items() if "default" in spec)
    assert documented_with_default == sorted(set(documented_with_default) & set(defaults)), (
        "argument_specs declare a default that defaults/main.yml does not set"
    )
    for name, value in defaults.items():
        if "default" in options[name]:
            assert options[name]["default"] == value, "%s: argument_specs default differs from defaults/main.yml" % name


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_role_variables_carry_the_role_prefix(role):
    options = _load(role / "meta" / "argument_specs.yml")["argument_specs"]["main"].get("options", {})
    prefix = role.name
    foreign = sorted(name for name in options if not name.startswith((prefix + "_", "tappaas_")))
    assert foreign == [], "variables without the role prefix '%s_' or the platform prefix 'tappaas_'" % prefix


@pytest.mark.parametrize("role", ROLES, ids=[role.name for role in ROLES])
def test_no_meta_dependencies_between_roles(role):
    meta = role / "meta" / "main.yml"
    if meta.exists():
        assert not _load(meta).get("dependencies"), "roles compose in playbooks, never through meta dependencies"
