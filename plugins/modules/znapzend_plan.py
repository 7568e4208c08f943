#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: znapzend_plan
short_description: The znapzend backup plan of a dataset, stored as znapzend stores it
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Manages the znapzend configuration of a source dataset, which znapzend keeps in local C(org.znapzend:*) user
    properties of that dataset (C(enabled), C(recursive), C(src_plan), C(tsformat), C(pre_znap_cmd),
    C(post_znap_cmd), C(mbuffer), C(mbuffer_size), C(zend_delay) and per destination C(dst_<key>),
    C(dst_<key>_plan), C(dst_<key>_precmd), C(dst_<key>_pstcmd), C(dst_<key>_enabled), C(dst_<key>_autocreation),
    C(dst_<key>_mbuffer), C(dst_<key>_mbuffer_size)).
  - Plans are validated and normalised exactly as C(znapzendzetup) does (units, C(m) is a month, a retention not
    shorter than its interval, no retention twice, lower case), so C(7d=>1h) and C(7days=>1hours) are the same plan.
  - Only properties that differ are set (one C(zfs set) each) and local C(org.znapzend:*) properties that are no
    longer wanted, such as a destination removed from O(destinations) or added by hand, are inherited away.
  - The znapzend daemon reads its plans only at start and on SIGHUP; RV(reload_needed) says when to reload it.
  - Runs the C(zfs) command of the node; it is not an API module and has no action group. znapzend itself does
    not need to be installed for the module to work, only for the plan to run.
