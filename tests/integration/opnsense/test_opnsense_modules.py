# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The OPNsense modules against the twin, on both profiles: check, apply, apply again (zero writes), check."""

from __future__ import annotations

import uuid

import pytest


def _unique(prefix):
    return "%s_%s" % (prefix, uuid.uuid4().hex[:8])


def four_steps(fw, module, **args):
    """Check mode, apply, apply again, check mode again; returns the apply result."""
    since = fw.mark()
    checked = fw.run(module, check=True, **args)
    assert not checked.get("failed"), checked.get("msg")
    assert checked["changed"] is True, checked
    assert fw.writes(since) == [], "check mode wrote"

    applied = fw.run(module, **args)
    assert not applied.get("failed"), applied.get("msg")
    assert applied["changed"] is True
    assert fw.writes(since), "apply wrote nothing"

    since = fw.mark()
    again = fw.run(module, **args)
    assert not again.get("failed"), again
    assert again["changed"] is False, again
    assert fw.writes(since) == [], "the second run wrote"

    checked_again = fw.run(module, check=True, **args)
    assert checked_again["changed"] is False, checked_again
    return applied


def test_alias_four_steps_and_set_comparison(fw):
    name = _unique("web")
    applied = four_steps(fw, "opnsense_alias", name=name, type="host", content=["10.0.0.9", "10.0.0.8"])
    assert applied["pending_services"] == ["alias"]
    uuid_ = applied["resource"]["uuid"]
    _status, item = fw.api("GET", "firewall/alias/getItem/" + uuid_)
    assert sorted(item["alias"]["content"].split("\n")) == ["10.0.0.8", "10.0.0.9"]
    assert item["alias"]["type"]["host"]["selected"] == 1
    # Order and duplicates are not a change.
    since = fw.mark()
    same = fw.run("opnsense_alias", name=name, type="host", content=["10.0.0.8", "10.0.0.9", "10.0.0.8"])
    assert same["changed"] is False and fw.writes(since) == []
    # A real difference is one set, and diff mode shows the content as a set.
    changed = fw.run("opnsense_alias", name=name, type="host", content=["10.0.0.8"])
    assert changed["changed_fields"] == ["content"]
    assert changed["diff"]["before"]["content"] == ["10.0.0.8", "10.0.0.9"]
    assert changed["diff"]["after"]["content"] == ["10.0.0.8"]
    assert [w["path"].split("?")[0] for w in fw.writes(since)] == ["/api/firewall/alias/setItem/" + uuid_]


def test_host_override_four_steps(fw267):
    fw = fw267
    host = _unique("svc").replace("_", "-")
    applied = four_steps(fw, "opnsense_host_override", hostname=host, domain="srv-home.internal", address="10.2.10.89")
    assert applied["pending_services"] == ["unbound"]
    assert fw.state()["services"]["unbound"]["pending"] is True
    result = fw.run("opnsense_apply", services=["unbound"])
    assert result["applied"] == ["unbound"]
    state = fw.state()["services"]["unbound"]
    assert state["pending"] is False
    assert any(row["hostname"] == host for row in state["applied"]["hosts"].values())


def test_vlan_four_steps_names_the_device(fw):
    tag = 100 + int(uuid.uuid4().int % 3000)
    applied = four_steps(fw, "opnsense_vlan", parent="vtnet0", tag=tag, description="zone %d" % tag)
    assert applied["resource"]["vlanif"].startswith("vlan0")


def test_rules_four_steps_one_bulk_read(fw):
    scope = _unique("scope")
    rules = [
        {
            "id": "anti-lockout",
            "band": "anti_lockout",
            "interface": ["lan"],
            "protocol": "tcp",
            "destination_net": "(self)",
            "destination_port": "443",
        },
        {
            "id": "home-to-srv",
            "interface": ["lan", "wan"],
            "source_net": "10.3.10.0/24",
            "destination_net": "10.2.10.0/24",
        },
        {
            "id": "deny-rfc1918",
            "band": "deny_default",
            "action": "block",
            "interface": ["lan"],
            "destination_net": "10.0.0.0/8",
        },
    ]
    since = fw.mark()
    applied = four_steps(fw, "opnsense_rules", scope=scope, rules=rules, purge=True)
    assert applied["rules"] == {"anti-lockout": "create", "home-to-srv": "create", "deny-rfc1918": "create"}
    searches = [r for r in fw.lab.requests(since, "opnsense") if "searchRule" in r["path"]]
    assert len(searches) == 4, "one bulk read per run, not one per rule"
    _status, found = fw.api("POST", "firewall/filter/searchRule", {"searchPhrase": "[%s]" % scope})
    sequences = {row["description"]: int(row["sequence"]) for row in found["rows"]}
    assert sequences["[%s] anti-lockout" % scope] == 1
    assert sequences["[%s] deny-rfc1918" % scope] == 1000
    assert sequences["[%s] home-to-srv" % scope] == 30000


