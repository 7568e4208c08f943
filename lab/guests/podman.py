# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Podman with the lab's own configuration: runc, bounded rlimits, cgroupfs, its own storage; /etc stays untouched.

Out of the box podman fails here twice (docs/lab.md, "Guests"): crun refuses the hybrid cgroup layout, and podman's
default rlimits are above the hard limits of a root without CAP_SYS_RESOURCE. The files written here fix both and are
handed to every podman call through CONTAINERS_CONF and CONTAINERS_STORAGE_CONF.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import subprocess

CONTAINERS_CONF = """\
# Written by the TAPPaaS lab (lab/guests/podman.py); used through CONTAINERS_CONF, never installed under /etc.
[containers]
default_ulimits = ["nofile={nofile}:{nofile}", "nproc={nproc}:{nproc}"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
"""

STORAGE_CONF = """\
# Written by the TAPPaaS lab (lab/guests/podman.py); used through CONTAINERS_STORAGE_CONF.
[storage]
driver = "overlay"
graphroot = "{graphroot}"
runroot = "{runroot}"
"""


class PodmanError(Exception):
    """A podman command failed; the message carries its stderr."""


def cache_dir():
    """Where the image, its rootfs and podman's storage live across labs (a second lab start reuses them)."""
    base = os.environ.get("TAPPAAS_LAB_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "tappaas-lab"
    )
    return os.path.abspath(base)


def _ulimit(kind, wanted):
    """A limit the container may set: podman's default is above what a root without CAP_SYS_RESOURCE may raise to."""
    hard = resource.getrlimit(kind)[1]
    return wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)


def _read(path):
    try:
        with open(path) as handle:
            return handle.read()
    except OSError:
        return None


class Podman:
    """Runs podman with the lab's configuration files (written on first use under the cache directory)."""

    def __init__(self, root=None):
        self.root = root or cache_dir()
        self.conf_path = os.path.join(self.root, "containers.conf")
        self.storage_conf_path = os.path.join(self.root, "storage.conf")

    def write_config(self):
        os.makedirs(self.root, exist_ok=True)
        # nproc above 32768 fails even below the hard limit (tooling notes), so it is capped there too.
        containers = CONTAINERS_CONF.format(
            nofile=_ulimit(resource.RLIMIT_NOFILE, 20000), nproc=_ulimit(resource.RLIMIT_NPROC, 32768)
        )
        storage = STORAGE_CONF.format(
            graphroot=os.path.join(self.root, "storage"),
            # runroot holds locks and mount state of running containers: a tmpfs, so a reboot starts clean.
            runroot="/run/tappaas-lab-podman",
        )
        for path, text in ((self.conf_path, containers), (self.storage_conf_path, storage)):
            if _read(path) != text:
                with open(path + ".tmp", "w") as handle:
                    handle.write(text)
                os.replace(path + ".tmp", path)

    @property
    def env(self):
        return dict(os.environ, CONTAINERS_CONF=self.conf_path, CONTAINERS_STORAGE_CONF=self.storage_conf_path)

    @staticmethod
    def available():
        return shutil.which("podman") is not None

    def run(self, *args, timeout=120, stdin=None):
        """podman ARGS, synchronously (stdin: a file to read from); its stdout, or PodmanError with its stderr."""
        try:
            done = subprocess.run(
                ["podman", *args],
                env=self.env,
                stdin=subprocess.DEVNULL if stdin is None else stdin,
                capture_output=True,
                timeout=timeout,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PodmanError("podman %s: %s" % (args[0], exc)) from exc
        if done.returncode != 0:
            raise PodmanError(
                "podman %s failed (exit %d): %s" % (args[0], done.returncode, done.stderr.decode(errors="replace"))
            )
        return done.stdout.decode(errors="replace")

    async def arun(self, *args, timeout=60):
        """podman ARGS without blocking the twins' event loop."""
        process = await asyncio.create_subprocess_exec(
            "podman",
            *args,
            env=self.env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), timeout)
        except asyncio.TimeoutError as exc:
            process.kill()
            await process.wait()
            raise PodmanError("podman %s: no answer within %d s" % (args[0], timeout)) from exc
        if process.returncode != 0:
            raise PodmanError(
                "podman %s failed (exit %d): %s" % (args[0], process.returncode, err.decode(errors="replace").strip())
            )
        return out.decode(errors="replace")
