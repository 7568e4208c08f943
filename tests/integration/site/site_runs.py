# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running site.yml on inventories/lab for the site tests and reading what a run did from its default-callback output.

A SiteRunner can serve one deployed lab across a test module, take extra environment (ANSIBLE_LOG_PATH) and keeps
every output, so the secrets test can scan all of them at the end; conftest's ``run_site`` fixture is one run of it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from ..conftest import COLLECTION_ROOT, run_lab

LAB_INVENTORY = COLLECTION_ROOT / "inventories" / "lab"
SITE = COLLECTION_ROOT / "playbooks" / "site.yml"

TASK_HEADER = re.compile(r"^(?:TASK|RUNNING HANDLER) \[(?P<task>.+)\] \*+$")
CHANGED_LINE = re.compile(r"^changed: \[(?P<host>[^\]]+)\]")
FATAL_LINE = re.compile(r"^fatal: \[(?P<host>[^\]]+)\](?: => \([^)]*\))?: FAILED! => (?P<result>.*)$")


def lab_without_guests(tmp_path_factory):
    """A fresh lab whose VMs get no podman guest (run_lab's default): these suites test the platform's APIs, and a
    guest per VM costs time (the module role skips its guest steps with a message, as on any machine without
    podman)."""
    yield from run_lab(tmp_path_factory)


class SiteRunner:
    """site.yml on inventories/lab against one lab, with one filter snapshot for all its runs."""

    def __init__(self, lab, collections_path, workdir):
        self.lab = lab
        self.collections_path = collections_path
        self.workdir = Path(workdir)
        self.outputs = []  # every stdout and stderr, for the secrets scan

    def __call__(self, *extra, env=None):
        environment = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=self.collections_path,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_STDOUT_CALLBACK="ansible.builtin.default",
            **self.lab.env,
        )
        environment.update(env or {})
        done = subprocess.run(
            [
                str(Path(sys.executable).with_name("ansible-playbook")),
                "-i",
                str(LAB_INVENTORY),
                str(SITE),
                "-e",
                "network_snapshot_path=%s" % (self.workdir / "filter-snapshot.json"),
                *extra,
            ],
            cwd=str(COLLECTION_ROOT),
            env=environment,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        self.outputs.extend((done.stdout, done.stderr))
        return done


def changed_tasks(stdout):
    """How often each (task, host) reported changed: a task counts once per host each time it runs (loops too)."""
    counts = Counter()
    task = None
    seen = set()
    for line in stdout.splitlines():
        header = TASK_HEADER.match(line)
        if header:
            task = header.group("task")
            seen = set()
            continue
        changed = CHANGED_LINE.match(line)
        if changed and task is not None and changed.group("host") not in seen:
            seen.add(changed.group("host"))
            counts[(task, changed.group("host"))] += 1
    return counts


def failed_tasks(stdout):
    """(task, fatal line) of every task that failed, the task named by the header the failure follows."""
    failures = []
    task = None
    for line in stdout.splitlines():
        header = TASK_HEADER.match(line)
        if header:
            task = header.group("task")
        elif FATAL_LINE.match(line):
            failures.append((task, line))
    return failures


def recap_changed(stdout):
    return sum(int(count) for count in re.findall(r"changed=(\d+)", stdout))


def tail(done, chars=4000):
    return "rc=%s\n%s\n%s" % (done.returncode, done.stdout[-chars:], done.stderr[-chars // 2 :])
