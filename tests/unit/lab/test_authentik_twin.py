# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The authentik twin's rules, called in-process (the contract tests check the same twin over HTTPS)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from lab.authentik.resources import ApiFailure
from lab.authentik.twin import AuthentikTwin
from lab.authentik.validation import FieldErrors
from lab.framework import LabContext


@pytest.fixture
def twin(tmp_path):
    context = LabContext(
        state_dir=str(tmp_path), ca=SimpleNamespace(cert_path="ca.crt"), log=None, ports={"authentik": 19443}
    )
    return AuthentikTwin(context, bootstrap_token="bootstrap")


@pytest.fixture
def admin(twin):
    user, failure = twin.authenticate("Bearer bootstrap")
    assert failure is None
    return user


def call(twin, user, method, path, body=None, **query):
    return twin.dispatch(method, path, {key: [str(value)] for key, value in query.items()}, body, user)


def body_of(twin, user, method, path, body=None, **query):
    return call(twin, user, method, path, body, **query)[1]


def flow(twin, slug):
    return twin.state.tables["flows"][slug]["pk"]


def test_env_names_the_lab_variables(twin):
    assert twin.env() == {
        "AUTHENTIK_URL": "https://127.0.0.1:19443",
        "AUTHENTIK_TOKEN": "bootstrap",
        "AUTHENTIK_CA_PATH": "ca.crt",
    }


@pytest.mark.parametrize(
    "header, message",
    [
        ("", "Authentication credentials were not provided."),
        ("Basic eDp5", "Unsupported authentication type"),
        ("Bearer wrong", "Token invalid/expired"),
    ],
)
def test_authentication_refusals(twin, header, message):
    assert twin.authenticate(header) == (None, message)


def test_api_tokens_expire_and_app_passwords_are_no_api_tokens(twin, admin):
    status = call(twin, admin, "POST", "core/tokens", {"identifier": "t1", "intent": "api"})[0]
    assert status == 201
    key = twin.state.tables["tokens"]["t1"]["key"]
    assert twin.authenticate("Bearer " + key)[1] is None
    twin.state.clock.advance(31 * 60)
    assert twin.authenticate("Bearer " + key)[1] == "Token invalid/expired"
    call(twin, admin, "POST", "core/tokens", {"identifier": "t2", "intent": "app_password"})
    assert twin.authenticate("Bearer " + twin.state.tables["tokens"]["t2"]["key"])[1] == "Token invalid/expired"


def test_token_intent_is_limited(twin, admin):
    with pytest.raises(FieldErrors) as caught:
        call(twin, admin, "POST", "core/tokens", {"identifier": "v", "intent": "verification"})
    assert caught.value.errors == {"intent": ["Invalid intent verification"]}


def test_required_fields_and_types(twin, admin):
    with pytest.raises(FieldErrors) as caught:
        call(twin, admin, "POST", "core/groups", {"is_superuser": "maybe"})
    assert caught.value.errors == {"name": ["This field is required."], "is_superuser": ["Must be a valid boolean."]}


def test_pagination_envelope_and_invalid_page(twin, admin):
    for number in range(3):
        call(twin, admin, "POST", "core/groups", {"name": "g%d" % number})
    body = body_of(twin, admin, "GET", "core/groups", page_size=2, page=2)
    assert body["pagination"] == {
        "next": 0,
        "previous": 1,
        "count": 4,
        "current": 2,
        "total_pages": 2,
        "start_index": 3,
        "end_index": 4,
    }
    assert body["autocomplete"] == {}
    with pytest.raises(ApiFailure) as caught:
        call(twin, admin, "GET", "core/groups", page_size=2, page=3)
    assert (caught.value.status, caught.value.detail) == (404, "Invalid page.")


def test_exact_filters_and_unknown_parameters(twin, admin):
    call(twin, admin, "POST", "core/groups", {"name": "team"})
    call(twin, admin, "POST", "core/groups", {"name": "team-two"})
    exact = body_of(twin, admin, "GET", "core/groups", name="team")
    assert [g["name"] for g in exact["results"]] == ["team"]
    ignored = body_of(twin, admin, "GET", "core/groups", nmae="team")
    assert len(ignored["results"]) == 3


