# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Proxmox Backup Server client: the PVE client's calls, retries and UPID waits on proxmoxer's PBS service.

PBS speaks the same /api2/json as PVE (ticket or ``PBSAPIToken=user@realm!name:secret``, ``{"data": ...}``,
UPID workers), so the PVE client serves it unchanged once proxmoxer connects with ``service="PBS"``.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import (
    ApiError,
    AuthError,
    InvalidInput,
    NotFound,
    Transient,
)
from ansible_collections.tappaas.platform.plugins.module_utils.pve import (
    _CONNECTION_FAULTS,
    HAS_PROXMOXER,
    PROXMOXER_IMPORT_ERROR,
    AuthenticationError,
    ProxmoxAPI,
    PveClient,
)

# A datastore create or delete is a worker; creating the chunk store takes a while on real disks.
WORKER_TIMEOUT = 300


def _token_parts(params):
    token_id = params["api_token_id"]
    if "!" in token_id:
        return token_id.split("!", 1)
    if params.get("api_user"):
        return params["api_user"], token_id
    raise InvalidInput("api_token_id", "give the full id 'user@realm!name', or set api_user")


class PbsClient(PveClient):
    """PveClient on a PBS connection."""

    @classmethod
    def from_params(cls, params):
        if not HAS_PROXMOXER:
            raise ApiError(f"the proxmoxer Python package is required: {PROXMOXER_IMPORT_ERROR}")
        host = params["api_host"]
        if "://" in host or "/" in host:
            raise InvalidInput("api_host", f"give a host name or address, not a URL: {host!r}")
        verify = params["validate_certs"]
        if verify and params.get("ca_path"):
            verify = params["ca_path"]
        kwargs = {"port": params["api_port"], "verify_ssl": verify, "timeout": params["api_timeout"]}
        if params.get("api_token_id"):
            user, token_name = _token_parts(params)
            kwargs.update(user=user, token_name=token_name, token_value=params["api_token_secret"])
        else:
            kwargs.update(user=params["api_user"], password=params["api_password"])
        try:
            api = ProxmoxAPI(host, backend="https", service="PBS", **kwargs)
        except AuthenticationError as exc:
            raise AuthError(f"login as {kwargs['user']} failed: {exc}", status=401) from exc
        except _CONNECTION_FAULTS as exc:
            raise Transient(f"cannot reach Proxmox Backup Server at {host}:{params['api_port']}: {exc}") from exc
        return cls(api)

    def run_worker(self, method, path, what, /, **params):
        """A call whose answer is a UPID (datastore create/delete, job runs, GC): wait for the worker to end."""
        return self.run_task(method, path, WORKER_TIMEOUT, what, **params)

    def exists(self, path):
        try:
            self.get(path)
        except NotFound:
            return False
        return True

    def fingerprint(self):
        """The SHA-256 fingerprint of the API certificate, as PVE's pbs storage and PBS remotes take it."""
        for cert in self.get("nodes/localhost/certificates/info") or []:
            if cert.get("filename") == "proxy.pem" and cert.get("fingerprint"):
                return cert["fingerprint"]
        raise ApiError("the server reported no certificate fingerprint for proxy.pem")
