#!/usr/bin/env bash
# Print the path of a working Python 3.12 interpreter (ansible-core 2.20 and later need 3.12+).
# Order: $PYTHON if set, the newest $(pyenv root)/versions/3.12.* (or $PYENV_ROOT, ~/.pyenv), then python3.12 on PATH.
# pyenv shims are not trusted: they exist for every version but only run the global one.
set -euo pipefail

is_python312() {
    [[ -x $1 ]] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' 2>/dev/null
}

if [[ -n ${PYTHON:-} ]]; then
    if is_python312 "$PYTHON"; then
        echo "$PYTHON"
        exit 0
    fi
    echo "PYTHON=$PYTHON is not a working Python 3.12" >&2
    exit 1
fi

# pyenv may be installed without being on PATH in a non-interactive CI shell: look in its default root too.
pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root=$(pyenv root)
fi
if [[ -d $pyenv_root/versions ]]; then
    while IFS= read -r version_dir; do
        if is_python312 "$version_dir/bin/python3.12"; then
            echo "$version_dir/bin/python3.12"
            exit 0
        fi
    done < <(find "$pyenv_root/versions" -mindepth 1 -maxdepth 1 -name '3.12.*' 2>/dev/null | sort -rV)
fi

if path_python=$(command -v python3.12 2>/dev/null) && is_python312 "$path_python"; then
    echo "$path_python"
    exit 0
fi

cat >&2 <<'MSG'
ERROR: Python 3.12 is needed: ansible-core 2.21 (pinned in requirements-dev.txt) requires Python >= 3.12.
Found neither $(pyenv root)/versions/3.12.* nor a working python3.12 on PATH.
Install one (for example `pyenv install 3.12`), or point PYTHON=/path/to/python3.12 at it.
MSG
exit 1
