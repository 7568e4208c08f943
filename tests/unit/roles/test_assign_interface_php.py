# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""roles/network/files/assign_interface.php, run by php-cli against a config.xml fixture.

OPNsense's config.inc and interfaces.inc are replaced by the stand-ins in opnsense_standin/ (the global $config,
write_config, does_interface_exist, interface_configure), which save config.xml and record every call. Needs php-cli
with SimpleXML (Debian: apt-get install php-cli php-xml); skipped without it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "roles" / "network" / "files" / "assign_interface.php"
STANDIN = Path(__file__).resolve().parent / "opnsense_standin"
PHP = shutil.which("php")


def _php_has_simplexml():
    if PHP is None:
        return False
    modules = subprocess.run([PHP, "-m"], capture_output=True, text=True, check=False).stdout.split()
    return "SimpleXML" in modules


pytestmark = pytest.mark.skipif(not _php_has_simplexml(), reason="needs php-cli with SimpleXML (php-cli, php-xml)")


class Firewall:
    """A config.xml in a temporary directory and the calls the stand-ins recorded."""

    def __init__(self, tmp_path, devices=("vtnet0", "vtnet1", "vlan01", "vlan02", "vlan03")):
        self.config = tmp_path / "config.xml"
        shutil.copy(STANDIN / "config.xml", self.config)
        self.calls_file = tmp_path / "calls.jsonl"
        self.calls_file.touch()
        self.env = {
            "STANDIN_CONFIG": str(self.config),
            "STANDIN_CALLS": str(self.calls_file),
            "STANDIN_DEVICES": ",".join(devices),
            "PATH": "/usr/bin:/bin",
        }

    def run(self, *args):
        done = subprocess.run(
            [PHP, "-d", "include_path=%s" % STANDIN, "-d", "display_errors=stderr", str(SCRIPT), *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=30,
            check=False,
        )
        assert done.stderr == "", "PHP warnings or notices: %s" % done.stderr
        return done.returncode, json.loads(done.stdout)

    def calls(self):
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def interface(self, name):
        node = ET.parse(self.config).getroot().find("interfaces/" + name)
        return None if node is None else {child.tag: child.text or "" for child in node}


def test_a_new_device_takes_the_lowest_free_opt_and_its_address(tmp_path):
    fw = Firewall(tmp_path)
    rc, result = fw.run("--device", "vlan02", "--descr", "home", "--ipaddr", "10.3.10.1/24")
    assert rc == 0 and result["changed"] is True
    assert result["interface"] == "opt2", "opt1 and opt3 are taken; opt2 is the gap"
    assert fw.interface("opt2") == {
        "if": "vlan02",
        "descr": "home",
        "enable": "1",
        "ipaddr": "10.3.10.1",
        "subnet": "24",
    }
    assert result["before"] == {} and result["after"]["ipaddr"] == "10.3.10.1"
    assert [call["call"] for call in fw.calls()] == ["write_config", "interface_configure"]
    assert fw.calls()[1] == {"call": "interface_configure", "interface": "opt2", "reload": True}
    assert "vlan02 assigned to opt2" in fw.calls()[0]["description"]
    # Everything else in config.xml is as it was.
    assert fw.interface("opt1")["blockbogons"] == "1" and fw.interface("lan")["ipaddr"] == "10.0.0.1"
    assert len(ET.parse(fw.config).getroot().findall("vlans/vlan")) == 3


def test_a_second_run_changes_nothing_and_writes_nothing(tmp_path):
    fw = Firewall(tmp_path)
    fw.run("--device", "vlan02", "--descr", "home", "--ipaddr", "10.3.10.1/24")
    written = fw.config.read_bytes()
    calls = fw.calls()
    rc, result = fw.run("--device", "vlan02", "--descr", "home", "--ipaddr", "10.3.10.1/24")
    assert rc == 0 and result["changed"] is False and result["interface"] == "opt2"
    assert fw.config.read_bytes() == written and fw.calls() == calls


def test_an_assigned_device_is_updated_in_place_keeping_its_other_settings(tmp_path):
    fw = Firewall(tmp_path)
    rc, result = fw.run("--device", "vlan01", "--descr", "srv_family", "--ipaddr", "10.2.10.1/24")
    assert rc == 0 and result["changed"] is True and result["interface"] == "opt1"
    assert result["before"]["descr"] == "srv_home" and result["after"]["descr"] == "srv_family"
    assert fw.interface("opt1")["descr"] == "srv_family" and fw.interface("opt1")["blockbogons"] == "1"
    assert "(descr)" in fw.calls()[0]["description"], "the revision says which settings changed"


def test_check_mode_reports_the_change_and_writes_nothing(tmp_path):
    fw = Firewall(tmp_path)
    original = fw.config.read_bytes()
    rc, result = fw.run("--device", "vlan02", "--descr", "home", "--ipaddr", "10.3.10.1/24", "--check")
    assert rc == 0 and result["changed"] is True and result["interface"] == "opt2"
    rc, result = fw.run("--device", "vlan01", "--descr", "srv_home", "--ipaddr", "10.2.10.1/24", "--check")
    assert rc == 0 and result["changed"] is False
    assert fw.config.read_bytes() == original and fw.calls() == []


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--device", "vlan02", "--descr", "my home"), "--descr"),
        (("--device", "vlan02", "--descr", "home", "--ipaddr", "10.3.10.1"), "--ipaddr"),
        (("--device", "vlan02", "--descr", "home", "--ipaddr", "10.3.10.300/24"), "--ipaddr"),
        (("--descr", "home"), "--device"),
        (("--device", "vlan09", "--descr", "nine"), "vlan09 does not exist"),
        (("--device", "vtnet0", "--descr", "mgmt"), "is the lan interface"),
    ],
)
def test_bad_input_is_refused_naming_the_field_before_anything_is_written(tmp_path, args, words):
    fw = Firewall(tmp_path)
    original = fw.config.read_bytes()
    rc, result = fw.run(*args)
    assert rc == 1 and result["failed"] is True and words in result["msg"]
    assert fw.config.read_bytes() == original and fw.calls() == []


def test_check_mode_accepts_a_vlan_that_is_only_planned(tmp_path):
    fw = Firewall(tmp_path)
    rc, result = fw.run("--device", "vlan09", "--descr", "nine", "--check")
    assert rc == 0 and result["changed"] is True and result["interface"] == "opt2"
    assert fw.calls() == []
