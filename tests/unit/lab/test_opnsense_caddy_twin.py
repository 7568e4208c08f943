# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The twin's os-caddy subdomains: the relation filter, the model's own checks and safe delete."""

from __future__ import annotations

import pytest

from lab.opnsense.world import Firewall


@pytest.fixture
def firewall():
    return Firewall("26.7")


def _save(firewall, name, posted):
    collection = firewall.collections[name]
    uuid = collection.new_uuid()
    row = collection.merged(uuid, posted)
    problems = firewall.validator.item(collection, uuid, row)
    if not problems:
        collection.rows[uuid] = row
    return uuid, problems


def test_the_relation_filter_offers_only_wildcard_domains(firewall):
    wildcard, problems = _save(firewall, "caddy_reverse", {"FromDomain": "*.example.org"})
    assert problems == {}
    plain, problems = _save(firewall, "caddy_reverse", {"FromDomain": "app.example.org"})
    assert problems == {}
    spec = firewall.collections["caddy_subdomain"].schema.fields["reverse"]
    assert spec.relation_filters == {"FromDomain": "/^\\*\\./"}
    assert firewall.options(firewall.collections["caddy_subdomain"], spec) == {wildcard: "*.example.org"}
    _uuid, problems = _save(firewall, "caddy_subdomain", {"reverse": plain, "FromDomain": "x.example.org"})
    assert problems == {"reverse": "Related item not found."}
    # A handler may name any domain: its relation has no filter.
    assert plain in firewall.options(
        firewall.collections["caddy_handle"], firewall.collections["caddy_handle"].schema.fields["reverse"]
    )


def test_a_subdomain_must_fall_under_an_enabled_wildcard_domain(firewall):
    wildcard, _problems = _save(firewall, "caddy_reverse", {"FromDomain": "*.example.org"})
    _uuid, problems = _save(firewall, "caddy_subdomain", {"reverse": wildcard, "FromDomain": "app.example.net"})
    assert problems == {
        "FromDomain": "Invalid subdomain configuration: app.example.net does not fall under any configured "
        "wildcard domain."
    }
    _uuid, problems = _save(firewall, "caddy_subdomain", {"reverse": wildcard, "FromDomain": "app.example.org"})
    assert problems == {}
    # A disabled subdomain is not checked; a disabled wildcard domain covers nothing.
    _uuid, problems = _save(firewall, "caddy_subdomain", {"reverse": wildcard, "FromDomain": "x.other", "enabled": "0"})
    assert problems == {}
    firewall.collections["caddy_reverse"].rows[wildcard]["enabled"] = "0"
    _uuid, problems = _save(firewall, "caddy_subdomain", {"reverse": wildcard, "FromDomain": "b.example.org"})
    assert "does not fall under any configured wildcard domain" in problems["FromDomain"]


def test_a_domain_and_port_pair_is_unique(firewall):
    _save(firewall, "caddy_reverse", {"FromDomain": "app.example.org"})
    _uuid, problems = _save(firewall, "caddy_reverse", {"FromDomain": "app.example.org", "FromPort": "443"})
    assert problems == {
        "FromDomain": "Duplicate entry: The combination of app.example.org and port 443 is already used. "
        "Each combination of domain and port must be unique."
    }
    _uuid, problems = _save(firewall, "caddy_reverse", {"FromDomain": "app.example.org", "FromPort": "8443"})
    assert problems == {}


def test_safe_delete_sees_subdomains_and_their_handlers(firewall):
    wildcard, _problems = _save(firewall, "caddy_reverse", {"FromDomain": "*.example.org"})
    subdomain, _problems = _save(
        firewall, "caddy_subdomain", {"reverse": wildcard, "FromDomain": "a.example.org", "description": "app a"}
    )
    domains = firewall.collections["caddy_reverse"]
    messages = [check(domains, wildcard, domains.rows[wildcard]) for check in domains.in_use]
    assert "Item in use by: subdomain app a" in messages
    _handler, problems = _save(
        firewall,
        "caddy_handle",
        {"reverse": wildcard, "subdomain": subdomain, "ToDomain": "a.internal", "description": "h"},
    )
    assert problems == {}
    subdomains = firewall.collections["caddy_subdomain"]
    messages = [check(subdomains, subdomain, subdomains.rows[subdomain]) for check in subdomains.in_use]
    assert messages == ["Item in use by: handle h"]
