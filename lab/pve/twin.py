# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Twin contract lab.runner starts: HTTPS on the lab CA, seeded cluster, and the lab.env lines."""

from __future__ import annotations

import secrets
import uuid

from lab.pve.seed import LAB_TOKEN_NAME, seed_cluster
from lab.pve.server import LabPve

SERVICE = "pve"
ROOT_USER = "root@pam"


class PveTwin:
    service = SERVICE

    def __init__(self, context):
        self.context = context
        self.port = context.ports.get(SERVICE, 18006)
        self.password = secrets.token_urlsafe(18)
        self.token_secret = str(uuid.uuid4())
        self.pve = LabPve(context, user=ROOT_USER, password=self.password, host=context.host, port=self.port)
        seed_cluster(self.pve, self.token_secret)

    @property
    def token_id(self):
        return "%s!%s" % (ROOT_USER, LAB_TOKEN_NAME)

    async def start(self):
        hosts = sorted({self.context.host, "localhost", "127.0.0.1"})
        cert_path, key_path = self.context.ca.issue(SERVICE, hosts)
        await self.pve.start(cert_path, key_path)
        if self.context.guests is not None:
            self.context.guests.start_watching(self.running_vms)

    async def stop(self):
        if self.context.guests is not None:
            await self.context.guests.stop()
        await self.pve.stop()

    def running_vms(self):
        """{vmid: name} of the qemu VMs that run now: each gets a lab guest (lab.guests) with its name."""
        return {
            vm.vmid: str(vm.config.get("name") or "vm%d" % vm.vmid)
            for vm in self.pve.vms
            if vm.status == "running" and not vm.template
        }

    def env(self):
        return {
            "PROXMOX_HOST": self.context.host,
            "PROXMOX_PORT": str(self.pve.port),
            "PROXMOX_USER": ROOT_USER,
            "PROXMOX_PASSWORD": self.password,
            "PROXMOX_TOKEN_ID": self.token_id,
            "PROXMOX_TOKEN_SECRET": self.token_secret,
            "PROXMOX_CA_PATH": self.context.ca.cert_path,
        }
