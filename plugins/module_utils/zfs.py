# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A pure ZFS client: it runs the zfs and zpool commands through a runner passed in and parses their output.

The runner takes an argv list and returns (rc, stdout, stderr): AnsibleModule.run_command in modules, a
subprocess wrapper in tests. Only the command subset that OpenZFS and zfs-fuse share is used: one property per
`zfs set`, `zfs get -H -p -o name,property,value,source` instead of `zfs list -p`, no `-t` on `zfs get`, and
`zpool list -p` / `zpool get -H` with a fallback to their human-readable forms.

Every command that changes something goes through `_write`, which records it in `self.writes`, so a module can
report exactly what it ran and a test can prove that a second run ran nothing.
"""

from __future__ import annotations

import time

from ansible_collections.tappaas.platform.plugins.module_utils.errors import TappaasError
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_parse import (
    parse_get,
    parse_zpool_get,
    parse_zpool_import_listing,
    parse_zpool_list,
    parse_zpool_status_config,
)

_POOL_LIST_FIELDS = "name,size,allocated,free,capacity,health,altroot"


class ZfsError(TappaasError):
    """A zfs or zpool command failed; the message is the command's own first line of stderr."""

    def __init__(self, command, rc, stderr):
        self.command = list(command)
        self.rc = rc
        self.stderr = stderr
        super().__init__("%s failed (rc %s): %s" % (" ".join(self.command[:3]), rc, first_error_line(stderr)))


class ZfsNotFound(ZfsError):
    """The dataset, snapshot or pool does not exist."""


class ZfsBusy(ZfsError):
    """The dataset or pool is busy; zfs-fuse reports this for a while after a mount changes."""


def first_error_line(stderr):
    """The message of a failed command without the usage text zfs prints after a usage error."""
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    kept = []
    for line in lines:
        if line.startswith("usage:"):
            break
        kept.append(line)
    return "; ".join(kept) if kept else "(no message)"


def _classify(command, rc, stderr):
    text = (stderr or "").lower()
    if "does not exist" in text or "no such pool" in text or "no such dataset" in text:
        return ZfsNotFound(command, rc, stderr)
    if "busy" in text:
        return ZfsBusy(command, rc, stderr)
    return ZfsError(command, rc, stderr)


