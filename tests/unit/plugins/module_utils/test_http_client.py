# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import email.message
import io
import json
import socket
import ssl
import urllib.error
from urllib.parse import parse_qs, urlsplit

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    Conflict,
    NotFound,
    Transient,
)
from ansible_collections.tappaas.platform.plugins.module_utils.http_client import HttpClient, parse_retry_after

BASE = "https://fw.example:443/api"
JSON = {"Content-Type": "application/json; charset=utf-8"}


class FakeResponse:
    def __init__(self, status=200, body=b"", headers=None):
        self.status = status
        self.headers = dict(headers or {})
        self._body = body

    def read(self):
        return self._body

    def getcode(self):
        return self.status


def json_response(data, status=200):
    return FakeResponse(status, json.dumps(data).encode(), JSON)


def http_error(status, body=b"", headers=None, reason=""):
    message = email.message.Message()
    for key, value in (headers or {}).items():
        message[key] = value
    return urllib.error.HTTPError(BASE, status, reason, message, io.BytesIO(body))


def json_error(status, data, headers=None, reason=""):
    merged = dict(JSON)
    merged.update(headers or {})
    return http_error(status, json.dumps(data).encode(), merged, reason)


class FakeOpener:
    """Plays back responses and exceptions in order and records every call."""

    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.calls = []

    def __call__(self, method, url, **kwargs):
        self.calls.append(dict(kwargs, method=method, url=url))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


def make_client(*outcomes, **kwargs):
    """A client on a FakeOpener playing `outcomes`; the pauses it would have slept land in client.sleeps."""
    sleeps = []
    client = HttpClient(kwargs.pop("base_url", BASE), opener=FakeOpener(*outcomes), sleep=sleeps.append, **kwargs)
    client.sleeps = sleeps
    return client


def test_get_decodes_json_and_builds_the_url():
    client = make_client(json_response({"rows": [1, 2]}))
    response = client.request("get", "/firewall/alias/search", params={"q": "lan", "tags": ["a", "b"], "x": None})
    assert response.status == 200
    assert response.data == {"rows": [1, 2]}
    assert response.headers["content-type"].startswith("application/json")
    url = urlsplit(client.opener.calls[0]["url"])
    assert url.scheme + "://" + url.netloc + url.path == BASE + "/firewall/alias/search"
    assert parse_qs(url.query) == {"q": ["lan"], "tags": ["a", "b"]}
    assert client.opener.calls[0]["method"] == "GET"
    assert client.opener.calls[0]["data"] is None
    assert client.opener.calls[0]["headers"]["Accept"] == "application/json"


def test_json_body_is_encoded_with_its_content_type():
    client = make_client(json_response({"result": "saved"}))
    client.request("POST", "firewall/alias/add", json_body={"alias": {"name": "lan"}}, headers={"X-Trace": "1"})
    call = client.opener.calls[0]
    assert json.loads(call["data"]) == {"alias": {"name": "lan"}}
    assert call["headers"]["Content-Type"] == "application/json"
    assert call["headers"]["X-Trace"] == "1"


