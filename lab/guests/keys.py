# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A lab's SSH keys: the key Ansible logs in with, and the host key every guest of the lab presents.

Both are made per lab and mounted read-only into its containers, so Ansible checks the guests' host key against a
known_hosts file the lab writes (host key checking stays on) and no key is shared between labs or baked into the image.
"""

from __future__ import annotations

import os
import subprocess


class SshKeyError(Exception):
    """ssh-keygen failed."""


class LabKeys:
    def __init__(self, directory):
        self.directory = directory
        self.client_key = os.path.join(directory, "id_ed25519")
        self.host_key = os.path.join(directory, "ssh_host_ed25519_key")
        self.known_hosts = os.path.join(directory, "known_hosts")

    def ensure(self):
        os.makedirs(self.directory, mode=0o700, exist_ok=True)
        for path, comment in ((self.client_key, "tappaas-lab"), (self.host_key, "tappaas-lab-guest")):
            if not os.path.exists(path):
                _keygen(path, comment)
            # sshd and ssh refuse private keys others can read.
            os.chmod(path, 0o600)

    @property
    def authorized_key(self):
        return self.client_key + ".pub"

    def host_public_key(self):
        with open(self.host_key + ".pub") as handle:
            kind, key = handle.read().split()[:2]
        return "%s %s" % (kind, key)

    def write_known_hosts(self, addresses):
        """One line per guest address: every guest of this lab presents the same host key."""
        public = self.host_public_key()
        lines = ["%s %s\n" % (address, public) for address in sorted(addresses)]
        with open(self.known_hosts + ".tmp", "w") as handle:
            handle.writelines(lines)
        os.replace(self.known_hosts + ".tmp", self.known_hosts)


def _keygen(path, comment):
    try:
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", path],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SshKeyError("ssh-keygen could not make %s: %s" % (path, getattr(exc, "stderr", "") or exc)) from exc
