#!/usr/bin/env bash
# Pre-seed ansible-test's get-pip cache with a shim.
# Usage: ansible-test-pip-shim.sh PYTHON   (the interpreter that has ansible-core installed)
#
# ansible-test builds each sanity venv --without-pip and then downloads
# https://ci-files.testing.ansible.com/ansible-test/get-pip-<ver>.py, a host that CI cannot
# reach. It looks for ~/.ansible/test/cache/get_pip_<ver>.py first, so we put a small script
# there that bootstraps pip with ensurepip and installs the requested pip from PyPI.
set -euo pipefail

python=${1:?usage: ansible-test-pip-shim.sh PYTHON}

pip_version=$("$python" - <<'PY'
import pathlib
import re

import ansible_test

source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
match = re.search(r"""\bpip=['"]([0-9][0-9.]*)['"]""", source.read_text())
if not match:
    raise SystemExit(f"cannot find the pinned pip version in {source}")
print(match.group(1))
PY
)

cache_dir="$HOME/.ansible/test/cache"
shim="$cache_dir/get_pip_${pip_version//./_}.py"
mkdir -p "$cache_dir"
cat >"$shim.tmp" <<'PY'
# Written by tappaas.platform scripts/ansible-test-pip-shim.sh: ensurepip, then the requested pip.
import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "--disable-pip-version-check", *args])
PY
mv "$shim.tmp" "$shim"
echo "get-pip shim for pip $pip_version: $shim"
