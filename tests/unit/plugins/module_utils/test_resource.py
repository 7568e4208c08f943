# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.normalise import selected_keys
from ansible_collections.tappaas.platform.plugins.module_utils.resource import (
    REDACTED,
    Field,
    ResourceApi,
    ResourceDescriptor,
    ResourceEngine,
)

SECRET_TOKEN = "tok-3f9a"
SECRET_PASSWORD = "hunter2-pw"

USER = ResourceDescriptor(
    "user",
    key_fields=["name"],
    fields=[
        Field("name"),
        Field("comment"),
        Field("enabled", "bool", api_name="enable"),
        Field("uid", "int", create_only=True),
        Field("groups", "set", normalise=selected_keys),
        Field("options", "dict"),
        Field("password", secret=True, write_only=True),
        Field("api_token", secret=True),
    ],
    endpoint="access/users",
)


def api_spelling(payload):
    """How this fake API stores values: "0"/"1" for booleans, strings for ints, comma strings for lists."""
    stored = {}
    for key, value in payload.items():
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif isinstance(value, int):
            value = str(value)
        elif isinstance(value, list):
            value = ",".join(value)
        stored[key] = value
    return stored


class FakeUserApi(ResourceApi):
    """In-memory API keyed by name that counts writes and, like real APIs, never returns the password."""

    def __init__(self, returns_objects=False):
        self.objects = {}
        self.passwords = {}
        self.writes = []
        self.returns_objects = returns_objects

    def read(self, key):
        found = self.objects.get(key["name"])
        return copy.deepcopy(found)

    def _visible(self, name):
        return copy.deepcopy(self.objects[name]) if self.returns_objects else None

    def create(self, payload):
        self.writes.append(("create", dict(payload)))
        stored = api_spelling(payload)
        self.passwords[stored["name"]] = stored.pop("password", None)
        self.objects[stored["name"]] = stored
        return self._visible(stored["name"])

    def update(self, current, payload):
        self.writes.append(("update", dict(payload)))
        stored = api_spelling(payload)
        if "password" in stored:
            self.passwords[current["name"]] = stored.pop("password")
        self.objects[current["name"]].update(stored)
        return self._visible(current["name"])

    def delete(self, current):
        self.writes.append(("delete", current["name"]))
        del self.objects[current["name"]]


ALICE = {"name": "alice", "comment": "ops", "enabled": True, "uid": 1001, "groups": ["web", "admins"]}


def ensure(api, desired, check_mode=False, **kwargs):
    return ResourceEngine(api, USER, check_mode=check_mode).ensure(desired, **kwargs)


def seeded(**extra):
    api = FakeUserApi()
    desired = dict(ALICE, **extra)
    ensure(api, desired)
    api.writes.clear()
    return api


def test_create_sends_every_set_field_by_its_api_name():
    api = FakeUserApi()
    result = ensure(api, dict(ALICE, password=SECRET_PASSWORD, options=None))
    assert result.changed and result.action == "create"
    assert api.writes == [
        (
            "create",
            {
                "name": "alice",
                "comment": "ops",
                "enable": True,
                "uid": 1001,
                "groups": ["admins", "web"],
                "password": SECRET_PASSWORD,
            },
        )
    ]
    assert result.changed_fields == ["comment", "enabled", "groups", "name", "password", "uid"]
    assert result.diff["before"] == {}
    assert result.diff["after"]["password"] == REDACTED
    assert result.diff["after"]["groups"] == ["admins", "web"]
    assert result.before is None
    assert "password" not in result.after  # write-only: never part of the readable state
    assert result.after["enabled"] is True


def test_second_run_changes_nothing_and_writes_nothing():
    api = seeded(password=SECRET_PASSWORD)
    result = ensure(api, dict(ALICE, password=SECRET_PASSWORD))
    assert not result.changed
    assert result.action == "none"
    assert result.changed_fields == []
    assert api.writes == []
    assert result.diff["before"] == result.diff["after"]


