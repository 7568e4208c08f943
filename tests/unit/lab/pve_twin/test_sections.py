# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
from fakepve.model import PveError

from lab.pve.backup_jobs import _check_selection, _prune_object
from lab.pve.sections import SectionConfig


def test_update_checks_digest_and_deletes_only_optional_known_options():
    config = SectionConfig(fixed=("type",), required=("target",))
    config.entries["100-0"] = {"type": "local", "target": "tappaas2", "rate": 10}
    digest = config.digest()
    config.update("100-0", {"schedule": "*/30"}, ["rate", "schedule", "target"], digest=digest, delete="rate")
    assert config.get("100-0") == {"type": "local", "target": "tappaas2", "schedule": "*/30"}
    for delete, message in [("type", "fixed"), ("target", "required"), ("color", "no such option")]:
        with pytest.raises(PveError, match=message):
            config.update("100-0", {}, ["rate", "schedule", "target"], delete=delete)
    with pytest.raises(PveError, match="file changed by other user"):
        config.update("100-0", {"rate": 5}, ["rate"], digest=digest)


def test_backup_selection_follows_vzdump_rules():
    _check_selection({"schedule": "daily", "vmid": "100"})
    _check_selection({"schedule": "daily", "all": 1, "exclude": "100"})
    cases = [
        ({"vmid": "100"}, {"schedule": "neither 'starttime' nor 'schedule' were set"}),
        ({"schedule": "daily"}, {"vmid": "property is missing"}),
        ({"schedule": "daily", "vmid": "100", "pool": "p"}, {"pool": "option conflicts with option 'vmid'"}),
    ]
    for job, errors in cases:
        with pytest.raises(PveError) as caught:
            _check_selection(job)
        assert caught.value.status == 400 and caught.value.errors == errors


def test_prune_backups_read_back_as_an_object_of_integers():
    assert _prune_object("keep-last=3,keep-daily=7,keep-all=0") == {"keep-last": 3, "keep-daily": 7, "keep-all": 0}
