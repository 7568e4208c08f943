# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Site benchmark: playbooks/site.yml on a private lab, the lab site and generated sites of 10, 50 and 100 modules.

In one run, on one lab: a cold deploy of inventories/lab and a no-op re-run; then for each size a deploy of the
generated site (bench/site_inventory.py; the sizes share their first modules, so each deploy adds the new ones)
and its no-op re-run. Per run: wall time, API reads (GET) and writes (any other method) per service from the
lab's request log, the task counts of the play recap, the managed objects, and where the reads come from (per
role, and per task of the module role). Results go to bench/results/site-scale.json after every run, so a run cut
short keeps what it measured; --render-only turns that file into the table and the plot of docs/performance.md.
Run it with `make bench`, never in `make test`: these are timings, not assertions.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import site_inventory
import site_report

DEFAULT_SIZES = (10, 50, 100)
SERVICES = ("pve", "opnsense", "authentik", "pbs")
# Module calls that read, act or validate rather than keep an object in its desired state.
NOT_OBJECTS = ("_info", ".validate", ".opnsense_apply", ".proxmox_restore")
# The release probe of each client (PVE and PBS share the path).
VERSION_PROBES = {
    "pve": "/api2/json/version",
    "pbs": "/api2/json/version",
    "opnsense": "/api/core/firmware/info",
    "authentik": "/admin/version/",
}


class Lab:
    """A private lab on free ports, in its own state directory (never the developer's .lab)."""

    def __init__(self, root, state_dir):
        self.root = Path(root)
        self.state_dir = Path(state_dir)
        self.requests = self.state_dir / "requests.jsonl"

    def _lab(self, action, check):
        command = [sys.executable, "-m", "lab", action, "--state", str(self.state_dir)]
        if action == "up":
            command.append("--free-ports")
        # No podman guests: the generated modules have none, so the lab site is measured the same way, and SSH
        # into containers would measure podman rather than the platform's API work (docs/performance.md).
        env = dict(os.environ, TAPPAAS_LAB_GUESTS="0")
        return subprocess.run(command, cwd=self.root, env=env, check=check, stdout=subprocess.DEVNULL)

    def up(self):
        if self.state_dir.exists():
            self._lab("down", check=False)  # exports the zfs-fuse pools of an earlier run before its disks go
            shutil.rmtree(self.state_dir)
        self._lab("up", check=True)
        env = {}
        for line in (self.state_dir / "lab.env").read_text().splitlines():
            if line and not line.startswith(("#", "export ")) and "=" in line:
                key, value = line.split("=", 1)
                env[key] = value[1:-1].replace("'\\''", "'") if value.startswith("'") else value
        return env

    def down(self):
        self._lab("down", check=False)

    def mark(self):
        return self.requests.stat().st_size if self.requests.exists() else 0

    def entries(self, start, end):
        with open(self.requests, "rb") as handle:
            handle.seek(start)
            chunk = handle.read(end - start)
        return [json.loads(line) for line in chunk.decode().splitlines() if line.strip()]


def is_read(entry):
    return entry["method"] in ("GET", "HEAD")


def count_by_service(entries):
    counts = {service: {"reads": 0, "writes": 0} for service in SERVICES}
    for entry in entries:
        bucket = counts.setdefault(entry["service"], {"reads": 0, "writes": 0})
        bucket["reads" if is_read(entry) else "writes"] += 1
    return counts


def _objects_of_task(task):
    """How many objects a task kept: one per host result or loop item of a tappaas.platform resource module."""
    action = task["action"]
    if not action.startswith("tappaas.platform.") or action.endswith(NOT_OBJECTS):
        return 0
    total = 0
    for result in task["results"]:
        if result.get("item_status"):
            total += sum(1 for status in result["item_status"] if status in ("ok", "changed"))
        elif result["status"] in ("ok", "changed"):
            total += 1
    return total


def is_version_probe(entry):
    """A client asking which release it talks to: once per module process, whatever the module manages."""
    return is_read(entry) and entry["path"].split("?", 1)[0].endswith(VERSION_PROBES.get(entry["service"], "\0"))


