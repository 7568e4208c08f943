# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The group module's diff rules and version gating (its helpers live in the module file)."""

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.modules.authentik_group import desired_state


class FakeClient:
    def __init__(self, parents_field="parents"):
        self.parents_field = parents_field

    def group_parents_field(self):
        return self.parents_field

    def group_pks(self, names, option):
        return ["uuid-%s" % name for name in names]

    def user_pks(self, usernames, option):
        return [{"akadmin": 4, "bob": 7}[name] for name in usernames]


class FakeApi:
    def __init__(self, current):
        self.current = current

    def read(self, key):
        return self.current


def params(**overrides):
    base = dict(name="g", is_superuser=None, attributes=None, parents=None, members=None, members_mode="additive")
    base.update(overrides)
    return base


def test_members_additive_keeps_current_members():
    desired = desired_state(FakeClient(), FakeApi({"users": [9]}), params(members=["akadmin"]))[1]
    assert desired["users"] == [4, 9]


def test_members_exact_replaces_them():
    desired = desired_state(FakeClient(), FakeApi({"users": [9]}), params(members=["akadmin"], members_mode="exact"))[1]
    assert desired["users"] == [4]


def test_parents_are_a_set_on_current_authentik():
    descriptor, desired = desired_state(FakeClient(), FakeApi(None), params(parents=["b", "a"]))
    assert descriptor.fields["parents"].api_name == "parents"
    assert descriptor.normalise_desired(desired)["parents"] == ["uuid-a", "uuid-b"]


def test_one_parent_before_2025_12():
    descriptor, desired = desired_state(FakeClient("parent"), FakeApi(None), params(parents=["a"]))
    assert descriptor.fields["parents"].api_name == "parent" and desired["parents"] == "uuid-a"
    with pytest.raises(InvalidInput) as caught:
        desired_state(FakeClient("parent"), FakeApi(None), params(parents=["a", "b"]))
    assert caught.value.field_path == "parents"
