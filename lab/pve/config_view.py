# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GET/PUT .../qemu/{vmid}/config as PVE answers them, where fakepve differs in ways that break idempotency.

- GET merges the pending changes by default (``current=1`` gives the running config), so a client that just
  changed ``memory`` on a running VM reads its own value back and makes no second write.
- ``cipassword`` is write-only: it reads back as ``**********``.
- The ``digest`` covers the whole config file, pending section included, so a pending change moves it.
- Tags are stored as PVE stores them: lower case, unique, sorted, ``;``-joined.
- GET .../pending lists ``digest`` like every other key of the config, and masks ``cipassword``.
- NIC changes on a running VM apply at once, as PVE's default ``hotplug: network,disk,usb`` does; fakepve parks
  them in pending, which would make a VLAN change look like it needs a reboot.
"""

from __future__ import annotations

import hashlib
import json
import re

from fakepve.routing import die
from fakepve.server import ok, params

MASKED = "**********"
DIGEST_MISMATCH = "checksum mismatch (file change by other user?)"


def normalise_tags(text):
    return ";".join(sorted({tag.lower() for tag in re.split(r"[;, ]+", str(text)) if tag}))


class PveConfigView:
    """Mixin of FakePve: the config read and write semantics above."""

    @staticmethod
    def config_digest(vm):
        blob = {"config": vm.config, "pending": vm.pending, "snapshots": vm.snapshots}
        return hashlib.sha1(json.dumps(blob, sort_keys=True, default=str).encode()).hexdigest()

    async def _config_get(self, request):
        vm = self._vm(request, "VM.Audit")
        values = self._verify(request, await params(request))
        if values.get("snapshot"):
            if values["snapshot"] not in vm.snapshots:
                raise die("snapshot '%s' does not exist" % values["snapshot"])
            config = dict(vm.snapshots[values["snapshot"]])
        else:
            config = dict(vm.config)
            if not values.get("current"):
                for key, value in vm.pending.items():
                    if value is None:
                        config.pop(key, None)
                    else:
                        config[key] = value
        if "memory" in config:
            config["memory"] = str(config["memory"])
        if "cipassword" in config:
            config["cipassword"] = MASKED
        config["digest"] = self.config_digest(vm)
        return ok(config)

    async def _pending(self, request):
        response = await super()._pending(request)
        vm = self._vm(request, "VM.Audit")
        items = [item for item in json.loads(response.body)["data"] if item["key"] != "digest"]
        for item in items:
            if item["key"] == "cipassword":
                item.update({name: MASKED for name in ("value", "pending") if name in item})
        items.append({"key": "digest", "value": self.config_digest(vm)})
        return ok(sorted(items, key=lambda item: item["key"]))

    async def _apply_config(self, vm, user, p):
        p = dict(p)
        digest = p.pop("digest", None)
        if digest and digest != self.config_digest(vm):
            raise die(DIGEST_MISMATCH)
        if p.get("tags") is not None:
            p["tags"] = normalise_tags(p["tags"])
        result = await super()._apply_config(vm, user, p)
        self._hotplug_network(vm)
        return result

    @staticmethod
    def _hotplug_network(vm):
        hotplug = str(vm.config.get("hotplug", "network,disk,usb"))
        if vm.status != "running" or "network" not in hotplug.split(","):
            return
        for key in [key for key in vm.pending if re.match(r"net\d+$", key)]:
            value = vm.pending.pop(key)
            if value is None:
                vm.config.pop(key, None)
            else:
                vm.config[key] = value
