# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One wildcard certificate with every route a subdomain of it, and forward auth, on both profiles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

from .test_opnsense_modules import four_steps

OUTPOST_URI = "/outpost.goauthentik.io/auth/caddy"


def _base():
    return "w%s.example.org" % uuid.uuid4().hex[:8]


def _caddy(fw):
    if "os-caddy" not in fw.state()["installed"]:
        assert fw.run("opnsense_package", name="os-caddy")["installed"] is True


def _rows(fw, item):
    status, data = fw.api("GET", "caddy/reverse_proxy/search%s?current=1&rowCount=-1" % item)
    assert status == 200, data
    return data["rows"]


def _applied(fw):
    """Leave the twin as a site run would: Caddy applied, so later tests of this lab see nothing pending."""
    applied = fw.run("opnsense_apply", services=["caddy"])
    assert not applied.get("failed"), applied
    assert fw.state()["services"]["caddy"]["pending"] is False


def _one(rows, **match):
    found = [row for row in rows if all(row.get(key) == value for key, value in match.items())]
    assert len(found) == 1, (match, rows)
    return found[0]


def test_wildcard_domain_with_a_forward_auth_subdomain_four_steps(fw):
    _caddy(fw)
    base = _base()
    wildcard = "*." + base
    made = four_steps(fw, "opnsense_reverse_proxy", domain=wildcard, dns_challenge=True, description="wildcard")
    assert made["parts"] == {"domain": "create", "access_list": "none"}, made["parts"]
    wildcard_row = _one(_rows(fw, "ReverseProxy"), FromDomain=wildcard)
    assert wildcard_row["DnsChallenge"] == "1"

    route = dict(
        domain="app." + base,
        wildcard_domain=wildcard,
        upstream_host="app.srv-home.internal",
        upstream_port=8080,
        allowed_networks=["10.2.10.0/24"],
        forward_auth=True,
        description="tappaas module app",
    )
    published = four_steps(fw, "opnsense_reverse_proxy", **route)
    assert published["parts"] == {"access_list": "create", "subdomain": "create", "handler": "create"}
    assert published["diff"]["after"]["handler"]["forward_auth"] is True
    subdomain = _one(_rows(fw, "Subdomain"), FromDomain="app." + base)
    assert subdomain["reverse"] == wildcard_row["uuid"] and subdomain["accesslist"]
    handler = _one(_rows(fw, "Handle"), subdomain=subdomain["uuid"])
    assert (handler["reverse"], handler["ForwardAuth"], handler["ToDomain"], handler["ToPort"]) == (
        wildcard_row["uuid"],
        "1",
        "app.srv-home.internal",
        "8080",
    )
    # No domain of its own: the subdomain serves the wildcard's certificate.
    assert not [row for row in _rows(fw, "ReverseProxy") if row["FromDomain"] == "app." + base]

    # Turning forward auth off is an update of the handler only.
    opened = fw.run("opnsense_reverse_proxy", **dict(route, forward_auth=False))
    assert opened["parts"] == {"access_list": "none", "subdomain": "none", "handler": "update"}, opened
    assert _one(_rows(fw, "Handle"), subdomain=subdomain["uuid"])["ForwardAuth"] == "0"

    # The wildcard domain cannot go while a subdomain hangs under it: the API's refusal, and nothing changed.
    since = fw.mark()
    refused = fw.run("opnsense_reverse_proxy", domain=wildcard, state="absent")
    assert refused["failed"] is True and refused["status"] == 500, refused
    assert "Item in use by: " in refused["msg"] and "tappaas module app" in refused["msg"]
    assert [(w["method"], w["path"]) for w in fw.writes(since)] == [
        ("POST", "/api/caddy/reverse_proxy/delReverseProxy/" + wildcard_row["uuid"])
    ]
    assert _one(_rows(fw, "Handle"), subdomain=subdomain["uuid"])

    removed = fw.run("opnsense_reverse_proxy", domain="app." + base, state="absent")
    assert removed["parts"] == {
        "handler": "delete",
        "subdomain": "delete",
        "domain": "none",
        "access_list": "delete",
    }, removed
    gone = fw.run("opnsense_reverse_proxy", domain=wildcard, state="absent")
    assert gone["parts"]["domain"] == "delete", gone
    assert fw.run("opnsense_apply", services=["caddy"])["applied"] == ["caddy"]


