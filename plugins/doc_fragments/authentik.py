# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment:
    # Connection options for the Authentik API.
    DOCUMENTATION = r"""
options:
  api_url:
    description:
      - Base URL of Authentik, for example V(https://auth.example.com); the API path V(/api/v3) is added.
      - If not set, the value of the E(AUTHENTIK_URL) environment variable is used.
    type: str
    required: true
  api_token:
    description:
      - An Authentik API token (Directory > Tokens and App passwords), sent as a bearer token.
      - This value is secret and never logged.
      - If not set, the value of the E(AUTHENTIK_TOKEN) environment variable is used.
    type: str
    required: true
  ca_path:
    description:
      - Path to a PEM file with the CA certificates that Authentik's TLS certificate is verified against.
      - If not set, the value of the E(AUTHENTIK_CA_PATH) environment variable is used.
      - If neither is set, the system's trust store is used.
    type: path
  validate_certs:
    description:
      - Whether to verify Authentik's TLS certificate. Only turn this off for a throw-away test system.
      - If not set, the value of the E(AUTHENTIK_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  api_timeout:
    description:
      - Seconds to wait for each API request to answer.
      - If not set, the value of the E(AUTHENTIK_TIMEOUT) environment variable is used.
    type: int
    default: 30
notes:
  - All connection options can be set once for a play with C(module_defaults) and the action group
    C(group/tappaas.platform.authentik).
"""
