#!/usr/bin/env bash
# Make sure a program is available, installing its Debian package when we are root.
# Usage: ensure-apt-package.sh PROGRAM [PACKAGE]
# Exit status: 0 when PROGRAM is on PATH afterwards, 2 when it is missing and we are
# not root (the caller decides whether that is a skip or a failure), 1 on apt failure.
set -euo pipefail

program=${1:?usage: ensure-apt-package.sh PROGRAM [PACKAGE]}
package=${2:-$program}

if command -v "$program" >/dev/null 2>&1; then
    exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
    exit 2
fi

echo "Installing the Debian package $package (provides $program)"
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh them only when the first try fails.
if ! apt-get install -y -qq --no-install-recommends "$package" >/dev/null; then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$package" >/dev/null
fi
command -v "$program" >/dev/null 2>&1