def test_a_route_changes_form_without_leaving_the_old_one(fw267):
    fw = fw267
    _caddy(fw)
    base = _base()
    wildcard = "*." + base
    assert fw.run("opnsense_reverse_proxy", domain=wildcard, dns_challenge=True)["changed"] is True
    route = dict(domain="wiki." + base, upstream_host="wiki.srv-home.internal", upstream_port=3000)

    own = fw.run("opnsense_reverse_proxy", **route)
    assert own["parts"] == {"domain": "create", "handler": "create", "access_list": "none"}, own
    moved = four_steps(fw, "opnsense_reverse_proxy", **dict(route, wildcard_domain=wildcard))
    assert moved["parts"] == {
        "subdomain": "create",
        "handler": "create",
        "replaced_handler": "delete",
        "replaced_domain": "delete",
        "access_list": "none",
    }, moved["parts"]
    assert not [row for row in _rows(fw, "ReverseProxy") if row["FromDomain"] == "wiki." + base]
    back = fw.run("opnsense_reverse_proxy", **route)
    assert back["parts"]["replaced_subdomain"] == "delete" and back["parts"]["domain"] == "create", back
    assert not [row for row in _rows(fw, "Subdomain") if row["FromDomain"] == "wiki." + base]
    assert fw.run("opnsense_reverse_proxy", domain="wiki." + base, state="absent")["changed"] is True
    assert fw.run("opnsense_reverse_proxy", domain=wildcard, state="absent")["changed"] is True
    _applied(fw)


def test_a_subdomain_outside_its_wildcard_is_refused_before_any_write(fw):
    _caddy(fw)
    base = _base()
    wildcard = "*." + base
    made = fw.run("opnsense_reverse_proxy", domain=wildcard, dns_challenge=True)
    wildcard_uuid = _one(_rows(fw, "ReverseProxy"), FromDomain=wildcard)["uuid"]
    assert made["changed"] is True

    since = fw.mark()
    outside = fw.run(
        "opnsense_reverse_proxy", domain="app.other.example.net", wildcard_domain=wildcard, upstream_host="app.internal"
    )
    assert outside["failed"] is True and outside["field"] == "domain", outside
    assert "is not a subdomain of the wildcard domain " + wildcard in outside["msg"]
    missing = fw.run(
        "opnsense_reverse_proxy", domain="app.nowhere.test", wildcard_domain="*.nowhere.test", upstream_host="x"
    )
    assert missing["failed"] is True and missing["field"] == "wildcard_domain", missing
    assert fw.writes(since) == []

    # The API refuses the same, field by field, in os-caddy's words.
    status, answer = fw.api(
        "POST",
        "caddy/reverse_proxy/addSubdomain",
        {"subdomain": {"reverse": wildcard_uuid, "FromDomain": "x.other.org"}},
    )
    assert (status, answer) == (
        200,
        {
            "result": "failed",
            "validations": {
                "subdomain.FromDomain": "Invalid subdomain configuration: x.other.org does not fall under any "
                "configured wildcard domain."
            },
        },
    )
    plain = fw.run("opnsense_reverse_proxy", domain="plain." + base, upstream_host="plain.internal")
    plain_uuid = _one(_rows(fw, "ReverseProxy"), FromDomain="plain." + base)["uuid"]
    status, answer = fw.api(
        "POST", "caddy/reverse_proxy/addSubdomain", {"subdomain": {"reverse": plain_uuid, "FromDomain": "y." + base}}
    )
    # Only wildcard domains are options of a subdomain's domain (the model's relation filter).
    assert answer == {"result": "failed", "validations": {"subdomain.reverse": "Related item not found."}}
    assert plain["changed"] is True
    fw.run("opnsense_reverse_proxy", domain="plain." + base, state="absent")
    fw.run("opnsense_reverse_proxy", domain=wildcard, state="absent")
    _applied(fw)


