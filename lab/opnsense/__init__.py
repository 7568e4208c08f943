# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The OPNsense twin: a schema-driven imitation of the OPNsense REST API (26.1 and 26.7 profiles).

The profile comes from OPNSENSE_LAB_PROFILE (default 26.7). Besides the admin key pair it has a read-only
key pair (OPNSENSE_LAB_READONLY_KEY/SECRET) whose ACL allows search and get only, for the 403 path.
"""

from __future__ import annotations

import os
import secrets

from lab.framework import FaultRegistry, aiohttp_lab_middleware

DEFAULT_PROFILE = "26.7"


class OpnsenseTwin:
    service = "opnsense"

    def __init__(self, context, profile=None, port=None):
        from lab.opnsense.app import OpnsenseApp
        from lab.opnsense.world import Firewall

        self.context = context
        self.port = port or context.ports["opnsense"]
        self.firewall = Firewall(profile or os.environ.get("OPNSENSE_LAB_PROFILE") or DEFAULT_PROFILE)
        self.key, self.secret = secrets.token_hex(20), secrets.token_urlsafe(40)
        self.readonly_key, self.readonly_secret = secrets.token_hex(20), secrets.token_urlsafe(40)
        self.app_logic = OpnsenseApp(
            self.firewall, {self.key: (self.secret, "admin"), self.readonly_key: (self.readonly_secret, "readonly")}
        )
        self.faults = FaultRegistry()
        self._runner = None

    async def start(self):
        from aiohttp import web

        from lab.opnsense.app import render_error

        app = web.Application(
            middlewares=[aiohttp_lab_middleware(self.service, self.context, self.faults, render_error)]
        )
        app.router.add_route("*", "/{tail:.*}", self.app_logic.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self.context.host, self.port, ssl_context=self.context.ca.server_context("opnsense")
        )
        await site.start()

    async def stop(self):
        if self._runner is not None:
            await self._runner.cleanup()

    def env(self):
        return {
            "OPNSENSE_HOST": "localhost",
            "OPNSENSE_PORT": self.port,
            "OPNSENSE_API_KEY": self.key,
            "OPNSENSE_API_SECRET": self.secret,
            "OPNSENSE_CA_PATH": self.context.ca.cert_path,
            "OPNSENSE_LAB_PROFILE": self.firewall.profile.name,
            "OPNSENSE_LAB_READONLY_KEY": self.readonly_key,
            "OPNSENSE_LAB_READONLY_SECRET": self.readonly_secret,
        }


def create_twin(context, profile=None, port=None):
    return OpnsenseTwin(context, profile=profile, port=port)