class ZfsClient:
    """zfs/zpool through `runner`; raises ZfsError (or its subclasses) with the command's own message."""

    def __init__(self, runner, zfs="zfs", zpool="zpool", sleep=time.sleep, busy_retries=10, busy_delay=0.3):
        self._runner = runner
        self._zfs = zfs
        self._zpool = zpool
        self._sleep = sleep
        self._busy_retries = busy_retries
        self._busy_delay = busy_delay
        self.writes = []

    # -- plumbing -------------------------------------------------------------------------------------------------

    def _run(self, argv):
        rc, out, err = self._runner(argv)
        if rc != 0:
            raise _classify(argv, rc, err)
        return out

    def _write(self, argv, retry_busy=False):
        """A command that changes something: recorded, and retried a bounded number of times while busy."""
        self.writes.append(list(argv))
        attempt = 0
        while True:
            try:
                return self._run(argv)
            except ZfsBusy:
                attempt += 1
                if not retry_busy or attempt > self._busy_retries:
                    raise
                self._sleep(self._busy_delay)

    # -- datasets -------------------------------------------------------------------------------------------------

    def get(self, names, properties="all", depth=None, recursive=False):
        """{dataset: {property: (value, source)}} for the datasets (and snapshots) named, parsable values."""
        argv = [self._zfs, "get", "-H", "-p", "-o", "name,property,value,source"]
        if recursive:
            argv.append("-r")
        elif depth is not None:
            argv += ["-d", str(depth)]
        argv.append(properties if isinstance(properties, str) else ",".join(properties))
        argv += list(names)
        return parse_get(self._run(argv))

    def properties(self, name):
        """{property: (value, source)} of one dataset, or None when it does not exist."""
        try:
            return self.get([name]).get(name, {})
        except ZfsNotFound:
            return None

    def list_names(self, name, types="filesystem,volume", recursive=True, depth=None, sort=None):
        argv = [self._zfs, "list", "-H", "-o", "name", "-t", types]
        if depth is not None:
            argv += ["-d", str(depth)]
        elif recursive:
            argv.append("-r")
        if sort:
            argv += ["-s", sort]
        argv.append(name)
        return [line for line in self._run(argv).splitlines() if line]

    def create(self, name, properties=None, volume_size=None, sparse=False, parents=True):
        argv = [self._zfs, "create"]
        if parents:
            argv.append("-p")
        if volume_size is not None:
            if sparse:
                argv.append("-s")
            argv += ["-V", str(volume_size)]
        for key in sorted(properties or {}):
            argv += ["-o", "%s=%s" % (key, properties[key])]
        argv.append(name)
        return self._write(argv)

    def set(self, name, prop, value):
        # One property per call: zfs-fuse (and older OpenZFS) refuse several.
        return self._write([self._zfs, "set", "%s=%s" % (prop, value), name])

    def inherit(self, name, prop):
        return self._write([self._zfs, "inherit", prop, name])

    def destroy(self, name, recursive=False, dependents=False):
        argv = [self._zfs, "destroy"]
        if dependents:
            argv.append("-R")
        elif recursive:
            argv.append("-r")
        argv.append(name)
        return self._write(argv, retry_busy=True)

    def snapshot(self, name, recursive=False, properties=None):
        argv = [self._zfs, "snapshot"]
        if recursive:
            argv.append("-r")
        for key in sorted(properties or {}):
            argv += ["-o", "%s=%s" % (key, properties[key])]
        argv.append(name)
        return self._write(argv)

    # -- pools ----------------------------------------------------------------------------------------------------

    def pool_list(self, name=None):
        """{pool: {name, size, allocated, free, capacity, health, altroot}}; {} when `name` is not imported."""
        tail = [name] if name else []
        try:
            rc, out, err = self._runner([self._zpool, "list", "-H", "-p", "-o", _POOL_LIST_FIELDS, *tail])
            if rc == 2 and "invalid option" in (err or ""):
                # zfs-fuse has no -p; sizes then come back human-readable.
                out = self._run([self._zpool, "list", "-H", "-o", _POOL_LIST_FIELDS, *tail])
            elif rc != 0:
                raise _classify([self._zpool, "list", *tail], rc, err)
        except ZfsNotFound:
            return {}
        return parse_zpool_list(out)

    def pool_properties(self, name, properties):
        """{property: (value, source)} of a pool; properties this implementation does not know are left out."""
        result = {}
        for prop in properties:
            rc, out, err = self._runner([self._zpool, "get", prop, name])
            if rc != 0:
                if "bad property list" in (err or "") or "invalid property" in (err or ""):
                    continue
                raise _classify([self._zpool, "get", prop, name], rc, err)
            result.update(parse_zpool_get(out).get(name, {}))
        return result

    def pool_property_supported(self, prop, name):
        """Whether this zpool knows `prop` (autotrim is OpenZFS only); works before the pool exists."""
        _rc, _out, err = self._runner([self._zpool, "get", prop, name])
        return not ("bad property list" in (err or "") or "invalid property" in (err or ""))

    def pool_set(self, name, prop, value):
        return self._write([self._zpool, "set", "%s=%s" % (prop, value), name])

    def pool_topology(self, name):
        return parse_zpool_status_config(self._run([self._zpool, "status", name]), name)

    def importable_pools(self, search_dirs=()):
        argv = [self._zpool, "import"]
        for directory in search_dirs:
            argv += ["-d", directory]
        rc, out, err = self._runner(argv)
        # rc 1 with "no pools available to import" (OpenZFS) or with no output at all (zfs-fuse) is the normal
        # empty answer.
        if rc != 0 and "no pools available" not in (out + err) and (out + err).strip():
            raise _classify(argv, rc, err)
        return parse_zpool_import_listing(out)

    def pool_import(self, name, search_dirs=(), properties=None):
        argv = [self._zpool, "import"]
        for directory in search_dirs:
            argv += ["-d", directory]
        for key in sorted(properties or {}):
            argv += ["-o", "%s=%s" % (key, properties[key])]
        argv.append(name)
        return self._write(argv)

    def pool_create(self, name, vdev_args, pool_properties=None, root_properties=None, mountpoint=None, altroot=None):
        argv = [self._zpool, "create"]
        for key in sorted(pool_properties or {}):
            argv += ["-o", "%s=%s" % (key, pool_properties[key])]
        for key in sorted(root_properties or {}):
            argv += ["-O", "%s=%s" % (key, root_properties[key])]
        if mountpoint is not None:
            argv += ["-m", mountpoint]
        if altroot is not None:
            argv += ["-R", altroot]
        argv.append(name)
        argv += list(vdev_args)
        return self._write(argv)

    def pool_destroy(self, name):
        return self._write([self._zpool, "destroy", name], retry_busy=True)