def test_forward_auth_provider_settings_four_steps(fw):
    _caddy(fw)
    host = "auth-%s.example.org" % uuid.uuid4().hex[:6]
    args = dict(auth_provider="authentik", auth_host=host, auth_port=9443, auth_tls=True, auth_uri=OUTPOST_URI)
    applied = four_steps(fw, "opnsense_caddy_settings", **args)
    assert "auth_host" in applied["changed_fields"] and set(applied["changed_fields"]) <= set(args)
    _status, settings = fw.api("GET", "caddy/general/get")
    general = settings["caddy"]["general"]
    assert general["AuthProvider"]["authentik"]["selected"] == 1
    assert general["AuthToTls"]["1"]["selected"] == 1
    assert (general["AuthToDomain"], general["AuthToPort"], general["AuthToUri"]) == (host, "9443", OUTPOST_URI)
    refused = fw.run("opnsense_caddy_settings", auth_uri="outpost.goauthentik.io")
    assert refused["failed"] is True
    assert "caddy.general.AuthToUri: Please enter a valid URI that starts with '/'." in refused["msg"]
    _applied(fw)


def test_ingress_role_puts_every_route_under_one_wildcard_with_forward_auth(fw261, collections_path, tmp_path):
    """playbooks/ingress.yml on the example site (26.1 twin, so the network role test's 26.7 routes stay its own)."""
    from .test_network_roles import COLLECTION_ROOT, _play

    fw = fw261
    ingress = COLLECTION_ROOT / "playbooks" / "ingress.yml"
    token = "tok-wildcard-" + uuid.uuid4().hex[:8]
    settings = {
        "ingress_site": {"name": "example", "domain": "example.org", "tls": {"certificate": "wildcard"}},
        "ingress_dns_provider": "cloudflare",
        "ingress_dns_api_key": token,
        "ingress_forward_auth_url": "https://auth.example.org:9443",
    }
    extra = ("-e", json.dumps(settings))
    first = _play(fw, collections_path, ingress, tmp_path, *extra)
    since = fw.mark()
    again = _play(fw, collections_path, ingress, tmp_path, *extra)
    assert "changed=0" in again and fw.writes(since) == [], "the second run changed something"
    assert token not in first + again, "the DNS token leaked into the output"

    caddy = fw.state()["services"]["caddy"]
    assert caddy["pending"] is False
    _status, data = fw.api("GET", "caddy/general/get")
    general = data["caddy"]["general"]
    assert general["AuthProvider"]["authentik"]["selected"] == 1 and general["AuthToTls"]["1"]["selected"] == 1
    assert (general["AuthToDomain"], general["AuthToPort"], general["AuthToUri"]) == (
        "auth.example.org",
        "9443",
        OUTPOST_URI,
    )
    wildcard = _one(_rows(fw, "ReverseProxy"), FromDomain="*.example.org")
    assert wildcard["DnsChallenge"] == "1"
    subdomains = {
        row["FromDomain"]: row for row in _rows(fw, "Subdomain") if row["FromDomain"].endswith(".example.org")
    }
    assert {"cloud.example.org", "vault.example.org", "home.example.org"} <= set(subdomains)
    assert {row["reverse"] for row in subdomains.values()} == {wildcard["uuid"]}
    handlers = {row["subdomain"]: row for row in _rows(fw, "Handle")}
    forward_auth = {name: handlers[row["uuid"]]["ForwardAuth"] for name, row in subdomains.items()}
    # The example's forward_auth modules are vaultwarden and homeassistant; nextcloud signs in by OIDC itself.
    assert forward_auth["vault.example.org"] == forward_auth["home.example.org"] == "1"
    assert forward_auth["cloud.example.org"] == "0"


def test_ingress_role_refuses_a_wildcard_without_a_token_before_any_request(fw261, collections_path, tmp_path):
    from .test_network_roles import COLLECTION_ROOT

    fw = fw261
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1")
    env.update(
        {
            key: str(fw.env[key])
            for key in ("OPNSENSE_HOST", "OPNSENSE_PORT", "OPNSENSE_API_KEY", "OPNSENSE_API_SECRET", "OPNSENSE_CA_PATH")
        }
    )
    settings = {
        "ingress_site": {"domain": "example.org", "tls": {"certificate": "wildcard", "dns_provider": "cloudflare"}}
    }
    example = COLLECTION_ROOT / "inventories" / "example"
    since = fw.mark()
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(example),
         str(COLLECTION_ROOT / "playbooks" / "ingress.yml"), "-e", json.dumps(settings)],
        cwd=str(COLLECTION_ROOT), env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode != 0
    assert "needs ingress_dns_provider" in done.stdout and "a token missing" in done.stdout, done.stdout[-3000:]
    assert fw.lab.requests(since) == [], "the role asked the firewall before refusing"
