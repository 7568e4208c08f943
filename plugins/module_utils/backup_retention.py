# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Keep rules (keep-last/hourly/daily/weekly/monthly/yearly) as PBS prune jobs take them, checked before sending.

PBS refuses a keep option below 1, and a prune job without any keep option keeps everything, which is never
what a retention policy means; both are caught here with the field named, before anything is changed.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput

KEEP_OPTIONS = ("keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly")


def keep_rules(retention, field="retention"):
    """{'keep-daily': 7, ...} from a dict with keep_daily or keep-daily keys; None values are dropped."""
    if retention is None:
        return {}
    if not isinstance(retention, dict):
        raise InvalidInput(field, f"must be a dict of keep options, got {type(retention).__name__}")
    rules = {}
    for key, value in retention.items():
        name = str(key).replace("_", "-")
        if name not in KEEP_OPTIONS:
            raise InvalidInput(f"{field}.{key}", f"is not a keep option (use {', '.join(KEEP_OPTIONS)})")
        if value is None:
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise InvalidInput(f"{field}.{key}", f"must be a whole number, got {value!r}") from None
        if number < 1:
            raise InvalidInput(f"{field}.{key}", f"must be at least 1 (leave it out to not use the rule), got {number}")
        rules[name] = number
    return rules


def require_retention(rules, field="retention"):
    """A retention that keeps nothing would let prune remove every backup: refuse it."""
    if not rules:
        raise InvalidInput(field, "keeps nothing: set at least one of " + ", ".join(KEEP_OPTIONS))
    return rules
