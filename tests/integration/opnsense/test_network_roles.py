# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/network.yml and playbooks/ingress.yml on the example inventory against the 26.7 twin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ..conftest import COLLECTION_ROOT

EXAMPLE = COLLECTION_ROOT / "inventories" / "example"
CONNECTION_KEYS = ("OPNSENSE_HOST", "OPNSENSE_PORT", "OPNSENSE_API_KEY", "OPNSENSE_API_SECRET", "OPNSENSE_CA_PATH")


def _play(fw, collections_path, playbook, tmp_path, *extra):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_NOCOLOR="1")
    env.update({key: str(fw.env[key]) for key in CONNECTION_KEYS})
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(EXAMPLE), str(playbook),
         "-e", "network_snapshot_path=%s" % (tmp_path / "snapshot.json"), *extra],
        cwd=str(COLLECTION_ROOT), env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    return done.stdout


def test_network_then_ingress_are_idempotent_with_zero_writes(fw267, collections_path, tmp_path):
    fw = fw267
    network = COLLECTION_ROOT / "playbooks" / "network.yml"
    ingress = COLLECTION_ROOT / "playbooks" / "ingress.yml"
    since = fw.mark()
    checked = _play(fw, collections_path, network, tmp_path, "--check")
    assert fw.writes(since) == [], "check mode wrote"
    assert "changed=" in checked

    first = _play(fw, collections_path, network, tmp_path)
    assert "failed=0" in first
    state = fw.state()
    assert not any(service["pending"] for service in state["services"].values()), "something was left unapplied"
    rules = state["services"]["filter"]["applied"]["rules"]
    descriptions = {rule["description"] for rule in rules.values()}
    assert "[tappaas-network] anti-lockout:mgmt:443 - management reaches the firewall" in descriptions
    assert "[tappaas-network] deny-private:home - home reaches no other private network" in descriptions
    # Pinholes are each module's own scope (the module role's), never part of the network role's zone policy.
    assert not [text for text in descriptions if "tappaas-module:" in text], "the zone policy holds no pinholes"
    hosts = state["services"]["unbound"]["applied"]["hosts"].values()
    assert any(h["hostname"] == "nextcloud" and h["domain"] == "srv-home.internal" for h in hosts)
    assigned = {data["descr"]: name for name, data in state["interfaces"].items()}
    assert {"srv_home", "home", "iot_cams"} <= set(assigned)
    home_rules = [r for r in rules.values() if r["description"].startswith("[tappaas-network] egress:home")]
    assert home_rules and home_rules[0]["interface"] == assigned["home"], "rules use the assigned interface"

    since = fw.mark()
    second = _play(fw, collections_path, network, tmp_path)
    assert "changed=0" in second and fw.writes(since) == []

    dns01 = ("-e", "ingress_dns_provider=cloudflare", "-e", "ingress_dns_api_key=tok-role-secret")
    _play(fw, collections_path, ingress, tmp_path, *dns01)
    since = fw.mark()
    again = _play(fw, collections_path, ingress, tmp_path, *dns01)
    assert "changed=0" in again and fw.writes(since) == []
    assert "tok-role-secret" not in again
    state = fw.state()["services"]["caddy"]
    assert state["pending"] is False
    assert state["applied"]["caddy_general"]["general"]["TlsDnsProvider"] == "cloudflare"
    routes = state["applied"]["caddy_reverse"].values()
    cloud = next(route for route in routes if route["FromDomain"] == "cloud.example.org")
    assert cloud["DnsChallenge"] == "1"
