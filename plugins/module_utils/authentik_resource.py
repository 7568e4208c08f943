# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The resource engine's ResourceApi for authentik collections, and the module result helpers they share."""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi


class CollectionApi(ResourceApi):
    """One authentik collection: found by an exact filter on its natural key, changed by PATCH on its URL key.

    `url_key` names the field that goes into detail URLs (pk, slug or identifier). Reads are remembered per key,
    so a module that needs the current object before calling the engine does not cost a second request.
    """

    def __init__(self, client, path, key_field, url_key="pk", filter_name=None, list_params=None, patch_always=None):
        self.client = client
        self.path = path
        self.key_field = key_field
        self.url_key = url_key
        self.filter_name = filter_name
        self.list_params = dict(list_params or {})
        # Fields sent with every PATCH because authentik validates a partial body as if they were missing.
        self.patch_always = tuple(patch_always or ())
        self._read_cache = {}

    def read(self, key):
        value = key[self.key_field]
        if value not in self._read_cache:
            self._read_cache[value] = self.client.find(
                self.path,
                self.key_field,
                value,
                filter_name=self.filter_name,
                case_insensitive=bool(self.filter_name and self.filter_name.endswith("__iexact")),
                **self.list_params,
            )
        return self._read_cache[value]

    def create(self, payload):
        return self.client.post(self.path, body=payload)

    def update(self, current, payload):
        body = dict(payload)
        for name in self.patch_always:
            if name not in body and name in current:
                body[name] = current[name]
        return self.client.patch(self.path, current[self.url_key], body=body)

    def delete(self, current):
        self.client.delete(self.path, current[self.url_key])


def merge_results(*parts):
    """One module result from (label, Result) pairs: changed if any part changed, diffs side by side."""
    changed = False
    before, after = {}, {}
    for label, result in parts:
        if result is None:
            continue
        changed = changed or result.changed
        before[label] = result.diff["before"]
        after[label] = result.diff["after"]
    return changed, {"before": before, "after": after}
