# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PBS twin's prune selection and parameter checks, against PBS's documented behaviour."""

from __future__ import annotations

import calendar

import pytest

from lab.pbs import schema
from lab.pbs.prune import prune_marks

DAY = 86400


def _at(text):
    return calendar.timegm(__import__("time").strptime(text, "%Y-%m-%d %H:%M"))


def _snaps(*times, protected=()):
    return [{"backup-time": _at(t), "protected": t in protected} for t in times]


def test_keep_last_keeps_the_newest():
    snaps = _snaps("2026-11-01 21:00", "2026-11-02 21:00", "2026-11-03 21:00")
    marks = prune_marks(snaps, {"keep-last": 2})
    assert [marks[s["backup-time"]] for s in snaps] == ["remove", "keep", "keep"]


def test_keep_daily_keeps_the_newest_of_each_day():
    snaps = _snaps("2026-11-01 09:00", "2026-11-01 21:00", "2026-11-02 09:00", "2026-11-02 21:00", "2026-10-31 21:00")
    marks = prune_marks(snaps, {"keep-daily": 2})
    kept = sorted(t for t, mark in marks.items() if mark == "keep")
    assert kept == [_at("2026-11-01 21:00"), _at("2026-11-02 21:00")]


def test_rules_combine_and_a_day_kept_by_keep_last_counts():
    snaps = _snaps("2026-11-01 21:00", "2026-11-02 21:00", "2026-11-03 21:00", "2026-11-04 21:00")
    marks = prune_marks(snaps, {"keep-last": 1, "keep-daily": 2})
    kept = sorted(t for t, mark in marks.items() if mark == "keep")
    # keep-last takes the 4th; keep-daily then covers two more days (the 3rd and 2nd), not the 4th again.
    assert kept == [_at("2026-11-02 21:00"), _at("2026-11-03 21:00"), _at("2026-11-04 21:00")]


def test_weekly_uses_iso_weeks():
    # 2026-11-08 is a Sunday (ISO week 45), 2026-11-09 a Monday (week 46).
    snaps = _snaps("2026-11-07 21:00", "2026-11-08 21:00", "2026-11-09 21:00")
    marks = prune_marks(snaps, {"keep-weekly": 1})
    assert marks[_at("2026-11-09 21:00")] == "keep"
    assert marks[_at("2026-11-08 21:00")] == "remove"


def test_protected_snapshots_are_never_removed():
    snaps = _snaps("2026-11-01 21:00", "2026-11-02 21:00", protected=("2026-11-01 21:00",))
    marks = prune_marks(snaps, {"keep-last": 1})
    assert marks[_at("2026-11-01 21:00")] == "protected"


def test_no_keep_option_keeps_everything():
    snaps = _snaps("2026-11-01 21:00", "2026-11-02 21:00")
    assert set(prune_marks(snaps, {}).values()) == {"keep"}


@pytest.mark.parametrize(
    "values, field",
    [
        ({"id": "p1", "store": "backup"}, "id"),
        ({"id": "prune1", "store": "backup", "keep-last": "0"}, "keep-last"),
        ({"id": "prune1", "store": "backup", "schedule": "25:00"}, "schedule"),
        ({"id": "prune1", "store": "backup", "bogus": "1"}, "bogus"),
        ({"id": "prune1", "store": "backup", "disable": "maybe"}, "disable"),
    ],
)
def test_prune_job_parameters_are_refused_as_pbs_does(values, field):
    with pytest.raises(schema.ParameterError) as caught:
        schema.check(schema.PRUNE_JOB, values, required=("id", "store"))
    assert field in caught.value.errors


def test_booleans_take_pbs_spellings():
    parsed = schema.check(schema.VERIFY_JOB, {"id": "verify1", "store": "backup", "ignore-verified": "yes"})
    assert parsed["ignore-verified"] is True
