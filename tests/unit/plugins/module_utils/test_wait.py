# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import WaitTimeout
from ansible_collections.tappaas.platform.plugins.module_utils.wait import Poll, wait_until


class FakeClock:
    def __init__(self):
        self.now = 100.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


def scripted(outcomes, clock=None, cost=0.0):
    """A check returning the given outcomes in turn, each call taking `cost` seconds of the fake clock."""
    calls = []

    def check():
        calls.append(clock.now if clock else None)
        if clock:
            clock.now += cost
        return outcomes[min(len(calls), len(outcomes)) - 1]

    check.calls = calls
    return check


def test_done_at_once_returns_the_value_without_sleeping():
    clock = FakeClock()
    value = wait_until(lambda: (True, "stopped", {"exitstatus": "OK"}), 10, clock=clock, sleep=clock.sleep)
    assert value == {"exitstatus": "OK"}
    assert clock.sleeps == []


def test_polls_at_the_interval_until_done():
    clock = FakeClock()
    check = scripted([Poll.pending("queued"), Poll.pending("running"), Poll.finished("UPID:1")], clock)
    assert wait_until(check, 30, interval=2.0, clock=clock, sleep=clock.sleep) == "UPID:1"
    assert clock.sleeps == [2.0, 2.0]
    assert len(check.calls) == 3


def test_timeout_names_what_and_the_last_state():
    clock = FakeClock()
    check = scripted([(False, "running 40%", None)], clock)
    with pytest.raises(WaitTimeout) as caught:
        wait_until(check, 5, interval=2.0, what="task UPID:pve1:1", clock=clock, sleep=clock.sleep)
    assert str(caught.value) == "timed out after 5 s waiting for task UPID:pve1:1; last state: running 40%"
    assert caught.value.last_progress == "running 40%"
    # The last sleep is cut short to land on the deadline, and the state is checked there once more.
    assert clock.sleeps == [2.0, 2.0, 1.0]
    assert check.calls == [100.0, 102.0, 104.0, 105.0]


def test_sleeps_never_run_past_the_deadline_even_when_checks_are_slow():
    clock = FakeClock()
    check = scripted([(False, "busy")], clock, cost=1.25)
    with pytest.raises(WaitTimeout):
        wait_until(check, 4, interval=1.0, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == [1.0, 0.5]
    # Each sleep ends at the latest on the deadline (104), where the final check starts.
    assert check.calls == [100.0, 102.25, 104.0]


def test_zero_timeout_still_checks_once():
    clock = FakeClock()
    assert wait_until(lambda: (True, "", 7), 0, clock=clock, sleep=clock.sleep) == 7
    with pytest.raises(WaitTimeout, match="timed out after 0 s waiting for condition; last state: unknown"):
        wait_until(lambda: False, 0, clock=clock, sleep=clock.sleep)
    assert clock.sleeps == []


def test_fractional_timeout_is_reported_as_given():
    clock = FakeClock()
    with pytest.raises(WaitTimeout, match=r"timed out after 2\.5 s"):
        wait_until(lambda: (False, "x"), 2.5, clock=clock, sleep=clock.sleep)


def test_errors_raised_by_the_check_are_not_swallowed():
    def check():
        raise RuntimeError("task failed: can't lock file")

    with pytest.raises(RuntimeError, match="can't lock file"):
        wait_until(check, 10)


@pytest.mark.parametrize(
    "outcome, expected",
    [
        ((True, "done", 1), (True, "done", 1)),
        ((False, "waiting"), (False, "waiting", None)),
        (True, (True, "", None)),
        (Poll(0, "p"), (False, "p", None)),
    ],
)
def test_check_may_return_a_poll_a_tuple_or_a_bool(outcome, expected):
    poll = Poll.coerce(outcome)
    assert (poll.done, poll.progress, poll.value) == expected


@pytest.mark.parametrize("outcome", [None, "done", (True,), 1])
def test_other_check_results_are_a_programming_error(outcome):
    with pytest.raises(TypeError):
        Poll.coerce(outcome)


def test_interval_must_be_positive():
    with pytest.raises(ValueError):
        wait_until(lambda: True, 1, interval=0)
