# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The corpus of broken definitions: each case is a JSON merge patch (RFC 7386) on base.yml plus its exact errors.

Shared by the unit tests and the integration tests (which run the same cases through ansible-playbook).
"""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

CORPUS = Path(__file__).with_name("definitions")
COLLECTION_ROOT = Path(__file__).resolve().parents[4]


def merge_patch(target, patch):
    """RFC 7386: mappings merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def load_yaml(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


def base_definition():
    return load_yaml(CORPUS / "base.yml")


def broken_cases():
    """(name, definition, expected problems, description) for every case file, sorted by name."""
    base = base_definition()
    cases = []
    for path in sorted((CORPUS / "broken").glob("*.yml")):
        case = load_yaml(path)
        cases.append((path.stem, merge_patch(base, case["patch"]), case["expect"], case["description"]))
    return cases


def example_definition():
    """The definition of inventories/example and the hosts of its tappaas_nodes group."""
    inventory = COLLECTION_ROOT / "inventories" / "example"
    definition = {}
    for path in sorted((inventory / "group_vars" / "all").glob("*.yml")):
        definition.update(load_yaml(path))
    hosts = load_yaml(inventory / "hosts.yml")["all"]["children"]["tappaas_nodes"]["hosts"]
    return definition, sorted(hosts)
