# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""vzdump job values compared as structures: guest selection and prune-backups."""

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.backup_job import (
    DESCRIPTOR,
    BackupJobApi,
    prune_text,
    selection_text,
    selection_wire,
)
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceEngine


@pytest.mark.parametrize(
    "selection, text",
    [
        ({"vmid": "102,101,101"}, "vmid=101,102"),
        ({"vmid": [102, 101]}, "vmid=101,102"),
        ({"all": 1, "exclude": "9000,110"}, "all;exclude=110,9000"),
        ({"all": "1"}, "all"),
        ({"pool": "apps", "all": 0}, "pool=apps"),
    ],
)
def test_selection_is_canonical(selection, text):
    assert selection_text(selection) == text


def test_selection_wire_deletes_the_other_ways():
    assert selection_wire("all;exclude=110") == {"vmid": None, "all": True, "exclude": "110", "pool": None}


def test_prune_object_and_string_compare_equal():
    assert prune_text({"keep-daily": 7, "keep-last": 3}) == prune_text("keep-last=3,keep-daily=7")


@pytest.mark.parametrize("value", [{}, {"keep-last": 0}, {"keep-all": 0}, "keep-last=0,keep-daily=0"])
def test_prune_that_keeps_nothing_is_refused(value):
    with pytest.raises(ValueError, match="keeps nothing"):
        prune_text(value)


def test_keeps_nothing_is_invalid_input_naming_the_field():
    with pytest.raises(InvalidInput) as caught:
        DESCRIPTOR.normalise_desired({"id": "job", "prune_backups": {"keep-last": 0}})
    assert caught.value.field_path == "prune_backups"


class FakeClient:
    def __init__(self, job):
        self.job = job
        self.writes = []

    def get(self, path, **params):
        return dict(self.job)

    def put(self, path, **params):
        self.writes.append((path, params))


def test_switch_from_vmids_to_all_deletes_vmid_and_keeps_prune_parsed():
    client = FakeClient(
        {
            "id": "nightly",
            "schedule": "21:00",
            "storage": "pbs",
            "vmid": "101,102",
            "prune-backups": {"keep-all": 1},
            "enabled": 1,
            "digest": "d1",
        }
    )
    engine = ResourceEngine(BackupJobApi(client), DESCRIPTOR)
    unchanged = engine.ensure({"id": "nightly", "selection": {"vmid": [102, 101]}, "prune_backups": "keep-all=1"})
    assert unchanged.changed is False and client.writes == []
    engine.ensure({"id": "nightly", "selection": {"all": "1", "exclude": [9000]}})
    path, params = client.writes[0]
    assert path == "cluster/backup/nightly"
    assert params["all"] == 1 and params["exclude"] == "9000" and "vmid" in params["delete"].split(",")
    assert params["digest"] == "d1"
