# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Glue between OPNsense controllers and the resource engine, and the connection a module opens.

ControllerResource reads from the controller's one bulk search, so ensuring any number of resources of a kind
costs one read; writes go through add/set/del and keep that cache current.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import http_client_kwargs
from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_client import (
    OpnsenseApi,
    OpnsenseHttpClient,
    encode_value,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceApi

# Service -> the POST that applies its pending changes (reference B4).
APPLY_PATHS = {
    "filter": "firewall/filter/apply",
    "alias": "firewall/alias/reconfigure",
    "vlan": "interfaces/vlan_settings/reconfigure",
    "unbound": "unbound/service/reconfigure",
    "kea": "kea/service/reconfigure",
    "caddy": "caddy/service/reconfigure",
    "assignment": "interfaces/assignment/reconfigure",
}


def connect(params, **overrides):
    """An OpnsenseApi for a module's connection parameters."""
    kwargs = http_client_kwargs("opnsense", params)
    kwargs.update(overrides)
    return OpnsenseApi(OpnsenseHttpClient(**kwargs), known_version=params.get("known_version"))


def newline_list(value):
    """Alias content and Kea pools: newline-separated in the API, a list for the user."""
    if isinstance(value, str):
        return [line.strip() for line in value.split("\n") if line.strip()]
    return value


class ControllerResource(ResourceApi):
    """ResourceApi over one OPNsense controller. `encoders` turn a normalised value into the API's scalar."""

    def __init__(self, controller, descriptor, encoders=None):
        self.controller = controller
        self.encoders = encoders or {}
        # API name -> Field, so keys are compared normalised (a MAC in either case, a set in any order).
        self.fields = {field.api_name: field for field in descriptor.fields.values()}

    def _encode(self, payload):
        encoded = {}
        for key, value in payload.items():
            encoder = self.encoders.get(key)
            encoded[key] = encoder(value) if encoder else encode_value(value)
        return encoded

    def _matches(self, row, key):
        for name, value in key.items():
            field = self.fields.get(name)
            try:
                have = field.value(row.get(name)) if field is not None else row.get(name)
            except (TypeError, ValueError):
                return False
            if have != value:
                return False
        return True

    def read(self, key):
        found = [row for row in self.controller.rows().values() if self._matches(row, key)]
        if len(found) > 1:
            raise ApiError(
                "%d objects match %r in %s; remove the duplicates first" % (len(found), key, self.controller.base)
            )
        return found[0] if found else None

    def create(self, payload):
        return self.controller.add(self._encode(payload))

    def update(self, current, payload):
        self.controller.set(current["uuid"], self._encode(payload))
        updated = dict(current)
        updated.update(self._encode(payload))
        return updated

    def delete(self, current):
        self.controller.delete(current["uuid"])


def module_result(result, service):
    """An engine Result as module output, saying which service has changes waiting for opnsense_apply."""
    output = result.as_module_result()
    output["pending_services"] = [service] if result.changed else []
    return output


class SettingsResource(ResourceApi):
    """ResourceApi over a settings node: it always exists, so only update applies; `key_name` is a pseudo key."""

    def __init__(self, node, key_name, encoders=None):
        self.node = node
        self.key_name = key_name
        self.encoders = encoders or {}

    def read(self, key):
        return dict(self.node.read(), **{self.key_name: key[self.key_name]})

    def create(self, payload):
        raise ApiError("%s/%s always exists; it cannot be created" % (self.node.base, self.node.node))

    def update(self, current, payload):
        values = {
            key: (self.encoders[key](value) if key in self.encoders else encode_value(value))
            for key, value in payload.items()
        }
        self.node.set(values)
        return dict(current, **values)

    def delete(self, current):
        raise ApiError("%s/%s cannot be removed" % (self.node.base, self.node.node))