options:
  name:
    description: The source dataset.
    type: str
    required: true
  state:
    description: C(absent) removes every local C(org.znapzend:*) property of the dataset; snapshots are kept.
    type: str
    choices: [present, absent]
    default: present
  plan:
    description:
      - The source plan C(retention=>interval[,...]), for example C(7d=>1h,30d=>1d,1y=>1w). Required with
        O(state=present).
    type: str
  enabled:
    description: Whether znapzend runs this plan.
    type: bool
    default: true
  recursive:
    description: Snapshot and send the dataset's children too.
    type: bool
    default: false
  tsformat:
    description:
      - The snapshot name format (strftime); it needs C(%Y %m %d %H %M %S) so znapzend can read times back.
    type: str
    default: "%Y-%m-%d-%H%M%S"
  pre_snap_command:
    description: Command run before each snapshot, or C(off). Its first word must be an executable on the node.
    type: str
    default: "off"
  post_snap_command:
    description: Command run after each snapshot, or C(off). Its first word must be an executable on the node.
    type: str
    default: "off"
  mbuffer:
    description: Path of mbuffer on the sending side, C(path:port) for a direct TCP stream, or C(off).
    type: str
    default: "off"
  mbuffer_size:
    description: mbuffer memory, digits with an optional C(b), C(k), C(M), C(G) or C(%).
    type: str
    default: 1G
  send_delay:
    description: Seconds to wait after the snapshot before sending (C(zend_delay)); unset leaves the key out.
    type: int
  destinations:
    description:
      - The destinations by key. Keys use lower-case letters, digits, C(.) and C(-) only (znapzend splits property
        names on C(_)); the convention is C(a), C(b), ...
      - Each value has C(dataset) (a local dataset or C([user@]host:dataset)), C(plan), and optionally
        C(pre_send_command), C(post_send_command), C(enabled) (default true), C(autocreation) (unset leaves the
        daemon's C(--autoCreation) setting in charge), C(mbuffer) and C(mbuffer_size).
    type: dict
    default: {}
attributes:
  check_mode:
    description: Reports the properties it would set or inherit without running anything.
    support: full
  diff_mode:
    description: Returns the local C(org.znapzend:*) properties as C(before) and C(after).
    support: full
  idempotent:
    description: A second run with the same options reports no change and runs no C(zfs set) or C(zfs inherit).
    support: full
  platform:
    description: Runs on the node that owns the source dataset.
    support: full
    platforms: posix
notes:
  - Checks that C(znapzendzetup) only warns about (a missing destination dataset, a missing mbuffer binary) are
    not made; the daemon reports them when it runs.
seealso:
  - module: tappaas.platform.zfs_snapshot_info
  - name: znapzendzetup manual
    description: The reference for the properties and the plan syntax.
    link: https://github.com/oetiker/znapzend/blob/master/doc/znapzendzetup.pod
"""

EXAMPLES = r"""
- name: Hourly snapshots kept a week, replicated to tank2 and kept there for a year
  tappaas.platform.znapzend_plan:
    name: tank1/data/postgresql
    plan: 7d=>1h,30d=>1d
    destinations:
      a:
        dataset: tank2/replica/postgresql
        plan: 7d=>1h,30d=>1d,1y=>1w
  notify: Reload znapzend

- name: An off-site copy over ssh, not created automatically
  tappaas.platform.znapzend_plan:
    name: tank1/data/nextcloud
    plan: 2d=>1h
    destinations:
      offsite:
        dataset: backup@offsite.example.org:pool/nextcloud
        plan: 90d=>1d
        autocreation: false

- name: Stop managing a dataset with znapzend
  tappaas.platform.znapzend_plan:
    name: tank1/data/old
    state: absent
"""

RETURN = r"""
properties:
  description: The local org.znapzend properties after the run (the wanted ones, in check mode).
  returned: always
  type: dict
  sample: {"org.znapzend:enabled": "on", "org.znapzend:src_plan": "7days=>1hours,30days=>1days"}
set:
  description: The properties set (or to set), with their values.
  returned: always
  type: dict
  sample: {"org.znapzend:src_plan": "7days=>1hours"}
inherited:
  description: The local properties removed (or to remove).
  returned: always
  type: list
  elements: str
  sample: ["org.znapzend:dst_old", "org.znapzend:dst_old_plan"]
reload_needed:
  description: Whether the znapzend daemon must be reloaded (SIGHUP, C(systemctl reload znapzend)) to see the change.
  returned: always
  type: bool
  sample: true
commands:
  description: The commands that changed something, in the order they ran (empty on a run without change).
  returned: always
  type: list
  elements: list
  sample: [[zfs, set, "org.znapzend:src_plan=7days=>1hours", tank1/data/postgresql]]
"""

import os
import shutil

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_module import run_zfs_module, zfs_client
from ansible_collections.tappaas.platform.plugins.module_utils.zfs_znapzend import (
    desired_properties,
    local_znapzend_properties,
    plan_znapzend_changes,
)

_DESTINATION_OPTIONS = frozenset(
    ("dataset", "plan", "pre_send_command", "post_send_command", "enabled", "autocreation", "mbuffer", "mbuffer_size")
)


def is_executable(word):
    """znapzendzetup's check: the command's first word is an executable file (searched on PATH if bare)."""
    if os.sep in word:
        return os.path.isfile(word) and os.access(word, os.X_OK)
    return shutil.which(word) is not None


def _check_destination_options(destinations):
    for key, options in (destinations or {}).items():
        if not isinstance(options, dict):
            raise InvalidInput("destinations.%s" % key, "must be a dictionary with dataset and plan")
        unknown = sorted(set(options) - _DESTINATION_OPTIONS)
        if unknown:
            raise InvalidInput(
                "destinations.%s.%s" % (key, unknown[0]),
                "unknown option (use %s)" % ", ".join(sorted(_DESTINATION_OPTIONS)),
            )
        for flag in ("enabled", "autocreation"):
            if options.get(flag) is not None and not isinstance(options[flag], bool):
                raise InvalidInput("destinations.%s.%s" % (key, flag), "must be true or false")


def run(module, client):
    params = module.params
    name = params["name"]
    if params["state"] == "present":
        if not params["plan"]:
            raise InvalidInput("plan", "is required when state is present")
        _check_destination_options(params["destinations"])
        desired = desired_properties(params, is_executable=is_executable)
    else:
        desired = {}
    current = client.properties(name)
    if current is None:
        raise InvalidInput("name", "dataset %s does not exist" % name)
    local = local_znapzend_properties(current)
    to_set, to_inherit = plan_znapzend_changes(desired, local)
    changed = bool(to_set or to_inherit)
    after = dict((prop, value) for prop, value in sorted(local.items()) if prop not in to_inherit)
    after.update(dict(to_set))
    result = {
        "changed": changed,
        "reload_needed": changed,
        "set": dict(to_set),
        "inherited": to_inherit,
        "properties": after,
    }
    if module._diff:
        result["diff"] = {"before": dict(sorted(local.items())), "after": dict(sorted(after.items()))}
    if not module.check_mode:
        for prop, value in to_set:
            client.set(name, prop, value)
        for prop in to_inherit:
            client.inherit(name, prop)
    return result


def main():
    module = AnsibleModule(
        argument_spec=dict(
            name=dict(type="str", required=True),
            state=dict(type="str", choices=["present", "absent"], default="present"),
            plan=dict(type="str"),
            enabled=dict(type="bool", default=True),
            recursive=dict(type="bool", default=False),
            tsformat=dict(type="str", default="%Y-%m-%d-%H%M%S"),
            pre_snap_command=dict(type="str", default="off"),
            post_snap_command=dict(type="str", default="off"),
            mbuffer=dict(type="str", default="off"),
            mbuffer_size=dict(type="str", default="1G"),
            send_delay=dict(type="int"),
            destinations=dict(type="dict", default={}),
        ),
        supports_check_mode=True,
    )
    client = zfs_client(module)
    run_zfs_module(module, client, lambda: run(module, client))


if __name__ == "__main__":
    main()
