#!/usr/bin/env bash
# Run ansible-test sanity in the staged collection (every test with Python 3.12 as the
# controller, then compile and import on every target Python), then the action group check.
# Usage: sanity.sh REPO_ROOT STAGE   (with the dev venv's bin first on PATH)
set -euo pipefail

root=${1:?usage: sanity.sh REPO_ROOT STAGE}
stage=${2:?usage: sanity.sh REPO_ROOT STAGE}
scripts_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

"$scripts_dir/ansible-test-pip-shim.sh" "$(command -v python)"

# pyenv puts a shim on PATH for every Python version, but a shim only runs the globally
# selected one and exits 127 otherwise. ansible-test's compile and import tests probe each
# python3.X on PATH, so the real version directories must come before the shims.
if command -v pyenv >/dev/null 2>&1; then
    pyenv_bins=""
    while IFS= read -r bin_dir; do
        pyenv_bins+="$bin_dir:"
    done < <(find "$(pyenv root)/versions" -mindepth 2 -maxdepth 2 -name bin -type d 2>/dev/null | sort -rV)
    venv_bin=$(dirname "$(command -v python)")
    PATH="$venv_bin:$pyenv_bins$PATH"
    export PATH
fi

shellcheck_status=0
"$scripts_dir/ensure-apt-package.sh" shellcheck || shellcheck_status=$?
case $shellcheck_status in
    0) ;;
    2) echo "SKIP shellcheck: not root, and shellcheck is not installed (ansible-test will skip that test)" ;;
    *) echo "ERROR: could not install shellcheck" >&2; exit 1 ;;
esac

# The three checks are independent: run them all so one run reports every problem.
failed=()
# Every sanity test, with Python 3.12 as the controller.
(cd "$stage" && ansible-test sanity --python 3.12) || failed+=("ansible-test sanity --python 3.12")
# --python limits compile and import to 3.12; modules and module_utils promise Python 3.9+
# on managed hosts (tests/config.yml), so check those two on every version found on PATH.
(cd "$stage" && ansible-test sanity --test compile --test import) || failed+=("ansible-test compile/import, all Pythons")
python "$root/tools/check_action_groups.py" "$stage" || failed+=("tools/check_action_groups.py")

if ((${#failed[@]})); then
    printf 'sanity failed: %s\n' "${failed[@]}" >&2
    exit 1
fi
