# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    Conflict,
    InvalidInput,
    NotFound,
    TappaasError,
    Transient,
    WaitTimeout,
)


def test_invalid_input_reads_as_path_then_problem():
    error = InvalidInput("tappaas_modules.nextcloud.zone", "unknown zone 'srv_hme'")
    assert str(error) == "tappaas_modules.nextcloud.zone: unknown zone 'srv_hme'"
    assert error.field_path == "tappaas_modules.nextcloud.zone"
    assert error.problem == "unknown zone 'srv_hme'"


def test_api_error_keeps_the_api_message_and_names_the_request():
    error = ApiError("vmid 100 already exists", status=400, method="POST", url="https://pve:8006/x", body={"a": 1})
    assert error.message == "vmid 100 already exists"
    assert str(error) == "POST https://pve:8006/x: HTTP 400: vmid 100 already exists"
    assert (error.status, error.method, error.url, error.body) == (400, "POST", "https://pve:8006/x", {"a": 1})


def test_api_error_without_context_is_just_the_message():
    assert str(ApiError("boom")) == "boom"
    assert str(ApiError("boom", status=500)) == "HTTP 500: boom"


@pytest.mark.parametrize("cls", [NotFound, Conflict, AuthError, Transient])
def test_http_errors_are_api_errors(cls):
    assert issubclass(cls, ApiError)
    assert issubclass(cls, TappaasError)


def test_wait_timeout_carries_what_and_last_progress():
    error = WaitTimeout("timed out", what="task", timeout=5, last_progress="running")
    assert isinstance(error, TappaasError)
    assert not isinstance(error, ApiError)
    assert (error.what, error.timeout, error.last_progress) == ("task", 5, "running")
