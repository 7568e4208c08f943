#!/usr/bin/env bash
# Build the benchmark venv (once), stage the collection, run bench/bench.py on a private lab.
# Usage: run.sh REPO_ROOT BUILD_DIR   (the dev venv's python first on PATH; it runs the lab)
set -euo pipefail

root=${1:?usage: run.sh REPO_ROOT BUILD_DIR}
build=${2:?usage: run.sh REPO_ROOT BUILD_DIR}
venv=$build/bench-venv
requirements=$root/bench/requirements.txt
python312=${BENCH_PYTHON:-$(command -v python3.12 || echo "$(pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12")}

# Rebuilt when the pins change, so the numbers always come from the pinned versions.
if ! cmp -s "$requirements" "$venv/.requirements" 2>/dev/null; then
    rm -rf "$venv"
    "$python312" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/.requirements"
fi

collections=$build/bench/collections
"$root/scripts/stage.sh" "$root" "$collections/ansible_collections/tappaas/platform"
python "$root/bench/bench.py" --root "$root" --collections "$collections" --venv "$venv" \
    --work "$build/bench" --output "$root/docs/performance.md"
