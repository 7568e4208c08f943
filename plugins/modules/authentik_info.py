#!/usr/bin/python
# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: authentik_info
short_description: Look up authentik flows, scope mappings, outposts, providers, applications and more
version_added: 0.1.0
author: TAPPaaS contributors (@TAPPaaS)
description:
  - Reads the objects roles need to refer to, following every page of each list.
  - Each subset is returned as a dictionary keyed by the object's natural key (flow slug, scope mapping managed
    name, outpost name, provider name, application slug, group name, certificate name).
  - Applications are listed in full (C(superuser_full_list)), not filtered by the token user's access.
  - Never changes anything.
options:
  gather:
    description: The subsets to read.
    type: list
    elements: str
    choices: [version, flows, scope_mappings, outposts, providers, applications, groups, certificates]
    default: [version, flows, scope_mappings, outposts, providers, applications]
extends_documentation_fragment:
  - tappaas.platform.authentik
  - tappaas.platform.attributes.actiongroup_authentik
attributes:
  check_mode:
    description: Reads only, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Changes nothing, so there is no diff.
    support: none
  idempotent:
    description: Reads only.
    support: full
"""

EXAMPLES = r"""
- name: Find the default flows and the embedded outpost
  tappaas.platform.authentik_info:
    gather: [flows, outposts]
  register: authentik

- name: Use a flow's UUID
  ansible.builtin.debug:
    msg: "{{ authentik.flows['default-provider-authorization-implicit-consent'].pk }}"
"""

RETURN = r"""
version:
  description: The server's version.
  returned: when gathered
  type: str
  sample: 2026.8.5
flows:
  description: Flows by slug.
  returned: when gathered
  type: dict
  sample: {"default-authentication-flow": {"pk": "7d1e...", "designation": "authentication"}}
scope_mappings:
  description: OAuth2 and proxy scope mappings by managed name (or by name when not managed).
  returned: when gathered
  type: dict
outposts:
  description: Outposts by name, with their provider pks.
  returned: when gathered
  type: dict
providers:
  description: Providers of every type by name.
  returned: when gathered
  type: dict
applications:
  description: Applications by slug.
  returned: when gathered
  type: dict
groups:
  description: Groups by name.
  returned: when gathered
  type: dict
certificates:
  description: Certificate-key pairs by name.
  returned: when gathered
  type: dict
"""

from ansible_collections.tappaas.platform.plugins.module_utils.ansible_base import create_module, run_module
from ansible_collections.tappaas.platform.plugins.module_utils.authentik import client_from_params

# subset -> (collection, natural key, extra list parameters)
SUBSETS = {
    "flows": ("flows/instances", "slug", {}),
    "scope_mappings": ("propertymappings/provider/scope", "managed", {}),
    "outposts": ("outposts/instances", "name", {}),
    "providers": ("providers/all", "name", {}),
    "applications": ("core/applications", "slug", {"superuser_full_list": "true"}),
    "groups": ("core/groups", "name", {"include_users": "false"}),
    "certificates": ("crypto/certificatekeypairs", "name", {}),
}


def gather(client, subsets):
    facts = {}
    for subset in subsets:
        if subset == "version":
            facts["version"] = client.get("admin", "version")["version_current"]
            continue
        path, key, params = SUBSETS[subset]
        facts[subset] = {(obj.get(key) or obj["name"]): obj for obj in client.list(path, **params)}
    return facts


def run(module):
    facts = gather(client_from_params(module.params), module.params["gather"])
    return dict(changed=False, **facts)


def main():
    module = create_module(
        "authentik",
        dict(
            gather=dict(
                type="list",
                elements="str",
                choices=["version", *SUBSETS],
                default=["version", "flows", "scope_mappings", "outposts", "providers", "applications"],
            ),
        ),
    )
    run_module(module, lambda: run(module))


if __name__ == "__main__":
    main()
