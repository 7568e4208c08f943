#!/usr/bin/env bash
# Check the execution environment (EE) that AWX and Automation Platform run the collection in (docs/awx.md).
# Usage: ee-check.sh STAGE DIST_DIR   (after build-check.sh, which leaves the tarball in DIST_DIR)
#
# 1. The definition, meta/execution-environment.yml, agrees with the collection: ansible-core pin within
#    requires_ansible and equal to the tested one, its Python, the dependency files (tools/check_execution_environment.py).
# 2. `ansible-builder create` turns it into a build context, and the context holds what the image needs:
#    the base image, the pins and build args, the collection's requirements.txt and bindep.txt.
# 3. `ansible-builder introspect` on the collection installed from the tarball finds exactly those requirements,
#    as it does when a site's own EE installs tappaas.platform.
# Nothing is built or pulled: registries are out of reach in CI, and create needs no container runtime.
set -euo pipefail

stage=${1:?usage: ee-check.sh STAGE DIST_DIR}
dist=${2:?usage: ee-check.sh STAGE DIST_DIR}
checker="$stage/tools/check_execution_environment.py"

if ! command -v ansible-builder >/dev/null; then
    echo "FAIL ansible-builder is not installed: run make setup (requirements-dev.txt pins it)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python "$checker" definition "$stage"

# From the collection root through ./execution-environment.yml, so the dependency paths resolve from the root.
(cd "$stage" && ansible-builder create --file execution-environment.yml --context "$work/context" >"$work/create.log") || {
    echo "FAIL ansible-builder create:"
    cat "$work/create.log"
    exit 1
}
python "$checker" context "$stage" "$work/context"

tarball=$(find "$dist" -maxdepth 1 -name 'tappaas-platform-*.tar.gz' -print -quit)
if [[ -z $tarball ]]; then
    echo "FAIL no tappaas-platform tarball in $dist: build-check.sh builds it first" >&2
    exit 1
fi
ANSIBLE_COLLECTIONS_PATH="$work/collections" ansible-galaxy collection install --offline --no-deps \
    -p "$work/collections" "$tarball" >"$work/install.log"
ansible-builder introspect --sanitize --write-pip "$work/pip.txt" --write-bindep "$work/bindep.txt" \
    "$work/collections" >"$work/introspect.log"
python "$checker" introspection "$stage" "$work/collections/ansible_collections/tappaas/platform" \
    "$work/pip.txt" "$work/bindep.txt"
base_image=$(sed -n 's/^ARG EE_BASE_IMAGE="\(.*\)"$/\1/p' "$work/context/Containerfile")
install_refs=$(sed -n 's/^ARG ANSIBLE_INSTALL_REFS="\(.*\)"$/\1/p' "$work/context/Containerfile")
echo "Execution environment context checked: FROM $base_image with $install_refs"
