# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.authentik_application import (
    APPLICATION,
    _redirect_uris_as_list,
    check_access,
    oidc_descriptor,
    redirect_uri_entries,
)
from ansible_collections.tappaas.platform.plugins.module_utils.authentik_resource import CollectionApi
from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.resource import ResourceEngine


def test_redirect_uris_from_strings_dicts_and_the_old_string_format():
    assert redirect_uri_entries(["https://a/cb", {"url": "https://b/.*", "matching_mode": "regex"}]) == [
        {"matching_mode": "strict", "url": "https://a/cb"},
        {"matching_mode": "regex", "url": "https://b/.*"},
    ]
    api_form = [{"matching_mode": "strict", "url": "https://a/cb", "redirect_uri_type": "authorization"}]
    assert redirect_uri_entries(api_form) == [{"matching_mode": "strict", "url": "https://a/cb"}]
    assert redirect_uri_entries("https://a/cb\nhttps://b/cb\n") == [
        {"matching_mode": "regex", "url": "https://a/cb"},
        {"matching_mode": "regex", "url": "https://b/cb"},
    ]
    with pytest.raises(ValueError, match="matching_mode"):
        redirect_uri_entries([{"url": "x", "matching_mode": "glob"}])


def test_redirect_uri_order_matters_but_scopes_do_not():
    descriptor = oidc_descriptor()
    first = descriptor.normalise_desired({"redirect_uris": ["https://a", "https://b"], "property_mappings": ["x", "y"]})
    second = descriptor.normalise_desired(
        {"redirect_uris": ["https://b", "https://a"], "property_mappings": ["y", "x"]}
    )
    assert first["redirect_uris"] != second["redirect_uris"]
    assert first["property_mappings"] == second["property_mappings"]


@pytest.mark.parametrize(
    "params, refused",
    [
        ({"state": "present", "slug": "a", "groups": None, "public": False}, True),
        ({"state": "present", "slug": "a", "groups": [], "public": False}, True),
        ({"state": "present", "slug": "a", "groups": ["g"], "public": False}, False),
        ({"state": "present", "slug": "a", "groups": None, "public": True}, False),
        ({"state": "absent", "slug": "a", "groups": None, "public": False}, False),
    ],
)
def test_an_application_nobody_is_allowed_into_is_refused(params, refused):
    if refused:
        with pytest.raises(InvalidInput) as caught:
            check_access(params)
        assert caught.value.field_path == "groups"
    else:
        check_access(params)


class FakeClient:
    def __init__(self, objects):
        self.objects = objects
        self.patches = []

    def find(self, path, field, value, **kwargs):
        return next((o for o in self.objects if o.get(field) == value), None)

    def patch(self, path, key, body=None):
        self.patches.append((path, key, body))
        return None


def test_proxy_patch_always_carries_mode_and_internal_host():
    current = {"pk": 7, "name": "p", "mode": "forward_single", "internal_host": "", "external_host": "https://a"}
    fake = FakeClient([current])
    api = CollectionApi(fake, "providers/proxy", "name", patch_always=("mode", "internal_host"))
    api.update(current, {"external_host": "https://b"})
    assert fake.patches == [
        ("providers/proxy", 7, {"external_host": "https://b", "mode": "forward_single", "internal_host": ""})
    ]


def test_collection_api_reads_once_per_key():
    fake = FakeClient([{"slug": "a", "name": "A"}])
    calls = []
    original = fake.find
    fake.find = lambda *args, **kwargs: calls.append(args) or original(*args, **kwargs)
    api = CollectionApi(fake, "core/applications", "slug", url_key="slug")
    assert api.read({"slug": "a"}) == api.read({"slug": "a"})
    assert len(calls) == 1


def test_application_fields_the_user_left_out_are_not_compared():
    current = {"pk": "u", "slug": "a", "name": "A", "provider": 3, "meta_launch_url": "https://x", "group": ""}
    fake = FakeClient([current])
    engine = ResourceEngine(CollectionApi(fake, "core/applications", "slug", url_key="slug"), APPLICATION)
    result = engine.ensure({"slug": "a", "name": "A", "provider": 3, "meta_launch_url": None})
    assert not result.changed and fake.patches == []
    result = engine.ensure({"slug": "a", "name": "B"})
    assert result.changed and fake.patches == [("core/applications", "a", {"name": "B"})]


class _VersionCounter:
    """A client whose version probe is counted: the provider's own field should make it unnecessary."""

    def __init__(self, as_list):
        self.asked = 0
        self.as_list = as_list

    def redirect_uris_as_list(self):
        self.asked += 1
        return self.as_list


@pytest.mark.parametrize(
    ("existing", "expected", "asked"),
    [
        ({"name": "wiki", "redirect_uris": [{"matching_mode": "strict", "url": "https://w/"}]}, True, 0),
        ({"name": "wiki", "redirect_uris": "https://w/"}, False, 0),  # authentik before 2024.10.3
        (None, True, 1),  # a provider still to be made: only the server's version can say
    ],
)
def test_the_redirect_uri_format_comes_from_the_provider_before_the_version(existing, expected, asked):
    client = _VersionCounter(as_list=True)
    assert _redirect_uris_as_list(client, existing) is expected
    assert client.asked == asked
