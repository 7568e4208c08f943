# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Wait for a condition by the wall clock (PVE tasks, OPNsense firmware jobs, services coming up)."""

from __future__ import annotations

import time

from ansible_collections.tappaas.platform.plugins.module_utils.errors import WaitTimeout


class Poll:
    """What one look at the awaited thing found: whether it is done, a short progress line, and a value."""

    __slots__ = ("done", "progress", "value")

    def __init__(self, done, progress="", value=None):
        self.done = bool(done)
        self.progress = progress
        self.value = value

    @classmethod
    def finished(cls, value=None, progress="done"):
        return cls(True, progress, value)

    @classmethod
    def pending(cls, progress=""):
        return cls(False, progress)

    @classmethod
    def coerce(cls, outcome):
        """Accept a Poll, a (done, progress, value) or (done, progress) tuple, or a bare bool."""
        if isinstance(outcome, cls):
            return outcome
        if isinstance(outcome, tuple) and len(outcome) in (2, 3):
            return cls(*outcome)
        if isinstance(outcome, bool):
            return cls(outcome)
        raise TypeError(f"a wait check must return Poll, (done, progress[, value]) or bool, not {outcome!r}")


def wait_until(check, timeout, interval=1.0, what="condition", clock=time.monotonic, sleep=time.sleep):
    """Call `check()` until it reports done and return its value; raise WaitTimeout when `timeout` s pass.

    `check` is always called at least once and once more at the deadline, so a slow first call or a zero timeout
    still gets an answer. Exceptions from `check` (a failed task, say) propagate untouched: waiting on a
    failure is pointless. Sleeps never run past the deadline.
    """
    if interval <= 0:
        raise ValueError(f"interval must be positive, got {interval!r}")
    deadline = clock() + timeout
    while True:
        poll = Poll.coerce(check())
        if poll.done:
            return poll.value
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout(
                "timed out after {} s waiting for {}; last state: {}".format(
                    _seconds(timeout), what, poll.progress or "unknown"
                ),
                what=what,
                timeout=timeout,
                last_progress=poll.progress,
            )
        sleep(min(interval, remaining))


def _seconds(value):
    return int(value) if float(value).is_integer() else value
