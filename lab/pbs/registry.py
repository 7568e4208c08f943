# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The PBS twins listening in this process, by port: how a PVE storage or a PBS remote "connects" to one.

Every twin of a lab runs in one process, so a PVE ``pbs`` storage (server, port) or a PBS remote (host, port)
reaches the twin listening there directly, with the same checks a network connection would make: the address
must be a loopback name of the lab, the certificate fingerprint must match, the credentials must be valid.
"""

from __future__ import annotations

from lab.pbs.errors import ApiFailure

LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")
_TWINS = {}


def register(twin):
    _TWINS[int(twin.port)] = twin


def unregister(twin):
    if _TWINS.get(int(twin.port)) is twin:
        del _TWINS[int(twin.port)]


def connect(host, port, fingerprint, auth_id, secret):
    """The twin at host:port once TLS and login would have succeeded; ApiFailure with PBS's words otherwise."""
    port = int(port or 8007)
    twin = _TWINS.get(port) if str(host) in LOOPBACK else None
    if twin is None:
        raise ApiFailure(500, "error trying to connect: tcp connect error: Connection refused (os error 111)")
    if not fingerprint:
        raise ApiFailure(
            500, "error trying to connect: certificate validation failed - Please verify the certificate fingerprint"
        )
    if fingerprint.lower() != twin.fingerprint.lower():
        raise ApiFailure(500, "error trying to connect: fingerprint '%s' not verified, abort!" % twin.fingerprint)
    valid = (
        twin.access.check_token(auth_id, secret) if "!" in str(auth_id) else twin.access.check_password(auth_id, secret)
    )
    if not valid:
        raise ApiFailure(401, "authentication failed - invalid credentials")
    return twin
