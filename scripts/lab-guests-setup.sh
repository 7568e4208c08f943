#!/usr/bin/env bash
# Install what the lab's guests need: podman (rootful), runc, netavark, debootstrap and the OpenSSH client.
# Idempotent; the lab calls it once at start, and CI gets the packages on a fresh machine through it.
#
# Usage: lab-guests-setup.sh
# Exit status: 0 when all of them are installed afterwards; 2 when this machine cannot have lab
# guests (not root: the guests run on podman's rootful bridge so that their addresses answer from here), with the
# reason on stderr, so the lab runs without guests and says why; 1 on any other failure.
#
# runc, not crun: crun refuses this machine's hybrid cgroup layout and podman's default rlimits (see
# docs/lab.md, "Guests"); the lab's private containers.conf picks runc, nothing under /etc is changed.
set -euo pipefail

scripts_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cannot() {
    echo "lab-guests-setup: $*" >&2
    exit 2
}

[[ $(id -u) -eq 0 ]] || cannot "lab guests need root (running as uid $(id -u))"

# ssh and ssh-keygen: the lab makes the guests' keys, and Ansible reaches them over SSH.
for pair in podman:podman runc:runc debootstrap:debootstrap ssh:openssh-client ssh-keygen:openssh-client; do
    set +e
    "$scripts_dir/ensure-apt-package.sh" "${pair%%:*}" "${pair#*:}"
    status=$?
    set -e
    case $status in
        0) ;;
        2) cannot "${pair#*:} is not installed and cannot be installed without root" ;;
        *) cannot "apt-get could not install ${pair#*:} (exit $status)" ;;
    esac
done

# netavark is only a recommendation of podman's, and ensure-apt-package.sh installs without recommendations; it has
# no program on PATH (/usr/lib/podman/netavark), so dpkg answers for it.
if ! dpkg-query -W -f='${Status}' netavark 2>/dev/null | grep -q "install ok installed"; then
    echo "Installing the Debian package netavark (podman's container networking)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends netavark iptables >/dev/null ||
        cannot "apt-get could not install netavark"
fi
