# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Contract tests: the twin against the pinned authentik-client (2026.8.5), the twin's own version.

Requests are built with the client's *Request models and every response is deserialised by its strict models, so
a missing required field, a wrong pk type or a bad enum value in the twin fails here. The raw tests cover what the
generated client cannot see: trailing slashes, 403 shapes, the pagination envelope and authentik's refusals.
"""

from __future__ import annotations

import uuid

import pytest

authentik_client = pytest.importorskip("authentik_client")
from authentik_client import models  # noqa: E402
from authentik_client.api import (  # noqa: E402
    AdminApi,
    CoreApi,
    CryptoApi,
    FlowsApi,
    OutpostsApi,
    PoliciesApi,
    PropertymappingsApi,
    ProvidersApi,
)
from authentik_client.exceptions import BadRequestException, ForbiddenException, NotFoundException  # noqa: E402

EMBEDDED = "goauthentik.io/outposts/embedded"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def flow_pk(oracle, slug):
    return FlowsApi(oracle).flows_instances_retrieve(slug).pk


# --- a fresh install ---------------------------------------------------------------------------------------------


def test_version_is_the_one_the_client_is_pinned_to(oracle):
    version = AdminApi(oracle).admin_version_retrieve()
    assert version.version_current == authentik_client.__version__


def test_default_flows_exist_with_their_designations(oracle):
    flows = FlowsApi(oracle).flows_instances_list(page_size=100).results
    by_slug = {flow.slug: flow.designation.value for flow in flows}
    assert by_slug["default-provider-authorization-implicit-consent"] == "authorization"
    assert by_slug["default-provider-authorization-explicit-consent"] == "authorization"
    assert by_slug["default-provider-invalidation-flow"] == "invalidation"
    assert by_slug["default-authentication-flow"] == "authentication"
    assert isinstance(flows[0].pk, uuid.UUID)


def test_scope_mappings_are_found_by_managed_name(oracle):
    api = PropertymappingsApi(oracle)
    found = api.propertymappings_provider_scope_list(
        managed=["goauthentik.io/providers/oauth2/scope-openid", "goauthentik.io/providers/oauth2/scope-email"]
    )
    assert sorted(m.scope_name for m in found.results) == ["email", "openid"]


def test_the_embedded_outpost_and_its_default_config(oracle):
    api = OutpostsApi(oracle)
    outposts = api.outposts_instances_list(managed__iexact=EMBEDDED).results
    assert [o.name for o in outposts] == ["authentik Embedded Outpost"]
    assert outposts[0].type.value == "proxy"
    assert "authentik_host" in api.outposts_instances_default_settings_retrieve().config


def test_bootstrap_token_belongs_to_a_superuser_and_never_expires(oracle):
    tokens = CoreApi(oracle).core_tokens_list(identifier="authentik-bootstrap-token").results
    assert len(tokens) == 1 and tokens[0].expiring is False and tokens[0].intent.value == "api"
    assert tokens[0].user_obj.username == "akadmin" and tokens[0].user_obj.is_superuser
    me = CoreApi(oracle).core_users_me_retrieve()
    assert me.user.username == "akadmin"


def test_the_self_signed_keypair_exists(oracle):
    pairs = CryptoApi(oracle).crypto_certificatekeypairs_list(name="authentik Self-signed Certificate").results
    assert len(pairs) == 1 and pairs[0].private_key_available


# --- objects through the request models ------------------------------------------------------------------------------


def test_groups_and_users_round_trip_with_their_pk_types(oracle):
    core = CoreApi(oracle)
    user = core.core_users_create(models.UserRequest(username=unique("u"), name="A User", email="a@example.org"))
    assert isinstance(user.pk, int)
    parent = core.core_groups_create(models.GroupRequest(name=unique("parent")))
    group = core.core_groups_create(
        models.GroupRequest(name=unique("g"), parents=[parent.pk], users=[user.pk], attributes={"k": "v"})
    )
    assert isinstance(group.pk, uuid.UUID) and isinstance(group.num_pk, int)
    assert group.parents == [parent.pk] and group.users == [user.pk]
    patched = core.core_groups_partial_update(group.pk, models.PatchedGroupRequest(is_superuser=False, users=[]))
    assert patched.users == [] and patched.name == group.name
    core.core_groups_add_user_create(group.pk, models.UserAccountRequest(pk=user.pk))
    listed = core.core_groups_list(name=group.name, include_users=False).results
    assert [g.users for g in listed] == [[user.pk]]
    assert core.core_users_list(groups_by_name=[group.name]).results[0].username == user.username


def test_oauth2_provider_defaults_and_plaintext_secret(oracle):
    providers = ProvidersApi(oracle)
    created = providers.providers_oauth2_create(
        models.OAuth2ProviderRequest(
            name=unique("oidc"),
            authorization_flow=flow_pk(oracle, "default-provider-authorization-implicit-consent"),
            invalidation_flow=flow_pk(oracle, "default-provider-invalidation-flow"),
            redirect_uris=[models.RedirectURIRequest(matching_mode="strict", url="https://app.example/cb")],
        )
    )
    assert isinstance(created.pk, int)
    assert created.client_type.value == "confidential" and created.sub_mode.value == "hashed_user_id"
    assert created.access_token_validity == "minutes=10" and len(created.client_id) == 40
    again = providers.providers_oauth2_retrieve(created.pk)
    assert again.client_secret == created.client_secret and again.client_secret
    urls = providers.providers_oauth2_setup_urls_retrieve(created.pk)
    assert urls.provider_info.endswith("/.well-known/openid-configuration")


def test_proxy_provider_gets_oauth_defaults_and_joins_an_outpost(oracle):
    providers = ProvidersApi(oracle)
    created = providers.providers_proxy_create(
        models.ProxyProviderRequest(
            name=unique("fwd"),
            authorization_flow=flow_pk(oracle, "default-provider-authorization-implicit-consent"),
            invalidation_flow=flow_pk(oracle, "default-provider-invalidation-flow"),
            external_host="https://fwd.example",
            mode="forward_single",
        )
    )
    assert created.redirect_uris and created.redirect_uris[0].url.startswith(
        "https://fwd.example/outpost.goauthentik.io"
    )
    managed = PropertymappingsApi(oracle).propertymappings_provider_scope_list(
        managed=["goauthentik.io/providers/proxy/scope-proxy"]
    )
    assert managed.results[0].pk in created.property_mappings
    outposts = OutpostsApi(oracle)
    embedded = outposts.outposts_instances_list(managed__iexact=EMBEDDED).results[0]
    updated = outposts.outposts_instances_partial_update(
        str(embedded.pk), models.PatchedOutpostRequest(providers=[*embedded.providers, created.pk])
    )
    assert created.pk in updated.providers
    assert providers.providers_proxy_retrieve(created.pk).outpost_set == ["Outpost authentik Embedded Outpost"]


def test_application_with_binding_and_superuser_full_list(oracle):
    core, policies = CoreApi(oracle), PoliciesApi(oracle)
    closed_group = core.core_groups_create(models.GroupRequest(name=unique("closed")))
    app = core.core_applications_create(models.ApplicationRequest(name="Closed", slug=unique("closed")))
    assert isinstance(app.pk, uuid.UUID) and app.pk == app.pbm_uuid
    binding = policies.policies_bindings_create(
        models.PolicyBindingRequest(target=app.pk, group=closed_group.pk, order=0)
    )
    assert binding.group_obj.name == closed_group.name
    # akadmin is not in the group: the policy-filtered listing hides the app, the full list shows it.
    assert core.core_applications_list(slug=app.slug).results == []
    assert [a.slug for a in core.core_applications_list(slug=app.slug, superuser_full_list=True).results] == [app.slug]


def test_api_token_expiry_is_overridden_and_non_expiring_is_kept(oracle):
    core = CoreApi(oracle)
    requested = models.TokenRequest(identifier=unique("t"), intent="api", expires="2099-01-01T00:00:00Z")
    token = core.core_tokens_create(requested)
    assert token.expiring is True and token.expires.year < 2099
    durable = core.core_tokens_create(models.TokenRequest(identifier=unique("t"), intent="api", expiring=False))
    assert durable.expiring is False
    core.core_tokens_set_key_create(durable.identifier, models.TokenSetKeyRequest(key="from-the-vault"))
    assert core.core_tokens_view_key_retrieve(durable.identifier).key == "from-the-vault"


# --- refusals and envelopes ------------------------------------------------------------------------------------------


def test_authentication_failures_are_403_with_detail(raw_api):
    status, body = raw_api.fetch("GET", "/api/v3/core/users/", token=False)
    assert (status, body) == (403, {"detail": "Authentication credentials were not provided."})
    status, body = raw_api.fetch("GET", "/api/v3/core/users/", token="not-a-token")
    assert (status, body) == (403, {"detail": "Token invalid/expired"})
    status, body = raw_api.fetch("GET", "/api/v3/core/users/", headers={"Authorization": "Basic eDp5"}, token=False)
    assert status == 403 and models.GenericError.from_dict(body).detail == "Unsupported authentication type"


def test_forbidden_maps_to_the_clients_exception(authentik_env):
    configuration = authentik_client.Configuration(
        host=authentik_env["AUTHENTIK_URL"] + "/api/v3",
        access_token="wrong",
        ssl_ca_cert=authentik_env["AUTHENTIK_CA_PATH"],
    )
    with authentik_client.ApiClient(configuration) as client, pytest.raises(ForbiddenException):
        CoreApi(client).core_users_list()


def test_a_missing_trailing_slash_is_redirected_and_a_post_turns_into_a_get(raw_api):
    reply = raw_api.call("POST", "/api/v3/core/groups", {"name": unique("slash")})
    assert reply.status == 301 and reply.headers["Location"].endswith("/api/v3/core/groups/")
    status, body = raw_api.fetch("POST", "/api/v3/core/users/4/set_password", {"password": "x"}, follow=True)
    assert (status, body) == (405, {"detail": 'Method "GET" not allowed.'})


def test_validation_errors_name_the_field(oracle, raw_api):
    with pytest.raises(BadRequestException) as caught:
        ProvidersApi(oracle).providers_oauth2_create(
            models.OAuth2ProviderRequest(
                name=unique("bad"),
                authorization_flow=flow_pk(oracle, "default-provider-invalidation-flow"),
                invalidation_flow=flow_pk(oracle, "default-provider-invalidation-flow"),
                redirect_uris=[],
            )
        )
    assert "authorization_flow" in caught.value.body
    status, body = raw_api.fetch("POST", "/api/v3/providers/oauth2/", {"name": unique("bad")})
    assert status == 400
    error = models.ValidationError.from_dict(body)
    assert error.additional_properties["invalidation_flow"] == ["This field is required."]
    status, body = raw_api.fetch("POST", "/api/v3/core/applications/", {"name": "x", "slug": "authorize"})
    assert status == 400 and "reserved" in body["slug"][0]


def test_the_proxy_provider_patch_trap(oracle, raw_api):
    created = ProvidersApi(oracle).providers_proxy_create(
        models.ProxyProviderRequest(
            name=unique("trap"),
            authorization_flow=flow_pk(oracle, "default-provider-authorization-implicit-consent"),
            invalidation_flow=flow_pk(oracle, "default-provider-invalidation-flow"),
            external_host="https://trap.example",
            mode="forward_single",
        )
    )
    path = "/api/v3/providers/proxy/%d/" % created.pk
    status, body = raw_api.fetch("PATCH", path, {"external_host": "https://trap2.example"})
    assert (status, body) == (400, {"internal_host": ["Internal host cannot be empty when forward auth is disabled."]})
    status, body = raw_api.fetch("PATCH", path, {"external_host": "https://trap2.example", "mode": "forward_single"})
    assert status == 200 and models.ProxyProvider.from_dict(body).external_host == "https://trap2.example"


def test_pagination_envelope_past_one_page(oracle, raw_api):
    core = CoreApi(oracle)
    prefix = unique("page")
    for number in range(105):
        core.core_groups_create(models.GroupRequest(name="%s-%03d" % (prefix, number), attributes={"batch": prefix}))
    first = core.core_groups_list(search=prefix)
    assert first.pagination.count == 105 and first.pagination.next == 2 and len(first.results) == 100
    assert first.autocomplete == {}
    second = core.core_groups_list(search=prefix, page=2)
    assert (second.pagination.next, second.pagination.previous, len(second.results)) == (0, 1, 5)
    assert (second.pagination.start_index, second.pagination.end_index) == (101, 105)
    status, body = raw_api.fetch("GET", "/api/v3/core/groups/?search=%s&page=3" % prefix)
    assert (status, body) == (404, {"detail": "Invalid page."})
    with pytest.raises(NotFoundException):
        core.core_groups_retrieve(str(uuid.uuid4()))


def test_expired_api_token_is_refused(oracle, raw_api):
    token = CoreApi(oracle).core_tokens_create(models.TokenRequest(identifier=unique("short"), intent="api"))
    key = CoreApi(oracle).core_tokens_view_key_retrieve(token.identifier).key
    assert raw_api.call("GET", "/api/v3/core/users/me/", token=key)[0] == 200
    raw_api.advance_clock(31 * 60)
    status, body = raw_api.fetch("GET", "/api/v3/core/users/me/", token=key)
    assert (status, body) == (403, {"detail": "Token invalid/expired"})
    # The bootstrap token does not expire.
    assert raw_api.call("GET", "/api/v3/core/users/me/")[0] == 200
