# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Compare tappaas.platform.proxmox_vm with community.proxmox.proxmox_kvm on one PVE twin, in one run.

For each tool: create 10 VMs from the template with cloud-init, run again unchanged, change memory on all 10.
Measured per phase: wall time, API reads and writes per VM (from the lab's request log) and how many VMs
reported a change. The table goes into its block of docs/performance.md. Run it with `make bench`, never in `make test`.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

import doc_block

VMS = 10
PHASES = (
    ("create 10 VMs from the template, with cloud-init", 2048),
    ("run again, unchanged", 2048),
    ("change memory on all 10", 3072),
)
TOOLS = (
    ("tappaas.platform.proxmox_vm", "tappaas.yml.in", 4001),
    ("community.proxmox.proxmox_kvm", "community.yml.in", 4101),
)
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBench bench@example.org"


class Lab:
    def __init__(self, root, state_dir):
        self.root = root
        self.state_dir = Path(state_dir)
        self.requests = self.state_dir / "requests.jsonl"

    def up(self):
        self.state_dir.mkdir(parents=True, exist_ok=True)
        # Only the PVE twin, on free ports: the benchmark never collides with a lab that is already up.
        command = [sys.executable, "-m", "lab", "up", "--state", str(self.state_dir), "--only", "pve", "--free-ports"]
        subprocess.run(command, cwd=self.root, check=True)
        env = {}
        for line in (self.state_dir / "lab.env").read_text().splitlines():
            if line and not line.startswith("#") and "=" in line:
                key, value = line.split("=", 1)
                env[key] = value.strip("'")
        return env

    def down(self):
        subprocess.run(
            [sys.executable, "-m", "lab", "down", "--state", str(self.state_dir)], cwd=self.root, check=False
        )

    def mark(self):
        return self.requests.stat().st_size if self.requests.exists() else 0

    def pve_requests(self, since):
        with open(self.requests) as handle:
            handle.seek(since)
            entries = [json.loads(line) for line in handle if line.strip()]
        return [entry for entry in entries if entry["service"] == "pve"]


def ansible_version(venv):
    out = subprocess.run(
        [str(Path(venv) / "bin" / "ansible"), "--version"], capture_output=True, text=True, check=False
    ).stdout
    return out.splitlines()[0] if out else "unknown"


def bundle_version(venv, package):
    out = subprocess.run(
        [str(Path(venv) / "bin" / "python"), "-c", "import importlib.metadata as m; print(m.version(%r))" % package],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return out or "unknown"


def run_phase(lab, env, venv, playbook, vmids, memory):
    extra = {"bench_vmids": vmids, "bench_memory": memory, "bench_sshkey": SSH_KEY}
    mark = lab.mark()
    started = time.monotonic()
    done = subprocess.run(
        [str(Path(venv) / "bin" / "ansible-playbook"), str(playbook), "-e", json.dumps(extra)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.monotonic() - started
    requests = lab.pve_requests(mark)
    found = re.search(r"BENCH changed=(\d+)", done.stdout)
    result = {
        "wall": wall,
        "reads": sum(1 for entry in requests if entry["method"] in ("GET", "HEAD")) / len(vmids),
        "writes": sum(1 for entry in requests if entry["method"] not in ("GET", "HEAD")) / len(vmids),
        "changed": int(found.group(1)) if found else None,
        "ok": done.returncode == 0,
    }
    if not result["ok"]:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-30:])
        print("%s failed:\n%s" % (playbook.name, tail), file=sys.stderr)
    return result


def table(results):
    lines = [
        "| Tool | Phase | Wall time (s) | API reads per VM | API writes per VM | VMs reported changed |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for tool, phase, result in results:
        changed = "failed" if not result["ok"] else "%s of %d" % (result["changed"], VMS)
        lines.append(
            "| `%s` | %s | %.1f | %.1f | %.1f | %s |"
            % (tool, phase, result["wall"], result["reads"], result["writes"], changed)
        )
    return "\n".join(lines)


def measured_block(results, venv):
    """The generated part of docs/performance.md's module section: the table and what it was measured with."""
    return """{table}

Measured on {date} with {ansible} and the `ansible` bundle {bundle} (community.proxmox {community}),
proxmoxer {proxmoxer}, Python {python}, on the PVE twin (fakepve {fakepve}, where one PVE second
takes one real millisecond, so tasks run in the background and both tools poll them). On real hardware,
clones and starts take longer, and both tools spend that time waiting.
""".format(
        table=table(results),
        date=time.strftime("%Y-%m-%d"),
        ansible=ansible_version(venv),
        bundle=bundle_version(venv, "ansible"),
        community=community_version(venv),
        proxmoxer=bundle_version(venv, "proxmoxer"),
        python=platform.python_version(),
        fakepve=_local_version("fakepve"),
    )


def community_version(venv):
    manifests = list(Path(venv).glob("lib/python*/site-packages/ansible_collections/community/proxmox/MANIFEST.json"))
    if not manifests:
        return "unknown"
    return json.loads(manifests[0].read_text())["collection_info"]["version"]


def _local_version(package):
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--collections", required=True)
    parser.add_argument("--venv", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    lab = Lab(args.root, Path(args.work) / "lab")
    lab_env = lab.up()
    try:
        env = dict(os.environ, **lab_env)
        env.pop("PROXMOX_PASSWORD", None)  # token auth for both tools: no ticket logins in the write count
        env.update(
            ANSIBLE_COLLECTIONS_PATH=args.collections,
            ANSIBLE_LOCALHOST_WARNING="0",
            ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
            ANSIBLE_NOCOLOR="1",
            PATH="%s:%s" % (Path(args.venv) / "bin", os.environ.get("PATH", "")),
        )
        env["VIRTUAL_ENV"] = args.venv
        results = []
        for tool, playbook, first_vmid in TOOLS:
            vmids = list(range(first_vmid, first_vmid + VMS))
            for phase, memory in PHASES:
                result = run_phase(lab, env, args.venv, Path(args.root) / "bench" / playbook, vmids, memory)
                results.append((tool, phase, result))
                print(
                    "%-32s %-50s %6.1fs reads/VM %5.1f writes/VM %5.1f changed %s"
                    % (tool, phase, result["wall"], result["reads"], result["writes"], result["changed"])
                )
    finally:
        lab.down()
    doc_block.replace_block(args.output, "proxmox-vm", "bench/bench.py", measured_block(results, args.venv))
    print("wrote", args.output)
    return 0 if all(result["ok"] for _tool, _phase, result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