def test_purge_keeps_foreign_rules(fw):
    scope = _unique("scope")
    _status, foreign = fw.api("POST", "firewall/filter/addRule", {"rule": {"description": "made in the GUI"}})
    _status, other = fw.api("POST", "firewall/filter/addRule", {"rule": {"description": "[other-scope] keep-me"}})
    first = fw.run("opnsense_rules", scope=scope, rules=[{"id": "a"}, {"id": "b", "action": "block"}])
    assert first["changed"] is True
    since = fw.mark()
    purged = fw.run("opnsense_rules", scope=scope, rules=[{"id": "a"}], purge=True)
    assert purged["rules"] == {"a": "none", "b": "delete"}
    assert len(fw.writes(since)) == 1 and "/delRule/" in fw.writes(since)[0]["path"]
    for kept in (foreign["uuid"], other["uuid"]):
        assert fw.api("GET", "firewall/filter/getRule/" + kept)[1] != []
    # The read-only automatic rows the filter lists (always on 26.7) are neither managed nor a problem.
    again = fw.run("opnsense_rules", scope=scope, rules=[{"id": "a"}], purge=True)
    assert again["changed"] is False


def test_validation_failure_names_the_field_and_changes_nothing(fw):
    scope = _unique("scope")
    since = fw.mark()
    result = fw.run("opnsense_rules", scope=scope, rules=[{"id": "x", "source_net": "no_such_alias"}])
    assert result["failed"] is True
    assert "rule.source_net: no_such_alias is not a valid source IP address or alias." in result["msg"]
    assert fw.writes(since) == [{**fw.writes(since)[0], "path": "/api/firewall/filter/addRule"}]
    _status, found = fw.api("POST", "firewall/filter/searchRule", {"searchPhrase": "[%s]" % scope})
    assert found["total"] == 0


def test_bad_input_fails_before_any_request(fw267):
    fw = fw267
    since = fw.mark()
    result = fw.run("opnsense_rules", scope="s", rules=[{"id": "x", "destination_port": "443"}])
    assert result["failed"] is True and result["field"] == "rules[0].protocol"
    assert fw.lab.requests(since, "opnsense") == []
    result = fw.run("opnsense_vlan", parent="vtnet0", tag=5000)
    assert result["failed"] is True and "vlan.tag" in result["msg"]


def test_alias_in_use_cannot_be_deleted(fw):
    name = _unique("used")
    fw.run("opnsense_alias", name=name, type="network", content=["10.9.0.0/24"])
    fw.run("opnsense_rules", scope=_unique("scope"), rules=[{"id": "uses-alias", "destination_net": name}])
    result = fw.run("opnsense_alias", name=name, state="absent")
    assert result["failed"] is True
    assert result["status"] == 500
    assert "Cannot delete alias %s. Currently in use by rule" % name in result["msg"]


def test_wrong_secret_is_401_and_read_only_key_is_403(fw267):
    fw = fw267
    result = fw.run(
        "opnsense_alias", name="x_auth", type="host", content=["10.0.0.1"], env={"OPNSENSE_API_SECRET": "wrong"}
    )
    assert result["failed"] is True and result["status"] == 401
    assert "Authentication Failed" in result["msg"]
    readonly = {
        "OPNSENSE_API_KEY": fw.env["OPNSENSE_LAB_READONLY_KEY"],
        "OPNSENSE_API_SECRET": fw.env["OPNSENSE_LAB_READONLY_SECRET"],
    }
    result = fw.run("opnsense_alias", name=_unique("ro"), type="host", content=["10.0.0.1"], env=readonly)
    assert result["failed"] is True and result["status"] == 403 and "Forbidden" in result["msg"]


def test_transient_fault_is_retried(fw267):
    fw = fw267
    fw.fault(path="searchItem", status=503, message="Service Unavailable", times=1)
    result = fw.run("opnsense_alias", name=_unique("retry"), type="port", content=["443"])
    assert not result.get("failed"), result
    assert result["changed"] is True


def test_apply_restores_the_recorded_rules_when_the_probe_fails(fw, tmp_path):
    scope = _unique("scope")
    snapshot = str(tmp_path / "snapshot.json")
    fw.run("opnsense_rules", scope=scope, rules=[{"id": "keep"}, {"id": "goes"}])
    fw.run("opnsense_apply", services=["filter"])
    recorded = fw.run("opnsense_apply", state="snapshot", snapshot_path=snapshot)
    assert recorded["changed"] is False and recorded["snapshot_rules"] >= 2
    before = fw.state()["services"]["filter"]["applied"]["rules"]

    fw.run(
        "opnsense_rules",
        scope=scope,
        purge=True,
        rules=[{"id": "keep", "action": "block"}, {"id": "new", "destination_net": "10.6.0.0/24"}],
    )
    fw.fault(path="^/api/core/system/status$", status=503, message="no route to host", times=1)
    result = fw.run("opnsense_apply", services=["filter"], snapshot_path=snapshot)
    assert result["failed"] is True
    assert "probe failed" in result["msg"] and "removed 1 new rule(s), re-set 2 rule(s)" in result["msg"]
    state = fw.state()["services"]["filter"]
    assert state["pending"] is False
    assert state["applied"]["rules"] == before