def test_proxy_patch_without_mode_is_judged_as_proxy_mode(twin, admin):
    body = {
        "name": "fwd",
        "authorization_flow": flow(twin, "default-provider-authorization-implicit-consent"),
        "invalidation_flow": flow(twin, "default-provider-invalidation-flow"),
        "external_host": "https://fwd.example",
        "mode": "forward_single",
    }
    created = body_of(twin, admin, "POST", "providers/proxy", body)
    with pytest.raises(FieldErrors) as caught:
        call(twin, admin, "PATCH", "providers/proxy/%d" % created["pk"], {"skip_path_regex": "^/health"})
    assert caught.value.errors == {"internal_host": ["Internal host cannot be empty when forward auth is disabled."]}
    assert len(created["property_mappings"]) == 5 and created["redirect_uris"][0]["matching_mode"] == "strict"


def test_flows_must_have_the_right_designation(twin, admin):
    with pytest.raises(FieldErrors) as caught:
        call(
            twin,
            admin,
            "POST",
            "providers/oauth2",
            {
                "name": "x",
                "authorization_flow": flow(twin, "default-provider-invalidation-flow"),
                "invalidation_flow": flow(twin, "default-provider-invalidation-flow"),
                "redirect_uris": [],
            },
        )
    assert list(caught.value.errors) == ["authorization_flow"]


def test_outpost_type_must_match_its_providers(twin, admin):
    oauth = body_of(
        twin,
        admin,
        "POST",
        "providers/oauth2",
        {
            "name": "o",
            "authorization_flow": flow(twin, "default-provider-authorization-implicit-consent"),
            "invalidation_flow": flow(twin, "default-provider-invalidation-flow"),
            "redirect_uris": [{"matching_mode": "strict", "url": "https://o/cb"}],
        },
    )
    outposts = body_of(twin, admin, "GET", "outposts/instances")
    with pytest.raises(FieldErrors) as caught:
        call(twin, admin, "PATCH", "outposts/instances/%s" % outposts["results"][0]["pk"], {"providers": [oauth["pk"]]})
    assert caught.value.errors == {"providers": ["Outpost type proxy can't be used with OAuth2Provider providers."]}


def test_binding_needs_exactly_one_subject(twin, admin):
    app = body_of(twin, admin, "POST", "core/applications", {"name": "a", "slug": "a"})
    group = body_of(twin, admin, "POST", "core/groups", {"name": "g"})
    with pytest.raises(FieldErrors) as caught:
        call(
            twin, admin, "POST", "policies/bindings", {"target": app["pk"], "group": group["pk"], "user": 2, "order": 0}
        )
    assert "non_field_errors" in caught.value.errors
    with pytest.raises(FieldErrors):
        call(twin, admin, "POST", "policies/bindings", {"target": app["pk"], "order": 0})


@pytest.mark.parametrize("slug, message", [("has space", "consisting of letters, numbers"), ("authorize", "reserved")])
def test_application_slugs(twin, admin, slug, message):
    with pytest.raises(FieldErrors) as caught:
        call(twin, admin, "POST", "core/applications", {"name": "a", "slug": slug})
    assert message in caught.value.errors["slug"][0]


def test_unknown_objects_are_404_with_the_model_name(twin, admin):
    with pytest.raises(ApiFailure) as caught:
        call(twin, admin, "GET", "core/groups/not-a-uuid")
    assert (caught.value.status, caught.value.detail) == (404, "No Group matches the given query.")


def test_non_superusers_are_denied_admin_collections(twin, admin):
    call(twin, admin, "POST", "core/users", {"username": "bob", "name": "Bob"})
    bob = next(u for u in twin.state.tables["users"].values() if u["username"] == "bob")
    with pytest.raises(ApiFailure) as caught:
        call(twin, bob, "GET", "core/groups")
    assert (caught.value.status, caught.value.detail) == (403, "You do not have permission to perform this action.")


def test_any_provider_can_be_deleted_through_providers_all(twin, admin):
    provider = body_of(
        twin,
        admin,
        "POST",
        "providers/proxy",
        {
            "name": "gone",
            "authorization_flow": flow(twin, "default-provider-authorization-implicit-consent"),
            "invalidation_flow": flow(twin, "default-provider-invalidation-flow"),
            "external_host": "https://gone.example",
            "mode": "forward_single",
        },
    )
    outpost = body_of(twin, admin, "GET", "outposts/instances")["results"][0]
    body_of(twin, admin, "PATCH", "outposts/instances/%s" % outpost["pk"], {"providers": [provider["pk"]]})
    assert call(twin, admin, "DELETE", "providers/all/%d" % provider["pk"]) == (204, None)
    assert body_of(twin, admin, "GET", "outposts/instances/%s" % outpost["pk"])["providers"] == []
    with pytest.raises(ApiFailure) as caught:
        call(twin, admin, "PATCH", "providers/all/%d" % provider["pk"], {"name": "x"})
    assert caught.value.status == 404
