# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The guest image: Debian bookworm from debootstrap with systemd, sshd, python3 and sudo, built once and cached.

Its tag is a hash of this recipe, so a changed recipe builds a new image and an unchanged one is reused by every later
lab on the machine (debootstrap takes one to two minutes; starting a container from the image takes half a second).
The image holds no key: each lab mounts its own SSH host key and authorized key into its containers.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import re
import shutil
import subprocess

from lab.guests.podman import PodmanError

IMAGE_NAME = "localhost/tappaas-lab-guest"
SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
# systemd runs the guest as on a VM, so an app role's systemd units start for real (app_whoami's does).
PACKAGES = ("python3", "openssh-server", "sudo", "systemd", "systemd-sysv", "dbus")
SSHD_CONFIG = """\
# The lab mounts its own host key here; only keys log in.
HostKey /etc/ssh/ssh_host_ed25519_key
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
"""
# Units a container has no use for, which would only fail or wait for a console.
MASKED_UNITS = ("getty.target", "console-getty.service", "systemd-logind.service", "e2scrub_reap.service")
IMPORT_CHANGES = ('CMD ["/sbin/init"]', "STOPSIGNAL SIGRTMIN+3")


class ImageError(Exception):
    """The guest image could not be built; the message says which step failed and why."""


def recipe_hash():
    recipe = "\n".join([SUITE, " ".join(PACKAGES), SSHD_CONFIG, " ".join(MASKED_UNITS), " ".join(IMPORT_CHANGES)])
    return hashlib.sha256(recipe.encode()).hexdigest()[:12]


def image_ref():
    return "%s:%s" % (IMAGE_NAME, recipe_hash())


def debian_mirror():
    """The machine's own Debian mirror (its apt sources), so the build works where only that mirror is reachable."""
    paths = ["/etc/apt/sources.list", *sorted(glob.glob("/etc/apt/sources.list.d/*"))]
    for path in paths:
        try:
            with open(path) as handle:
                text = handle.read()
        except OSError:
            continue
        for uri in re.findall(r"(?:^deb(?:\s+\[[^]]*\])?\s+|^URIs:\s*)(\S+)", text, re.MULTILINE):
            if uri.rstrip("/").endswith("/debian"):
                return uri.rstrip("/")
    return DEFAULT_MIRROR


def ensure_image(podman, log=print):
    """The image reference, building the image first when this machine has none for the current recipe."""
    ref = image_ref()
    os.makedirs(podman.root, exist_ok=True)
    # Labs started at the same time (parallel tests) wait for one build instead of running debootstrap twice.
    with open(os.path.join(podman.root, "image.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _has_image(podman, ref):
            return ref
        log("lab: building the guest image %s (once per machine: debootstrap %s, about two minutes)" % (ref, SUITE))
        rootfs = os.path.join(podman.root, "rootfs-" + recipe_hash())
        shutil.rmtree(rootfs, ignore_errors=True)
        try:
            _debootstrap(rootfs)
            _customise(rootfs)
            _import(podman, rootfs, ref)
        finally:
            # The image keeps everything; the 200 MB tree is not needed once it is imported.
            shutil.rmtree(rootfs, ignore_errors=True)
        return ref


def _has_image(podman, ref):
    try:
        podman.run("image", "exists", ref, timeout=30)
    except PodmanError:
        return False
    return True


def _debootstrap(rootfs):
    command = [
        "debootstrap",
        "--variant=minbase",
        "--include=" + ",".join(PACKAGES),
        SUITE,
        rootfs,
        debian_mirror(),
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ImageError("debootstrap could not run: %s" % exc) from exc
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-5:]
        raise ImageError("debootstrap failed (exit %d): %s" % (done.returncode, " / ".join(tail)))


def _customise(rootfs):
    # Host keys made by openssh-server's postinst would be the same in every lab: each lab mounts its own instead.
    for key in glob.glob(os.path.join(rootfs, "etc/ssh/ssh_host_*")):
        os.remove(key)
    with open(os.path.join(rootfs, "etc/ssh/sshd_config.d/tappaas-lab.conf"), "w") as handle:
        handle.write(SSHD_CONFIG)
    ssh_dir = os.path.join(rootfs, "root/.ssh")
    os.makedirs(ssh_dir, exist_ok=True)
    os.chmod(ssh_dir, 0o700)
    for unit in MASKED_UNITS:
        link = os.path.join(rootfs, "etc/systemd/system", unit)
        if os.path.lexists(link):
            os.remove(link)
        os.symlink("/dev/null", link)
    for leftover in ("var/cache/apt/archives", "var/lib/apt/lists"):
        for path in glob.glob(os.path.join(rootfs, leftover, "*")):
            if os.path.isfile(path):
                os.remove(path)
    # podman gives each container the VM's name; an inherited build-machine name would be wrong.
    hostname = os.path.join(rootfs, "etc/hostname")
    if os.path.exists(hostname):
        os.remove(hostname)


def _import(podman, rootfs, ref):
    changes = [arg for change in IMPORT_CHANGES for arg in ("--change", change)]
    # GNU tar keeps owners, modes, device nodes and hard links as debootstrap made them.
    tar = subprocess.Popen(["tar", "-C", rootfs, "--numeric-owner", "-c", "."], stdout=subprocess.PIPE)
    try:
        podman.run("import", *changes, "-", ref, timeout=300, stdin=tar.stdout)
    except PodmanError as exc:
        raise ImageError("podman import of the guest image failed: %s" % exc) from exc
    finally:
        tar.stdout.close()
        tar.wait()
    if tar.returncode != 0:
        raise ImageError("tar of the guest rootfs failed (exit %d)" % tar.returncode)
