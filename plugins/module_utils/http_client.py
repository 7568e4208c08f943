# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A small JSON-over-HTTPS client on ansible.module_utils.urls with bounded retries and typed errors.

Built on `Request` rather than requests/httpx so modules need no extra packages on the controller or target.
"""

from __future__ import annotations

import http.client
import json
import socket
import ssl
import time
import urllib.error
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from ansible.module_utils import urls

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    Conflict,
    NotFound,
    Transient,
)

TRANSIENT_STATUSES = frozenset((429, 502, 503, 504))
# Faults of the connection rather than of the request: the same request may well succeed a moment later.
_TRANSIENT_FAULTS = (socket.timeout, TimeoutError, ConnectionError, http.client.HTTPException, urls.ConnectionError)
MESSAGE_KEYS = ("message", "detail", "errors", "error")
MAX_MESSAGE_CHARS = 500
# A server may ask for a long pause; beyond this the caller is better off failing and rerunning.
MAX_RETRY_AFTER = 60.0


class Response:
    """Status, lower-cased headers, and the body: decoded JSON, text, or None when empty."""

    def __init__(self, status, headers, data):
        self.status = status
        self.headers = headers
        self.data = data

    def __repr__(self):
        return f"Response(status={self.status!r}, data={self.data!r})"


class _Attempt:
    """The outcome of one round trip: a response, or the fault that replaced it."""

    def __init__(self, status=None, headers=None, body=b"", reason="", fault=None):
        self.status = status
        self.headers = headers or {}
        self.body = body
        self.reason = reason
        self.fault = fault


def _lower_headers(headers):
    if headers is None:
        return {}
    return {str(key).lower(): value for key, value in headers.items()}


def _strip_userinfo(url):
    """Drop user:password@ from a URL so it is safe to put in errors and logs."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def _flatten(value):
    """Turn an `errors` structure (dict of field -> message, list, scalar) into one line."""
    if isinstance(value, dict):
        return "; ".join(f"{key}: {_flatten(item)}" for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(_flatten(item) for item in value)
    return "" if value is None else str(value)


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = str(value).strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


class HttpClient:
    """Talks to one API: joins paths to base_url, encodes bodies, retries transient faults, raises typed errors."""

    def __init__(
        self,
        base_url,
        headers=None,
        user=None,
        password=None,
        validate_certs=True,
        ca_path=None,
        timeout=30,
        retries=3,
        backoff=1.0,
        max_backoff=10.0,
        sleep=time.sleep,
        opener=None,
        on_request=None,
    ):
        self.base_url = base_url.rstrip("/")
        self.headers = dict(headers or {})
        self.headers.setdefault("Accept", "application/json")
        self.user = user
        self.password = password
        self.validate_certs = validate_certs
        self.ca_path = ca_path
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        # One Request keeps one cookie jar, which ticket-based APIs rely on.
        self.opener = opener if opener is not None else urls.Request().open
        self.on_request = on_request
        self.request_count = 0

    # Classification hooks: platform clients override these to teach the client their quirks.

    def is_transient(self, status, message, data):
        return status in TRANSIENT_STATUSES

    def extract_message(self, status, data, text):
        """The API's own words for a failure; "" lets the caller fall back to the HTTP reason, then the body."""
        if isinstance(data, dict):
            for key in MESSAGE_KEYS:
                found = _flatten(data.get(key))
                if found:
                    return found[:MAX_MESSAGE_CHARS]
            return ""
        text = (text or "").strip()
        if text.startswith("<"):
            return ""  # an HTML error page: the HTTP reason says the same in one line
        return text[:MAX_MESSAGE_CHARS]

    # Request building.

    def url_for(self, path, params=None):
        url = path if path.startswith(("http://", "https://")) else "{}/{}".format(self.base_url, path.lstrip("/"))
        if params:
            query = urlencode([(key, value) for key, value in params.items() if value is not None], doseq=True)
            if query:
                url = "{}{}{}".format(url, "&" if "?" in url else "?", query)
        return url

    def _encode_body(self, json_body, form, headers):
        if json_body is not None and form is not None:
            raise ValueError("pass json_body or form, not both")
        if json_body is not None:
            headers.setdefault("Content-Type", "application/json")
            return json.dumps(json_body).encode("utf-8")
        if form is not None:
            headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
            return urlencode([(key, value) for key, value in form.items() if value is not None], doseq=True).encode(
                "utf-8"
            )
        return None

    def request(self, method, path, params=None, json_body=None, form=None, headers=None):
        method = method.upper()
        url = self.url_for(path, params)
        merged_headers = dict(self.headers)
        merged_headers.update(headers or {})
        body = self._encode_body(json_body, form, merged_headers)
        safe_url = _strip_userinfo(url)

        attempt_number = 0
        while True:
            attempt_number += 1
            started = time.monotonic()
            attempt = self._send(method, url, body, merged_headers)
            self._record(method, safe_url, attempt.status, (time.monotonic() - started) * 1000.0)
            data, text = self._decode(attempt)
            if attempt.fault is None and attempt.status is not None and attempt.status < 400:
                return Response(attempt.status, attempt.headers, data)

            error = self._classify(method, safe_url, attempt, data, text)
            if not isinstance(error, Transient):
                raise error
            if attempt_number > self.retries:
                error.message = f"gave up after {attempt_number} attempts: {error.message}"
                raise error
            self.sleep(self._delay(attempt_number, attempt.headers.get("retry-after")))

    # One round trip, with every way it can fail folded into an _Attempt.

    def _send(self, method, url, body, headers):
        try:
            response = self.opener(
                method,
                url,
                data=body,
                headers=headers,
                validate_certs=self.validate_certs,
                ca_path=self.ca_path,
                timeout=self.timeout,
                url_username=self.user,
                url_password=self.password,
                force_basic_auth=self.user is not None,
            )
        except urllib.error.HTTPError as exc:
            try:
                content = exc.read() if exc.fp is not None else b""
            except Exception:  # the body of an error response is optional, its status is not
                content = b""
            return _Attempt(exc.code, _lower_headers(exc.headers), content, str(exc.reason or ""))
        except urllib.error.URLError as exc:
            return _Attempt(fault=exc.reason if isinstance(exc.reason, BaseException) else exc)
        except (OSError, http.client.HTTPException, urls.ConnectionError) as exc:
            return _Attempt(fault=exc)
        status = getattr(response, "status", None) or response.getcode()
        return _Attempt(status, _lower_headers(response.headers), response.read() or b"")

    def _record(self, method, url, status, elapsed_ms):
        self.request_count += 1
        if self.on_request is not None:
            self.on_request(method, url, status, elapsed_ms)

    @staticmethod
    def _decode(attempt):
        if not attempt.body:
            return None, ""
        text = attempt.body.decode("utf-8", errors="replace")
        if "json" in str(attempt.headers.get("content-type", "")).lower():
            try:
                return json.loads(text), text
            except ValueError:
                return None, text
        return text, text

    def _classify(self, method, url, attempt, data, text):
        context = dict(method=method, url=url)
        if attempt.fault is not None:
            fault = attempt.fault
            detail = str(fault) or type(fault).__name__
            # A certificate that does not verify will not verify on the next try either.
            if isinstance(fault, (ssl.SSLError, urls.SSLValidationError)):
                return ApiError(f"TLS error: {detail}", **context)
            if isinstance(fault, _TRANSIENT_FAULTS):
                return Transient(f"connection failed: {detail}", **context)
            return ApiError(f"request failed: {detail}", **context)

        status = attempt.status
        message = (
            self.extract_message(status, data, text)
            or attempt.reason
            or (text or "").strip()[:MAX_MESSAGE_CHARS]
            or f"HTTP {status}"
        )
        context.update(status=status, body=data if data is not None else text)
        if self.is_transient(status, message, data):
            return Transient(message, **context)
        if status == 404:
            return NotFound(message, **context)
        if status == 409:
            return Conflict(message, **context)
        if status in (401, 403):
            return AuthError(message, **context)
        return ApiError(message, **context)

    def _delay(self, attempt_number, retry_after):
        delay = min(self.backoff * (2 ** (attempt_number - 1)), self.max_backoff)
        asked = parse_retry_after(retry_after)
        if asked is not None:
            delay = max(delay, min(asked, MAX_RETRY_AFTER))
        return delay
