# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The connection doc fragments must say exactly what the argument specs do; sanity compares them per module."""

from __future__ import annotations

import importlib
import re

import pytest
import yaml

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import CONNECTION_SPECS

SECRET_SENTENCE = "This value is secret and never logged."


def fragment(name, variable="DOCUMENTATION"):
    module = importlib.import_module(f"ansible_collections.tappaas.platform.plugins.doc_fragments.{name}")
    return yaml.safe_load(getattr(module.ModuleDocFragment, variable))


def description(option):
    text = option["description"]
    return " ".join(text) if isinstance(text, list) else text


@pytest.mark.parametrize("platform", sorted(CONNECTION_SPECS))
def test_fragment_documents_exactly_the_connection_options(platform):
    documented = fragment(platform)["options"]
    spec = CONNECTION_SPECS[platform]
    assert sorted(documented) == sorted(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert bool(doc.get("required")) == bool(option.get("required")), name
        assert set(doc) <= {"description", "type", "default", "required"}, name


@pytest.mark.parametrize("platform", sorted(CONNECTION_SPECS))
def test_fragment_names_the_environment_variable_of_each_option(platform):
    documented = fragment(platform)["options"]
    for name, option in CONNECTION_SPECS[platform].items():
        assert re.findall(r"E\(([A-Z0-9_]+)\)", description(documented[name])) == option["fallback"][1], name


@pytest.mark.parametrize("platform", sorted(CONNECTION_SPECS))
def test_fragment_marks_exactly_the_no_log_options_as_secret(platform):
    documented = fragment(platform)["options"]
    for name, option in CONNECTION_SPECS[platform].items():
        assert (SECRET_SENTENCE in description(documented[name])) == bool(option.get("no_log")), name


@pytest.mark.parametrize("platform", sorted(CONNECTION_SPECS))
def test_fragment_points_at_its_action_group(platform):
    notes = " ".join(fragment(platform)["notes"])
    assert f"C(group/tappaas.platform.{platform})" in notes


def test_attributes_claim_check_diff_and_idempotence():
    attributes = fragment("attributes")["attributes"]
    assert sorted(attributes) == ["check_mode", "diff_mode", "idempotent"]
    for attribute in attributes.values():
        assert attribute["support"] == "full"
        assert attribute["description"]


@pytest.mark.parametrize("platform", sorted(CONNECTION_SPECS))
def test_action_group_attribute_per_platform(platform):
    attribute = fragment("attributes", f"ACTIONGROUP_{platform.upper()}")["attributes"]["action_group"]
    assert attribute["support"] == "full"
    assert attribute["membership"] == [f"tappaas.platform.{platform}"]
    assert attribute["description"]
