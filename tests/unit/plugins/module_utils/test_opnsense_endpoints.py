# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Missing endpoints on both router generations, and capability checks by release."""

from __future__ import annotations

import io
import json
import urllib.error

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, NotFound
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_client import (
    ASSIGNMENT_API_VERSION,
    EndpointNotFound,
    OpnsenseApi,
    OpnsenseHttpClient,
)


class Reply:
    """What ansible.module_utils.urls' opener returns, for a JSON answer."""

    def __init__(self, status, data):
        self.status = status
        self.headers = {"Content-Type": "application/json"}
        self._body = json.dumps(data).encode()

    def read(self):
        return self._body

    def getcode(self):
        return self.status


def api_answering(answers):
    """An OpnsenseApi whose HTTP answers come from {path suffix: (status, data)}; it records the paths asked."""
    asked = []

    def opener(method, url, **kwargs):
        path = url.split("/api/", 1)[1].split("?", 1)[0]
        asked.append(path)
        status, data = answers[path]
        if status >= 400:
            body = io.BytesIO(json.dumps(data).encode())
            raise urllib.error.HTTPError(url, status, "error", {"Content-Type": "application/json"}, body)
        return Reply(status, data)

    return OpnsenseApi(OpnsenseHttpClient("https://fw/api", opener=opener, retries=0, sleep=lambda _s: None)), asked


@pytest.mark.parametrize(
    ("status", "body", "api_words"),
    [
        # 24.7+ (26.1 and 26.7): unknown controller or action, or a required uuid left out.
        (404, {"errorMessage": "Endpoint not found"}, "Endpoint not found"),
        # The Phalcon router of 24.1 and earlier.
        (400, {"status": 400, "message": "controller OPNsense\\Caddy\\Api\\ReverseProxyController not found"}, "Caddy"),
        (400, {"status": 400, "message": "action searchRuleX not found"}, "searchRuleX"),
    ],
)
def test_a_missing_endpoint_is_one_typed_error_with_the_api_message(status, body, api_words):
    api, _asked = api_answering({"caddy/reverse_proxy/searchReverseProxy": (status, body)})
    with pytest.raises(EndpointNotFound) as caught:
        api.get("caddy/reverse_proxy/searchReverseProxy")
    error = caught.value
    assert isinstance(error, NotFound), "callers that catch NotFound keep working"
    assert error.status == status
    assert "api/caddy/reverse_proxy/searchReverseProxy" in str(error) and api_words in str(error)


def test_other_400_answers_are_not_a_missing_endpoint():
    body = {"status": 400, "message": "Invalid JSON syntax"}
    api, _asked = api_answering({"firewall/filter/apply": (400, body)})
    with pytest.raises(ApiError) as caught:
        api.post("firewall/filter/apply", {})
    assert not isinstance(caught.value, NotFound)
    assert "Invalid JSON syntax" in str(caught.value)


@pytest.mark.parametrize(
    ("release", "has_api"), [("26.1.11", False), ("26.7", True), ("26.7.2_1", True), ("27.1", True)]
)
def test_assignment_api_is_decided_by_the_release_asked_once(release, has_api):
    api, asked = api_answering({"core/firmware/info": (200, {"product_version": release})})
    assert api.at_least(ASSIGNMENT_API_VERSION) is has_api
    assert api.at_least((25, 7)) is True
    assert asked == ["core/firmware/info"]