def test_api_spelling_is_not_a_difference():
    api = seeded()
    assert api.objects["alice"]["enable"] == "1"
    assert api.objects["alice"]["uid"] == "1001"
    assert api.objects["alice"]["groups"] == "admins,web"
    result = ensure(api, dict(ALICE, enabled="yes", uid="1001", groups=["admins", "web", "web"]))
    assert not result.changed
    assert api.writes == []


def test_set_fields_ignore_order():
    api = seeded()
    assert not ensure(api, dict(ALICE, groups="web, admins")).changed
    assert api.writes == []


def test_update_sends_only_the_changed_field():
    api = seeded()
    result = ensure(api, dict(ALICE, comment="on call"))
    assert result.action == "update"
    assert api.writes == [("update", {"comment": "on call"})]
    assert result.changed_fields == ["comment"]
    assert result.diff["before"]["comment"] == "ops"
    assert result.diff["after"]["comment"] == "on call"
    assert result.after["comment"] == "on call"
    assert result.before["comment"] == "ops"


def test_fields_left_unset_are_not_compared():
    api = seeded()
    result = ensure(api, {"name": "alice", "comment": None, "enabled": False})
    assert api.writes == [("update", {"enable": False})]
    assert set(result.diff["before"]) == {"enabled"}


def test_absent_deletes_and_absent_again_does_nothing():
    api = seeded()
    result = ensure(api, {"name": "alice"}, state="absent")
    assert result.changed and result.action == "delete"
    assert api.writes == [("delete", "alice")]
    assert result.diff["before"]["comment"] == "ops"
    assert result.diff["after"] == {}
    again = ensure(api, {"name": "alice"}, state="absent")
    assert not again.changed and again.action == "none"
    assert api.writes == [("delete", "alice")]


@pytest.mark.parametrize(
    "prepare, desired, state",
    [
        (False, dict(ALICE, password=SECRET_PASSWORD, api_token=SECRET_TOKEN), "present"),
        (True, dict(ALICE, comment="changed", groups=["web"]), "present"),
        (True, dict(ALICE), "present"),
        (True, {"name": "alice"}, "absent"),
        (False, {"name": "alice"}, "absent"),
    ],
)
def test_check_mode_writes_nothing_and_predicts_the_real_run(prepare, desired, state):
    checked_api = seeded() if prepare else FakeUserApi()
    real_api = seeded() if prepare else FakeUserApi()
    before_check = copy.deepcopy(checked_api.objects)

    predicted = ensure(checked_api, desired, check_mode=True, state=state)
    applied = ensure(real_api, desired, state=state)

    assert checked_api.writes == []
    assert checked_api.objects == before_check
    assert (predicted.changed, predicted.action, predicted.changed_fields) == (
        applied.changed,
        applied.action,
        applied.changed_fields,
    )
    assert predicted.diff == applied.diff
    assert predicted.after == applied.after


def test_secrets_are_redacted_everywhere_in_the_output():
    api = FakeUserApi(returns_objects=True)
    created = ensure(api, dict(ALICE, password=SECRET_PASSWORD, api_token=SECRET_TOKEN))
    changed = ensure(api, dict(ALICE, api_token="tok-new"))
    for result in (created, changed):
        output = json.dumps(result.as_module_result())
        assert SECRET_TOKEN not in output
        assert SECRET_PASSWORD not in output
        assert "tok-new" not in output
    assert created.after["api_token"] == REDACTED
    assert created.resource["api_token"] == SECRET_TOKEN  # the module itself may still use the raw object
    assert created.as_module_result()["resource"]["api_token"] == REDACTED
    assert changed.changed_fields == ["api_token"]
    assert changed.diff == {
        "before": {**_compared(ALICE), "api_token": REDACTED},
        "after": {**_compared(ALICE), "api_token": REDACTED},
    }
    assert api.writes[-1] == ("update", {"api_token": "tok-new"})


def _compared(desired):
    state = USER.normalise_desired(desired)
    return {name: value for name, value in state.items() if name != "name"}


