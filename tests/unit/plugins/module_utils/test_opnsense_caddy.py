# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Caddy routes: wildcard and subdomain names, blank booleans, and how handler rows are told apart."""

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_caddy import (
    DOMAIN,
    DOMAIN_HANDLER,
    SUBDOMAIN_HANDLER,
    blank_is_false,
    check_subdomain,
    wildcard_base,
)
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import ControllerResource


@pytest.mark.parametrize(
    ("wildcard", "base"), [("*.example.org", "example.org"), ("*.Lab.Tappaas.TEST", "lab.tappaas.test")]
)
def test_wildcard_base(wildcard, base):
    assert wildcard_base(wildcard) == base


@pytest.mark.parametrize("wrong", ["example.org", "*example.org", "*.", "", None, "*.*.example.org", "a.*.example.org"])
def test_anything_but_a_wildcard_domain_is_refused(wrong):
    with pytest.raises(InvalidInput) as raised:
        wildcard_base(wrong)
    assert raised.value.field_path == "wildcard_domain"


def test_a_subdomain_is_exactly_one_label_under_the_wildcard():
    assert check_subdomain("Cloud.Example.org", "*.example.org") == "cloud.example.org"


@pytest.mark.parametrize(
    "outside",
    [
        "cloud.example.net",
        "badexample.org",  # os-caddy's suffix test would take it; the certificate would not cover it
        "a.b.example.org",  # two labels deep: *.example.org does not cover it
        "example.org",
        "*.example.org",
        ".example.org",
    ],
)
def test_a_name_the_wildcard_certificate_does_not_cover_is_refused(outside):
    with pytest.raises(InvalidInput) as raised:
        check_subdomain(outside, "*.example.org")
    assert raised.value.field_path == "domain"
    assert "is not a subdomain of the wildcard domain *.example.org" in raised.value.problem


def test_a_boolean_never_set_reads_as_off_so_it_causes_no_write():
    assert blank_is_false("") == "0"
    assert blank_is_false("1") == "1"
    field = DOMAIN_HANDLER.fields["forward_auth"]
    assert field.value("") is False and field.value("1") is True
    assert DOMAIN.fields["dns_challenge"].value("") is False


class _Rows:
    base = "caddy/reverse_proxy"

    def __init__(self, rows):
        self._rows = {row["uuid"]: row for row in rows}

    def rows(self):
        return self._rows


WILDCARD, SUB_A, SUB_B = "w" * 8, "a" * 8, "b" * 8
HANDLERS = [
    {"uuid": "h-own", "reverse": WILDCARD, "subdomain": "", "HandlePath": ""},
    {"uuid": "h-a", "reverse": WILDCARD, "subdomain": SUB_A, "HandlePath": ""},
    {"uuid": "h-b", "reverse": WILDCARD, "subdomain": SUB_B, "HandlePath": ""},
]


def test_a_domains_own_handler_is_not_confused_with_its_subdomains_handlers():
    domain_handlers = ControllerResource(_Rows(HANDLERS), DOMAIN_HANDLER)
    assert domain_handlers.read({"reverse": WILDCARD, "subdomain": "", "HandlePath": ""})["uuid"] == "h-own"
    subdomain_handlers = ControllerResource(_Rows(HANDLERS), SUBDOMAIN_HANDLER)
    assert subdomain_handlers.read({"subdomain": SUB_B, "HandlePath": ""})["uuid"] == "h-b"
    assert subdomain_handlers.read({"subdomain": "c" * 8, "HandlePath": ""}) is None
