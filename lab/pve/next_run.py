# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""``next-run`` of a PVE calendar event (systemd-like: ``[WEEKDAY] [[YEAR-]MONTH-DAY] [HOUR:MINUTE]``).

Enough of the grammar for the schedules jobs use: keywords, weekday lists and ranges, ``*-*-DD`` days,
``HH:MM`` with lists, ranges and ``/step`` repetitions, and a bare minute spec such as ``*/15``. fakepve already
refuses malformed events with PVE's message; an event this module cannot follow gets no ``next-run``.
"""

from __future__ import annotations

import datetime
import re

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KEYWORDS = {
    "minutely": "*-*-* *:*",
    "hourly": "*-*-* *:00",
    "daily": "*-*-* 00:00",
    "weekly": "mon *-*-* 00:00",
    "monthly": "*-*-01 00:00",
    "yearly": "*-01-01 00:00",
    "annually": "*-01-01 00:00",
}
# A schedule that fires less often than this is beyond what the lab needs to show.
HORIZON_DAYS = 400


def _values(spec, low, high):
    """The set of numbers a comma list of values, ranges (a..b) and repetitions (a/step, */step) covers."""
    out = set()
    for item in spec.split(","):
        start, _slash, step = item.partition("/")
        if start in ("*", ""):
            first, last = low, high
        elif ".." in start:
            first, last = (int(x) for x in start.split(".."))
        else:
            first = int(start)
            last = high if step else first
        out.update(range(first, last + 1, int(step) if step else 1))
    return {value for value in out if low <= value <= high}


def next_run(event, now=None):
    """Epoch seconds of the event's next occurrence after ``now``, or None when the event is beyond this parser."""
    now = now or datetime.datetime.now()
    try:
        return _next_run(KEYWORDS.get(event.strip(), event.strip()), now)
    except (ValueError, IndexError):
        return None


def _next_run(event, now):
    parts = event.split()
    weekdays = set(range(7))
    days, months = set(range(1, 32)), set(range(1, 13))
    hours, minutes = set(range(24)), {0}
    if parts and parts[0][:3].lower() in WEEKDAYS:
        names = re.sub(r"[a-z]+", lambda m: str(WEEKDAYS.index(m.group(0)[:3])), parts.pop(0).lower())
        weekdays = _values(names, 0, 6)
    if parts and "-" in parts[0]:
        date = parts.pop(0).split("-")[-2:]
        months, days = _values(date[0], 1, 12), _values(date[1], 1, 31)
    if parts:
        clock = parts.pop(0)
        if ":" in clock:
            hour, minute = clock.split(":")[:2]
            hours, minutes = _values(hour, 0, 23), _values(minute, 0, 59)
        else:  # a bare minute spec, every hour
            minutes = _values(clock, 0, 59)
    if parts:
        raise ValueError(event)
    start = now.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1)
    for offset in range(HORIZON_DAYS):
        day = start.date() + datetime.timedelta(days=offset)
        if day.weekday() not in weekdays or day.day not in days or day.month not in months:
            continue
        for hour in sorted(hours):
            for minute in sorted(minutes):
                moment = datetime.datetime(day.year, day.month, day.day, hour, minute)
                if moment >= start:
                    return int(moment.timestamp())
    return None
