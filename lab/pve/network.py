# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Node networking (/nodes/{node}/network), staged and applied as PVE does with /etc/network/interfaces.new.

POST, PUT and DELETE on interfaces change the staged copy, which GET shows; ``PUT /nodes/{node}/network``
applies it (a ``srvreload`` task) and ``DELETE /nodes/{node}/network`` throws it away. Interfaces that are
only staged show ``active: 0``. Each node starts as a fresh install: two NICs and ``vmbr0`` on the first.
"""

from __future__ import annotations

import copy
import ipaddress

from fakepve.model import PveError
from fakepve.routing import split_list

NETWORK = "/nodes/{node}/network"
ONE_IFACE = NETWORK + "/{iface}"
NOT_OPTIONS = ("node", "iface", "delete", "digest")
BRIDGE_TYPES = ("bridge", "OVSBridge")


def _bad(field, message):
    return PveError(400, "Parameter verification failed.", {field: message})


def _address_options(values):
    """cidr is stored as PVE writes it: address and netmask (prefix length) alongside the cidr."""
    out = {}
    if values.get("cidr"):
        if values.get("address"):
            raise _bad("address", "address conflicts with cidr")
        if values.get("netmask"):
            raise _bad("netmask", "netmask conflicts with cidr")
        interface = ipaddress.ip_interface(values["cidr"])
        out.update(cidr=values["cidr"], address=str(interface.ip), netmask=str(interface.network.prefixlen))
    return out


class NodeNetworkApi:
    """Mixin of FakePve: per-node interfaces with a staged and an applied configuration."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.node_network = {}  # node -> {"applied": {iface: options}, "staged": {...} or None}

    def _routes_node_network(self):
        return [
            ("GET", NETWORK, self._net_list),
            ("POST", NETWORK, self._net_create),
            ("PUT", NETWORK, self._net_apply),
            ("DELETE", NETWORK, self._net_revert),
            ("GET", ONE_IFACE, self._net_read),
            ("PUT", ONE_IFACE, self._net_update),
            ("DELETE", ONE_IFACE, self._net_delete),
        ]

    def seed_node_network(self, node, address, gateway):
        self.node_network[node] = {
            "applied": {
                "eno1": {"type": "eth", "method": "manual", "exists": 1},
                "eno2": {"type": "eth", "method": "manual", "exists": 1},
                "vmbr0": {
                    "type": "bridge",
                    "method": "static",
                    "autostart": 1,
                    "bridge_ports": "eno1",
                    "bridge_stp": "off",
                    "bridge_fd": "0",
                    **_address_options({"cidr": address}),
                    "gateway": gateway,
                },
            },
            "staged": None,
        }

    def _net_state(self, node):
        return self.node_network.setdefault(node, {"applied": {}, "staged": None})

    def _net_view(self, node):
        state = self._net_state(node)
        return state["staged"] if state["staged"] is not None else state["applied"]

    def _net_stage(self, node):
        state = self._net_state(node)
        if state["staged"] is None:
            state["staged"] = copy.deepcopy(state["applied"])
        return state["staged"]

    def _net_item(self, node, iface, options):
        item = dict(options, iface=iface, families=["inet"], priority=sorted(self._net_view(node)).index(iface) + 1)
        item.setdefault("method", "static" if options.get("address") else "manual")
        applied = self._net_state(node)["applied"].get(iface)
        item["active"] = 1 if applied is not None else 0
        return item

    async def _net_list(self, values, user):
        node, kind = values["node"], values.get("type")
        items = [self._net_item(node, iface, opts) for iface, opts in sorted(self._net_view(node).items())]
        if kind in ("any_bridge", "any_local_bridge"):
            return [item for item in items if item["type"] in BRIDGE_TYPES]
        return [item for item in items if kind is None or item["type"] == kind]

    def _net_options(self, node, values, interfaces):
        options = {key: values[key] for key in values if key not in NOT_OPTIONS and values[key] is not None}
        options.pop("cidr", None)
        options.update(_address_options(values))
        for port in split_list(values.get("bridge_ports")):
            if port not in interfaces:
                raise _bad("bridge_ports", "interface '%s' does not exist" % port)
        if values.get("bridge_vids") is not None and not split_list(values["bridge_vids"]):
            raise _bad("bridge_vids", "VLAN list items are empty")
        return options

    async def _net_create(self, values, user):
        node, iface = values["node"], values["iface"]
        if iface in self._net_view(node):
            raise _bad("iface", "interface already exists")
        options = self._net_options(node, values, self._net_view(node))
        options["method"] = "static" if options.get("address") else "manual"
        self._net_stage(node)[iface] = options
        return None

    async def _net_read(self, values, user):
        node, iface = values["node"], values["iface"]
        if iface not in self._net_view(node):
            raise _bad("iface", "interface does not exist")
        return self._net_item(node, iface, self._net_view(node)[iface])

    async def _net_update(self, values, user):
        node, iface = values["node"], values["iface"]
        if iface not in self._net_view(node):
            raise _bad("iface", "interface does not exist")
        staged = self._net_stage(node)
        options = self._net_options(node, values, staged)
        current = staged[iface]
        for key in split_list(values.get("delete")):
            current.pop(key, None)
            if key == "cidr":
                current.pop("address", None)
                current.pop("netmask", None)
        current.update(options)
        current["method"] = "static" if current.get("address") else "manual"
        return None

    async def _net_delete(self, values, user):
        node, iface = values["node"], values["iface"]
        if iface not in self._net_view(node):
            raise _bad("iface", "interface does not exist")
        del self._net_stage(node)[values["iface"]]
        return None

    async def _net_revert(self, values, user):
        self._net_state(values["node"])["staged"] = None
        return None

    async def _net_apply(self, values, user):
        node = values["node"]
        state = self._net_state(node)

        async def body():
            if state["staged"] is not None:
                state["applied"], state["staged"] = state["staged"], None
            return None

        return await self.task(node, "srvreload", "networking", user, body)
