# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The router's answers on both profiles, and how the client reports them.

26.1 and 26.7 share the 24.7+ router: an unknown endpoint and an action missing its required uuid are both 404
"Endpoint not found" (the 400 "controller ... not found" answer is the Phalcon router of 24.1 and earlier). What
differs is which endpoints exist: savepoints on 26.1 only, interface assignment on 26.7 only.
"""

from __future__ import annotations

import uuid

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_client import (
    ASSIGNMENT_API_VERSION,
    EndpointNotFound,
    OpnsenseApi,
    OpnsenseHttpClient,
)

NOT_FOUND = {"errorMessage": "Endpoint not found"}


def client_for(fw):
    env = fw.env
    http = OpnsenseHttpClient(
        "https://%s:%s/api" % (env["OPNSENSE_HOST"], env["OPNSENSE_PORT"]),
        user=env["OPNSENSE_API_KEY"],
        password=env["OPNSENSE_API_SECRET"],
        ca_path=env["OPNSENSE_CA_PATH"],
        retries=0,
    )
    return OpnsenseApi(http)


@pytest.mark.parametrize(
    "path",
    [
        "firewall/no_such_controller/searchItem",  # unknown controller
        "firewall/alias/searchNothing",  # unknown action
        "firewall/alias/setItem",  # setItemAction($uuid): the uuid is required
        "firewall/alias/delItem",
        "firewall/alias/toggleItem",
        "firewall/filter/setRule",
    ],
)
def test_unknown_endpoints_and_missing_uuids_are_404_on_both(fw, path):
    revision = fw.state()["revision"]
    status, data = fw.api("POST", path, {"alias": {"name": "x"}, "rule": {"description": "x"}})
    assert (status, data) == (404, NOT_FOUND)
    assert fw.state()["revision"] == revision, "a refused call saves nothing"


def test_missing_objects_are_200_answers_on_both(fw):
    absent = str(uuid.uuid4())
    assert fw.api("GET", "firewall/alias/getItem/" + absent) == (200, [])
    assert fw.api("POST", "firewall/alias/delItem/" + absent) == (200, {"result": "not found"})
    assert fw.api("POST", "firewall/alias/toggleItem/" + absent) == (200, {"result": "failed"})
    status, template = fw.api("GET", "firewall/alias/getItem")  # no uuid: the blank template, not a 404
    assert status == 200 and template["alias"]["enabled"] == "1"


def test_which_endpoints_exist_differs(fw):
    savepoint = fw.api("POST", "firewall/filter/savepoint")
    cancel_without_revision = fw.api("POST", "firewall/filter/cancelRollback")
    assignment = fw.api("GET", "interfaces/assignment/searchItem")
    set_without_name = fw.api("POST", "interfaces/assignment/setItem", {"interface": {"descr": "x"}})
    # 26.7's applyAction() takes no revision; PHP ignores the extra parameter, so it is a plain apply there.
    apply_with_revision = fw.api("POST", "firewall/filter/apply/1700000000.12")
    assert apply_with_revision[0] == 200 and apply_with_revision[1]["status"].strip() == "OK"
    if fw.profile == "26.1":
        assert savepoint[0] == 200 and savepoint[1]["status"] == "ok"
        assert cancel_without_revision == (404, NOT_FOUND)
        assert assignment == (404, NOT_FOUND) and set_without_name == (404, NOT_FOUND)
    else:
        assert savepoint == (404, NOT_FOUND) and cancel_without_revision == (404, NOT_FOUND)
        assert assignment[0] == 200 and set_without_name == (404, NOT_FOUND)


def test_user_exceptions_carry_error_level_from_26_7(fw):
    name = "inuse_%s" % uuid.uuid4().hex[:8]
    _status, alias = fw.api(
        "POST", "firewall/alias/addItem", {"alias": {"name": name, "type": "host", "content": "10.9.9.9"}}
    )
    fw.api("POST", "firewall/filter/addRule", {"rule": {"description": "uses " + name, "source_net": name}})
    status, data = fw.api("POST", "firewall/alias/delItem/" + alias["uuid"])
    assert status == 500 and data["errorMessage"].startswith("Cannot delete alias %s." % name)
    assert ("errorLevel" in data) is (fw.profile == "26.7")


def test_client_reports_a_missing_endpoint_with_the_path_and_the_api_message(fw):
    api = client_for(fw)
    missing = "firewall/filter/savepoint" if fw.profile == "26.7" else "interfaces/assignment/searchItem"
    with pytest.raises(EndpointNotFound) as caught:
        api.post(missing) if "savepoint" in missing else api.get(missing)
    message = str(caught.value)
    assert "api/%s" % missing in message and "Endpoint not found" in message and caught.value.status == 404
    with pytest.raises(EndpointNotFound):
        api.post("firewall/alias/delItem")  # a uuid left out is the same 404, reported the same way
    # A missing object is no error: get gives None, delete is already done.
    controller = api.controller("firewall/alias", "Item", "alias")
    absent = str(uuid.uuid4())
    assert controller.get(absent) is None
    controller.delete(absent)


def test_client_detects_the_release_once(fw):
    api = client_for(fw)
    assert api.at_least(ASSIGNMENT_API_VERSION) is (fw.profile == "26.7")
    assert api.detect_version().startswith(fw.profile + ".")
    assert api.client.request_count == 1


def test_interface_module_on_26_1_refuses_before_touching_anything(fw261):
    fw = fw261
    since = fw.mark()
    result = fw.run("opnsense_interface", device="vlan0999", description="zone")
    assert result["failed"] is True
    assert "OPNsense 26.1.11 has no interface assignment API (it arrived in 26.7)" in result["msg"]
    assert "assign_interfaces_ssh.yml" in result["msg"]
    asked = [entry["path"] for entry in fw.lab.requests(since, "opnsense")]
    assert asked == ["/api/core/firmware/info"], "decided by the release, with no probe of the missing endpoint"


def test_snapshot_reports_the_release_for_the_network_role(fw, tmp_path):
    result = fw.run("opnsense_apply", state="snapshot", snapshot_path=str(tmp_path / "snap.json"))
    assert result.get("failed") is not True, result
    assert result["product_version"].startswith(fw.profile + ".")
