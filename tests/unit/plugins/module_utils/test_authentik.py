# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.authentik import (
    AuthentikClient,
    AuthentikHttpClient,
    parse_version,
)
from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    InvalidInput,
    Transient,
)

BASE = "https://auth.example/api/v3"


class Reply:
    def __init__(self, status, data):
        self.status = status
        self.headers = {"Content-Type": "application/json"}
        self._body = json.dumps(data).encode() if data is not None else b""

    def read(self):
        return self._body

    def getcode(self):
        return self.status


class Server:
    """Answers by (method, path) with a function of the query; records every call."""

    def __init__(self, routes):
        self.routes = routes
        self.calls = []

    def __call__(self, method, url, data=None, **kwargs):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.calls.append((method, parts.path, query, json.loads(data) if data else None))
        answer = self.routes[(method, parts.path)]
        status, body = answer(query) if callable(answer) else answer
        if status >= 400:
            import email.message
            import io
            import urllib.error

            headers = email.message.Message()
            headers["Content-Type"] = "application/json"
            raise urllib.error.HTTPError(url, status, "", headers, io.BytesIO(json.dumps(body).encode()))
        return Reply(status, body)


def client(routes, retries=2):
    server = Server(routes)
    http = AuthentikHttpClient(BASE, opener=server, sleep=lambda _: None, retries=retries)
    return AuthentikClient(http), server


def api_for(routes, retries=2):
    return client(routes, retries)[0]


def page(results, number, total_pages, count):
    return {
        "pagination": {
            "next": number + 1 if number < total_pages else 0,
            "previous": number - 1 if number > 1 else 0,
            "count": count,
            "current": number,
            "total_pages": total_pages,
            "start_index": 1,
            "end_index": len(results),
        },
        "results": results,
        "autocomplete": {},
    }


def test_list_follows_page_numbers_until_next_is_zero():
    pages = {1: [{"name": "a"}, {"name": "b"}], 2: [{"name": "c"}]}
    api, server = client(
        {("GET", "/api/v3/core/groups/"): lambda q: (200, page(pages[int(q["page"][0])], int(q["page"][0]), 2, 3))}
    )
    assert [g["name"] for g in api.list("core/groups")] == ["a", "b", "c"]
    assert [call[2]["page"] for call in server.calls] == [["1"], ["2"]]
    assert all(call[1].endswith("/") for call in server.calls)


def test_find_confirms_the_key_client_side():
    # A filter the server does not know is ignored and returns everything: the client must not take the first hit.
    everything = [{"name": "other"}, {"name": "wanted"}]
    api = api_for({("GET", "/api/v3/core/groups/"): (200, page(everything, 1, 1, 2))})
    assert api.find("core/groups", "name", "wanted") == {"name": "wanted"}
    assert api.find("core/groups", "name", "missing") is None


def test_find_refuses_an_ambiguous_key():
    twins = [{"name": "x", "pk": 1}, {"name": "x", "pk": 2}]
    api = api_for({("GET", "/api/v3/core/groups/"): (200, page(twins, 1, 1, 2))})
    with pytest.raises(ApiError, match="2 objects"):
        api.find("core/groups", "name", "x")


def test_a_non_paginated_answer_is_an_error():
    api = api_for({("GET", "/api/v3/core/groups/"): (200, [{"name": "x"}])})
    with pytest.raises(ApiError, match="expected a paginated list"):
        api.list("core/groups")


def test_field_errors_become_one_message_naming_the_fields():
    api = api_for(
        {
            ("POST", "/api/v3/providers/oauth2/"): (
                400,
                {
                    "invalidation_flow": ["This field is required."],
                    "redirect_uris": [{}, {"url": ["This field may not be blank."]}],
                },
            )
        }
    )
    with pytest.raises(ApiError) as caught:
        api.post("providers/oauth2", body={"name": "x"})
    assert caught.value.status == 400
    assert "invalidation_flow: This field is required." in caught.value.message
    assert "redirect_uris: url: This field may not be blank." in caught.value.message


def test_403_is_an_auth_error_with_authentiks_detail():
    api = api_for({("GET", "/api/v3/core/users/me/"): (403, {"detail": "Token invalid/expired"})})
    with pytest.raises(AuthError, match="Token invalid/expired"):
        api.get("core/users/me")


