# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Growing a VM disk (PUT /nodes/{node}/qemu/{vmid}/resize), which fakepve only answers with an idle task.

As qemu-server does since PVE 8: the checks fail the request (500) before any task, a shrink is refused, the same
size is a task that changes nothing, and a grow is a ``resize`` task that sets the drive's ``size=`` (at once, even
on a running VM) and the volume's size.
"""

from __future__ import annotations

import re

from fakepve.lxc import SIZE_UNITS, format_size
from fakepve.qemu import is_cdrom, join_drive, split_drive, volume_ref
from fakepve.routing import die, param_error

SIZE = re.compile(r"^(\+)?(\d+(?:\.\d+)?)([KMGT])?$")


def _bytes(text):
    """A size= value or a request size as bytes; a bare number is bytes, as PVE reads it."""
    found = SIZE.match(str(text))
    if not found:
        raise die("invalid size string")
    return found.group(1), int(float(found.group(2)) * (SIZE_UNITS[found.group(3)] if found.group(3) else 1))


class ResizeApi:
    """Mixin of FakePve: disk resize that keeps state."""

    def _routes_resize(self):
        return [("PUT", "/nodes/{node}/qemu/{vmid}/resize", self._qm_resize)]

    async def _qm_resize(self, values, user):
        vm = self.find(values["node"], values["vmid"])
        if values.get("skiplock") and user != "root@pam":
            raise param_error(skiplock="Only root may use this option.")
        if values.get("digest") and values["digest"] != self.config_digest(vm):
            raise die("checksum mismatch (file change by other user?)")
        if not values.get("skiplock"):
            self._check_lock(vm)
        key = values["disk"]
        if key not in vm.config:
            raise die("disk '%s' does not exist" % key)
        volume, props = split_drive(vm.config[key])
        if is_cdrom(volume, props):
            raise die("you can't resize a cdrom")
        if volume_ref(volume)[0] is None:
            raise die("disk '%s' has no associated volume" % key)
        size = _bytes(props.get("size", "0"))[1]
        relative, amount = _bytes(values["size"])
        new_size = size + amount if relative else amount
        if new_size < size:
            raise die("shrinking disks is not supported")

        async def body():
            if new_size == size:
                return "no change in size (%s)" % format_size(size)
            vm.config[key] = join_drive(volume, dict(props, size=format_size(new_size)))
            stored = self._qm_volume(volume)
            if stored is not None:
                stored["size"] = new_size
            return "resized %s from %s to %s" % (key, format_size(size), format_size(new_size))

        return await self.task(vm.node, "resize", vm.vmid, user, body, vm=vm)
