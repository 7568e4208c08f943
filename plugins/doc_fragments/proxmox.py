# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection options for the Proxmox VE API.
    DOCUMENTATION = r"""
options:
  api_host:
    description:
      - Host name or IP address of the Proxmox VE API (one node of the cluster is enough).
      - If not set, the value of the E(PROXMOX_HOST) environment variable is used.
    type: str
    required: true
  api_port:
    description:
      - TCP port of the Proxmox VE API.
      - If not set, the value of the E(PROXMOX_PORT) environment variable is used.
    type: int
    default: 8006
  api_user:
    description:
      - User to log in as, with its realm, for example V(root@pam).
      - Required with O(api_password); with O(api_token_id) it completes a token id given without the user.
      - If not set, the value of the E(PROXMOX_USER) environment variable is used.
    type: str
  api_password:
    description:
      - Password of O(api_user), used to obtain a ticket.
      - One of O(api_password) or O(api_token_id) is required; when both are given the token is used.
      - This value is secret and never logged.
      - If not set, the value of the E(PROXMOX_PASSWORD) environment variable is used.
    type: str
  api_token_id:
    description:
      - API token id, either in full (V(automation@pve!ansible)) or only the token name, completed with O(api_user).
      - Requires O(api_token_secret).
      - If not set, the value of the E(PROXMOX_TOKEN_ID) environment variable is used.
    type: str
  api_token_secret:
    description:
      - Secret of the API token O(api_token_id).
      - This value is secret and never logged.
      - If not set, the value of the E(PROXMOX_TOKEN_SECRET) environment variable is used.
    type: str
  ca_path:
    description:
      - Path to a PEM file with the CA certificates that Proxmox VE's TLS certificate is verified against.
      - If not set, the value of the E(PROXMOX_CA_PATH) environment variable is used.
      - If neither is set, the system's trust store is used.
    type: path
  validate_certs:
    description:
      - Whether to verify Proxmox VE's TLS certificate. Only turn this off for a throw-away test system.
      - If not set, the value of the E(PROXMOX_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  api_timeout:
    description:
      - Seconds to wait for each API request to answer.
      - If not set, the value of the E(PROXMOX_TIMEOUT) environment variable is used.
    type: int
    default: 30
  known_version:
    description:
      - The Proxmox VE release (for example V(9.1)) when an earlier task of the run has read it, such as
        RV(tappaas.platform.proxmox_ha#module:pve_version).
      - Given, a module that needs the release (M(tappaas.platform.proxmox_ha) makes HA rules from PVE 9 and groups
        before) trusts it instead of asking C(GET /version) first. Leave it unset unless it comes from the same run.
      - If not set, the value of the E(PROXMOX_KNOWN_VERSION) environment variable is used.
    type: str
notes:
  - All connection options can be set once for a play with C(module_defaults) and the action group
    C(group/tappaas.platform.proxmox).
"""
