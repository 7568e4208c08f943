# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The identity role through ansible-playbook against the twin: converge, then a second run that writes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

authentik_client = pytest.importorskip("authentik_client")
from authentik_client.api import CoreApi, OutpostsApi, PoliciesApi  # noqa: E402

FILES = Path(__file__).parent / "files"


def recap(output):
    match = re.search(r"localhost\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", output)
    assert match, output
    return {"ok": int(match[1]), "changed": int(match[2]), "failed": int(match[4])}


def test_identity_role_converges_and_is_idempotent(run_playbook, authentik_env, lab, oracle, tmp_path, raw_api):
    result_file = tmp_path / "identity.json"
    extra = [
        "-e",
        "identity_api_url=%s" % authentik_env["AUTHENTIK_URL"],
        "-e",
        "identity_api_token=%s" % authentik_env["AUTHENTIK_TOKEN"],
        "-e",
        "identity_ca_path=%s" % authentik_env["AUTHENTIK_CA_PATH"],
        "-e",
        "identity_result_file=%s" % result_file,
        "-e",
        json.dumps({"identity_installers": ["akadmin"]}),
    ]
    inventory = "localhost,"
    first = run_playbook(FILES / "identity_play.yml", inventory, *extra)
    assert first.returncode == 0, first.stdout + first.stderr
    assert recap(first.stdout)["changed"] >= 5
    published = json.loads(result_file.read_text())
    nextcloud = published["oidc"]["nextcloud"]
    assert set(published["oidc"]) == {"nextcloud"}
    assert nextcloud["issuer"].endswith("/application/o/nextcloud/") and nextcloud["client_secret"]
    assert nextcloud["client_secret"] not in first.stdout, "a client secret was printed"
    assert raw_api.call("GET", "/api/v3/core/users/me/", token=published["token_key"])[0] == 200

    core = CoreApi(oracle)
    for name in ("tappaas-installers", "tappaas-admins", "tappaas-users"):
        assert core.core_groups_list(name=name).results, name
    vault_app = core.core_applications_retrieve("vaultwarden")
    assert vault_app.launch_url == "https://vault.lab.example"
    bound = PoliciesApi(oracle).policies_bindings_list(target=str(vault_app.pk)).results
    assert [b.group_obj.name for b in bound] == ["tappaas-users"]
    embedded = OutpostsApi(oracle).outposts_instances_list(managed__iexact="goauthentik.io/outposts/embedded")
    assert vault_app.provider in embedded.results[0].providers
    assert core.core_applications_list(slug="postgresql", superuser_full_list=True).results == []

    mark = lab.mark()
    second = run_playbook(FILES / "identity_play.yml", inventory, *extra)
    assert second.returncode == 0, second.stdout + second.stderr
    assert recap(second.stdout)["changed"] == 0, second.stdout
    assert lab.writes(mark, "authentik") == []
    assert json.loads(result_file.read_text())["oidc"]["nextcloud"]["client_secret"] == nextcloud["client_secret"]