def test_form_body_is_urlencoded():
    client = make_client(json_response({"data": None}))
    client.request("PUT", "nodes/pve1/qemu/100/config", form={"cores": 2, "net0": "virtio,bridge=vmbr0", "x": None})
    call = client.opener.calls[0]
    assert parse_qs(call["data"].decode()) == {"cores": ["2"], "net0": ["virtio,bridge=vmbr0"]}
    assert call["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_json_and_form_together_are_refused():
    client = make_client()
    with pytest.raises(ValueError):
        client.request("POST", "x", json_body={}, form={})
    assert client.opener.calls == []


def test_tls_settings_timeout_and_basic_auth_reach_the_opener():
    client = make_client(json_response({}), user="key", password="secret", ca_path="/etc/lab/ca.pem", timeout=12)
    client.request("GET", "core/firmware/status")
    call = client.opener.calls[0]
    assert call["validate_certs"] is True
    assert call["ca_path"] == "/etc/lab/ca.pem"
    assert call["timeout"] == 12
    assert (call["url_username"], call["url_password"], call["force_basic_auth"]) == ("key", "secret", True)


def test_certificate_checks_can_be_turned_off_and_auth_left_out():
    client = make_client(json_response({}), validate_certs=False)
    client.request("GET", "x")
    assert client.opener.calls[0]["validate_certs"] is False
    assert client.opener.calls[0]["force_basic_auth"] is False


def test_retries_a_503_then_succeeds():
    seen = []
    client = make_client(
        json_error(503, {"message": "busy"}),
        json_response({"ok": True}),
        on_request=lambda *args: seen.append(args),
    )
    assert client.request("GET", "x").data == {"ok": True}
    assert len(client.opener.calls) == 2
    assert client.sleeps == [1.0]
    assert client.request_count == 2
    assert [(call[0], call[2]) for call in seen] == [("GET", 503), ("GET", 200)]
    assert all(call[1] == BASE + "/x" and call[3] >= 0 for call in seen)


def test_a_400_is_never_retried_and_keeps_the_api_message():
    client = make_client(json_error(400, {"errors": {"vmid": "value must be >= 100"}}))
    with pytest.raises(ApiError) as caught:
        client.request("POST", "nodes/pve1/qemu", form={"vmid": 5})
    error = caught.value
    assert caught.type is ApiError
    assert error.message == "vmid: value must be >= 100"
    assert (error.status, error.method, error.url) == (400, "POST", BASE + "/nodes/pve1/qemu")
    assert error.body == {"errors": {"vmid": "value must be >= 100"}}
    assert len(client.opener.calls) == 1
    assert client.sleeps == []


@pytest.mark.parametrize(
    "status, error_type", [(404, NotFound), (409, Conflict), (401, AuthError), (403, AuthError), (500, ApiError)]
)
def test_statuses_map_to_error_types_without_retry(status, error_type):
    client = make_client(json_error(status, {"message": "nope"}))
    with pytest.raises(error_type) as caught:
        client.request("DELETE", "thing/1")
    assert caught.type is error_type
    assert caught.value.message == "nope"
    assert len(client.opener.calls) == 1


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_transient_statuses_give_up_after_the_retries_naming_the_attempts(status):
    outcomes = [json_error(status, {"message": "try later"}) for attempt in range(3)]
    client = make_client(*outcomes, retries=2)
    with pytest.raises(Transient) as caught:
        client.request("GET", "x")
    assert caught.value.message == "gave up after 3 attempts: try later"
    assert caught.value.status == status
    assert len(client.opener.calls) == 3
    assert client.sleeps == [1.0, 2.0]


def test_backoff_doubles_up_to_its_ceiling():
    outcomes = [http_error(502) for attempt in range(4)]
    client = make_client(*outcomes, retries=3, backoff=4.0, max_backoff=5.0)
    with pytest.raises(Transient):
        client.request("GET", "x")
    assert client.sleeps == [4.0, 5.0, 5.0]


def test_retry_after_is_honoured():
    client = make_client(json_error(429, {"detail": "Request was throttled."}, {"Retry-After": "7"}), json_response({}))
    client.request("GET", "core/users/")
    assert client.sleeps == [7.0]


def test_retry_after_is_bounded():
    client = make_client(http_error(503, headers={"Retry-After": "3600"}), json_response({}))
    client.request("GET", "x")
    assert client.sleeps == [60.0]


def test_retry_after_accepts_an_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412480.0) == 30.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0 + 99) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize(
    "fault",
    [
        urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")),
        urllib.error.URLError(socket.timeout("timed out")),
        socket.timeout("timed out"),
        ConnectionResetError(104, "Connection reset by peer"),
    ],
)
def test_connection_faults_are_retried(fault):
    client = make_client(fault, json_response({"ok": 1}))
    assert client.request("GET", "x").data == {"ok": 1}
    assert len(client.opener.calls) == 2
    assert client.sleeps == [1.0]


