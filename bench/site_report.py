# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Render bench/results/site-scale.json: the site-scale block of docs/performance.md and its SVG plot."""

from __future__ import annotations

import doc_block
import svg_chart

SERVICES = ("pve", "opnsense", "authentik", "pbs")
READS_PER_OBJECT_TARGET = 2


def linear_fit(points):
    """Least squares y = a + b x; returns (a, b, r_squared)."""
    n = len(points)
    if n < 2:
        return None
    xs = [x for x, _y in points]
    ys = [y for _x, y in points]
    mean_x = sum(xs) / n
    mean_y = sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if not sxx:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    total = sum((y - mean_y) ** 2 for y in ys)
    residual = sum((y - intercept - slope * x) ** 2 for x, y in points)
    return intercept, slope, (1 - residual / total) if total else 1.0


def _per_object(run, key):
    return (run[key] / run["objects"]) if run.get("objects") else float("nan")


def runs_table(runs):
    lines = [
        "| Site | Modules | Run | Wall time (s) | Module role (s per module) | Tasks ok / changed / skipped "
        "| Managed objects | API reads pve / opnsense / authentik / pbs (all) | API writes | Reads per object "
        "| Reads per object without version probes | Load average after |",
        "| --- | ---: | --- | ---: | ---: | --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        tasks = run.get("tasks", {})
        reads = " / ".join(str(run["requests"].get(service, {}).get("reads", 0)) for service in SERVICES)
        name = "lab (`inventories/lab`)" if run["site"] == "lab" else "generated"
        emphasis = "**" if run["phase"] == "no-op" else ""
        lines.append(
            "| %s | %d | %s%s%s%s | %s%.1f%s | %s | %s / %s / %s | %s | %s (%d) | %s%d%s | %s%.2f%s | %.2f | %s |"
            % (
                name,
                run["modules"],
                emphasis,
                run["phase"],
                emphasis,
                "" if run["ok"] else " (failed)",
                emphasis,
                run["wall_seconds"],
                emphasis,
                _module_role_seconds(run),
                tasks.get("ok", "?"),
                tasks.get("changed", "?"),
                tasks.get("skipped", "?"),
                run.get("objects", "?"),
                reads,
                run["reads"],
                emphasis,
                run["writes"],
                emphasis,
                emphasis,
                _per_object(run, "reads"),
                emphasis,
                (run["reads"] - run.get("probe_reads", 0)) / run["objects"] if run.get("objects") else float("nan"),
                run.get("load_average_after", "?"),
            )
        )
    return "\n".join(lines)


def _module_role_seconds(run):
    row = run.get("by_role", {}).get("module")
    modules = run.get("module_role_runs") or run["modules"]
    return "%.1f" % (row["seconds"] / modules) if row else "?"


def module_reads_table(run):
    """Per module-role task: reads per deployed module, by service, on one no-op run."""
    modules = run.get("module_role_runs") or run["modules"]
    lines = [
        "| Module role task | Reads per module | pve | opnsense | authentik | pbs | of which version probes "
        "| Objects per module |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    steps = sorted(run.get("module_role_tasks", {}).items(), key=lambda item: -item[1]["reads"])
    for name, step in steps:
        by_service = [step["by_service"].get(service, {}).get("reads", 0) / modules for service in SERVICES]
        lines.append(
            "| %s | %.2f | %s | %.2f | %.2f |"
            % (
                name,
                step["reads"] / modules,
                " | ".join("%.2f" % value for value in by_service),
                step.get("probe_reads", 0) / modules,
                step["objects"] / modules,
            )
        )
    return "\n".join(lines)


def roles_table(run):
    lines = [
        "| Role | Wall time (s) | API reads | of which version probes | API writes | Managed objects |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for role, row in sorted(run.get("by_role", {}).items(), key=lambda item: -item[1]["seconds"]):
        lines.append(
            "| %s | %.1f | %d | %d | %d | %d |"
            % (role, row["seconds"], row["reads"], row.get("probe_reads", 0), row["writes"], row["objects"])
        )
    return "\n".join(lines)


def fits(runs):
    noop = [run for run in runs if run["phase"] == "no-op" and run["ok"]]
    return {
        "time": linear_fit([(run["modules"], run["wall_seconds"]) for run in noop]),
        "reads": linear_fit([(run["modules"], run["reads"]) for run in noop]),
        "objects": linear_fit([(run["modules"], run["objects"]) for run in noop if "objects" in run]),
    }


def _environment_sentence(document):
    environment = document["environment"]
    sentence = "Measured on %s with %s, Python %s, on %s CPUs (1-minute load average %s when the run started)." % (
        environment["date"],
        environment["ansible"],
        environment["python"],
        environment["cpus"],
        environment["load_average_at_start"][0],
    )
    if document.get("total_seconds"):
        sentence += " The whole run took %.0f s." % document["total_seconds"]
    if not document.get("complete") and not document.get("notes"):
        sentence += " **The run did not complete: sizes %s were asked for; the table shows what was measured.**" % (
            ", ".join(str(size) for size in document["sizes"])
        )
    return sentence


def block(document):
    runs = document["runs"]
    noop = [run for run in runs if run["phase"] == "no-op" and run["ok"]]
    parts = [
        _environment_sentence(document),
        "",
        *[part for note in document.get("notes", []) for part in (note, "")],
        runs_table(runs),
        "",
    ]
    fit = fits(runs)
    if fit["time"]:
        intercept, slope, r_squared = fit["time"]
        parts.append(
            "Least-squares fit of the %d no-op runs: wall time = %.1f s + %.2f s per module (R² = %.4f)."
            % (len(noop), intercept, slope, r_squared)
        )
    if fit["reads"]:
        intercept, slope, r_squared = fit["reads"]
        parts.append("API reads = %.1f + %.2f per module (R² = %.4f)." % (intercept, slope, r_squared))
    if fit["objects"]:
        intercept, slope, _r = fit["objects"]
        parts.append("Managed objects = %.1f + %.2f per module." % (intercept, slope))
    if noop:
        writes = sum(run["writes"] for run in noop)
        worst = max(noop, key=lambda run: _per_object(run, "reads"))
        parts.extend(
            [
                "",
                "Against the target: the no-op runs made **%d** API writes in all (target 0), and at most **%.2f** "
                "reads per managed object (target at most %d, worst on the %d-module site; %.2f without the "
                "clients' version probes)."
                % (
                    writes,
                    _per_object(worst, "reads"),
                    READS_PER_OBJECT_TARGET,
                    worst["modules"],
                    (worst["reads"] - worst.get("probe_reads", 0)) / worst["objects"] if worst.get("objects") else 0,
                ),
            ]
        )
        largest = max(noop, key=lambda run: run["modules"])
        parts.extend(
            [
                "",
                "Where the reads of the %d-module no-op run come from, per role:" % largest["modules"],
                "",
                roles_table(largest),
                "",
                "and, inside the module role, per task and per module:",
                "",
                module_reads_table(largest),
            ]
        )
    return "\n".join(parts)


def plot(document):
    runs = [run for run in document["runs"] if run["ok"]]
    noop = [run for run in runs if run["phase"] == "no-op"]
    deploy = [run for run in runs if run["phase"] == "deploy"]
    time_panel = svg_chart.Panel(70, 40, 380, 260, "Wall time of site.yml", "modules in the site", "seconds")
    time_panel.add("no-op re-run", [(run["modules"], run["wall_seconds"]) for run in noop], "#1f6fb4")
    time_panel.add("deploy before it", [(run["modules"], run["wall_seconds"]) for run in deploy], "#e07b00")
    fit = fits(document["runs"])["time"]
    if fit and noop:
        top = max(run["modules"] for run in noop)
        time_panel.add("linear fit of no-op", [(0, fit[0]), (top, fit[0] + fit[1] * top)], "#1f6fb4", True, False)
    reads_panel = svg_chart.Panel(590, 40, 380, 260, "API calls of a no-op re-run", "modules in the site", "requests")
    reads_panel.add("reads", [(run["modules"], run["reads"]) for run in noop], "#1f6fb4")
    reads_panel.add(
        "target: 2 reads per object",
        [(run["modules"], READS_PER_OBJECT_TARGET * run.get("objects", 0)) for run in noop],
        "#2a9d3a",
        True,
    )
    reads_panel.add("writes (target 0)", [(run["modules"], run["writes"]) for run in noop], "#c0392b")
    caption = "TAPPaaS site.yml on the lab twins, %s, %s" % (
        document["environment"]["date"],
        document["environment"]["ansible"],
    )
    return svg_chart.document(1000, 360, [time_panel, reads_panel], caption)


def render(document, doc_path, svg_path):
    svg_path.parent.mkdir(parents=True, exist_ok=True)
    svg_path.write_text(plot(document))
    doc_block.replace_block(
        doc_path, "site-scale", "bench/site_bench.py from bench/results/site-scale.json", block(document)
    )