def _add_requests(row, entries):
    row["reads"] += sum(1 for entry in entries if is_read(entry))
    row["writes"] += sum(1 for entry in entries if not is_read(entry))
    row["probe_reads"] += sum(1 for entry in entries if is_version_probe(entry))


def _new_row():
    return {"reads": 0, "writes": 0, "probe_reads": 0, "objects": 0, "seconds": 0.0, "by_service": {}}


def analyse(lab, tasks_file):
    """Split the run's requests between roles and module-role tasks, and count the objects and tasks."""
    data = json.loads(Path(tasks_file).read_text())
    by_role = collections.defaultdict(_new_row)
    module_tasks = collections.defaultdict(_new_row)
    deployed_modules = 0
    for task in data["tasks"]:
        entries = lab.entries(task["log_start"], task["log_end"])
        role = task["role"].replace("tappaas.platform.", "") or "(playbook)"
        objects = _objects_of_task(task)
        rows = [by_role[role]]
        if role == "module":
            step_name = task["name"].split(" : ", 1)[-1]
            # include_role validates its arguments once per module it deploys.
            if step_name.startswith("Validating arguments against arg spec"):
                deployed_modules += 1
            rows.append(module_tasks[step_name])
        for row in rows:
            _add_requests(row, entries)
            row["objects"] += objects
            row["seconds"] += task["end"] - task["start"]
            for entry in entries:
                service = row["by_service"].setdefault(entry["service"], {"reads": 0, "writes": 0})
                service["reads" if is_read(entry) else "writes"] += 1
    recap = data["recap"]
    tasks = {key: sum(host[key] for host in recap.values()) for key in ("ok", "changed", "skipped", "failures")}
    return {
        "tasks": tasks,
        "task_results": sum(tasks.values()),
        "objects": sum(row["objects"] for row in by_role.values()),
        "probe_reads": sum(row["probe_reads"] for row in by_role.values()),
        "module_role_runs": deployed_modules,
        "by_role": dict(by_role),
        "module_role_tasks": {name: step for name, step in module_tasks.items() if step["reads"] or step["writes"]},
    }


def staged_collection(args):
    return Path(args.collections) / "ansible_collections" / "tappaas" / "platform"


