# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A PVE section-config file (ha/resources.cfg, jobs.cfg, replication.cfg): ids with options and one digest.

PVE stores these as one file each under /etc/pve, so the digest covers the whole file and changes with any entry;
PUT with a stale ``digest`` fails, and ``delete`` removes options, except the fixed or required ones.
"""

from __future__ import annotations

import hashlib
import json

from fakepve.routing import check_digest, die, split_list


class SectionConfig:
    def __init__(self, fixed=(), required=()):
        self.entries = {}
        self.fixed = tuple(fixed)
        self.required = tuple(required)

    def digest(self):
        return hashlib.sha1(json.dumps(self.entries, sort_keys=True).encode()).hexdigest()

    def __contains__(self, key):
        return key in self.entries

    def get(self, key):
        return self.entries.get(key)

    def view(self, key, id_key):
        """An entry as the API returns it: its options, its id and the file's digest."""
        return dict(self.entries[key], **{id_key: key, "digest": self.digest()})

    def listing(self, id_key):
        return [self.view(key, id_key) for key in sorted(self.entries)]

    def update(self, key, values, known_options, digest=None, delete=None):
        """Apply a PUT: check the digest, delete options, then set the given ones."""
        check_digest(self.digest(), digest)
        entry = self.entries[key]
        for option in split_list(delete):
            if option in self.fixed:
                raise die("unable to delete fixed option '%s'" % option)
            if option in self.required:
                raise die("unable to delete required option '%s'" % option)
            if option not in known_options:
                raise die("no such option '%s'" % option)
            entry.pop(option, None)
        entry.update(values)
