# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Talk to the lab's twins directly, as an operator (or an intruder) would: drift, faults, and reading state back.

Every call goes through the twins' real APIs with the lab's credentials and CA; nothing here knows a twin's
internals. Requests made here show up in the lab's request log, so take ``lab.mark()`` after using this.
"""

from __future__ import annotations

import base64
import json
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

SERVICES = ("pve", "opnsense", "authentik", "pbs")


class TwinError(RuntimeError):
    """A twin answered a helper call with an error status."""


class Twins:
    """One lab's twins: ``call(service, method, path, body)`` plus the fault interface of each twin."""

    def __init__(self, lab):
        env = lab.env
        self.context = ssl.create_default_context(cafile=env["LAB_CA"])
        self.base = {
            "pve": "https://%s:%s" % (env["PROXMOX_HOST"], env["PROXMOX_PORT"]),
            "opnsense": "https://%s:%s" % (env["OPNSENSE_HOST"], env["OPNSENSE_PORT"]),
            "authentik": env["AUTHENTIK_URL"].rstrip("/"),
            "pbs": "https://%s:%s" % (env["PBS_HOST"], env["PBS_PORT"]),
        }
        opnsense_basic = base64.b64encode(
            ("%s:%s" % (env["OPNSENSE_API_KEY"], env["OPNSENSE_API_SECRET"])).encode()
        ).decode()
        self.headers = {
            "pve": {"Authorization": "PVEAPIToken=%s=%s" % (env["PROXMOX_TOKEN_ID"], env["PROXMOX_TOKEN_SECRET"])},
            "opnsense": {"Authorization": "Basic %s" % opnsense_basic},
            "authentik": {"Authorization": "Bearer %s" % env["AUTHENTIK_TOKEN"]},
            "pbs": {"Authorization": "PBSAPIToken=%s:%s" % (env["PBS_TOKEN_ID"], env["PBS_TOKEN_SECRET"])},
        }

    def call(self, service, method, path, body=None, form=False):
        """The decoded JSON answer; PVE and PBS bodies go as forms (their APIs take both), the others as JSON."""
        headers = dict(self.headers[service])
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base[service] + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, context=self.context, timeout=30) as response:
                text = response.read().decode()
        except urllib.error.HTTPError as exc:
            raise TwinError("%s %s %s: HTTP %s %s" % (service, method, path, exc.code, exc.read()[:300])) from exc
        return json.loads(text) if text.strip() else None

    # The fault interface every twin shares (lab/framework.py, lab/pve/faults.py).

    def fault(self, service, **fault):
        return self.call(service, "POST", "/_lab/faults", fault)

    def clear_faults(self):
        for service in SERVICES:
            self.call(service, "DELETE", "/_lab/faults")

    # PVE

    def pve(self, method, path, body=None):
        answer = self.call("pve", method, "/api2/json" + path, body, form=True)
        return answer.get("data") if isinstance(answer, dict) else answer

    def vmids(self):
        return sorted(int(vm["vmid"]) for vm in self.pve("GET", "/cluster/resources?type=vm"))

    # authentik

    def authentik(self, method, path, body=None):
        return self.call("authentik", method, "/api/v3" + path, body)

    def authentik_all(self, path):
        separator = "&" if "?" in path else "?"
        return self.authentik("GET", "%s%spage_size=1000" % (path, separator))["results"]

    def pve_task(self, method, path, body=None, timeout=60):
        """Start a PVE worker and wait for it to stop; its exit status ("OK" or the error)."""
        upid = self.pve(method, path, body)
        node = upid.split(":")[1]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.pve("GET", "/nodes/%s/tasks/%s/status" % (node, urllib.parse.quote(upid)))
            if status.get("status") == "stopped":
                return status.get("exitstatus")
            time.sleep(0.2)
        raise TwinError("PVE task %s did not stop within %ss" % (upid, timeout))

    def opnsense_pending(self):
        """The OPNsense services with saved changes that no apply has made live yet (the twin's /_lab/state)."""
        services = self.call("opnsense", "GET", "/_lab/state")["services"]
        return sorted(name for name, state in services.items() if state["pending"])
