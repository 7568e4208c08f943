# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.calendar_event import (
    CalendarEventError,
    check_calendar_event,
)


@pytest.mark.parametrize(
    "event",
    [
        "21:00",
        "*/15",
        "0",
        "5,35",
        "mon..fri 02:00",
        "sat,sun 3:30",
        "sun 01:00",
        "mon",
        "daily",
        "Weekly",
        "2026-01-01 00:00",
        "*-*-1 03:00",
        "12-24 18:00:30",
        "0/2:00",
        "*:0/10",
        "8..17:00",
    ],
)
def test_valid_events(event):
    check_calendar_event(event)


@pytest.mark.parametrize(
    ("event", "message"),
    [
        ("25:00", "hour 25 is outside 0..23"),
        ("12:60", "minute 60 is outside 0..59"),
        ("*/0", "needs a positive step"),
        ("mon..fry 02:00", "'fry' is not a weekday"),
        ("noon", "'noon' is not a weekday"),
        ("sun 01:00 extra", "unexpected 'extra'"),
        ("1:2:3:4", "too many ':'"),
        ("13-01 00:00", "month 13 is outside 1..12"),
        ("17..8:00", "range '17..8' runs backwards"),
        ("", "must be a non-empty string"),
        ("1,,2", "empty minute list entry"),
    ],
)
def test_invalid_events_say_why(event, message):
    with pytest.raises(CalendarEventError) as raised:
        check_calendar_event(event)
    assert message in str(raised.value)