def test_write_only_fields_are_sent_on_create_only_by_default():
    api = seeded(password=SECRET_PASSWORD)
    result = ensure(api, dict(ALICE, password="another"))
    assert not result.changed
    assert api.writes == []
    assert api.passwords["alice"] == SECRET_PASSWORD


def test_write_only_fields_are_sent_and_count_as_a_change_with_always():
    api = seeded(password=SECRET_PASSWORD)
    result = ensure(api, dict(ALICE, password="another"), update_write_only="always")
    assert result.changed and result.changed_fields == ["password"]
    assert api.writes == [("update", {"password": "another"})]
    assert api.passwords["alice"] == "another"
    assert result.diff["before"]["password"] is None
    assert result.diff["after"]["password"] == REDACTED


def test_changing_a_create_only_field_is_refused_before_any_write():
    api = seeded()
    with pytest.raises(InvalidInput) as caught:
        ensure(api, dict(ALICE, uid=2000, comment="x"))
    assert caught.value.field_path == "uid"
    assert "cannot be changed once the user exists" in str(caught.value)
    assert api.writes == []


def test_a_create_only_field_that_matches_is_fine():
    api = seeded()
    assert not ensure(api, dict(ALICE, uid="1001")).changed


def test_dict_fields_compare_only_the_keys_set_and_send_the_merge():
    api = seeded()
    api.objects["alice"]["options"] = {"shell": "/bin/bash", "lang": "en"}
    assert not ensure(api, dict(ALICE, options={"shell": "/bin/bash"})).changed
    result = ensure(api, dict(ALICE, options={"shell": "/bin/zsh"}))
    assert api.writes == [("update", {"options": {"shell": "/bin/zsh", "lang": "en"}})]
    assert result.diff["after"]["options"] == {"shell": "/bin/zsh", "lang": "en"}


def test_objects_returned_by_the_api_become_after_and_resource():
    api = FakeUserApi(returns_objects=True)
    result = ensure(api, ALICE)
    assert result.resource == api.objects["alice"]
    assert result.after["uid"] == 1001


@pytest.mark.parametrize(
    "desired, field_path",
    [
        ({"name": "alice", "shoe_size": 42}, "shoe_size"),
        ({"comment": "no key"}, "name"),
        ({"name": "alice", "uid": "ten"}, "uid"),
        ({"name": "alice", "enabled": "perhaps"}, "enabled"),
    ],
)
def test_bad_input_names_the_field_and_touches_nothing(desired, field_path):
    api = FakeUserApi()
    with pytest.raises(InvalidInput) as caught:
        ensure(api, desired)
    assert caught.value.field_path == field_path
    assert api.writes == []


def test_engine_options_are_validated():
    with pytest.raises(InvalidInput, match="state"):
        ensure(FakeUserApi(), ALICE, state="gone")
    with pytest.raises(InvalidInput, match="update_write_only"):
        ensure(FakeUserApi(), ALICE, update_write_only="sometimes")


def test_a_value_the_api_should_not_send_is_an_api_error():
    api = seeded()
    api.objects["alice"]["enable"] = "maybe"
    with pytest.raises(ApiError, match="user enabled: unexpected value from the API"):
        ensure(api, ALICE)


def test_module_result_is_json_ready():
    result = ensure(FakeUserApi(), ALICE)
    output = result.as_module_result()
    assert set(output) == {"changed", "action", "changed_fields", "before", "after", "diff", "resource"}
    assert json.loads(json.dumps(output))["changed"] is True


def test_descriptor_catches_its_own_mistakes():
    with pytest.raises(ValueError, match="unknown kind"):
        Field("x", kind="float")
    with pytest.raises(ValueError, match="key field"):
        ResourceDescriptor("thing", ["id"], [Field("name")])
    with pytest.raises(ValueError, match="declared twice"):
        ResourceDescriptor("thing", "name", [Field("name"), Field("name")])
