#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: opnsense_package
short_description: Install or remove an OPNsense plugin package and wait for the job
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Installs or removes a plugin package (System > Firmware > Plugins), for example C(os-caddy).
  - OPNsense runs installs in the background; this module polls the firmware status until the job ends, and
    fails if it does not end within O(timeout) seconds.
  - Reads the package list once; does nothing when the package is already in the wanted state.
options:
  name:
    description: Package name, for example C(os-caddy).
    type: str
    required: true
  state:
    description: Whether the package should be installed.
    type: str
    choices: [present, absent]
    default: present
  timeout:
    description: Seconds to wait for the install or removal to finish.
    type: int
    default: 600
extends_documentation_fragment:
  - tappaas.platform.opnsense
  - tappaas.platform.attributes.actiongroup_opnsense
attributes:
  check_mode:
    description: Reports whether the package would be installed or removed, without doing it.
    support: full
  diff_mode:
    description: Returns the installed state before and after.
    support: full
  idempotent:
    description: A package already in the wanted state causes no write.
    support: full
"""

EXAMPLES = r"""
- name: Caddy reverse proxy plugin
  tappaas.platform.opnsense_package:
    name: os-caddy
"""

RETURN = r"""
installed:
  description: Whether the package is installed after the run.
  returned: always
  type: bool
log:
  description: The last lines of the firmware job log.
  returned: when a job ran
  type: str
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import connect
from ansible_collections.tappaas.platform.plugins.module_utils.wait import Poll, wait_until

LOG_TAIL = 2000


def _installed(info, name):
    for package in (info or {}).get("package") or []:
        if package.get("name") == name:
            return str(package.get("installed")) == "1"
    return None


def run(module):
    params = module.params
    api = connect(params)
    name = params["name"]
    installed = _installed(api.get("core/firmware/info"), name)
    if installed is None:
        raise InvalidInput("name", "OPNsense offers no package %s" % name)
    wanted = params["state"] == "present"
    result = {"changed": installed != wanted, "installed": installed if installed == wanted else wanted}
    result["diff"] = {"before": {"installed": installed}, "after": {"installed": wanted}}
    if installed == wanted or module.check_mode:
        return result
    started = api.post("core/firmware/%s/%s" % ("install" if wanted else "remove", name))
    if not isinstance(started, dict) or started.get("status") != "ok":
        raise ApiError("OPNsense did not start the job for %s: %r" % (name, started))

    def finished():
        status = api.get("core/firmware/upgradestatus") or {}
        if status.get("status") == "error":
            raise ApiError("the firmware job for %s failed: %s" % (name, str(status.get("log", ""))[-LOG_TAIL:]))
        return Poll(status.get("status") in ("done", "reboot"), status.get("status", ""), status.get("log", ""))

    log = wait_until(finished, params["timeout"], interval=1.0, what="the firmware job for %s" % name)
    now = _installed(api.get("core/firmware/info"), name)
    if now != wanted:
        raise ApiError("the firmware job for %s ended but the package is %sinstalled" % (name, "" if now else "not "))
    result.update(installed=now, log=str(log or "")[-LOG_TAIL:])
    return result


def main():
    module = create_module(
        "opnsense",
        dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            timeout=dict(type="int", default=600),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
