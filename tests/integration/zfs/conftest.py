# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Real ZFS for the storage tests: zfs-fuse, pools on sparse files, torn down at the end of the session.

The session fixture needs root and /dev/fuse; anywhere else every test here is skipped with the reason
(`pytest -ra` lists it). One zfs-fuse daemon serves the whole machine, so every pool gets a name no other run
uses: tappaas-test-<random>-tank1 and -tank2, created with cachefile=none and mountpoint none (never mounted,
never remembered after a reboot, and free of zfs-fuse's busy-mount quirks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ..conftest import package_lab

COLLECTION_ROOT = Path(__file__).resolve().parents[3]
SETUP_SCRIPT = COLLECTION_ROOT / "scripts" / "zfs-fuse-setup.sh"
VDEV_SIZE = 256 * 1024 * 1024


def run(*argv, check=True, stdin=None):
    result = subprocess.run(list(argv), capture_output=True, text=True, check=False, input=stdin)
    if check and result.returncode != 0:
        raise AssertionError("%s failed (rc %s): %s" % (" ".join(argv), result.returncode, result.stderr.strip()))
    return result


def _destroy_pool(name):
    # zfs-fuse may call a pool busy for a moment after its datasets change; retry briefly.
    for _attempt in range(20):
        if run("zpool", "list", name, check=False).returncode != 0:
            return
        if run("zpool", "destroy", "-f", name, check=False).returncode == 0:
            return
        time.sleep(0.25)
    run("zpool", "destroy", "-f", name)


class ZfsLab:
    """The pools of this session and helpers to make more vdevs, inspect history and run the modules."""

    def __init__(self, workdir, prefix, collections_path):
        self.workdir = Path(workdir)
        self.prefix = prefix
        self.tank1 = prefix + "-tank1"
        self.tank2 = prefix + "-tank2"
        self.collections_path = collections_path
        self.pools = []

    def vdevs(self, count, tag):
        paths = []
        for index in range(count):
            path = self.workdir / ("%s-%d" % (tag, index))
            with open(path, "wb") as handle:
                handle.truncate(VDEV_SIZE)
            paths.append(str(path))
        return paths

    def pool_name(self, tag):
        name = "%s-%s" % (self.prefix, tag)
        self.pools.append(name)
        return name

    def zfs(self, *args, check=True):
        return run("zfs", *args, check=check)

    def zpool(self, *args, check=True):
        return run("zpool", *args, check=check)

    def history(self, pool):
        """The pool's command history: every create, set, inherit, snapshot, destroy ever run on it."""
        lines = self.zpool("history", pool).stdout.splitlines()
        return [line for line in lines if line and not line.startswith("History for")]

    def prop(self, dataset, name):
        value, source = self.zfs("get", "-H", "-p", "-o", "value,source", name, dataset).stdout.rstrip("\n").split("\t")
        return value, source

    def unique(self, tag):
        return "%s-%s" % (tag, uuid.uuid4().hex[:6])

    def module(self, name, args, check_mode=False, diff=True):
        """Run a module's main as Ansible does (JSON arguments in, JSON result out) on this host."""
        payload = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
        args_file = self.workdir / ("args-%s.json" % uuid.uuid4().hex[:8])
        args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": payload}))
        env = dict(os.environ, PYTHONPATH=self.collections_path, LC_ALL="C")
        result = subprocess.run(
            [sys.executable, "-m", "ansible_collections.tappaas.platform.plugins.modules." + name, str(args_file)],
            capture_output=True,
            text=True,
            env=env,
            check=False,
            timeout=120,
        )
        args_file.unlink()
        try:
            return json.loads(result.stdout)
        except ValueError as exc:
            raise AssertionError("module %s printed no JSON: %s %s" % (name, result.stdout, result.stderr)) from exc


@pytest.fixture(scope="package")
def zfs_lab(tmp_path_factory, collections_path):
    if os.geteuid() != 0:
        pytest.skip("zfs-fuse integration tests need root (running as uid %d)" % os.geteuid())
    if not os.path.exists("/dev/fuse"):
        pytest.skip("zfs-fuse integration tests need /dev/fuse, which this machine does not have")
    setup = subprocess.run([str(SETUP_SCRIPT)], capture_output=True, text=True, check=False)
    if setup.returncode == 2:
        pytest.skip("zfs-fuse is not available: %s" % setup.stderr.strip())
    if setup.returncode != 0:
        pytest.fail("scripts/zfs-fuse-setup.sh failed (rc %s): %s" % (setup.returncode, setup.stderr + setup.stdout))
    workdir = tmp_path_factory.mktemp("zfs")
    lab = ZfsLab(workdir, "tappaas-test-%s" % uuid.uuid4().hex[:6], collections_path)
    d1, d2 = lab.vdevs(2, "tank1")
    (d3,) = lab.vdevs(1, "tank2")
    lab.pools += [lab.tank1, lab.tank2]
    try:
        run("zpool", "create", "-o", "cachefile=none", "-m", "none", lab.tank1, "mirror", d1, d2)
        run("zpool", "create", "-o", "cachefile=none", "-m", "none", lab.tank2, d3)
        yield lab
    finally:
        for pool in reversed(lab.pools):
            _destroy_pool(pool)


# This area's own lab, so that it never sees another area's objects (see tests/integration/conftest.py).
lab = package_lab()
