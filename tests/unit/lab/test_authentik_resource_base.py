# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The authentik twin's resource base: abstract steps are enforced when a resource is made, not when it is used."""

from __future__ import annotations

import pytest

from lab.authentik.resources import RESOURCES, ApiFailure, Flows, ReadOnlyResource, Resource
from lab.authentik.state import State


@pytest.fixture
def state():
    return State("https://authentik.lab:9443", "bootstrap")


def test_a_resource_without_render_cannot_be_made(state):
    class Incomplete(Resource):
        def build(self, cleaned, user):
            return dict(cleaned)

    with pytest.raises(TypeError, match="render"):
        Incomplete(state)


def test_a_writable_resource_without_build_cannot_be_made(state):
    class NoBuild(Resource):
        def render(self, obj, query):
            return obj

    with pytest.raises(TypeError, match="build"):
        NoBuild(state)


def test_read_only_resources_refuse_writes_with_405(state):
    flows = Flows(state)
    assert isinstance(flows, ReadOnlyResource)
    with pytest.raises(ApiFailure) as caught:
        flows.create({"slug": "x"}, user=None)
    assert caught.value.status == 405
    with pytest.raises(ApiFailure) as caught:
        flows.build({}, user=None)
    assert caught.value.status == 405


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda cls: cls.__name__)
def test_every_served_resource_is_complete(state, resource):
    served = resource(state)
    assert served.read_only == isinstance(served, ReadOnlyResource)
