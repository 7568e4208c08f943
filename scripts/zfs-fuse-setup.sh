#!/usr/bin/env bash
# Make a real (userspace) ZFS available on this machine: Debian's zfs-fuse, for the storage
# integration tests and the lab. Idempotent: when the daemon already answers, it does nothing.
#
# Usage: zfs-fuse-setup.sh [start|stop]
#   start (default)  install zfs-fuse when root and missing, start the daemon, wait until it answers
#   stop             stop the daemon this script started (pools must have been destroyed or exported)
# Exit status: 0 when ZFS answers (start) or the daemon is gone (stop); 2 when this machine cannot
# run zfs-fuse (not root, no /dev/fuse, package unavailable), with the reason on stderr, so a
# caller can skip with that reason; 1 on any other failure.
#
# zfs-fuse quirks handled here (see docs/storage.md): a stale pidfile makes the daemon exit
# silently, the pidfile path must be absolute, and mounts left by a killed daemon answer
# "Transport endpoint is not connected" until they are lazily unmounted.
set -euo pipefail

action=${1:-start}
pidfile=${ZFS_FUSE_PIDFILE:-/run/tappaas-zfs-fuse.pid}
scripts_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cannot() {
    echo "zfs-fuse-setup: $*" >&2
    exit 2
}

zfs_answers() {
    command -v zpool >/dev/null 2>&1 && zpool list >/dev/null 2>&1
}

stop_daemon() {
    [[ -f $pidfile ]] || return 0
    local pid
    pid=$(cat "$pidfile")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid"
        # zfs-fuse takes about 5 s to flush and exit after SIGTERM.
        for _ in $(seq 1 150); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    rm -f "$pidfile"
}

case $action in
    stop)
        stop_daemon
        exit 0
        ;;
    start) ;;
    *)
        echo "usage: zfs-fuse-setup.sh [start|stop]" >&2
        exit 1
        ;;
esac

if zfs_answers; then
    exit 0
fi
[[ $(id -u) -eq 0 ]] || cannot "zfs-fuse needs root (running as uid $(id -u))"
[[ -c /dev/fuse ]] || cannot "zfs-fuse needs /dev/fuse, which this machine does not have"

set +e
"$scripts_dir/ensure-apt-package.sh" zfs-fuse zfs-fuse
status=$?
set -e
case $status in
    0) ;;
    2) cannot "zfs-fuse is not installed and cannot be installed without root" ;;
    *) cannot "apt-get could not install zfs-fuse (exit $status)" ;;
esac

# Mounts of a daemon that died are dead ends; unmount them deepest first before starting again.
mount | awk '$5 == "fuse.zfs" {print $3}' | sort -r | xargs -r -n1 umount -l

rm -f "$pidfile"
zfs-fuse --no-kstat-mount -p "$pidfile"
for _ in $(seq 1 100); do
    if zfs_answers; then
        exit 0
    fi
    sleep 0.1
done
echo "zfs-fuse-setup: the zfs-fuse daemon did not answer within 10 s" >&2
exit 1
