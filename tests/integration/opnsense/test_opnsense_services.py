# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Kea, Caddy, interface assignment and packages against the twin, on both profiles."""

from __future__ import annotations

import random

from .test_opnsense_modules import _unique, four_steps


def _free_subnet():
    return "10.%d.%d.0/24" % (random.randint(100, 250), random.randint(0, 250))


def test_dhcp_subnet_and_reservation_four_steps(fw):
    subnet = _free_subnet()
    prefix = subnet.rsplit(".", 1)[0]
    applied = four_steps(
        fw,
        "opnsense_dhcp_subnet",
        subnet=subnet,
        pools=["%s.50-%s.99" % (prefix, prefix), "%s.150-%s.199" % (prefix, prefix)],
        routers=["%s.1" % prefix],
        dns_servers=["%s.1" % prefix],
        domain_name="srv-home.internal",
        autocollect=False,
    )
    assert applied["pending_services"] == ["kea"]
    _status, item = fw.api("GET", "kea/dhcpv4/getSubnet/" + applied["resource"]["uuid"])
    assert item["subnet4"]["option_data"]["routers"] == "%s.1" % prefix
    assert item["subnet4"]["option_data_autocollect"] == "0"

    reservation = four_steps(
        fw,
        "opnsense_dhcp_reservation",
        subnet=subnet,
        mac_address="BC:24:11:00:02:59",
        ip_address="%s.89" % prefix,
        hostname="nextcloud",
    )
    # The MAC is compared without regard to case.
    since = fw.mark()
    same = fw.run(
        "opnsense_dhcp_reservation", subnet=subnet, mac_address="bc:24:11:00:02:59", ip_address="%s.89" % prefix
    )
    assert same["changed"] is False and fw.writes(since) == []

    in_use = fw.run("opnsense_dhcp_subnet", subnet=subnet, state="absent")
    assert in_use["failed"] is True and in_use["status"] == 500 and "Item in use by: reservation" in in_use["msg"]
    gone = fw.run("opnsense_dhcp_reservation", subnet=subnet, mac_address="bc:24:11:00:02:59", state="absent")
    assert gone["action"] == "delete" and reservation["resource"]["uuid"]
    assert fw.run("opnsense_dhcp_subnet", subnet=subnet, state="absent")["action"] == "delete"


def test_dhcp_pool_outside_the_subnet_is_refused_naming_the_field(fw267):
    fw = fw267
    result = fw.run("opnsense_dhcp_subnet", subnet=_free_subnet(), pools=["192.168.1.1-192.168.1.9"])
    assert result["failed"] is True and "subnet4.pools: Pool 192.168.1.1-192.168.1.9 not within subnet" in result["msg"]
    result = fw.run("opnsense_dhcp_reservation", subnet="10.255.255.0/24", mac_address="00:11:22:33:44:55")
    assert result["failed"] is True and result["field"] == "subnet"


def test_package_install_waits_for_the_job_then_caddy_routes(fw):
    domain = "%s.example.org" % _unique("app").replace("_", "-")
    if "os-caddy" not in fw.state()["installed"]:
        missing = fw.run("opnsense_reverse_proxy", domain=domain, upstream_host="nextcloud.srv-home.internal")
        assert missing["failed"] is True and "install os-caddy with opnsense_package" in missing["msg"]
        installed = four_steps(fw, "opnsense_package", name="os-caddy")
        assert installed["installed"] is True and "INSTALL: os-caddy" in installed["log"]

    args = dict(
        domain=domain,
        upstream_host="nextcloud.srv-home.internal",
        upstream_port=80,
        allowed_networks=["10.3.10.0/24", "10.3.20.0/24"],
    )
    applied = four_steps(fw, "opnsense_reverse_proxy", **args)
    assert applied["parts"] == {"access_list": "create", "domain": "create", "handler": "create"}
    # The access list can only go once the domain no longer refers to it: the module orders that.
    opened = fw.run("opnsense_reverse_proxy", **dict(args, allowed_networks=[]))
    assert opened["parts"] == {"access_list": "delete", "domain": "update", "handler": "none"}, opened
    removed = fw.run("opnsense_reverse_proxy", domain=domain, state="absent")
    assert removed["parts"] == {"handler": "delete", "domain": "delete", "access_list": "none"}, removed
    assert fw.run("opnsense_apply", services=removed["pending_services"])["applied"] == ["caddy"]


def test_unknown_package_is_refused(fw267):
    fw = fw267
    result = fw.run("opnsense_package", name="os-no-such-plugin")
    assert result["failed"] is True and result["field"] == "name"


def test_interface_assignment_on_26_7_and_a_clear_refusal_on_26_1(fw):
    tag = 3000 + random.randint(0, 1000)
    vlan = fw.run("opnsense_vlan", parent="vtnet0", tag=tag, description="assign me")
    device = vlan["resource"]["vlanif"]
    if fw.profile == "26.1":
        result = fw.run("opnsense_interface", device=device, description="zone")
        assert result["failed"] is True and "has no interface assignment API (it arrived in 26.7)" in result["msg"]
        return
    applied = four_steps(fw, "opnsense_interface", device=device, description="zone%d" % tag)
    assert applied["resource"]["uuid"].startswith("opt")
    # An assigned VLAN cannot be re-tagged or removed.
    retag = fw.run("opnsense_vlan", parent="vtnet0", tag=tag, device=device, state="absent")
    assert retag["failed"] is True and retag["status"] == 500 and "is assigned to interface" in retag["msg"]
    assert fw.run("opnsense_interface", device=device, state="absent")["action"] == "delete"
    assert fw.run("opnsense_vlan", parent="vtnet0", tag=tag, state="absent")["action"] == "delete"


def test_caddy_settings_four_steps_with_the_token_hidden(fw267):
    fw = fw267
    if "os-caddy" not in fw.state()["installed"]:
        assert fw.run("opnsense_package", name="os-caddy")["installed"] is True
    token = "tok-" + _unique("secret")
    args = dict(enabled=True, acme_email="admin@example.org", dns_provider="cloudflare", dns_api_key=token)
    applied = four_steps(fw, "opnsense_caddy_settings", **args)
    assert applied["pending_services"] == ["caddy"]
    assert token not in str(applied), "the token leaked into the result"
    assert applied["diff"]["after"]["dns_api_key"] == "**REDACTED**"
    _status, settings = fw.api("GET", "caddy/general/get")
    assert settings["caddy"]["general"]["TlsDnsProvider"]["cloudflare"]["selected"] == 1
    refused = fw.run("opnsense_caddy_settings", dns_provider="route53")
    assert refused["failed"] is True and "caddy.general.TlsDnsProvider: Option not in list." in refused["msg"]
    refused = fw.run("opnsense_caddy_settings", acme_email="not-an-address")
    assert "caddy.general.TlsEmail" in refused["msg"]
