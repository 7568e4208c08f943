# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The reliability and security suite on one deployed lab site (issue 8), in order:

1. check-mode accuracy: after drift made through the twins' own APIs, `--check` predicts exactly the tasks the
   real run then changes, and a third run changes nothing with zero writes;
2. faults on every twin: transient ones are retried through, permanent ones stop the run with the API's message,
   and after the fault clears a re-run converges with nothing half-made left and a no-op run after it;
3. secrets: no secret of the lab (connection secrets, the OIDC client secrets authentik made) appears in the
   output of any of these runs, the first of which ran with -vvv, nor in the log file it wrote.

The tests share the module's lab and run in file order; each one leaves the site converged for the next.
"""

from __future__ import annotations

import pytest

from .site_runs import SiteRunner, changed_tasks, failed_tasks, lab_without_guests, recap_changed, tail
from .twin_api import Twins

WIKI_CONFIG = "/nodes/tappaas1/qemu/320/config"


fresh_lab = pytest.fixture(scope="module", name="fresh_lab")(lab_without_guests)


@pytest.fixture(scope="module")
def site(fresh_lab, collections_path, tmp_path_factory):
    """The lab site deployed once with -vvv and a log file, as the secrets test needs it."""
    workdir = tmp_path_factory.mktemp("reliability")
    runner = SiteRunner(fresh_lab, collections_path, workdir)
    runner.log_path = workdir / "ansible.log"
    done = runner("-vvv", env={"ANSIBLE_LOG_PATH": str(runner.log_path)})
    if done.returncode != 0:
        pytest.fail("the lab site did not deploy:\n" + tail(done))
    return runner


@pytest.fixture(scope="module")
def twins(fresh_lab):
    return Twins(fresh_lab)


def _assert_no_op(site, lab):
    mark = lab.mark()
    done = site()
    assert done.returncode == 0, tail(done)
    assert recap_changed(done.stdout) == 0, changed_tasks(done.stdout)
    assert lab.writes(mark) == [], "a run on a converged site wrote to the twins"


# --------------------------------------------------------------------------------------------- drift


def _firewall_alias(twins, name):
    rows = twins.call("opnsense", "GET", "/api/firewall/alias/searchItem")["rows"]
    return next(row for row in rows if row["name"] == name)


def _host_override(twins, hostname):
    rows = twins.call("opnsense", "GET", "/api/unbound/settings/searchHostOverride")["rows"]
    return next((row for row in rows if row["hostname"] == hostname), None)


def _application(twins, slug):
    return next(
        app for app in twins.authentik_all("/core/applications/?superuser_full_list=true") if app["slug"] == slug
    )


def _bindings(twins, slug):
    target = _application(twins, slug)["pk"]
    return [binding for binding in twins.authentik_all("/policies/bindings/") if binding["target"] == target]


def _backup_job(twins):
    """The first vzdump job the backup role made (one per backup schedule, ids after backup_job_id)."""
    jobs = sorted(twins.pve("GET", "/cluster/backup"), key=lambda job: job["id"])
    return next(job for job in jobs if job["id"].startswith("tappaas-"))


def _introduce_drift(twins):
    """What an operator clicking around (or a restored backup) does to a site behind the automation's back."""
    twins.pve("POST", WIKI_CONFIG, {"memory": 4096, "cores": 4})
    whoami = _host_override(twins, "whoami")
    twins.call("opnsense", "POST", "/api/unbound/settings/delHostOverride/%s" % whoami["uuid"], {})
    postgres = _firewall_alias(twins, "tappaas_module_postgres")
    twins.call(
        "opnsense",
        "POST",
        "/api/firewall/alias/setItem/%s" % postgres["uuid"],
        {"alias": {"content": "10.2.30.99"}},
    )
    for binding in _bindings(twins, "wiki"):
        twins.authentik("DELETE", "/policies/bindings/%s/" % binding["pk"])
    provider = _application(twins, "whoami")["provider"]
    # authentik validates a partial update as if mode were its default (proxy), so the mode goes along.
    twins.authentik(
        "PATCH",
        "/providers/proxy/%s/" % provider,
        {"mode": "forward_single", "external_host": "https://drifted.example.org"},
    )
    twins.pve("PUT", "/cluster/backup/%s" % _backup_job(twins)["id"], {"enabled": 0})
    twins.call("pbs", "PUT", "/api2/json/config/prune/tappaas-nightly-prune", {"keep-last": 1}, form=True)