class SiteRunner:
    def __init__(self, args, lab, lab_env):
        self.args = args
        self.lab = lab
        self.work = Path(args.work)
        self.env = dict(
            os.environ,
            **lab_env,
            ANSIBLE_COLLECTIONS_PATH=args.collections,
            ANSIBLE_NOCOLOR="1",
            ANSIBLE_FORCE_COLOR="0",
            ANSIBLE_RETRY_FILES_ENABLED="0",
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_CALLBACK_PLUGINS=str(Path(__file__).resolve().parent / "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="bench_tasks",
            BENCH_REQUESTS_LOG=str(lab.requests),
        )
        self.playbook = staged_collection(args) / "playbooks" / "site.yml"
        self.ansible_playbook = str(Path(sys.executable).with_name("ansible-playbook"))

    def run(self, site, phase, inventory, modules):
        label = "%s-%s" % (site, phase)
        tasks_file = self.work / ("%s.tasks.json" % label)
        log_file = self.work / ("%s.log" % label)
        env = dict(self.env, BENCH_TASKS_OUTPUT=str(tasks_file))
        command = [
            self.ansible_playbook,
            "-i",
            str(inventory),
            str(self.playbook),
            "-e",
            "network_snapshot_path=%s" % (self.work / "filter-snapshot.json"),
        ]
        mark = self.lab.mark()
        started = time.monotonic()
        with open(log_file, "w") as log:
            done = subprocess.run(command, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        wall = time.monotonic() - started
        end = self.lab.mark()
        entries = self.lab.entries(mark, end)
        result = {
            "site": site,
            "phase": phase,
            "modules": modules,
            "ok": done.returncode == 0,
            "wall_seconds": round(wall, 2),
            "requests": count_by_service(entries),
            "reads": sum(1 for e in entries if is_read(e)),
            "writes": sum(1 for e in entries if not is_read(e)),
            "log": log_file.name,
            "tasks_file": tasks_file.name,
            # Other work on the machine slows Ansible's forks down: the 1-minute load average says how busy it was.
            "load_average_after": round(os.getloadavg()[0], 2),
        }
        if tasks_file.exists():
            result.update(analyse(self.lab, tasks_file))
        if not result["ok"]:
            print("%s failed (exit %s), see %s" % (label, done.returncode, log_file), file=sys.stderr)
        print(
            "%-10s %-7s %3d modules %7.1fs reads %5d writes %4d objects %4s tasks %s"
            % (
                site,
                phase,
                modules,
                wall,
                result["reads"],
                result["writes"],
                result.get("objects", "?"),
                result.get("task_results", "?"),
            ),
            flush=True,
        )
        return result


def environment_facts():
    version = subprocess.run(
        [str(Path(sys.executable).with_name("ansible")), "--version"], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    return {
        "date": time.strftime("%Y-%m-%d"),
        "ansible": version[0] if version else "unknown",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
    }


def measure(args):
    results_path = Path(args.results)
    results_path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    document = {"environment": environment_facts(), "sizes": args.sizes, "runs": [], "complete": False}

    def save():
        results_path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")

    lab = Lab(args.root, work / "lab")
    # The staged copy, not the working tree: the inventory and the playbooks come from the same snapshot.
    lab_inventory = staged_collection(args) / "inventories" / "lab"
    started = time.monotonic()
    env = lab.up()
    try:
        runner = SiteRunner(args, lab, env)
        plan = [] if args.skip_lab_site else [("lab", lab_inventory, 3)]
        with tempfile.TemporaryDirectory(prefix="tappaas-bench-sites-") as sites:
            for size in args.sizes:
                plan.append(("gen%d" % size, Path(sites) / ("gen%d" % size), size))
            for site, inventory, modules in plan:
                if site != "lab":
                    site_inventory.generate(lab_inventory, inventory, modules)
                for phase in ("deploy", "no-op"):
                    result = runner.run(site, phase, inventory, modules)
                    document["runs"].append(result)
                    save()
                    if not result["ok"]:
                        raise SystemExit("stopping: %s %s failed" % (site, phase))
        document["complete"] = True
    finally:
        lab.down()
        document["total_seconds"] = round(time.monotonic() - started, 1)
        save()
    return document


def reanalyse(document, root, work):
    """Recount the runs from the callback files and the request log a measuring run left in `work`."""
    lab = Lab(root, work / "lab")
    for run in document["runs"]:
        tasks_file = work / ("%s-%s.tasks.json" % (run["site"], run["phase"]))
        if tasks_file.exists():
            run.update(analyse(lab, tasks_file))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--collections", help="staged collections path (required unless --render-only)")
    parser.add_argument("--work", help="directory for the lab state, logs and callback output")
    parser.add_argument("--results", required=True, help="JSON results file (bench/results/site-scale.json)")
    parser.add_argument("--doc", required=True, help="the markdown page whose site-scale block is rewritten")
    parser.add_argument("--svg", required=True, help="the plot to write")
    parser.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES))
    parser.add_argument("--skip-lab-site", action="store_true", help="measure only the generated sites")
    parser.add_argument("--render-only", action="store_true", help="render the table and plot from --results")
    parser.add_argument(
        "--reanalyse", action="store_true", help="with --render-only: analyse the runs again from the files in --work"
    )
    args = parser.parse_args()
    if args.render_only:
        document = json.loads(Path(args.results).read_text())
        if args.reanalyse:
            reanalyse(document, Path(args.root), Path(args.work))
            Path(args.results).write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    else:
        if not args.collections or not args.work:
            parser.error("--collections and --work are required to measure")
        document = measure(args)
    site_report.render(document, Path(args.doc), Path(args.svg))
    print("wrote", args.results, args.doc, args.svg)
    return 0 if document.get("complete") else 1


if __name__ == "__main__":
    sys.exit(main())
