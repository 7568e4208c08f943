# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Run the twins in one background process and write .lab/lab.env once every twin listens."""

from __future__ import annotations

import asyncio
import importlib
import os
import shlex
import signal
import socket
import subprocess
import sys
import time

from lab.ca import LabCA
from lab.framework import LabContext, RequestLog
from lab.guests import lifecycle as guests_lifecycle
from lab.twins import DEFAULT_PORTS, TWINS
from lab.zfs_pools import export_lab_pools

ENV_FILE = "lab.env"
PID_FILE = "lab.pid"
LOG_FILE = "lab.log"
REQUESTS_FILE = "requests.jsonl"


def _load_twins(context, only):
    unknown = sorted(set(only) - set(TWINS))
    if unknown:
        raise SystemExit("unknown twin(s): %s (known: %s)" % (", ".join(unknown), ", ".join(sorted(TWINS)) or "none"))
    twins = []
    for service, target in TWINS.items():
        if only and service not in only:
            continue
        module_name, factory_name = target.split(":")
        factory = getattr(importlib.import_module(module_name), factory_name)
        twins.append(factory(context))
    return twins


def _write_env(state_dir, context, twins):
    variables = {"LAB_CA": context.ca.cert_path, **guests_lifecycle.env_variables(state_dir, context.guests)}
    for twin in twins:
        variables.update(twin.env())
    lines = ["# Written by `make lab-up`; `source` it to point the modules (and ansible-playbook) at the lab."]
    lines.extend("%s=%s" % (key, _shell_quote(value)) for key, value in variables.items())
    # One KEY=value line per variable keeps the file easy to parse; the export line makes `source` enough.
    lines.append("export " + " ".join(variables))
    path = os.path.join(state_dir, ENV_FILE)
    fd = os.open(path + ".tmp", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    os.replace(path + ".tmp", path)


def read_lab_env(state_dir):
    """The variables of a running lab's lab.env as a dict: the one reader of the file _write_env writes.

    The file is shell syntax (values quoted by _shell_quote), so it is split the way a shell would read it.
    """
    path = os.path.join(state_dir, ENV_FILE)
    with open(path) as handle:
        lines = handle.read().splitlines()
    variables = {}
    for line in lines:
        if not line.strip() or line.startswith(("#", "export ")):
            continue
        key, separator, value = line.partition("=")
        words = shlex.split(value)
        if not separator or not key.isidentifier() or len(words) > 1:
            raise ValueError("%s: not a KEY=value line: %r" % (path, line))
        variables[key] = words[0] if words else ""
    return variables


def _shell_quote(value):
    text = str(value)
    return (
        text if text and all(c.isalnum() or c in "@%+=:,./_-" for c in text) else "'" + text.replace("'", "'\\''") + "'"
    )


def _free_ports(services):
    """Ports the system says are free now, so that a test lab never collides with a running one (or another test's)."""
    ports, sockets = {}, []
    try:
        for service in services:
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
            ports[service] = sock.getsockname()[1]
    finally:
        for sock in sockets:
            sock.close()
    return ports


def serve(state_dir, only, free_ports=False):
    """Foreground: start the twins, write lab.env, run until SIGTERM/SIGINT, then stop them."""
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    context = LabContext(
        state_dir=state_dir,
        ca=LabCA(os.path.join(state_dir, "ca")),
        log=RequestLog(os.path.join(state_dir, REQUESTS_FILE)),
        ports=_free_ports(DEFAULT_PORTS) if free_ports else dict(DEFAULT_PORTS),
    )
    twins = _load_twins(context, only)
    if any(twin.service == "pve" for twin in twins):
        context.guests = guests_lifecycle.prepare_for_lab(state_dir)

    async def main():
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        started = []
        try:
            for twin in twins:
                await twin.start()
                started.append(twin)
                print("lab: %s listening" % twin.service, flush=True)
            _write_env(state_dir, context, twins)
            print("lab: ready (%s)" % ", ".join(t.service for t in twins), flush=True)
            await stop.wait()
        finally:
            for twin in reversed(started):
                await twin.stop()
            env_path = os.path.join(state_dir, ENV_FILE)
            if os.path.exists(env_path):
                os.remove(env_path)

    asyncio.run(main())
    return 0


def _pid(state_dir):
    try:
        with open(os.path.join(state_dir, PID_FILE)) as handle:
            pid = int(handle.read().strip())
        os.kill(pid, 0)
        return pid
    except (OSError, ValueError):
        return None


def up(state_dir, only, timeout, free_ports=False):
    """Start `serve` in the background, wait until lab.env appears, and say where everything is."""
    os.makedirs(state_dir, exist_ok=True)
    if _pid(state_dir):
        print("lab: already running (pid %d); `make lab-down` first to restart it" % _pid(state_dir))
        return 0
    env_path = os.path.join(state_dir, ENV_FILE)
    if os.path.exists(env_path):
        os.remove(env_path)
    command = [sys.executable, "-m", "lab", "serve", "--state", state_dir]
    if only:
        command += ["--only", ",".join(only)]
    if free_ports:
        command.append("--free-ports")
    with open(os.path.join(state_dir, LOG_FILE), "ab") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    with open(os.path.join(state_dir, PID_FILE), "w") as handle:
        handle.write("%d\n" % process.pid)
    deadline = time.monotonic() + timeout
    build_deadline = time.monotonic() + guests_lifecycle.IMAGE_BUILD_TIMEOUT
    while time.monotonic() < deadline:
        if guests_lifecycle.still_preparing(state_dir) and time.monotonic() < build_deadline:
            # Building the guest image (once per machine) does not count against the twins' timeout.
            deadline = time.monotonic() + timeout
        if process.poll() is not None:
            print("lab: failed to start; see %s" % os.path.join(state_dir, LOG_FILE), file=sys.stderr)
            return 1
        if os.path.exists(env_path):
            print("lab: up (pid %d). Environment: %s" % (process.pid, os.path.abspath(env_path)))
            print(guests_lifecycle.status_line(state_dir))
            with open(env_path) as handle:
                for line in handle:
                    if line.startswith(("#", "LAB_CA")) or "SECRET" in line or "PASSWORD" in line or "TOKEN=" in line:
                        continue
                    print("  " + line.rstrip())
            return 0
        time.sleep(0.1)
    process.terminate()
    print("lab: no answer within %.0f s; see %s" % (timeout, os.path.join(state_dir, LOG_FILE)), file=sys.stderr)
    return 1


def _export_pools(state_dir):
    exported, failures = export_lab_pools(state_dir)
    if exported:
        print("lab: exported zfs pools %s" % ", ".join(exported))
    for failure in failures:
        print("lab: could not export zfs pool %s" % failure, file=sys.stderr)
    return 1 if failures else 0


def down(state_dir):
    pid = _pid(state_dir)
    pid_path = os.path.join(state_dir, PID_FILE)
    if pid is None:
        print("lab: not running")
        if os.path.exists(pid_path):
            os.remove(pid_path)
        guests_lifecycle.remove_after_down(state_dir)
        return _export_pools(state_dir)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _pid(state_dir):
        time.sleep(0.1)
    if _pid(state_dir):
        os.killpg(pid, signal.SIGKILL)
    os.remove(pid_path)
    guests_lifecycle.remove_after_down(state_dir)
    print("lab: stopped")
    return _export_pools(state_dir)


def status(state_dir):
    pid = _pid(state_dir)
    print("lab: running (pid %d)" % pid if pid else "lab: not running")
    if pid:
        print(guests_lifecycle.status_line(state_dir))
    return 0 if pid else 3