def _assert_drift_repaired(twins):
    config = twins.pve("GET", WIKI_CONFIG)
    assert (int(config["memory"]), int(config["cores"])) == (2048, 2)
    assert _host_override(twins, "whoami")["server"] == "10.2.10.79"
    assert _firewall_alias(twins, "tappaas_module_postgres")["content"] == "10.2.30.232"
    assert [binding["group_obj"]["name"] for binding in _bindings(twins, "wiki")] == ["tappaas-users"]
    provider = _application(twins, "whoami")["provider"]
    assert (
        twins.authentik("GET", "/providers/proxy/%s/" % provider)["external_host"] == "https://whoami.lab.tappaas.test"
    )
    assert int(_backup_job(twins)["enabled"]) == 1
    prune = twins.call("pbs", "GET", "/api2/json/config/prune/tappaas-nightly-prune")["data"]
    assert prune["keep-last"] == 4


# What the drift above must make a run change, on the host that manages each drifted object.
DRIFTED_TASKS = {
    ("tappaas.platform.module : Create or update the VM", "localhost"),
    ("tappaas.platform.network : Give every module its name in Unbound", "localhost"),
    ("tappaas.platform.network : Create the aliases the rules use", "localhost"),
    (
        "tappaas.platform.network : Apply each changed service once, restoring the rules if the firewall stops "
        "answering",
        "localhost",
    ),
    ("tappaas.platform.module : Create the authentik application, provider and group bindings", "localhost"),
    ("tappaas.platform.backup : The prune job with the site's retention", "tappaas1 -> localhost"),
}
CHECK_ACCURACY = {}


def test_check_mode_predicts_every_change_the_real_run_makes(site, fresh_lab, twins):
    _introduce_drift(twins)

    mark = fresh_lab.mark()
    check = site("--check", "--diff")
    assert check.returncode == 0, tail(check)
    assert fresh_lab.writes(mark) == [], "the check run wrote to the twins"
    predicted = CHECK_ACCURACY["predicted"] = changed_tasks(check.stdout)

    mark = fresh_lab.mark()
    real = site("--diff")
    assert real.returncode == 0, tail(real)
    applied = CHECK_ACCURACY["applied"] = changed_tasks(real.stdout)
    assert fresh_lab.writes(mark), "the real run repaired nothing"

    # The vzdump job task is worded by the backup role's job layout; whatever its name, it must change once.
    vzdump_tasks = {
        task for task in applied if task[0].startswith("tappaas.platform.backup : ") and "vzdump" in task[0]
    }
    assert len(vzdump_tasks) == 1, sorted(applied)
    assert set(applied) - vzdump_tasks == DRIFTED_TASKS, sorted(applied)
    missed = {task: count for task, count in applied.items() if predicted[task] < count}
    assert not missed, "the check run did not predict %s" % missed
    assert set(predicted - applied) == set(), sorted(predicted - applied)
    _assert_drift_repaired(twins)
    _assert_no_op(site, fresh_lab)


def test_check_mode_predicts_exactly_the_set_of_changed_tasks():
    assert CHECK_ACCURACY, "the check-accuracy runs did not happen"
    assert CHECK_ACCURACY["predicted"] == CHECK_ACCURACY["applied"]


# --------------------------------------------------------------------------------------------- faults


