#!/usr/bin/env bash
# Build the collection tarball from the stage, install it into a throw-away path, and render
# the documentation of every module, plugin and role from the installed copy.
# Usage: build-check.sh STAGE DIST_DIR
# Fails when the build or install fails, or when any documentation fails or renders empty:
# this is what a user who installs the tarball sees.
set -euo pipefail

stage=${1:?usage: build-check.sh STAGE DIST_DIR}
dist=${2:?usage: build-check.sh STAGE DIST_DIR}
fqcn_prefix=tappaas.platform

rm -rf "$dist"
mkdir -p "$dist"
(cd "$stage" && ansible-galaxy collection build --force --output-path "$dist")
tarball=$(find "$dist" -maxdepth 1 -name 'tappaas-platform-*.tar.gz' -print -quit)

install_root=$(mktemp -d)
trap 'rm -rf "$install_root"' EXIT

# Only the installed copy may be found: not the stage, the repo, or ~/.ansible/collections.
export ANSIBLE_COLLECTIONS_PATH="$install_root"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
ansible-galaxy collection install --offline --no-deps -p "$install_root" "$tarball"
installed="$install_root/ansible_collections/tappaas/platform"
cd "$install_root"

failures=0
checked=0

# A documentation page counts when ansible-doc renders it as text without an error (it exits 0
# and only warns "was not found" for a plugin it cannot find) and its JSON form holds a description.
has_description='
import json, sys
name, plugin_type = sys.argv[1], sys.argv[2]
entry = json.load(sys.stdin).get(name) or {}
if plugin_type == "role":
    pages = list((entry.get("entry_points") or {}).values())
else:
    pages = [entry.get("doc") or {}]
sys.exit(0 if pages and all(page.get("description") or page.get("short_description") for page in pages) else 1)
'
render_doc() {
    local plugin_type=$1 name=$2 text json
    checked=$((checked + 1))
    if ! text=$(ansible-doc -t "$plugin_type" "$name" 2>&1) || [[ $text == *"[ERROR]"* || $text == *"was not found"* ]]; then
        printf 'FAIL ansible-doc -t %s %s:\n%s\n' "$plugin_type" "$name" "$text"
        failures=$((failures + 1))
    elif ! json=$(ansible-doc -t "$plugin_type" --json "$name" 2>/dev/null) ||
        ! python -c "$has_description" "$name" "$plugin_type" <<<"$json"; then
        printf 'FAIL ansible-doc -t %s %s rendered no description\n' "$plugin_type" "$name"
        failures=$((failures + 1))
    else
        printf 'ok   %-8s %s\n' "$plugin_type" "$name"
    fi
}

# Modules: one file each, so the file list is the truth, whatever ansible-doc --list says.
if [[ -d $installed/plugins/modules ]]; then
    while IFS= read -r module_file; do
        module=$(basename "$module_file" .py)
        render_doc module "$fqcn_prefix.$module"
    done < <(find "$installed/plugins/modules" -maxdepth 1 -name '*.py' ! -name '__init__.py' | sort)
fi

# Other plugin types: a filter or test file may define several plugins, so ask ansible-doc
# for the names, and fail when a directory has code but ansible-doc lists nothing.
declare -A plugin_types=(
    [become]=become [cache]=cache [callback]=callback [cliconf]=cliconf [connection]=connection
    [filter]=filter [httpapi]=httpapi [inventory]=inventory [lookup]=lookup [netconf]=netconf
    [shell]=shell [strategy]=strategy [test]=test [vars]=vars
)
for plugin_dir in $(printf '%s\n' "${!plugin_types[@]}" | sort); do
    [[ -d $installed/plugins/$plugin_dir ]] || continue
    if [[ -z $(find "$installed/plugins/$plugin_dir" -maxdepth 1 -name '*.py' ! -name '__init__.py' -print -quit) ]]; then
        continue
    fi
    plugin_type=${plugin_types[$plugin_dir]}
    listing_errors=$(mktemp)
    names=$(ansible-doc -t "$plugin_type" --list --json "$fqcn_prefix" 2>"$listing_errors" |
        python -c 'import json, sys; print("\n".join(sorted(json.load(sys.stdin))))')
    # A file that fails to import is skipped with a warning, and its plugins go unlisted.
    if [[ -s $listing_errors ]]; then
        echo "FAIL ansible-doc -t $plugin_type --list:"
        cat "$listing_errors"
        failures=$((failures + 1))
    fi
    rm -f "$listing_errors"
    if [[ -z $names ]]; then
        echo "FAIL plugins/$plugin_dir has code but ansible-doc lists no $plugin_type plugin"
        failures=$((failures + 1))
        continue
    fi
    while IFS= read -r name; do
        render_doc "$plugin_type" "$name"
    done <<<"$names"
done

# Action plugins are documented by the module of the same name; check that module exists.
if [[ -d $installed/plugins/action ]]; then
    while IFS= read -r action_file; do
        action=$(basename "$action_file" .py)
        if [[ ! -f $installed/plugins/modules/$action.py ]]; then
            echo "FAIL action plugin $action has no plugins/modules/$action.py to document it"
            failures=$((failures + 1))
        fi
    done < <(find "$installed/plugins/action" -maxdepth 1 -name '*.py' ! -name '__init__.py' | sort)
fi

# Roles with an argument spec.
if [[ -d $installed/roles ]]; then
    while IFS= read -r spec; do
        role=$(basename "$(dirname "$(dirname "$spec")")")
        render_doc role "$fqcn_prefix.$role"
    done < <(find "$installed/roles" -mindepth 3 -maxdepth 3 -path '*/meta/argument_specs.y*ml' | sort)
fi

echo "Built $(basename "$tarball"); rendered $checked documentation pages, $failures failed"
[[ $failures -eq 0 ]]