def test_5xx_is_retried_within_the_bound():
    answers = iter([(500, {"detail": "boom"}), (200, page([], 1, 1, 0))])
    api, server = client({("GET", "/api/v3/core/groups/"): lambda q: next(answers)})
    assert api.list("core/groups") == []
    assert len(server.calls) == 2
    api, server = client({("GET", "/api/v3/core/groups/"): (503, {"detail": "down"})}, retries=1)
    with pytest.raises(Transient, match="gave up after 2 attempts"):
        api.list("core/groups")


@pytest.mark.parametrize(
    "text, expected",
    [("2026.8.5", (2026, 8, 5)), ("2025.12.0-rc1", (2025, 12, 0)), ("2024.10", (2024, 10, 0))],
)
def test_parse_version(text, expected):
    assert parse_version(text) == expected


def test_parse_version_refuses_garbage():
    with pytest.raises(ApiError):
        parse_version("main")


@pytest.mark.parametrize(
    "version, parents_field, uris_as_list",
    [
        ("2026.8.5", "parents", True),
        ("2025.12.0", "parents", True),
        ("2025.10.3", "parent", True),
        ("2024.10.2", "parent", False),
        ("2024.10.3", "parent", True),
    ],
)
def test_version_gating(version, parents_field, uris_as_list):
    api, server = client({("GET", "/api/v3/admin/version/"): (200, {"version_current": version})})
    assert api.group_parents_field() == parents_field
    assert api.redirect_uris_as_list() is uris_as_list
    assert len(server.calls) == 1, "the version is asked once per client"


def test_lookups_raise_invalid_input_naming_the_option():
    api = api_for({("GET", "/api/v3/flows/instances/"): (200, page([], 1, 1, 0))})
    with pytest.raises(InvalidInput) as caught:
        api.flow_pk("nope", option="authorization_flow")
    assert caught.value.field_path == "authorization_flow"


def test_scope_mappings_by_short_or_managed_name():
    mappings = {
        "goauthentik.io/providers/oauth2/scope-openid": "uuid-openid",
        "goauthentik.io/providers/proxy/scope-proxy": "uuid-proxy",
    }

    asked = []

    def answer(query):
        asked.append(sorted(query["managed"]))
        found = [{"managed": managed, "pk": mappings[managed]} for managed in query["managed"] if managed in mappings]
        return 200, page(found, 1, 1, len(found))

    api = api_for({("GET", "/api/v3/propertymappings/provider/scope/"): answer})
    assert api.scope_mapping_pks(["openid", "goauthentik.io/providers/proxy/scope-proxy"]) == [
        "uuid-openid",
        "uuid-proxy",
    ]
    # One read for all the scopes, each asked for by its managed name.
    assert asked == [sorted(mappings)]
    with pytest.raises(InvalidInput, match="no scope mapping 'nonsense'"):
        api.scope_mapping_pks(["openid", "nonsense"])
    assert api.scope_mapping_pks([]) == []


def test_known_keys_save_the_lookups_and_the_rest_is_asked_for():
    def groups(query):
        found = [{"name": "tappaas-admins", "pk": "uuid-admins"}] if query["name"] == ["tappaas-admins"] else []
        return 200, page(found, 1, 1, len(found))

    def scopes(query):
        assert query["managed"] == ["goauthentik.io/providers/oauth2/scope-email"], "only the unknown one is asked"
        return 200, page([{"managed": query["managed"][0], "pk": "uuid-email"}], 1, 1, 1)

    api, server = client(
        {
            ("GET", "/api/v3/core/groups/"): groups,
            ("GET", "/api/v3/propertymappings/provider/scope/"): scopes,
        }
    )
    api.remember(
        {
            "flows": {"default-provider-authorization-implicit-consent": "uuid-flow"},
            "groups": {"tappaas-users": "uuid-users"},
            "scope_mappings": {"goauthentik.io/providers/oauth2/scope-openid": "uuid-openid"},
        }
    )
    assert api.flow_pk("default-provider-authorization-implicit-consent") == "uuid-flow"
    assert api.group_pks(["tappaas-users"]) == ["uuid-users"]
    assert server.calls == [], "everything asked for was known"
    assert api.group_pks(["tappaas-users", "tappaas-admins"]) == ["uuid-users", "uuid-admins"]
    assert api.scope_mapping_pks(["openid", "email"]) == ["uuid-openid", "uuid-email"]
    assert [call[1] for call in server.calls] == ["/api/v3/core/groups/", "/api/v3/propertymappings/provider/scope/"]
    with pytest.raises(InvalidInput) as caught:
        api.remember({"users": {}})
    assert caught.value.field_path == "known_pks"
