# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import datetime

import pytest

from lab.pve.next_run import next_run

NOW = datetime.datetime(2026, 11, 21, 23, 50, 30)  # a Saturday


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ("daily", datetime.datetime(2026, 11, 22, 0, 0)),
        ("*/15", datetime.datetime(2026, 11, 22, 0, 0)),
        ("sat 21:00", datetime.datetime(2026, 11, 28, 21, 0)),
        ("mon..fri 02:30", datetime.datetime(2026, 11, 23, 2, 30)),
        ("sat,sun 23:55", datetime.datetime(2026, 11, 21, 23, 55)),
        ("weekly", datetime.datetime(2026, 11, 23, 0, 0)),
        ("*-*-15 03:00", datetime.datetime(2026, 12, 15, 3, 0)),
        ("22:00/30", datetime.datetime(2026, 11, 22, 22, 0)),
    ],
)
def test_next_run_of_the_schedules_jobs_use(event, expected):
    assert next_run(event, NOW) == int(expected.timestamp())


def test_an_event_beyond_the_parser_has_no_next_run():
    assert next_run("every other tuesday", NOW) is None