def test_connection_faults_give_up_as_transient():
    client = make_client(socket.timeout("timed out"), socket.timeout("timed out"), retries=1)
    with pytest.raises(Transient, match="gave up after 2 attempts: connection failed: timed out"):
        client.request("GET", "x")
    assert client.request_count == 2


def test_a_certificate_that_does_not_verify_is_not_retried():
    fault = urllib.error.URLError(ssl.SSLCertVerificationError(1, "certificate verify failed"))
    client = make_client(fault)
    with pytest.raises(ApiError) as caught:
        client.request("GET", "x")
    assert not isinstance(caught.value, Transient)
    assert "TLS error" in caught.value.message
    assert "certificate verify failed" in caught.value.message
    assert len(client.opener.calls) == 1


def test_a_platform_client_can_classify_its_own_transient_faults():
    class LockAware(HttpClient):
        def is_transient(self, status, message, data):
            return super().is_transient(status, message, data) or "got timeout" in message

    opener = FakeOpener(
        http_error(500, reason="can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout"),
        json_response({"data": "UPID:pve1:1"}),
    )
    client = LockAware(BASE, opener=opener, sleep=lambda seconds: None)
    assert client.request("POST", "nodes/pve1/qemu/100/status/start").data == {"data": "UPID:pve1:1"}
    assert len(client.opener.calls) == 2


@pytest.mark.parametrize(
    "data, text, reason, expected",
    [
        ({"message": "Alias not found"}, "", "", "Alias not found"),
        ({"detail": "Invalid token"}, "", "", "Invalid token"),
        ({"errors": ["a", "b"]}, "", "", "a; b"),
        ({"error": "bad"}, "", "", "bad"),
        ({"data": None}, "", "Parameter verification failed.", "Parameter verification failed."),
        (None, "<html>Bad Gateway</html>", "", "<html>Bad Gateway</html>"),
        (None, "<html><h1>Error</h1>...</html>", "File not found", "File not found"),
        (None, "no such alias", "Not Found", "no such alias"),
        ({"result": "failed"}, "", "", '{"result": "failed"}'),
        (None, "", "", "HTTP 418"),
    ],
)
def test_message_extraction(data, text, reason, expected):
    if data is not None:
        error = json_error(418, data, reason=reason)
    else:
        error = http_error(418, text.encode(), {"Content-Type": "text/html"}, reason=reason)
    client = make_client(error)
    with pytest.raises(ApiError) as caught:
        client.request("GET", "x")
    assert caught.value.message == expected


def test_long_messages_are_truncated():
    client = make_client(http_error(400, b"x" * 2000, {"Content-Type": "text/plain"}))
    with pytest.raises(ApiError) as caught:
        client.request("GET", "x")
    assert caught.value.message == "x" * 500


def test_credentials_never_reach_the_error():
    client = make_client(
        json_error(401, {"detail": "Token invalid/expired"}),
        base_url="https://admin:hunter2@auth.example/api/v3",
        headers={"Authorization": "Bearer sekrit"},
        user="admin",
        password="hunter2",
    )
    with pytest.raises(AuthError) as caught:
        client.request("GET", "core/users/")
    text = str(caught.value) + repr(vars(caught.value))
    assert "hunter2" not in text
    assert "sekrit" not in text
    assert caught.value.url == "https://auth.example/api/v3/core/users/"


def test_non_json_and_empty_bodies():
    client = make_client(FakeResponse(200, b"plain words", {"Content-Type": "text/plain"}), FakeResponse(204, b"", {}))
    assert client.request("GET", "x").data == "plain words"
    assert client.request("DELETE", "x").data is None


def test_an_absolute_url_is_used_as_given():
    client = make_client(json_response({}))
    client.request("GET", "https://other.example/api/x", params={"a": 1})
    assert client.opener.calls[0]["url"] == "https://other.example/api/x?a=1"
