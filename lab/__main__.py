# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""python -m lab up|down|status|serve|env [--state DIR] [--only pve,opnsense]"""

from __future__ import annotations

import argparse
import json
import sys

from lab import runner


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m lab", description="Start and stop the TAPPaaS lab twins.")
    parser.add_argument("command", choices=("up", "down", "status", "serve", "env"))
    parser.add_argument("--state", default=".lab", help="state directory (default: .lab)")
    parser.add_argument("--only", default="", help="comma-separated twins to start (default: all)")
    parser.add_argument(
        "--free-ports", action="store_true", help="use free ports instead of the fixed ones (tests, parallel labs)"
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the twins to answer")
    args = parser.parse_args(argv)
    only = [name for name in args.only.split(",") if name]
    if args.command == "up":
        return runner.up(args.state, only, args.timeout, args.free_ports)
    if args.command == "down":
        return runner.down(args.state)
    if args.command == "status":
        return runner.status(args.state)
    if args.command == "env":
        # For playbooks (molecule): the running lab's lab.env as JSON, parsed by runner.read_lab_env.
        print(json.dumps(runner.read_lab_env(args.state), sort_keys=True))
        return 0
    return runner.serve(args.state, only, args.free_ports)


if __name__ == "__main__":
    sys.exit(main())
