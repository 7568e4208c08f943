# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Proxmox calendar events (vzdump jobs, replication, PBS prune/GC/verify/sync schedules).

The format is ``[WEEKDAY] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]]``, or a single minute spec, or one of the
keywords. Each value is a number, a range ``a..b``, a repetition ``start/step`` (``*/15``), ``*``, or a comma
list of those. We check it before anything is sent so that a typo fails at validation, not at 21:00.
"""

from __future__ import annotations

import re

KEYWORDS = frozenset(
    ("minutely", "hourly", "daily", "weekly", "monthly", "yearly", "annually", "quarterly", "semiannually")
)
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_NUMBER = re.compile(r"^\d+$")


class CalendarEventError(ValueError):
    """A schedule Proxmox would refuse; the message says which part and why."""


def _check_value(spec, low, high, what, event):
    for item in spec.split(","):
        if not item:
            raise CalendarEventError("empty %s list entry in '%s'" % (what, event))
        base, slash, step = item.partition("/")
        if slash and (not _NUMBER.match(step) or int(step) == 0):
            raise CalendarEventError("%s repetition '%s' needs a positive step in '%s'" % (what, item, event))
        if base == "*":
            continue
        start, dots, end = base.partition("..")
        bounds = [start, end] if dots else [start]
        for bound in bounds:
            if not _NUMBER.match(bound):
                raise CalendarEventError("%s '%s' is not a number, range or '*' in '%s'" % (what, item, event))
            if not low <= int(bound) <= high:
                raise CalendarEventError("%s %s is outside %d..%d in '%s'" % (what, bound, low, high, event))
        if dots and int(start) > int(end):
            raise CalendarEventError("%s range '%s' runs backwards in '%s'" % (what, base, event))


def _check_weekdays(spec, event):
    for item in spec.split(","):
        for day in item.split(".."):
            if day not in WEEKDAYS:
                raise CalendarEventError("'%s' is not a weekday (mon..sun) in '%s'" % (day, event))
        if item.count("..") > 1:
            raise CalendarEventError("weekday range '%s' is malformed in '%s'" % (item, event))


def _check_time(spec, event):
    parts = spec.split(":")
    if len(parts) > 3:
        raise CalendarEventError("time '%s' has too many ':' in '%s'" % (spec, event))
    if len(parts) == 1:
        # A lone value is a minute spec: "*/15", "0", "5,35".
        _check_value(parts[0], 0, 59, "minute", event)
        return
    _check_value(parts[0], 0, 23, "hour", event)
    _check_value(parts[1], 0, 59, "minute", event)
    if len(parts) == 3:
        _check_value(parts[2], 0, 59, "second", event)


def _check_date(spec, event):
    parts = spec.split("-")
    if len(parts) == 3:
        _check_value(parts.pop(0), 1970, 9999, "year", event)
    if len(parts) != 2:
        raise CalendarEventError("date '%s' is not [YEAR-]MONTH-DAY in '%s'" % (spec, event))
    _check_value(parts[0], 1, 12, "month", event)
    _check_value(parts[1], 1, 31, "day", event)


def check_calendar_event(event):
    """Raise CalendarEventError unless ``event`` is a valid Proxmox calendar event."""
    if not isinstance(event, str) or not event.strip():
        raise CalendarEventError("a schedule must be a non-empty string")
    text = event.strip().lower()
    if text in KEYWORDS:
        return
    tokens = text.split()
    if tokens and tokens[0][0].isalpha():
        _check_weekdays(tokens.pop(0), event)
    if tokens and "-" in tokens[0] and ":" not in tokens[0]:
        _check_date(tokens.pop(0), event)
    if tokens:
        _check_time(tokens.pop(0), event)
    if tokens:
        raise CalendarEventError("unexpected '%s' in '%s'" % (" ".join(tokens), event))
