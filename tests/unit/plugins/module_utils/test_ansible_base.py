# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
from ansible.module_utils import basic
from ansible.module_utils.basic import env_fallback

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import (
    CONNECTION_SPECS,
    create_module,
    http_client_kwargs,
    run_module,
)
from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    InvalidInput,
    NotFound,
    WaitTimeout,
)
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, Result

EXPECTED_ENV = {
    "proxmox": {
        "api_host": "PROXMOX_HOST",
        "api_port": "PROXMOX_PORT",
        "api_user": "PROXMOX_USER",
        "api_password": "PROXMOX_PASSWORD",
        "api_token_id": "PROXMOX_TOKEN_ID",
        "api_token_secret": "PROXMOX_TOKEN_SECRET",
        "ca_path": "PROXMOX_CA_PATH",
        "validate_certs": "PROXMOX_VALIDATE_CERTS",
        "api_timeout": "PROXMOX_TIMEOUT",
        "known_version": "PROXMOX_KNOWN_VERSION",
    },
    "opnsense": {
        "api_host": "OPNSENSE_HOST",
        "api_port": "OPNSENSE_PORT",
        "api_key": "OPNSENSE_API_KEY",
        "api_secret": "OPNSENSE_API_SECRET",
        "ca_path": "OPNSENSE_CA_PATH",
        "validate_certs": "OPNSENSE_VALIDATE_CERTS",
        "api_timeout": "OPNSENSE_TIMEOUT",
        "known_version": "OPNSENSE_KNOWN_VERSION",
    },
    "authentik": {
        "api_url": "AUTHENTIK_URL",
        "api_token": "AUTHENTIK_TOKEN",
        "ca_path": "AUTHENTIK_CA_PATH",
        "validate_certs": "AUTHENTIK_VALIDATE_CERTS",
        "api_timeout": "AUTHENTIK_TIMEOUT",
    },
    "pbs": {
        "api_host": "PBS_HOST",
        "api_port": "PBS_PORT",
        "api_user": "PBS_USER",
        "api_password": "PBS_PASSWORD",
        "api_token_id": "PBS_TOKEN_ID",
        "api_token_secret": "PBS_TOKEN_SECRET",
        "ca_path": "PBS_CA_PATH",
        "validate_certs": "PBS_VALIDATE_CERTS",
        "api_timeout": "PBS_TIMEOUT",
    },
}
SECRETS = {"api_password", "api_token_secret", "api_key", "api_secret", "api_token"}
DEFAULT_PORTS = {"proxmox": 8006, "opnsense": 443, "pbs": 8007}


class ExitJson(Exception):
    pass


class FailJson(Exception):
    pass


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for names in EXPECTED_ENV.values():
        for env in names.values():
            monkeypatch.delenv(env, raising=False)


@pytest.fixture
def set_module_args(monkeypatch):
    def setter(args):
        monkeypatch.setattr(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode())
        monkeypatch.setattr(basic, "_ANSIBLE_PROFILE", "legacy")

    return setter


