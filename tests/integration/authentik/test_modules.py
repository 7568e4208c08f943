# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The authentik modules against the twin: the four-step rhythm, faults and bad input.

Setup and inspection go through the pinned authentik-client (the oracle), never through the code under test.
"""

from __future__ import annotations

import json
import uuid

import pytest

authentik_client = pytest.importorskip("authentik_client")
from authentik_client import models  # noqa: E402
from authentik_client.api import CoreApi, FlowsApi, OutpostsApi, PoliciesApi, ProvidersApi  # noqa: E402

EMBEDDED = "goauthentik.io/outposts/embedded"


def unique(prefix):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:8])


def group(oracle, name):
    found = CoreApi(oracle).core_groups_list(name=name).results
    return found[0] if found else None


def embedded_outpost(oracle):
    return OutpostsApi(oracle).outposts_instances_list(managed__iexact=EMBEDDED).results[0]


@pytest.fixture
def allowed_group(run_module):
    name = unique("users")
    assert run_module("authentik_group", {"name": name})["changed"]
    return name


# --- authentik_group -------------------------------------------------------------------------------------------------


def test_group_four_steps(oracle, four_steps, run_module):
    parent = unique("parent")
    run_module("authentik_group", {"name": parent})
    name = unique("team")
    args = {"name": name, "parents": [parent], "members": ["akadmin"], "attributes": {"scope": "home"}}
    repeated = four_steps("authentik_group", args)[1]
    made = group(oracle, name)
    assert made.parents == [group(oracle, parent).pk]
    assert [u.username for u in made.users_obj] == ["akadmin"]
    assert made.attributes == {"scope": "home"}
    assert repeated["group"]["pk"] == str(made.pk)


def test_group_membership_additive_then_exact(oracle, run_module):
    core = CoreApi(oracle)
    other = core.core_users_create(models.UserRequest(username=unique("other"), name="Other"))
    name = unique("members")
    run_module("authentik_group", {"name": name, "members": [other.username]})
    additive = run_module("authentik_group", {"name": name, "members": ["akadmin"]})
    assert additive["changed"]
    assert sorted(u.username for u in group(oracle, name).users_obj) == sorted(["akadmin", other.username])
    exact = run_module("authentik_group", {"name": name, "members": ["akadmin"], "members_mode": "exact"})
    assert exact["changed"]
    assert [u.username for u in group(oracle, name).users_obj] == ["akadmin"]


def test_group_attributes_compare_only_the_keys_given(oracle, run_module, lab):
    name = unique("attrs")
    run_module("authentik_group", {"name": name, "attributes": {"a": 1, "b": 2}})
    mark = lab.mark()
    assert not run_module("authentik_group", {"name": name, "attributes": {"a": 1}})["changed"]
    assert lab.writes(mark, "authentik") == []
    assert run_module("authentik_group", {"name": name, "attributes": {"b": 3}})["changed"]
    assert group(oracle, name).attributes == {"a": 1, "b": 3}


def test_group_absent(oracle, run_module):
    name = unique("gone")
    run_module("authentik_group", {"name": name})
    assert run_module("authentik_group", {"name": name, "state": "absent"})["changed"]
    assert group(oracle, name) is None
    assert not run_module("authentik_group", {"name": name, "state": "absent"})["changed"]


def test_unknown_member_is_refused_naming_the_field(run_module, lab):
    mark = lab.mark()
    result = run_module("authentik_group", {"name": unique("x"), "members": ["nobody-here"]})
    assert result["failed"] and result["field"] == "members" and "nobody-here" in result["msg"]
    assert lab.writes(mark, "authentik") == []


# --- authentik_application -------------------------------------------------------------------------------------------


def test_oidc_application_four_steps(oracle, four_steps, allowed_group):
    slug = unique("grafana")
    args = {
        "slug": slug,
        "name": "Grafana",
        "provider_type": "oidc",
        "groups": [allowed_group],
        "launch_url": "https://grafana.lab.example",
        "oidc": {
            "client_id": slug,
            "client_secret": "s3cret-from-the-vault",
            "redirect_uris": [
                "https://grafana.lab.example/login/generic_oauth",
                {"url": "https://grafana\\.lab\\.example/.*", "matching_mode": "regex"},
            ],
            "scopes": ["openid", "email", "profile", "offline_access"],
            "signing_key": "authentik Self-signed Certificate",
        },
    }
    applied, repeated = four_steps("authentik_application", args)
    assert "s3cret-from-the-vault" not in json.dumps(applied["diff"])
    assert applied["provider"]["client_secret"] == "**REDACTED**"
    oidc = repeated["oidc"]
    # A secret the caller gave is masked by Ansible's no_log in the output; authentik must hold it unchanged.
    assert oidc["client_id"] == slug and "s3cret-from-the-vault" not in json.dumps(repeated)
    assert oidc["issuer"].endswith("/application/o/%s/" % slug)
    provider = ProvidersApi(oracle).providers_oauth2_retrieve(applied["provider"]["pk"])
    assert provider.client_secret == "s3cret-from-the-vault"
    assert [u.matching_mode.value for u in provider.redirect_uris] == ["strict", "regex"]
    assert len(provider.property_mappings) == 4 and provider.signing_key is not None
    app = CoreApi(oracle).core_applications_retrieve(slug)
    assert app.provider == provider.pk and app.meta_launch_url == "https://grafana.lab.example"
    bindings = PoliciesApi(oracle).policies_bindings_list(target=str(app.pk)).results
    assert [b.group_obj.name for b in bindings] == [allowed_group]


def test_oidc_generated_secret_stays_stable(run_module, allowed_group):
    args = {
        "slug": unique("wiki"),
        "name": "Wiki",
        "provider_type": "oidc",
        "groups": [allowed_group],
        "oidc": {"redirect_uris": ["https://wiki.lab.example/oauth"]},
    }
    first = run_module("authentik_application", args)
    second = run_module("authentik_application", args)
    assert not second["changed"]
    assert first["oidc"]["client_secret"] == second["oidc"]["client_secret"]
    assert first["oidc"]["client_id"] == second["oidc"]["client_id"]


def test_forward_auth_preserves_a_foreign_provider_on_the_outpost(oracle, four_steps, allowed_group):
    flows = FlowsApi(oracle)
    foreign = ProvidersApi(oracle).providers_proxy_create(
        models.ProxyProviderRequest(
            name=unique("foreign"),
            authorization_flow=flows.flows_instances_retrieve("default-provider-authorization-implicit-consent").pk,
            invalidation_flow=flows.flows_instances_retrieve("default-provider-invalidation-flow").pk,
            external_host="https://foreign.lab.example",
            mode="forward_single",
        )
    )
    outpost = embedded_outpost(oracle)
    OutpostsApi(oracle).outposts_instances_partial_update(
        str(outpost.pk), models.PatchedOutpostRequest(providers=[*outpost.providers, foreign.pk])
    )
    slug = unique("whoami")
    args = {
        "slug": slug,
        "name": "whoami",
        "provider_type": "forward_auth",
        "groups": [allowed_group],
        "forward_auth": {"external_host": "https://whoami.lab.example"},
    }
    applied = four_steps("authentik_application", args)[0]
    providers = embedded_outpost(oracle).providers
    assert foreign.pk in providers and applied["provider"]["pk"] in providers


def test_forward_auth_update_avoids_the_patch_trap(oracle, run_module, allowed_group):
    slug = unique("domain")
    args = {
        "slug": slug,
        "name": "domain",
        "provider_type": "forward_auth",
        "groups": [allowed_group],
        "forward_auth": {
            "mode": "forward_domain",
            "external_host": "https://auth.lab.example",
            "cookie_domain": "lab.example",
        },
    }
    created = run_module("authentik_application", args)
    assert created["changed"] and not created.get("failed"), created
    args["forward_auth"]["external_host"] = "https://sso.lab.example"
    updated = run_module("authentik_application", args)
    assert updated["changed"] and not updated.get("failed"), updated
    provider = ProvidersApi(oracle).providers_proxy_retrieve(created["provider"]["pk"])
    assert provider.external_host == "https://sso.lab.example" and provider.mode.value == "forward_domain"


def test_an_application_no_group_may_use_is_refused_before_any_request(run_module, lab):
    mark = lab.mark()
    result = run_module(
        "authentik_application",
        {
            "slug": unique("open"),
            "name": "open",
            "provider_type": "forward_auth",
            "forward_auth": {"external_host": "https://open.lab.example"},
        },
    )
    assert result["failed"] and result["field"] == "groups" and "public: true" in result["msg"]
    assert lab.requests(mark, "authentik") == []


def test_a_public_application_is_allowed_and_the_bindings_follow_the_groups(oracle, run_module, allowed_group):
    slug = unique("public")
    args = {
        "slug": slug,
        "name": "public",
        "provider_type": "forward_auth",
        "public": True,
        "forward_auth": {"external_host": "https://public.lab.example"},
    }
    assert run_module("authentik_application", args)["changed"]
    app = CoreApi(oracle).core_applications_retrieve(slug)
    assert PoliciesApi(oracle).policies_bindings_list(target=str(app.pk)).results == []
    bound = run_module("authentik_application", dict(args, public=False, groups=[allowed_group]))
    assert bound["changed"]
    assert [b.group_obj.name for b in PoliciesApi(oracle).policies_bindings_list(target=str(app.pk)).results] == [
        allowed_group
    ]


def test_application_absent_removes_application_and_provider(oracle, run_module, allowed_group):
    slug = unique("temp")
    args = {
        "slug": slug,
        "name": "temp",
        "provider_type": "oidc",
        "groups": [allowed_group],
        "oidc": {"redirect_uris": ["https://temp.lab.example/cb"]},
    }
    created = run_module("authentik_application", args)
    assert run_module("authentik_application", {"slug": slug, "state": "absent"})["changed"]
    assert CoreApi(oracle).core_applications_list(slug=slug, superuser_full_list=True).results == []
    assert ProvidersApi(oracle).providers_oauth2_list(name=created["provider"]["name"]).results == []
    assert not run_module("authentik_application", {"slug": slug, "state": "absent"})["changed"]


def test_switching_the_provider_type_replaces_the_provider_and_keeps_the_application(
    oracle, four_steps, run_module, allowed_group, lab
):
    slug = unique("switch")
    oidc = {
        "slug": slug,
        "name": "switch",
        "provider_type": "oidc",
        "groups": [allowed_group],
        "oidc": {"redirect_uris": ["https://switch.lab.example/cb"]},
    }
    first = run_module("authentik_application", oidc)
    application_pk = CoreApi(oracle).core_applications_retrieve(slug).pk
    forward = {
        "slug": slug,
        "name": "switch",
        "provider_type": "forward_auth",
        "groups": [allowed_group],
        "forward_auth": {"external_host": "https://switch.lab.example"},
    }
    mark = lab.mark()
    predicted = run_module("authentik_application", forward, check=True)
    assert predicted["changed"] and lab.writes(mark, "authentik") == []
    assert predicted["diff"]["before"]["previous provider"] == {"name": slug, "type": "oidc"}
    applied = four_steps("authentik_application", forward)[0]
    assert applied["diff"]["before"]["previous provider"] == {"name": slug, "type": "oidc"}
    app = CoreApi(oracle).core_applications_retrieve(slug)
    assert app.pk == application_pk, "the application was recreated instead of switched"
    assert app.provider == applied["provider"]["pk"] and app.provider_obj.meta_model_name.endswith("proxyprovider")
    assert ProvidersApi(oracle).providers_oauth2_list(name=first["provider"]["name"]).results == []
    assert applied["provider"]["pk"] in embedded_outpost(oracle).providers
    assert [b.group_obj.name for b in PoliciesApi(oracle).policies_bindings_list(target=str(app.pk)).results] == [
        allowed_group
    ]
    back = run_module("authentik_application", oidc)
    assert back["changed"] and "previous provider" in back["diff"]["before"]
    assert applied["provider"]["pk"] not in embedded_outpost(oracle).providers
    assert CoreApi(oracle).core_applications_retrieve(slug).provider == back["provider"]["pk"]


def test_a_server_validation_error_names_the_field(run_module, allowed_group, lab):
    mark = lab.mark()
    result = run_module(
        "authentik_application",
        {
            "slug": unique("bad"),
            "name": "bad",
            "provider_type": "oidc",
            "groups": [allowed_group],
            "oidc": {"redirect_uris": ["https://bad.lab.example/cb"], "access_token_validity": "fortnights=2"},
        },
    )
    assert result["failed"] and result["status"] == 400
    assert "access_token_validity" in result["msg"]
    # The refused provider POST is the only write: no application was created without its provider.
    assert [(e["method"], e["status"]) for e in lab.writes(mark, "authentik")] == [("POST", 400)]


def test_an_unknown_flow_is_refused_naming_the_option(run_module, allowed_group):
    result = run_module(
        "authentik_application",
        {
            "slug": unique("flow"),
            "name": "flow",
            "provider_type": "oidc",
            "groups": [allowed_group],
            "authorization_flow": "no-such-flow",
            "oidc": {"redirect_uris": ["https://x.lab.example/cb"]},
        },
    )
    assert result["failed"] and result["field"] == "authorization_flow"


# --- faults, tokens, pagination ------------------------------------------------------------------------------------


def test_an_expired_token_fails_with_authentiks_message(oracle, raw_api, run_module):
    core = CoreApi(oracle)
    token = core.core_tokens_create(models.TokenRequest(identifier=unique("expiring"), intent="api"))
    key = core.core_tokens_view_key_retrieve(token.identifier).key
    assert not run_module("authentik_info", {"gather": ["version"]}, env={"AUTHENTIK_TOKEN": key}).get("failed")
    raw_api.advance_clock(31 * 60)
    result = run_module("authentik_group", {"name": unique("late")}, env={"AUTHENTIK_TOKEN": key})
    assert result["failed"] and result["status"] == 403 and "Token invalid/expired" in result["msg"]


def test_a_transient_5xx_is_retried(raw_api, run_module, lab):
    reply = raw_api.call(
        "POST",
        "/_lab/faults",
        {"path": "^/api/v3/core/groups/$", "method": "GET", "status": 503, "times": 1},
        token=False,
    )
    assert reply.status == 200
    name = unique("retry")
    mark = lab.mark()
    result = run_module("authentik_group", {"name": name})
    assert result["changed"] and not result.get("failed"), result
    statuses = [entry["status"] for entry in lab.requests(mark, "authentik") if entry["method"] == "GET"]
    assert statuses[:2] == [503, 200]


def test_info_follows_pagination_past_100_objects(oracle, run_module):
    core = CoreApi(oracle)
    for number in range(101):
        core.core_groups_create(models.GroupRequest(name=unique("bulk-%03d" % number)))
    total = core.core_groups_list(page_size=1).pagination.count
    assert total > 100
    result = run_module("authentik_info", {"gather": ["groups", "flows", "outposts", "scope_mappings"]})
    assert len(result["groups"]) == total
    assert "default-provider-authorization-implicit-consent" in result["flows"]
    assert "authentik Embedded Outpost" in result["outposts"]
    assert "goauthentik.io/providers/oauth2/scope-openid" in result["scope_mappings"]
