# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/site.yml on inventories/lab: a check run predicts without writing, bad input stops before any request.

The full deploy, its idempotence with zero writes and the twins' state are the molecule scenarios' (site,
site_absent); these are the cases a molecule scenario cannot express.
"""

from __future__ import annotations

import json
import re


def _recap_changed(stdout):
    return sum(int(count) for count in re.findall(r"changed=(\d+)", stdout))


def _summary(stdout):
    """The summary lines of the last task, as the debug callback printed them."""
    block = stdout.split("TASK [Show where every module is and what this run changed]", 1)[1]
    items = block.split('"msg": [', 1)[1].split("\n    ]", 1)[0]
    return [json.loads(line.strip().rstrip(",")) for line in items.splitlines() if line.strip()]


def test_check_diff_on_a_fresh_lab_predicts_every_module_and_writes_nothing(fresh_lab, run_site):
    mark = fresh_lab.mark()
    done = run_site(fresh_lab, "--check", "--diff")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert fresh_lab.writes(mark) == [], "a check run wrote to the twins"
    assert fresh_lab.requests(mark, "pve") and fresh_lab.requests(mark, "opnsense"), "the check run read nothing"
    assert _recap_changed(done.stdout) > 0
    summary = _summary(done.stdout)
    assert summary[0] == "site lab (check mode: what a real run would change)"
    rows = {line.split()[0]: line for line in summary[1:]}
    assert set(rows) == {"postgres", "wiki", "whoami"}
    assert "changed: vm, dns, firewall alias, route, sso, replication, ha" in rows["wiki"]
    assert "sso forward_auth" in rows["whoami"] and "https://whoami.lab.tappaas.test" in rows["whoami"]
    assert "(not published)" in rows["postgres"] and "ip 10.2.30.232" in rows["postgres"]
    assert "firewall alias, pinholes" in rows["postgres"], "postgres opens its pinhole from wiki in its own scope"
    # --diff shows the VM that would be created, with the deterministic address in its cloud-init.
    assert "ipconfig0" in done.stdout and "10.2.10.69/24" in done.stdout
    assert "SKIPPED: no reachable guest for wiki" in done.stdout
    secrets = ("PROXMOX_TOKEN_SECRET", "PROXMOX_PASSWORD", "OPNSENSE_API_SECRET", "AUTHENTIK_TOKEN", "PBS_PASSWORD")
    for name in secrets:
        assert fresh_lab.env[name] not in done.stdout + done.stderr, "%s appears in the output" % name


def test_a_broken_definition_stops_in_validation_before_any_request(fresh_lab, run_site, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps(
            {
                "tappaas_modules": {
                    "wiki": {"vmid": 320, "node": "tappaas1", "zone": "srv_hme"},
                    "whoami": {"vmid": 320, "node": "tappaas9", "zone": "srv_home"},
                }
            }
        )
    )
    mark = fresh_lab.mark()
    done = run_site(fresh_lab, "-e", "@%s" % broken)
    assert done.returncode != 0
    assert "tappaas_modules.wiki.zone: unknown zone 'srv_hme'" in done.stdout
    assert "tappaas_modules.whoami.node" in done.stdout and "tappaas9" in done.stdout
    assert "PLAY [Cluster]" not in done.stdout
    assert fresh_lab.requests(mark) == [], "validation failed, yet the twins were asked"
