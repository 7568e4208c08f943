# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PBS's prune selection (pbs-datastore prune.rs): which snapshots of one backup group the keep rules keep.

Snapshots are walked newest first. keep-last keeps the newest N; each time-bucket rule then keeps the newest
snapshot of each of the N most recent buckets (hour, day, ISO week, month, year) that no earlier rule has
covered. Protected snapshots are never removed. With no keep option at all, everything is kept (PBS's
"keep-all").
"""

from __future__ import annotations

import time

KEEP_OPTIONS = ("keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly")
# The bucket each rule counts, formatted the way PBS formats it (in the server's time zone; the lab runs UTC).
_BUCKETS = {
    "keep-hourly": "%Y/%m/%d/%H",
    "keep-daily": "%Y/%m/%d",
    "keep-weekly": "%G/%V",
    "keep-monthly": "%Y/%m",
    "keep-yearly": "%Y",
}


def _bucket(rule, backup_time):
    if rule == "keep-last":
        return backup_time
    return time.strftime(_BUCKETS[rule], time.gmtime(backup_time))


def _mark(marks, snapshots, rule, keep):
    already = {_bucket(rule, snap["backup-time"]) for snap in snapshots if marks.get(snap["backup-time"]) == "keep"}
    included = set()
    for snap in snapshots:
        when = snap["backup-time"]
        if when in marks:
            continue
        if snap.get("protected"):
            marks[when] = "protected"
            continue
        bucket = _bucket(rule, when)
        if bucket in already:
            continue
        if bucket not in included:
            if len(included) >= keep:
                break
            included.add(bucket)
            marks[when] = "keep"
        else:
            marks[when] = "remove"


def prune_marks(snapshots, options):
    """{backup-time: "keep" | "remove" | "protected"} for the snapshots of one group under these keep options."""
    newest_first = sorted(snapshots, key=lambda snap: snap["backup-time"], reverse=True)
    keeps = {rule: int(options[rule]) for rule in KEEP_OPTIONS if options.get(rule)}
    if not keeps:
        return {snap["backup-time"]: "keep" for snap in newest_first}
    marks = {}
    for rule in KEEP_OPTIONS:
        if rule in keeps:
            _mark(marks, newest_first, rule, keeps[rule])
    for snap in newest_first:
        if snap["backup-time"] not in marks:
            marks[snap["backup-time"]] = "protected" if snap.get("protected") else "remove"
    return marks
