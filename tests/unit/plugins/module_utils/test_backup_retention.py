# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.backup_retention import keep_rules, require_retention
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_jobs import retention_text


def test_keep_rules_accept_both_spellings_and_drop_unset():
    assert keep_rules({"keep_last": 4, "keep-daily": "14", "keep_weekly": None}) == {"keep-last": 4, "keep-daily": 14}


@pytest.mark.parametrize(
    "retention, field",
    [
        ({"keep_daily": 0}, "retention.keep_daily"),
        ({"keep_daily": -1}, "retention.keep_daily"),
        ({"keep_often": 3}, "retention.keep_often"),
        ({"keep_last": "many"}, "retention.keep_last"),
        ("keep-last=3", "retention"),
    ],
)
def test_bad_rules_name_the_field(retention, field):
    with pytest.raises(InvalidInput) as caught:
        keep_rules(retention)
    assert caught.value.field_path == field


def test_a_retention_that_keeps_nothing_is_refused():
    with pytest.raises(InvalidInput, match="keeps nothing"):
        require_retention(keep_rules({"keep_last": None}))


def test_retention_text_is_canonical_whatever_the_order():
    assert retention_text({"keep_yearly": 6, "keep_last": 4}) == "keep-last=4,keep-yearly=6"
    assert retention_text("keep-yearly=6,keep-last=4") == "keep-last=4,keep-yearly=6"
