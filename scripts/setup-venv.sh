#!/usr/bin/env bash
# Create or refresh the development virtualenv with the pinned toolchain.
# Usage: setup-venv.sh VENV_DIR REQUIREMENTS_FILE [EXTRA_PIP_SPEC...]
# Idempotent: a stamp records the interpreter, the requirements' checksum and the extra
# specs, so a re-run with nothing changed returns at once.
set -euo pipefail

venv=${1:?usage: setup-venv.sh VENV_DIR REQUIREMENTS_FILE [EXTRA_PIP_SPEC...]}
requirements=${2:?usage: setup-venv.sh VENV_DIR REQUIREMENTS_FILE [EXTRA_PIP_SPEC...]}
shift 2
extra_specs=("$@")
scripts_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stamp="$venv/.tappaas-setup.stamp"

python=$("$scripts_dir/find-python312.sh")
wanted_stamp="python=$("$python" -c 'import sys; print(sys.version.split()[0])')
requirements=$(sha256sum "$requirements" | cut -d' ' -f1)
extra=${extra_specs[*]}"

if [[ -f $stamp && $(<"$stamp") == "$wanted_stamp" && -x $venv/bin/python ]]; then
    echo "$venv is up to date ($(head -n1 "$stamp"))"
    exit 0
fi

# A venv from another interpreter (say 3.11) cannot be upgraded in place: start over.
if [[ -x $venv/bin/python ]] && ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))'; then
    echo "Recreating $venv: it was not built with Python 3.12"
    rm -rf "$venv"
fi

if [[ ! -x $venv/bin/python ]]; then
    echo "Creating $venv with $python"
    "$python" -m venv "$venv"
fi

rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" "${extra_specs[@]}"
printf '%s\n' "$wanted_stamp" >"$stamp"
echo "$venv is ready: $("$venv/bin/ansible" --version | head -n1)"
