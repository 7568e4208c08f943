# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection options for the OPNsense API.
    DOCUMENTATION = r"""
options:
  api_host:
    description:
      - Host name or IP address of the OPNsense API.
      - If not set, the value of the E(OPNSENSE_HOST) environment variable is used.
    type: str
    required: true
  api_port:
    description:
      - TCP port of the OPNsense web interface and API.
      - If not set, the value of the E(OPNSENSE_PORT) environment variable is used.
    type: int
    default: 443
  api_key:
    description:
      - Key of an OPNsense API key pair (System > Access > Users > API keys).
      - This value is secret and never logged.
      - If not set, the value of the E(OPNSENSE_API_KEY) environment variable is used.
    type: str
    required: true
  api_secret:
    description:
      - Secret of the API key pair O(api_key).
      - This value is secret and never logged.
      - If not set, the value of the E(OPNSENSE_API_SECRET) environment variable is used.
    type: str
    required: true
  ca_path:
    description:
      - Path to a PEM file with the CA certificates that OPNsense's TLS certificate is verified against.
      - If not set, the value of the E(OPNSENSE_CA_PATH) environment variable is used.
      - If neither is set, the system's trust store is used.
    type: path
  validate_certs:
    description:
      - Whether to verify OPNsense's TLS certificate. Only turn this off for a throw-away test system.
      - If not set, the value of the E(OPNSENSE_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  api_timeout:
    description:
      - Seconds to wait for each API request to answer.
      - If not set, the value of the E(OPNSENSE_TIMEOUT) environment variable is used.
    type: int
    default: 30
  known_version:
    description:
      - The firewall's release (for example V(26.1.2)) when an earlier task of the run has read it, such as
        RV(tappaas.platform.opnsense_apply#module:product_version).
      - Given, the module trusts it instead of asking the firewall (C(GET core/firmware/info)) first, which saves
        one read per module call; it must still be a supported release (25.7 or later).
      - Leave it unset unless it comes from the same run; C(playbooks/site.yml) sets it after the network role's
        first call.
      - If not set, the value of the E(OPNSENSE_KNOWN_VERSION) environment variable is used.
    type: str
notes:
  - All connection options can be set once for a play with C(module_defaults) and the action group
    C(group/tappaas.platform.opnsense).
"""
