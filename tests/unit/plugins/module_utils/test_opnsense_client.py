# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_client import (
    OpnsenseApi,
    OpnsenseHttpClient,
    ValidationFailed,
    encode,
    flatten_item,
    version_tuple,
)
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import ControllerResource
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor


class FakeClient:
    """Answers requests from a table of (method, path) -> data and records them."""

    def __init__(self, answers):
        self.answers = answers
        self.calls = []

    def request(self, method, path, params=None, json_body=None):
        self.calls.append((method, path, params, json_body))

        class Answer:
            data = self.answers[(method, path)]

        return Answer()


INFO = {("GET", "core/firmware/info"): {"product_version": "26.7.2"}}


def test_values_are_sent_as_scalars_never_lists():
    assert encode({"enabled": True, "off": False, "interface": ["lan", "opt1"], "tag": 10, "none": None}) == {
        "enabled": "1",
        "off": "0",
        "interface": "lan,opt1",
        "tag": "10",
        "none": "",
    }


def test_get_answers_flatten_to_search_rows():
    item = {
        "enabled": "1",
        "interface": {"lan": {"value": "LAN", "selected": 1}, "opt1": {"value": "DMZ", "selected": 1}},
        "gateway": {"": {"value": "None", "selected": 1}, "WAN_GW": {"value": "WAN", "selected": 0}},
        "%interface": "LAN,DMZ",
        "option_data": {"routers": "10.0.0.1"},
    }
    expected = {"enabled": "1", "interface": "lan,opt1", "gateway": "", "option_data.routers": "10.0.0.1"}
    assert flatten_item(item) == expected


def test_bulk_read_once_drops_automatic_rows_and_display_keys():
    rows = [
        {"uuid": "u1", "description": "[net] a", "interface": "lan", "%interface": "LAN"},
        {"uuid": "0f5b", "legacy": True, "description": "Anti-Lockout Rule"},
    ]
    client = FakeClient({**INFO, ("GET", "firewall/filter/searchRule"): {"rows": rows, "total": 2}})
    controller = OpnsenseApi(client).controller("firewall/filter", "Rule", "rule")
    assert controller.find({"description": "[net] a"}) == [{"uuid": "u1", "description": "[net] a", "interface": "lan"}]
    assert controller.find({"description": "Anti-Lockout Rule"}) == []
    assert [call[1] for call in client.calls] == ["core/firmware/info", "firewall/filter/searchRule"]


def test_old_releases_are_refused_by_version():
    client = FakeClient({("GET", "core/firmware/info"): {"product_version": "25.1.12"}})
    with pytest.raises(ApiError, match=r"25\.1\.12 is not supported"):
        OpnsenseApi(client).controller("firewall/alias", "Item", "alias").rows()
    assert version_tuple("26.7.2_1") == (26, 7)


def test_a_known_release_saves_the_probe_but_must_still_be_supported():
    rows = {("GET", "firewall/alias/searchItem"): {"rows": [], "total": 0}}
    client = FakeClient(rows)
    api = OpnsenseApi(client, known_version="26.1.4")
    api.controller("firewall/alias", "Item", "alias").rows()
    assert [call[1] for call in client.calls] == ["firewall/alias/searchItem"]
    assert api.detect_version() == "26.1.4" and not api.at_least((26, 7))
    with pytest.raises(ApiError, match=r"25\.1\.12 is not supported"):
        OpnsenseApi(FakeClient(rows), known_version="25.1.12")
    with pytest.raises(InvalidInput) as caught:
        OpnsenseApi(FakeClient(rows), known_version="latest")
    assert caught.value.field_path == "known_version"


def test_validation_failures_list_every_field_with_the_api_message():
    failed = {"result": "failed", "validations": {"alias.type": "Option not in list.", "alias.name": ["A", "B"]}}
    client = FakeClient({**INFO, ("POST", "firewall/alias/addItem"): failed})
    controller = OpnsenseApi(client).controller("firewall/alias", "Item", "alias")
    with pytest.raises(ValidationFailed) as caught:
        controller.add({"name": "x", "type": "nope"})
    assert str(caught.value).endswith("validation failed: alias.name: A / B; alias.type: Option not in list.")
    assert caught.value.validations["alias.type"] == "Option not in list."


def test_a_saved_item_is_read_back_by_its_uuid():
    client = FakeClient(
        {
            ("POST", "interfaces/vlan_settings/addItem"): {"result": "saved", "uuid": "u9"},
            ("GET", "interfaces/vlan_settings/getItem/u9"): {"vlan": {"tag": "210", "vlanif": "vlan01"}},
        }
    )
    descriptor = ResourceDescriptor("VLAN", "tag", [Field("tag", kind="int")])
    resource = ControllerResource(
        OpnsenseApi(client).controller("interfaces/vlan_settings", "Item", "vlan"), descriptor
    )
    assert resource.create({"tag": 210}) == {"tag": "210", "vlanif": "vlan01", "uuid": "u9"}
    assert client.calls[0][3] == {"vlan": {"tag": "210"}}


def test_an_unreadable_new_item_is_an_error():
    client = FakeClient(
        {
            ("POST", "firewall/alias/addItem"): {"result": "saved", "uuid": "u1"},
            ("GET", "firewall/alias/getItem/u1"): [],
        }
    )
    with pytest.raises(ApiError, match="cannot be read back"):
        OpnsenseApi(client).controller("firewall/alias", "Item", "alias").add({"name": "x"})


@pytest.mark.parametrize(
    ("status", "data", "message", "transient"),
    [
        (500, {"errorMessage": "Cannot delete alias x. In use"}, "Cannot delete alias x. In use", False),
        (500, {"errorMessage": "Unable to obtain config lock"}, "Unable to obtain config lock", True),
        (401, {"status": 401, "message": "Authentication Failed"}, "Authentication Failed", False),
        (503, None, "", True),
    ],
)
def test_error_messages_and_transient_faults(status, data, message, transient):
    client = OpnsenseHttpClient("https://fw/api")
    assert client.extract_message(status, data, "") == message
    assert client.is_transient(status, message, data) is transient
