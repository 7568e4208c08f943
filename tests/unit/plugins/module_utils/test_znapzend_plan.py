# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.znapzend_plan import (
    PlanError,
    normalise_plan,
    parse_plan,
)


@pytest.mark.parametrize(
    ("plan", "stored"),
    [
        ("7d=>1h,30d=>4h,90d=>1d", "7days=>1hours,30days=>4hours,90days=>1days"),
        ("7days=>1hours", "7days=>1hours"),
        (" 7D => 1H ", "7days=>1hours"),
        ("1y=>1m", "1years=>1months"),
        ("2weeks=>30min,1mon=>1w", "2weeks=>30minutes,1months=>1weeks"),
        ("1hour=>15mins,60sec=>10s", "1hours=>15minutes,60seconds=>10seconds"),
    ],
)
def test_plans_normalise_as_znapzend_stores_them(plan, stored):
    assert normalise_plan(plan) == stored
    assert normalise_plan(stored) == stored


def test_short_and_long_forms_are_the_same_plan():
    assert normalise_plan("7d=>1h") == normalise_plan("7days=>1hours")


def test_m_is_a_month_not_a_minute():
    assert parse_plan("1m=>1d") == [(30 * 86400, 86400)]


def test_a_year_is_365_and_a_quarter_days():
    assert parse_plan("1y=>1y") == [(31557600, 31557600)]


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        ("1h=>1d", "retention 1h is shorter than its interval 1d"),
        ("7d=>1h,168h=>2h", "retention 168h appears twice"),
        ("7d=>0h", "'0h' in plan '7d=>0h' is zero"),
        ("7d=>1hr", "unknown unit 'hr'"),
        ("7d=>1secs", "unknown unit 'secs'"),
        ("7d", "is not retention=>interval"),
        ("d=>1h", "'d' in plan 'd=>1h' is not <number><unit>"),
        ("", "the plan is empty"),
        ("7d=>1h,", "'' in plan '7d=>1h,' is not retention=>interval"),
    ],
)
def test_plans_znapzendzetup_refuses_are_refused(plan, message):
    with pytest.raises(PlanError) as raised:
        normalise_plan(plan)
    assert message in str(raised.value)


def test_a_plan_must_be_a_string():
    with pytest.raises(PlanError, match="must be a string"):
        normalise_plan(7)
