# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""authentik_user and authentik_token against the twin; inspection through the pinned authentik-client."""

from __future__ import annotations

import json
import uuid

import pytest

authentik_client = pytest.importorskip("authentik_client")
from authentik_client.api import CoreApi  # noqa: E402


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def test_user_four_steps_with_groups_and_a_password(oracle, four_steps, run_module, lab):
    team = unique("team")
    run_module("authentik_group", {"name": team})
    username = unique("alice")
    args = {
        "username": username,
        "name": "Alice",
        "email": "alice@lab.example",
        "groups": [team],
        "attributes": {"home": "lab"},
        "password": "correct horse battery staple",
    }
    mark = lab.mark()
    applied, repeated = four_steps("authentik_user", args)
    assert "correct horse" not in json.dumps(applied) + json.dumps(repeated)
    paths = [entry["path"] for entry in lab.writes(mark, "authentik")]
    assert paths[0] == "/api/v3/core/users/" and paths[1].endswith("/set_password/")
    user = CoreApi(oracle).core_users_list(username=username).results[0]
    assert [g.name for g in user.groups_obj] == [team] and user.email == "alice@lab.example"


def test_password_always_is_sent_every_run(run_module, lab):
    username = unique("bob")
    run_module("authentik_user", {"username": username, "password": "one"})
    mark = lab.mark()
    result = run_module("authentik_user", {"username": username, "password": "two", "update_password": "always"})
    assert result["changed"] and result["changed_fields"] == ["password"]
    assert [entry["path"].rsplit("/", 2)[-2] for entry in lab.writes(mark, "authentik")] == ["set_password"]
    assert "two" not in json.dumps(result["diff"])


def test_service_account_and_deactivation(oracle, run_module):
    username = unique("svc")
    created = run_module("authentik_user", {"username": username, "type": "service_account", "path": "tappaas/svc"})
    assert created["changed"] and created["user"]["type"] == "service_account"
    assert run_module("authentik_user", {"username": username, "active": False})["changed"]
    assert CoreApi(oracle).core_users_list(username=username).results[0].is_active is False
    assert run_module("authentik_user", {"username": username, "state": "absent"})["changed"]
    assert CoreApi(oracle).core_users_list(username=username).results == []


def test_token_four_steps_with_a_key_from_the_vault(oracle, four_steps, raw_api):
    identifier = unique("automation")
    args = {"identifier": identifier, "user": "akadmin", "expiring": False, "key": "vault-key-" + identifier}
    applied = four_steps("authentik_token", args)[0]
    assert "vault-key" not in json.dumps(applied)
    token = CoreApi(oracle).core_tokens_list(identifier=identifier).results[0]
    assert token.expiring is False and token.intent.value == "api"
    # The key authenticates against the API: the token is usable for automation.
    assert raw_api.call("GET", "/api/v3/core/users/me/", token="vault-key-" + identifier)[0] == 200


def test_token_key_is_replaced_only_when_it_differs(run_module, lab):
    identifier = unique("rotate")
    run_module("authentik_token", {"identifier": identifier, "expiring": False, "key": "first-" + identifier})
    mark = lab.mark()
    rotated = run_module(
        "authentik_token", {"identifier": identifier, "expiring": False, "key": "second-" + identifier}
    )
    assert rotated["changed"] and rotated["changed_fields"] == ["key"]
    assert [entry["path"].rsplit("/", 2)[-2] for entry in lab.writes(mark, "authentik")] == ["set_key"]


def test_generated_key_is_returned_on_request(run_module, raw_api):
    result = run_module("authentik_token", {"identifier": unique("gen"), "expiring": False, "return_key": True})
    assert result["changed"] and len(result["key"]) >= 32
    assert raw_api.call("GET", "/api/v3/core/users/me/", token=result["key"])[0] == 200


def test_check_mode_predicts_the_token_of_an_owner_an_earlier_task_creates(run_module, lab):
    """A check run of the identity role: the service account does not exist yet, its token is still predicted."""
    owner = unique("svc")
    mark = lab.mark()
    predicted = run_module(
        "authentik_token", {"identifier": unique("tok"), "user": owner, "expiring": False}, check=True
    )
    assert not predicted.get("failed"), predicted
    assert predicted["changed"] and lab.writes(mark, "authentik") == []
    # ansible-core 2.19+ returns warnings as structured summaries; the text is inside.
    assert "no user named %r" % owner in json.dumps(predicted.get("warnings")), predicted
    really = run_module("authentik_token", {"identifier": unique("tok"), "user": owner, "expiring": False})
    assert really["failed"] and really["field"] == "user" and "no user named %r" % owner in really["msg"]
