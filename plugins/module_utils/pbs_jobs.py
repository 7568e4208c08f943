# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""PBS prune, verify and sync jobs for the resource engine: one descriptor per type, one adapter.

A prune job's keep options are one value for the engine, ``retention`` (``keep-daily=7,keep-last=3`` in PBS's
order), so a rule dropped from the policy is deleted on the server instead of lingering.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.backup_retention import KEEP_OPTIONS, keep_rules
from ansible_collections.tappaas.platform.plugins.module_utils.pbs_resources import PbsConfigApi
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor

JOB_KINDS = {"prune": "prune", "verify": "verify", "sync": "sync"}


def retention_text(rules):
    """The canonical spelling of keep rules: keep-last=3,keep-daily=7 in PBS's order."""
    rules = keep_rules(rules) if isinstance(rules, dict) else rules
    if isinstance(rules, str):
        rules = {part.split("=")[0]: int(part.split("=")[1]) for part in rules.split(",") if part}
    return ",".join(f"{name}={rules[name]}" for name in KEEP_OPTIONS if name in rules)


def _group_filter(value):
    items = value if isinstance(value, list) else [value]
    return sorted(str(item) for item in items)


_COMMON = [
    Field("id"),
    Field("store", create_only=True),
    Field("schedule"),
    Field("ns"),
    Field("max_depth", api_name="max-depth", kind="int"),
    Field("comment"),
]

DESCRIPTORS = {
    "prune": ResourceDescriptor(
        "prune job",
        "id",
        [*_COMMON, Field("retention", normalise=retention_text), Field("disable", kind="bool")],
        endpoint="/config/prune",
    ),
    "verify": ResourceDescriptor(
        "verify job",
        "id",
        [
            *_COMMON,
            Field("ignore_verified", api_name="ignore-verified", kind="bool"),
            Field("outdated_after", api_name="outdated-after", kind="int"),
        ],
        endpoint="/config/verify",
    ),
    "sync": ResourceDescriptor(
        "sync job",
        "id",
        [
            *_COMMON,
            Field("remote"),
            Field("remote_store", api_name="remote-store"),
            Field("remote_ns", api_name="remote-ns"),
            Field("remove_vanished", api_name="remove-vanished", kind="bool"),
            Field("sync_direction", api_name="sync-direction", create_only=True),
            Field("group_filter", api_name="group-filter", normalise=_group_filter, kind="list"),
            Field("transfer_last", api_name="transfer-last", kind="int"),
            Field("owner"),
        ],
        endpoint="/config/sync",
    ),
}


class JobApi(PbsConfigApi):
    """A job under /config/<type>; a prune job's keep options travel as one ``retention`` value."""

    def __init__(self, client, job_type):
        super().__init__(client, JOB_KINDS[job_type], "id", fixed=("store", "sync-direction"))
        self.job_type = job_type

    def read(self, key):
        data = super().read(key)
        if data is not None and self.job_type == "prune":
            data["retention"] = retention_text({name: data[name] for name in KEEP_OPTIONS if name in data})
        if data is not None and self.job_type == "sync":
            data.setdefault("sync-direction", "pull")
        return data

    def _expand(self, payload, current=None):
        payload = dict(payload)
        if "retention" in payload:
            rules = keep_rules(dict(part.split("=") for part in payload.pop("retention").split(",") if part))
            for name in KEEP_OPTIONS:
                if name in rules:
                    payload[name] = rules[name]
                elif current is not None and name in current:
                    payload[name] = None  # dropped from the policy: delete it on the server
        return payload

    def create(self, payload):
        return super().create(self._expand(payload))

    def update(self, current, payload):
        return super().update(current, self._expand(payload, current))
