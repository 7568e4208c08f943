# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The benchmark's generated sites are valid definitions, and its table helpers say what they measured."""

from __future__ import annotations

import collections
import importlib.util
import re
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.tappaas.platform.plugins.plugin_utils.definition import validate_definition

# tests/unit/bench/<this file>: the collection root is three levels above the folder.
COLLECTION_ROOT = Path(__file__).resolve().parents[3]
BENCH = COLLECTION_ROOT / "bench"
LAB_VARS = COLLECTION_ROOT / "inventories" / "lab" / "group_vars" / "all"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, BENCH / ("%s.py" % name))
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


site_inventory = _load("site_inventory")
doc_block = _load("doc_block")
svg_chart = _load("svg_chart")
site_report = _load("site_report")


def _lab_definition(modules):
    definition = {"tappaas_modules": modules}
    for name in ("site", "nodes", "zones"):
        definition.update(yaml.safe_load((LAB_VARS / ("%s.yml" % name)).read_text()))
    return {key: value for key, value in definition.items() if key.startswith("tappaas_") and key != "tappaas_lab"}


@pytest.mark.parametrize("count", [10, 50, 100])
def test_generated_site_passes_the_validator(count, tmp_path):
    target = site_inventory.generate(COLLECTION_ROOT / "inventories" / "lab", tmp_path / "site", count)
    modules = yaml.safe_load((target / "group_vars" / "all" / "modules.yml").read_text())["tappaas_modules"]
    problems, resolved = validate_definition(_lab_definition(modules), ["tappaas1", "tappaas2", "tappaas3"])
    assert problems == []
    resolved_modules = resolved["tappaas_modules"]
    assert len(resolved_modules) == count
    assert len({module["ip"] for module in resolved_modules.values()}) == count
    assert len({module["vmid"] for module in resolved_modules.values()}) == count
    # Every shape lands on every node, and the modules are spread over the zones.
    placements = {(name.rstrip("0123456789"), module["node"]) for name, module in resolved_modules.items()}
    assert len(placements) == 9
    # OPNsense alias names: tappaas_module_<name> must stay a valid alias name.
    assert all(re.fullmatch(r"[a-z0-9]{1,16}", name) for name in resolved_modules)
    assert set(collections.Counter(module["zone"] for module in resolved_modules.values())) == {
        "srv_data",
        "srv_home",
        "home",
    }


def test_generated_site_keeps_the_rest_of_the_lab_inventory(tmp_path):
    target = site_inventory.generate(COLLECTION_ROOT / "inventories" / "lab", tmp_path / "site", 3)
    assert (target / "group_vars" / "all" / "zones.yml").read_text() == (LAB_VARS / "zones.yml").read_text()
    assert (target / "hosts.yml").exists()


def test_replace_block_keeps_the_prose_around_it(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nbefore\n")
    doc_block.replace_block(page, "numbers", "a test", "| a |\n| 1 |")
    doc_block.replace_block(page, "numbers", "a test", "| a |\n| 2 |")
    text = page.read_text()
    assert text.startswith("# Title\n\nbefore\n")
    assert "| 2 |" in text and "| 1 |" not in text
    assert text.count(":begin") == 1 and text.count(":end") == 1


def test_linear_fit_finds_slope_and_fit_quality():
    intercept, slope, r_squared = site_report.linear_fit([(0, 5.0), (10, 25.0), (50, 105.0)])
    assert (round(intercept, 6), round(slope, 6), round(r_squared, 6)) == (5.0, 2.0, 1.0)
    _i, _s, curved = site_report.linear_fit([(0, 0.0), (10, 100.0), (50, 2500.0), (100, 10000.0)])
    assert curved < 0.99


def test_nice_ticks_cover_the_largest_value():
    assert svg_chart.nice_ticks(87) == [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    assert svg_chart.nice_ticks(3)[-1] >= 3
