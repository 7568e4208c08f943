# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Ansible side of the ZFS modules: a runner over AnsibleModule.run_command and the error mapping.

ZFS modules are not API modules: they run on the node itself and call the zfs/zpool CLIs, so they have no
connection options and no action group.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput, TappaasError
from ansible_collections.tappaas.platform.plugins.module_utils.zfs import ZfsClient, ZfsError


def module_runner(module):
    """A runner for ZfsClient; LC_ALL=C keeps the messages the client classifies in English."""

    def run(argv):
        return module.run_command(argv, environ_update={"LC_ALL": "C", "LANG": "C"})

    return run


def zfs_client(module):
    return ZfsClient(module_runner(module))


def run_zfs_module(module, client, operation):
    """Exit with operation()'s result; a failure says which commands had already run, so nothing is hidden."""
    try:
        result = operation()
    except InvalidInput as exc:
        module.fail_json(msg=str(exc), field=exc.field_path, commands=client.writes)
    except ZfsError as exc:
        ran = [" ".join(argv) for argv in client.writes[:-1]]
        msg = str(exc)
        if ran:
            msg += " (already done before it: %s)" % "; ".join(ran)
        module.fail_json(msg=msg, rc=exc.rc, stderr=exc.stderr, command=exc.command, commands=client.writes)
    except TappaasError as exc:
        module.fail_json(msg=str(exc), commands=client.writes)
    result.setdefault("commands", client.writes)
    module.exit_json(**result)