def test_a_service_whose_apply_failed_is_applied_by_the_next_run(fw267, tmp_path):
    """The saved change no longer differs on the next run, so only the journal knows it is not live yet."""
    fw = fw267
    snapshot = str(tmp_path / "snapshot.json")
    changed = fw.run("opnsense_alias", name=_unique("journal"), type="host", content=["10.9.9.9"])
    assert changed["pending_services"] == ["alias"]
    fw.fault(method="POST", path="/api/firewall/alias/reconfigure$", status=500, message="Internal Error", times=None)
    failed = fw.run("opnsense_apply", services=["alias", "unbound"], snapshot_path=snapshot)
    fw.clear_faults()
    assert failed["failed"] is True
    assert "HTTP 500" in failed["msg"] and "kept for the next run: alias, unbound" in failed["msg"], failed["msg"]
    assert fw.state()["services"]["alias"]["pending"] is True

    predicted = fw.run("opnsense_apply", services=[], snapshot_path=snapshot, check=True)
    assert predicted["changed"] is True and predicted["left_over"] == ["alias", "unbound"]
    since = fw.mark()
    rerun = fw.run("opnsense_apply", services=[], snapshot_path=snapshot)
    assert rerun["applied"] == ["alias", "unbound"], rerun
    assert fw.state()["services"]["alias"]["pending"] is False
    assert not (tmp_path / "snapshot.json.pending").exists()
    assert [entry["path"] for entry in fw.writes(since)] == [
        "/api/firewall/alias/reconfigure",
        "/api/unbound/service/reconfigure",
    ]
    since = fw.mark()
    assert fw.run("opnsense_apply", services=[], snapshot_path=snapshot)["changed"] is False
    assert fw.lab.requests(since, "opnsense") == []


def test_apply_with_nothing_pending_makes_no_request(fw267):
    fw = fw267
    since = fw.mark()
    result = fw.run("opnsense_apply", services=[])
    assert result["changed"] is False
    assert fw.lab.requests(since, "opnsense") == []


@pytest.mark.parametrize("profile", ["26.1", "26.7"])
def test_profile_differences(request, profile):
    fw = request.getfixturevalue("fw261" if profile == "26.1" else "fw267")
    status, data = fw.api("POST", "firewall/filter/savepoint")
    _status_plain, rows = fw.api("GET", "firewall/filter/searchRule")
    status_assign, assign = fw.api("GET", "interfaces/assignment/searchItem")
    _status, added = fw.api("POST", "firewall/alias/addItem", {"alias": {"name": _unique("p"), "type": "host"}})
    _status, item = fw.api("GET", "firewall/alias/getItem/" + added["uuid"])
    if profile == "26.1":
        assert status == 200 and data["status"] == "ok" and "revision" in data
        assert not any(row.get("legacy") for row in rows["rows"])
        assert status_assign == 404
        assert "%type" not in item["alias"]
    else:
        assert status == 404 and data == {"errorMessage": "Endpoint not found"}
        assert any(row.get("legacy") for row in rows["rows"])
        assert status_assign == 200 and {"lan", "wan"} <= {row["identifier"] for row in assign["rows"]}
        assert item["alias"]["%type"] == "Host(s)"


def test_twin_refuses_what_opnsense_refuses(fw267):
    fw = fw267
    status, data = fw.api("POST", "firewall/alias/addItem", {"alias": {"name": ["a"], "type": "host"}})
    assert status == 500 and data == {"errorMessage": "Unexpected error, check log for details"}
    status, data = fw.api("POST", "firewall/alias/addItem", {"alias": {"name": "bad name!", "type": "hostx"}})
    assert status == 200 and data["result"] == "failed"
    assert data["validations"]["alias.type"] == "Option not in list."
    assert data["validations"]["alias.name"].startswith("The name must be less than 32 characters")
    status, data = fw.api("POST", "firewall/filter/addRule", {"rule": {"enabled": False}})
    assert data["validations"] == {"rule.enabled": "A value is required."}
    revision = fw.state()["revision"]
    status, data = fw.api("POST", "firewall/filter/addRule", {"rule": {"description": "rev"}})
    fw.api("POST", "firewall/filter/setRule/" + data["uuid"], {"rule": {"description": "rev"}})
    assert fw.state()["revision"] == revision + 2, "an identical set still saves a revision"
