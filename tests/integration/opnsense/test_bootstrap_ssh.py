# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The network role's SSH bootstrap (assign_interfaces_ssh.yml) through ansible-playbook.

The "firewall" is a local host whose PHP reads OPNsense's config.inc and interfaces.inc from the test stand-ins
(tests/unit/roles/opnsense_standin), so the delegation, the script transfer, check mode and changed_when from the
script's JSON are the real ones; only OPNsense's PHP library is replaced. Needs php-cli with SimpleXML.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ..conftest import COLLECTION_ROOT

STANDIN = COLLECTION_ROOT / "tests" / "unit" / "roles" / "opnsense_standin"
PHP = shutil.which("php")
FRESH_CONFIG = """<?xml version="1.0"?>
<opnsense>
  <interfaces>
    <wan><if>vtnet1</if><descr>WAN</descr><enable>1</enable><ipaddr>dhcp</ipaddr></wan>
    <lan><if>vtnet0</if><descr>LAN</descr><enable>1</enable><ipaddr>10.0.0.1</ipaddr><subnet>24</subnet></lan>
  </interfaces>
</opnsense>
"""
PLAYBOOK = """
- name: The SSH bootstrap of the network role, alone
  hosts: localhost
  gather_facts: false
  vars:
    network_interfaces: {mgmt: lan}
    network_bootstrap_host: firewall
    network_bootstrap_php: /usr/bin/php -d include_path=%(standin)s -d display_errors=stderr
    _network_vlans:
      results:
        - {item: {zone: home, address: 10.3.10.1/24}, resource: {vlanif: vlan01}}
        - {item: {zone: iot_cams, address: 10.4.30.1/24}, resource: {vlanif: vlan02}}
        - {item: {zone: planned, address: 10.6.10.1/24}, resource: {}}
  tasks:
    - name: Assign
      ansible.builtin.include_role:
        name: tappaas.platform.network
        tasks_from: assign_interfaces_ssh.yml
    - name: Keep the results for the test
      ansible.builtin.copy:
        content: "{{ _network_ssh_assignments.results | to_json }}"
        dest: %(results)s
        mode: "0600"
      check_mode: false
      changed_when: false
"""

pytestmark = pytest.mark.skipif(
    PHP != "/usr/bin/php"
    or "SimpleXML" not in subprocess.run([PHP, "-m"], capture_output=True, text=True, check=False).stdout,
    reason="needs /usr/bin/php with SimpleXML (apt-get install php-cli php-xml)",
)


@pytest.fixture
def firewall(tmp_path, collections_path):
    config = tmp_path / "config.xml"
    config.write_text(FRESH_CONFIG)
    calls = tmp_path / "calls.jsonl"
    calls.touch()
    (tmp_path / "hosts.yml").write_text("all:\n  hosts:\n    firewall:\n      ansible_connection: local\n")
    results = tmp_path / "results.json"
    (tmp_path / "play.yml").write_text(PLAYBOOK % {"standin": STANDIN, "results": results})
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_NOCOLOR="1",
        STANDIN_CONFIG=str(config),
        STANDIN_CALLS=str(calls),
        STANDIN_DEVICES="vtnet0,vtnet1,vlan01,vlan02",
    )

    def play(*extra):
        done = subprocess.run(
            [str(Path(sys.executable).with_name("ansible-playbook")), "-i", str(tmp_path / "hosts.yml"),
             str(tmp_path / "play.yml"), *extra],
            cwd=str(COLLECTION_ROOT), env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
        return json.loads(results.read_text()), done.stdout

    def interfaces():
        root = ET.parse(config).getroot()
        return {node.tag: {child.tag: child.text for child in node} for node in root.find("interfaces")}

    return play, interfaces, calls


def test_check_then_apply_then_nothing(firewall):
    play, interfaces, calls = firewall
    before = interfaces()

    results, _out = play("--check")
    assert [r["changed"] for r in results[:2]] == [True, True]
    assert results[2].get("skipped") is True, "the planned VLAN without a device waits for the real run"
    # Each check-mode run sees config.xml unchanged, so both predict the first free name (see the network guide).
    assert [json.loads(r["stdout"])["interface"] for r in results[:2]] == ["opt1", "opt1"]
    assert interfaces() == before and calls.read_text() == "", "check mode wrote"

    results, out = play()
    assert "changed=1" in out
    assert [json.loads(r["stdout"])["interface"] for r in results[:2]] == ["opt1", "opt2"]
    assert interfaces()["opt1"] == {
        "if": "vlan01",
        "descr": "home",
        "enable": "1",
        "ipaddr": "10.3.10.1",
        "subnet": "24",
    }
    assert interfaces()["opt2"]["descr"] == "iot_cams" and interfaces()["opt2"]["ipaddr"] == "10.4.30.1"
    assert [json.loads(line)["call"] for line in calls.read_text().splitlines()] == [
        "write_config",
        "interface_configure",
    ] * 2

    written = calls.read_text()
    results, out = play()
    assert [r["changed"] for r in results[:2]] == [False, False] and results[2].get("skipped") is True
    assert calls.read_text() == written, "a second run wrote"
