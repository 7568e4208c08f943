#!/usr/bin/env bash
# Mirror the collection into STAGE, a path ending in collections/ansible_collections/tappaas/platform.
# Usage: stage.sh REPO_ROOT STAGE
#
# Why: ansible-test only runs from such a path, and pytest-ansible otherwise builds a
# collections/ symlink tree inside the repository. The stage holds exactly the files git
# would (tracked, plus untracked but not ignored) and nothing else, so tool state from an
# earlier step (.ansible/, tests/output/, caches) can never leak into the next one.
#
# The stage gets its own empty git repository. Without one, ansible-test and ansible-lint
# walk up to the enclosing checkout, where .build/ is ignored, and find no files at all.
# With one they list files as in any checkout, honouring the copied .gitignore.
set -euo pipefail

root=${1:?usage: stage.sh REPO_ROOT STAGE}
stage=${2:?usage: stage.sh REPO_ROOT STAGE}
scripts_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

case $stage in
    */collections/ansible_collections/tappaas/platform) ;;
    *)
        echo "stage.sh: $stage must end in collections/ansible_collections/tappaas/platform" >&2
        exit 1
        ;;
esac
if ! git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    echo "stage.sh: $root is not a git checkout; the stage is built from git's file list" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Files that exist now: a tracked file deleted in the worktree stays out.
git -C "$root" ls-files -z --cached --others --exclude-standard | sort -zu |
    while IFS= read -r -d '' path; do
        if [[ -e $root/$path || -L $root/$path ]]; then
            printf '%s\0' "$path"
        fi
    done >"$work/wanted"

mkdir -p "$stage"
if [[ ! -d $stage/.git ]]; then
    git -c init.defaultBranch=stage -C "$stage" init --quiet
fi
if "$scripts_dir/ensure-apt-package.sh" rsync; then
    # --files-from copies only what changed and keeps mtimes, so re-staging is cheap.
    rsync -a --from0 --files-from="$work/wanted" "$root/" "$stage/"
else
    echo "rsync unavailable: staging with tar"
    tar -C "$root" --null -T "$work/wanted" -cf - | tar -C "$stage" -xf -
fi

# The --delete part: remove every file and link in the stage that git does not list,
# then the directories left empty.
(cd "$stage" && find . -mindepth 1 -path ./.git -prune -o \( -type f -o -type l \) -printf '%P\0') |
    sort -z >"$work/present"
comm -z -23 "$work/present" "$work/wanted" >"$work/stray"
if [[ -s $work/stray ]]; then
    (cd "$stage" && xargs -0 rm -f --) <"$work/stray"
fi
# (-delete implies -depth, which disables -prune: keep .git out with -path tests instead.)
find "$stage" -mindepth 1 -type d -empty ! -path "$stage/.git" ! -path "$stage/.git/*" -delete

echo "Staged $(tr -cd '\0' <"$work/wanted" | wc -c) files in $stage"