def _objects(twins):
    """Everything the site made, by identity: what a failed run could leave half-made or stray."""
    rules = twins.call("opnsense", "GET", "/api/firewall/filter/searchRule")["rows"]
    return {
        "vms": twins.vmids(),
        "ha": sorted(resource["sid"] for resource in twins.pve("GET", "/cluster/ha/resources")),
        "replication": sorted(job["id"] for job in twins.pve("GET", "/cluster/replication")),
        "backup_jobs": sorted(job["id"] for job in twins.pve("GET", "/cluster/backup")),
        "host_overrides": sorted(
            (row["hostname"], row["domain"], row["server"])
            for row in twins.call("opnsense", "GET", "/api/unbound/settings/searchHostOverride")["rows"]
        ),
        "aliases": sorted(
            (row["name"], row["content"])
            for row in twins.call("opnsense", "GET", "/api/firewall/alias/searchItem")["rows"]
        ),
        "rules": sorted(row["description"] for row in rules),
        "applications": sorted(
            app["slug"] for app in twins.authentik_all("/core/applications/?superuser_full_list=true")
        ),
        "providers": sorted(
            provider["name"]
            for kind in ("oauth2", "proxy")
            for provider in twins.authentik_all("/providers/%s/" % kind)
        ),
        "bindings": sorted(
            (binding["target"], binding["group_obj"]["name"]) for binding in twins.authentik_all("/policies/bindings/")
        ),
        "pbs_jobs": sorted(job["id"] for job in twins.call("pbs", "GET", "/api2/json/config/prune")["data"]),
    }


FAULTS = {}
LOCK_TIMEOUT = "can't lock file '/var/lock/qemu-server/lock-320.conf' - got timeout"


def test_transient_faults_on_every_twin_are_retried_through(site, fresh_lab, twins):
    FAULTS["before"] = _objects(twins)
    twins.pve("POST", WIKI_CONFIG, {"memory": 4096})
    postgres = _firewall_alias(twins, "tappaas_module_postgres")
    twins.call(
        "opnsense", "POST", "/api/firewall/alias/setItem/%s" % postgres["uuid"], {"alias": {"content": "10.2.30.99"}}
    )
    twins.call("pbs", "PUT", "/api2/json/config/prune/tappaas-nightly-prune", {"keep-last": 1}, form=True)
    # One of each: a task that loses the race for the VM's lock, a busy firewall, a restarting authentik, a PBS
    # behind a proxy that answers 503 while it restarts.
    twins.fault("pve", method="POST", path="/qemu/320/config$", task_exit=LOCK_TIMEOUT, times=1)
    twins.fault("opnsense", method="POST", path="/api/firewall/alias/reconfigure$", status=503, message="busy", times=1)
    twins.fault("authentik", method="GET", path="^/api/v3/core/applications/", status=503, message="down", times=1)
    twins.fault("pbs", method="GET", path="^/api2/json/config/prune", status=503, message="restarting", times=2)
    mark = fresh_lab.mark()

    done = site()
    assert done.returncode == 0, tail(done)
    for service in ("opnsense", "authentik", "pbs"):
        assert twins.call(service, "GET", "/_lab/faults")["faults"] == [], "%s's fault was never hit" % service
    assert twins.call("pve", "GET", "/_lab/faults")["faults"] == [], "the lock timeout was never hit"
    statuses = [entry["status"] for entry in fresh_lab.requests(mark)]
    assert statuses.count(503) == 4, "each 503 is retried once per use of the fault"
    config = twins.pve("GET", WIKI_CONFIG)
    assert int(config["memory"]) == 2048
    assert _firewall_alias(twins, "tappaas_module_postgres")["content"] == "10.2.30.232"
    assert twins.call("pbs", "GET", "/api2/json/config/prune/tappaas-nightly-prune")["data"]["keep-last"] == 4
    assert twins.opnsense_pending() == []
    assert _objects(twins) == FAULTS["before"]


def _stop_and_delete_whoami(twins):
    assert twins.pve_task("POST", "/nodes/tappaas2/qemu/330/status/stop") == "OK"
    assert twins.pve_task("DELETE", "/nodes/tappaas2/qemu/330?purge=1") == "OK"