@pytest.fixture
def capture_exit(monkeypatch):
    def exit_json(self, **kwargs):
        raise ExitJson(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs["msg"] = msg
        raise FailJson(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


@pytest.mark.parametrize("platform", sorted(EXPECTED_ENV))
def test_every_option_falls_back_to_its_environment_variable(platform):
    spec = CONNECTION_SPECS[platform]
    assert set(spec) == set(EXPECTED_ENV[platform])
    for name, option in spec.items():
        assert option["fallback"] == (env_fallback, [EXPECTED_ENV[platform][name]]), name


@pytest.mark.parametrize("platform", sorted(EXPECTED_ENV))
def test_secrets_are_no_log_and_tls_is_verified_by_default(platform):
    spec = CONNECTION_SPECS[platform]
    for name, option in spec.items():
        assert bool(option.get("no_log")) == (name in SECRETS), name
    assert spec["validate_certs"] == dict(spec["validate_certs"], type="bool", default=True)
    assert spec["ca_path"]["type"] == "path"
    assert spec["api_timeout"]["default"] == 30
    if platform in DEFAULT_PORTS:
        assert spec["api_port"]["default"] == DEFAULT_PORTS[platform]


def test_options_come_from_the_environment(monkeypatch, set_module_args):
    monkeypatch.setenv("PROXMOX_HOST", "pve1.lab")
    monkeypatch.setenv("PROXMOX_PORT", "18006")
    monkeypatch.setenv("PROXMOX_USER", "root@pam")
    monkeypatch.setenv("PROXMOX_PASSWORD", "env-pass-1")
    monkeypatch.setenv("PROXMOX_CA_PATH", "/lab/ca.pem")
    set_module_args({"name": "vm1"})
    module = create_module("proxmox", {"name": {"type": "str", "required": True}})
    params = module.params
    assert (params["api_host"], params["api_port"], params["api_user"]) == ("pve1.lab", 18006, "root@pam")
    assert params["api_password"] == "env-pass-1"
    assert params["ca_path"] == "/lab/ca.pem"
    assert params["validate_certs"] is True
    assert params["api_timeout"] == 30
    assert params["name"] == "vm1"
    assert module.check_mode is False
    assert "env-pass-1" in module.no_log_values


def test_task_arguments_win_over_the_environment(monkeypatch, set_module_args):
    monkeypatch.setenv("OPNSENSE_HOST", "env.fw")
    monkeypatch.setenv("OPNSENSE_VALIDATE_CERTS", "false")
    set_module_args({"api_host": "task.fw", "api_key": "k", "api_secret": "s"})
    params = create_module("opnsense", {}).params
    assert params["api_host"] == "task.fw"
    assert params["validate_certs"] is False
    assert params["api_port"] == 443


def test_no_log_values_are_masked_in_the_module_output(monkeypatch, set_module_args, capsys):
    monkeypatch.setenv("AUTHENTIK_TOKEN", "ak-token-from-env")
    set_module_args({"api_url": "https://auth.lab", "_ansible_check_mode": True})
    module = create_module("authentik", {})
    assert module.check_mode is True
    with pytest.raises(SystemExit):
        module.exit_json(changed=False, echoed="Bearer ak-token-from-env")
    output = json.loads(capsys.readouterr().out)
    assert "ak-token-from-env" not in json.dumps(output)
    assert output["echoed"] == "Bearer ********"


@pytest.mark.parametrize(
    "args, message",
    [
        ({"api_user": "root@pam", "api_password": "x"}, "missing required arguments: api_host"),
        ({"api_host": "pve"}, "one of the following is required: api_password, api_token_id"),
        ({"api_host": "pve", "api_token_id": "root@pam!ci"}, "parameters are required together"),
        ({"api_host": "pve", "api_password": "x"}, "missing parameter(s) required by 'api_password': api_user"),
    ],
)
@pytest.mark.parametrize("platform", ["proxmox", "pbs"])
def test_ticket_or_token_constraints(platform, args, message, set_module_args, capture_exit):
    set_module_args(args)
    with pytest.raises(FailJson) as caught:
        create_module(platform, {})
    assert message in caught.value.args[0]["msg"]


def test_a_token_alone_is_enough(set_module_args):
    set_module_args({"api_host": "pve", "api_token_id": "root@pam!ci", "api_token_secret": "t"})
    assert create_module("proxmox", {}).params["api_token_id"] == "root@pam!ci"


def test_module_constraints_are_added_to_the_connection_constraints(set_module_args, capture_exit):
    set_module_args({"api_host": "pve", "api_token_id": "a@pve!b", "api_token_secret": "t", "vmid": 100, "name": "x"})
    with pytest.raises(FailJson) as caught:
        create_module(
            "proxmox", {"vmid": {"type": "int"}, "name": {"type": "str"}}, mutually_exclusive=[("vmid", "name")]
        )
    assert "mutually exclusive: vmid|name" in caught.value.args[0]["msg"]


def test_a_module_cannot_redefine_a_connection_option():
    with pytest.raises(ValueError, match="api_host"):
        create_module("proxmox", {"api_host": {"type": "str"}})
    with pytest.raises(ValueError, match="unknown platform"):
        create_module("vmware", {})


DESCRIPTOR = ResourceDescriptor("alias", "name", [Field("name"), Field("key", secret=True)])


@pytest.fixture
def module(set_module_args, capture_exit):
    set_module_args({"api_host": "fw", "api_key": "k", "api_secret": "s"})
    return create_module("opnsense", {})


def test_run_module_exits_with_the_result(module):
    result = Result(DESCRIPTOR, "create", ["name"], None, {"name": "lan"}, {"before": {}, "after": {}}, None)
    with pytest.raises(ExitJson) as caught:
        run_module(module, lambda: result)
    assert caught.value.args[0] == result.as_module_result()
    assert caught.value.args[0]["changed"] is True


def test_run_module_accepts_a_plain_dict(module):
    with pytest.raises(ExitJson) as caught:
        run_module(module, lambda: {"changed": False, "items": []})
    assert caught.value.args[0] == {"changed": False, "items": []}


def raising(error):
    def operation():
        raise error

    return operation


def test_invalid_input_fails_naming_the_field(module):
    with pytest.raises(FailJson) as caught:
        run_module(module, raising(InvalidInput("vlan", "must be 1-4094")))
    assert caught.value.args[0] == {"msg": "vlan: must be 1-4094", "field": "vlan"}


def test_api_errors_fail_with_the_api_message_and_status(module):
    error = NotFound("alias lan not found", status=404, method="GET", url="https://fw/api/x", body={"x": 1})
    with pytest.raises(FailJson) as caught:
        run_module(module, raising(error))
    assert caught.value.args[0] == {
        "msg": "GET https://fw/api/x: HTTP 404: alias lan not found",
        "status": 404,
        "method": "GET",
        "url": "https://fw/api/x",
    }


def test_api_errors_without_a_status_leave_it_out(module):
    with pytest.raises(FailJson) as caught:
        run_module(module, raising(ApiError("TLS error: certificate verify failed")))
    assert caught.value.args[0] == {"msg": "TLS error: certificate verify failed"}


def test_wait_timeouts_fail_with_their_message(module):
    with pytest.raises(FailJson) as caught:
        run_module(module, raising(WaitTimeout("timed out after 5 s waiting for task; last state: running")))
    assert caught.value.args[0]["msg"] == "timed out after 5 s waiting for task; last state: running"


def test_bugs_are_not_disguised_as_failures(module):
    with pytest.raises(KeyError):
        run_module(module, raising(KeyError("oops")))


def params(platform, **overrides):
    values = {name: option.get("default") for name, option in CONNECTION_SPECS[platform].items()}
    values.update(overrides)
    return values


def test_proxmox_token_becomes_the_pve_authorization_header():
    kwargs = http_client_kwargs(
        "proxmox",
        params("proxmox", api_host="pve1", api_token_id="ci", api_user="automation@pve", api_token_secret="uuid"),
    )
    assert kwargs == {
        "base_url": "https://pve1:8006/api2/json",
        "headers": {"Authorization": "PVEAPIToken=automation@pve!ci=uuid"},
        "validate_certs": True,
        "ca_path": None,
        "timeout": 30,
    }


def test_a_full_token_id_needs_no_user_and_a_bare_one_does():
    full = http_client_kwargs("pbs", params("pbs", api_host="pbs", api_token_id="backup@pbs!ci", api_token_secret="s"))
    assert full["headers"] == {"Authorization": "PBSAPIToken=backup@pbs!ci:s"}
    assert full["base_url"] == "https://pbs:8007/api2/json"
    with pytest.raises(InvalidInput, match="api_token_id"):
        http_client_kwargs("proxmox", params("proxmox", api_host="pve", api_token_id="ci", api_token_secret="s"))


def test_password_logins_get_only_transport_settings():
    kwargs = http_client_kwargs(
        "proxmox", params("proxmox", api_host="fd00::1", api_user="root@pam", api_password="pw", ca_path="/ca.pem")
    )
    assert kwargs == {
        "base_url": "https://[fd00::1]:8006/api2/json",
        "validate_certs": True,
        "ca_path": "/ca.pem",
        "timeout": 30,
    }


def test_opnsense_uses_basic_auth_with_key_and_secret():
    kwargs = http_client_kwargs(
        "opnsense", params("opnsense", api_host="fw", api_key="k", api_secret="s", validate_certs=False)
    )
    assert (kwargs["base_url"], kwargs["user"], kwargs["password"]) == ("https://fw:443/api", "k", "s")
    assert kwargs["validate_certs"] is False


@pytest.mark.parametrize("url", ["https://auth.lab", "https://auth.lab/", "https://auth.lab/api/v3"])
def test_authentik_uses_a_bearer_token(url):
    kwargs = http_client_kwargs("authentik", params("authentik", api_url=url, api_token="t"))
    assert kwargs["base_url"] == "https://auth.lab/api/v3"
    assert kwargs["headers"] == {"Authorization": "Bearer t"}


def test_malformed_addresses_are_refused():
    with pytest.raises(InvalidInput, match="api_host"):
        http_client_kwargs("opnsense", params("opnsense", api_host="https://fw", api_key="k", api_secret="s"))
    with pytest.raises(InvalidInput, match="api_url"):
        http_client_kwargs("authentik", params("authentik", api_url="auth.lab", api_token="t"))
