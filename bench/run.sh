#!/usr/bin/env bash
# Build the benchmark venv (once), stage the collection, run the benchmarks on private labs:
#   bench/bench.py       tappaas.platform.proxmox_vm against community.proxmox.proxmox_kvm (the bench venv)
#   bench/site_bench.py  playbooks/site.yml on the lab site and on generated sites of 10, 50 and 100 modules
# Usage: run.sh REPO_ROOT BUILD_DIR   (the dev venv's python first on PATH; it runs the lab and site.yml)
# BENCH_ONLY=modules|site runs one of them; BENCH_SITE_SIZES="10 50" picks the generated sites' sizes.
set -euo pipefail

root=${1:?usage: run.sh REPO_ROOT BUILD_DIR}
build=${2:?usage: run.sh REPO_ROOT BUILD_DIR}
only=${BENCH_ONLY:-all}
venv=$build/bench-venv
requirements=$root/bench/requirements.txt
python312=${BENCH_PYTHON:-$(command -v python3.12 || echo "$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12")}

collections=$build/bench/collections
"$root/scripts/stage.sh" "$root" "$collections/ansible_collections/tappaas/platform"

if [[ $only == all || $only == modules ]]; then
    # Rebuilt when the pins change, so the numbers always come from the pinned versions.
    if ! cmp -s "$requirements" "$venv/.requirements" 2>/dev/null; then
        rm -rf "$venv"
        "$python312" -m venv "$venv"
        "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
        cp "$requirements" "$venv/.requirements"
    fi
    python "$root/bench/bench.py" --root "$root" --collections "$collections" --venv "$venv" \
        --work "$build/bench" --output "$root/docs/performance.md"
fi

if [[ $only == all || $only == site ]]; then
    # site.yml runs with the dev venv's ansible-core (what `make demo` uses); the sizes word-split on purpose.
    # shellcheck disable=SC2086
    python "$root/bench/site_bench.py" --root "$root" --collections "$collections" --work "$build/bench/site" \
        --results "$root/bench/results/site-scale.json" --doc "$root/docs/performance.md" \
        --svg "$root/docs/assets/site-scale.svg" --sizes ${BENCH_SITE_SIZES:-10 50 100}
fi