START_FAILED = "start failed: QEMU exited with code 1"
# service -> (set the fault up, the tags of the run, the task that must fail, what its message must say)
PERMANENT = {
    "pve": (
        lambda twins: (
            _stop_and_delete_whoami(twins),
            twins.fault("pve", method="POST", path="/qemu/330/status/start$", task_exit=START_FAILED, times=None),
        ),
        "modules",
        "tappaas.platform.module : Create or update the VM",
        [START_FAILED, "the half-made VM 330 was removed again"],
    ),
    "opnsense": (
        lambda twins: (
            twins.call(
                "opnsense",
                "POST",
                "/api/firewall/alias/setItem/%s" % _firewall_alias(twins, "tappaas_module_postgres")["uuid"],
                {"alias": {"content": "10.2.30.99"}},
            ),
            twins.fault(
                "opnsense", method="POST", path="/reconfigure$", status=500, message="Internal Error", times=None
            ),
        ),
        "network",
        "tappaas.platform.network : Apply each changed service once, restoring the rules if the firewall stops "
        "answering",
        ["/api/firewall/alias/reconfigure: HTTP 500: Internal Error"],
    ),
    "authentik": (
        # What authentik answers an expired or revoked token, word for word.
        lambda twins: twins.fault(
            "authentik", path="^/api/v3/", status=403, message="Token invalid/expired", times=None
        ),
        "identity",
        "tappaas.platform.identity : ",
        ["HTTP 403: Token invalid/expired"],
    ),
    "pbs": (
        lambda twins: twins.fault("pbs", path="^/api2/", status=503, message="Service Unavailable", times=None),
        "backup",
        "tappaas.platform.backup : The PBS datastore",
        ["HTTP 503: Service Unavailable"],
    ),
}


@pytest.mark.parametrize("service", sorted(PERMANENT))
def test_a_permanent_fault_stops_the_run_with_the_api_message(site, fresh_lab, twins, service):
    arrange, tags, task, messages = PERMANENT[service]
    arrange(twins)
    mark = fresh_lab.mark()
    done = site("--tags", tags)
    twins.clear_faults()
    assert done.returncode == 2, tail(done)
    failures = failed_tasks(done.stdout)
    assert len(failures) == 1, failures
    failed_task, line = failures[0]
    assert failed_task.startswith(task), failures
    for message in messages:
        assert message in line, line
    if service == "pve":
        assert 330 not in twins.vmids(), "a VM of the failed create was left behind"
    if service == "pbs":
        # Transient, so retried within the bound (the PBS client's four retries), then given up.
        failed = [entry for entry in fresh_lab.requests(mark, "pbs") if entry["status"] == 503]
        assert len(failed) == 5, failed


def test_after_the_faults_clear_a_rerun_converges_with_nothing_half_made(site, fresh_lab, twins):
    assert FAULTS.get("before"), "the fault tests before this one did not run"
    done = site()
    assert done.returncode == 0, tail(done)
    assert "whoami" in done.stdout and 330 in twins.vmids()
    _assert_no_op(site, fresh_lab)
    assert _objects(twins) == FAULTS["before"]


def test_after_a_failed_apply_nothing_stays_unapplied_on_the_firewall(twins):
    # The saved change no longer differs after the failed apply; opnsense_apply's journal next to the snapshot
    # (network_snapshot_path) is what makes the recovery run apply it.
    assert twins.opnsense_pending() == []


# --------------------------------------------------------------------------------------------- secrets


def _secrets(lab, twins):
    """Every secret of the lab: the connection secrets and the OIDC client secrets authentik generated."""
    secrets = {
        name: value
        for name, value in lab.env.items()
        if name.endswith(("_SECRET", "_PASSWORD", "_TOKEN")) and len(value) >= 8
    }
    for provider in twins.authentik_all("/providers/oauth2/"):
        secrets["oidc client secret of %s" % provider["name"]] = provider["client_secret"]
    return secrets


def test_no_secret_appears_in_any_output_or_log(site, fresh_lab, twins):
    secrets = _secrets(fresh_lab, twins)
    assert {"PROXMOX_TOKEN_SECRET", "OPNSENSE_API_SECRET", "AUTHENTIK_TOKEN", "PBS_PASSWORD"} <= set(secrets)
    assert any(name.startswith("oidc client secret") for name in secrets)
    log = site.log_path.read_text()
    assert "task path:" in site.outputs[0], "the first run was not verbose"
    assert "TASK [tappaas.platform.module : Create the authentik application" in log, "the log file is incomplete"
    sources = {"the log file": log}
    sources.update(("output %d" % index, text) for index, text in enumerate(site.outputs))
    leaks = [(name, where) for name, value in secrets.items() for where, text in sources.items() if value in text]
    assert leaks == []
