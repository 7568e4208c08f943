# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""znapzend backup plans, parsed and normalised exactly as znapzendzetup stores them.

A plan is ``retention=>interval[,...]``. znapzend lower-cases it, strips whitespace, rewrites every unit to its
long plural form (``7d=>1h`` is stored as ``7days=>1hours``) and keeps the order of the terms. Comparing normalised
plans is the only way to avoid a perpetual diff against what znapzend wrote.
"""

from __future__ import annotations

import re

# Short and long unit spellings znapzend accepts (ZnapZend::Time configUnits plus its values). Note that "m" is a
# month, not a minute.
_UNIT_ALIASES = {
    "s": "seconds",
    "sec": "seconds",
    "second": "seconds",
    "seconds": "seconds",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
    "w": "weeks",
    "week": "weeks",
    "weeks": "weeks",
    "m": "months",
    "mon": "months",
    "mons": "months",
    "month": "months",
    "months": "months",
    "y": "years",
    "year": "years",
    "years": "years",
}

# znapzend counts a month as 30 days and a year as 365.25 days.
UNIT_SECONDS = {
    "seconds": 1,
    "minutes": 60,
    "hours": 3600,
    "days": 86400,
    "weeks": 7 * 86400,
    "months": 30 * 86400,
    "years": int(365.25 * 86400),
}

_TERM = re.compile(r"^(\d+)([a-z]+)$")


class PlanError(ValueError):
    """A plan znapzendzetup would refuse; the message says which term and why."""


def _parse_term(term, plan):
    match = _TERM.match(term)
    if not match:
        raise PlanError("'%s' in plan '%s' is not <number><unit>" % (term, plan))
    count, unit = int(match.group(1)), match.group(2)
    if unit not in _UNIT_ALIASES:
        raise PlanError(
            "unknown unit '%s' in plan '%s' (use s, min, h, d, w, m (month), y or their long forms)" % (unit, plan)
        )
    if count == 0:
        raise PlanError("'%s' in plan '%s' is zero" % (term, plan))
    long_unit = _UNIT_ALIASES[unit]
    return count, long_unit, count * UNIT_SECONDS[long_unit]


def parse_plan(plan):
    """Return the plan as a list of ``(retention_seconds, interval_seconds)`` in written order.

    Raises PlanError for anything znapzendzetup refuses: an unparseable or zero term, a retention shorter than
    its interval, or the same retention twice.
    """
    return [(retention, interval) for retention, interval, _text in _parse(plan)]


def normalise_plan(plan):
    """Return the plan exactly as znapzend stores it, e.g. ``7d=>1h`` -> ``7days=>1hours``."""
    return ",".join(text for _retention, _interval, text in _parse(plan))


def _parse(plan):
    if not isinstance(plan, str):
        raise PlanError("a plan must be a string, got %s" % type(plan).__name__)
    compact = re.sub(r"\s+", "", plan.lower())
    if not compact:
        raise PlanError("the plan is empty")
    terms = []
    seen_retentions = set()
    for item in compact.split(","):
        retention_text, arrow, interval_text = item.partition("=>")
        if not arrow:
            raise PlanError("'%s' in plan '%s' is not retention=>interval" % (item, plan))
        r_count, r_unit, retention = _parse_term(retention_text, plan)
        i_count, i_unit, interval = _parse_term(interval_text, plan)
        if retention < interval:
            raise PlanError(
                "retention %s is shorter than its interval %s in plan '%s'" % (retention_text, interval_text, plan)
            )
        if retention in seen_retentions:
            raise PlanError("retention %s appears twice in plan '%s'" % (retention_text, plan))
        seen_retentions.add(retention)
        terms.append((retention, interval, "%d%s=>%d%s" % (r_count, r_unit, i_count, i_unit)))
    return terms
