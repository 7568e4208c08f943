# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""One Caddy route of os-caddy as one desired state: an access list, a domain or a subdomain, and its handler.

A route is either its own domain (and gets its own certificate) or a subdomain of a wildcard domain such as
``*.example.org`` (and shares the wildcard's one certificate). The host name is the route's identity in both
forms, so switching a route from one form to the other creates the new form, then removes the old one.
Safe delete decides the order of removals: handlers before the (sub)domain they name, the (sub)domain before
the access list it names.
"""

from __future__ import annotations

from ansible_collections.tappaas.platform.plugins.module_utils.errors import InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.opnsense_resource import ControllerResource
from ansible_collections.tappaas.platform.plugins.module_utils.resource import Field, ResourceDescriptor, ResourceEngine

BASE = "caddy/reverse_proxy"
# A uuid that cannot exist, for the parts a check-mode run would create under a parent it did not create.
NOT_YET_CREATED = "00000000-0000-4000-8000-000000000000"


def blank_is_false(value):
    """A BooleanField without a default reads "" until it is first set; "" means off, not "unknown"."""
    return "0" if value == "" else value


ACCESS_LIST = ResourceDescriptor(
    "Caddy access list",
    "name",
    [
        Field("name", api_name="accesslistName"),
        Field("networks", kind="set", api_name="clientIps"),
        Field("description"),
    ],
    endpoint=(BASE, "AccessList", "accesslist"),
)
DOMAIN = ResourceDescriptor(
    "Caddy domain",
    "domain",
    [
        Field("domain", api_name="FromDomain"),
        Field("access_list", api_name="accesslist"),
        Field("certificate", api_name="CustomCertificate"),
        Field("dns_challenge", kind="bool", api_name="DnsChallenge", normalise=blank_is_false),
        Field("description"),
        Field("enabled", kind="bool"),
    ],
    endpoint=(BASE, "ReverseProxy", "reverse"),
)
SUBDOMAIN = ResourceDescriptor(
    "Caddy subdomain",
    "domain",
    [
        Field("domain", api_name="FromDomain"),
        Field("wildcard_uuid", api_name="reverse"),
        Field("access_list", api_name="accesslist"),
        Field("description"),
        Field("enabled", kind="bool"),
    ],
    endpoint=(BASE, "Subdomain", "subdomain"),
)
_HANDLER_FIELDS = (
    ("domain_uuid", "str", "reverse"),
    ("subdomain_uuid", "str", "subdomain"),
    ("path", "str", "HandlePath"),
    ("directive", "str", "HandleDirective"),
    ("upstream_host", "str", "ToDomain"),
    ("upstream_port", "int", "ToPort"),
    ("upstream_tls", "str", "HttpTls"),
    ("forward_auth", "bool", "ForwardAuth"),
    ("description", "str", "description"),
)


def _handler_descriptor(key_fields):
    fields = [
        Field(name, kind=kind, api_name=api_name, normalise=blank_is_false if kind == "bool" else None)
        for name, kind, api_name in _HANDLER_FIELDS
    ]
    return ResourceDescriptor("Caddy handler", key_fields, fields, endpoint=(BASE, "Handle", "handle"))


# A domain's own catch-all handler is the one with no subdomain and no path; a subdomain's is found by the
# subdomain alone, so moving the subdomain to another wildcard domain updates its handler instead of adding one.
DOMAIN_HANDLER = _handler_descriptor(("domain_uuid", "subdomain_uuid", "path"))
SUBDOMAIN_HANDLER = _handler_descriptor(("subdomain_uuid", "path"))


def wildcard_base(wildcard_domain):
    """'*.example.org' -> 'example.org'; anything that is not a wildcard domain is refused."""
    name = (wildcard_domain or "").strip().lower()
    if not name.startswith("*.") or len(name) < 3 or "*" in name[2:]:
        raise InvalidInput(
            "wildcard_domain", "must be a wildcard domain such as *.example.org, got %r" % wildcard_domain
        )
    return name[2:]


def check_subdomain(domain, wildcard_domain):
    """Refuse, before anything is written, a host name that the wildcard domain's certificate does not cover.

    Stricter than os-caddy, which only tests the suffix (so it would take 'badexample.org' under '*.example.org'):
    a wildcard certificate covers exactly one more label.
    """
    base = wildcard_base(wildcard_domain)
    name = (domain or "").strip().lower()
    label, dot, rest = name.partition(".")
    if not dot or rest != base or not label or label == "*":
        raise InvalidInput(
            "domain",
            "%s is not a subdomain of the wildcard domain %s (it must be <label>.%s)" % (domain, wildcard_domain, base),
        )
    return name


class CaddyRoute:
    """Ensures one route; `parts` says what happened to each part, `diff` shows them before and after."""

    def __init__(self, api, check_mode):
        self.api = api
        self.check_mode = check_mode
        self.parts = {}
        self.before = {}
        self.after = {}

    # Building blocks.

    def _engine(self, descriptor):
        controller = self.api.controller(*descriptor.endpoint)
        return ResourceEngine(ControllerResource(controller, descriptor), descriptor, self.check_mode)

    def _controller(self, descriptor):
        return self.api.controller(*descriptor.endpoint)

    def _record(self, part, result):
        self.parts[part] = result.action
        if result.changed:
            self.before[part] = result.diff["before"]
            self.after[part] = result.diff["after"]
        return result

    @staticmethod
    def _uuid(result):
        return (result.resource or {}).get("uuid") or NOT_YET_CREATED

    def _delete_rows(self, descriptor, rows, part):
        """Delete rows found by a search (no engine key fits 'every handler of X')."""
        controller = self._controller(descriptor)
        for row in rows:
            if not self.check_mode:
                controller.delete(row["uuid"])
            self.before.setdefault(part, []).append(descriptor.from_api(row))
        if rows or part not in self.parts:
            self.parts[part] = "delete" if rows else "none"

    def _access_list(self, params):
        """The access list named after the host, or its uuid "" when everyone may come in."""
        if not params["allowed_networks"]:
            return ""
        wanted = {"name": params["domain"], "networks": params["allowed_networks"], "description": "clients allowed in"}
        return self._uuid(self._record("access_list", self._engine(ACCESS_LIST).ensure(wanted)))

    def _drop_unused_access_list(self, params):
        # Only once no (sub)domain points at it does Caddy's safe delete let the list go.
        if not params["allowed_networks"]:
            self._record("access_list", self._engine(ACCESS_LIST).ensure({"name": params["domain"]}, "absent"))

    def _handler(self, descriptor, params, domain_uuid, subdomain_uuid):
        wanted = {
            "domain_uuid": domain_uuid,
            "subdomain_uuid": subdomain_uuid,
            "path": "",
            "directive": "reverse_proxy",
            "upstream_host": params["upstream_host"],
            "upstream_port": params["upstream_port"],
            "upstream_tls": "1" if params["upstream_tls"] else "0",
            "forward_auth": params["forward_auth"],
            "description": params["description"],
        }
        self._record("handler", self._engine(descriptor).ensure(wanted))

    def _wildcard_uuid(self, wildcard_domain):
        rows = self._controller(DOMAIN).find({"FromDomain": wildcard_domain})
        if rows:
            return rows[0]["uuid"]
        if self.check_mode:
            return NOT_YET_CREATED  # an earlier task of this check run would create it
        raise InvalidInput(
            "wildcard_domain",
            "there is no Caddy domain %s to hang the subdomain under; publish it first" % wildcard_domain,
        )

    # The two forms.

    def _remove_domain_form(self, domain, prefix=""):
        """Remove the route as its own domain; `prefix` names the parts when it makes way for the other form."""
        rows = self._controller(DOMAIN).find({"FromDomain": domain})
        if not rows:
            self.parts.setdefault(prefix + "domain", "none")
            return
        uuid = rows[0]["uuid"]
        handlers = self._controller(DOMAIN_HANDLER).rows().values()
        subdomains = [row for row in self._controller(SUBDOMAIN).rows().values() if row.get("reverse") == uuid]
        if not subdomains:
            # With subdomains under it the domain cannot go: its handlers stay too, and the API's refusal of the
            # domain's delete below says why, before anything was changed.
            own = [row for row in handlers if row.get("reverse") == uuid and not row.get("subdomain")]
            self._delete_rows(DOMAIN_HANDLER, own, prefix + "handler")
        self._record(prefix + "domain", self._engine(DOMAIN).ensure({"domain": domain}, "absent"))

    def _remove_subdomain_form(self, domain, prefix=""):
        rows = self._controller(SUBDOMAIN).find({"FromDomain": domain})
        if not rows:
            return
        handlers = [
            row
            for row in self._controller(SUBDOMAIN_HANDLER).rows().values()
            if row.get("subdomain") == rows[0]["uuid"]
        ]
        self._delete_rows(SUBDOMAIN_HANDLER, handlers, prefix + "handler")
        self._record(prefix + "subdomain", self._engine(SUBDOMAIN).ensure({"domain": domain}, "absent"))

    def present_domain(self, params):
        access_uuid = self._access_list(params)
        domain = self._record(
            "domain",
            self._engine(DOMAIN).ensure(
                {
                    "domain": params["domain"],
                    "access_list": access_uuid,
                    "certificate": params["certificate"] or "",
                    "dns_challenge": params["dns_challenge"],
                    "description": params["description"],
                    "enabled": True,
                }
            ),
        )
        if params["upstream_host"]:
            self._handler(DOMAIN_HANDLER, params, self._uuid(domain), "")
        # A route that was a subdomain before: the new form exists, so the old one can go.
        self._remove_subdomain_form(params["domain"], "replaced_")
        self._drop_unused_access_list(params)
        return self.parts

    def present_subdomain(self, params):
        domain = check_subdomain(params["domain"], params["wildcard_domain"])
        wildcard_uuid = self._wildcard_uuid(params["wildcard_domain"])
        access_uuid = self._access_list(params)
        subdomain = self._record(
            "subdomain",
            self._engine(SUBDOMAIN).ensure(
                {
                    "domain": domain,
                    "wildcard_uuid": wildcard_uuid,
                    "access_list": access_uuid,
                    "description": params["description"],
                    "enabled": True,
                }
            ),
        )
        self._handler(SUBDOMAIN_HANDLER, params, wildcard_uuid, self._uuid(subdomain))
        # A route that was its own domain before: the subdomain serves it now, so the domain can go.
        if self._controller(DOMAIN).find({"FromDomain": params["domain"]}):
            self._remove_domain_form(params["domain"], "replaced_")
        self._drop_unused_access_list(params)
        return self.parts

    def absent(self, params):
        self._remove_subdomain_form(params["domain"])
        self._remove_domain_form(params["domain"])
        self._record("access_list", self._engine(ACCESS_LIST).ensure({"name": params["domain"]}, "absent"))
        self.parts.setdefault("handler", "none")
        return self.parts

    def diff(self):
        return {"before": self.before, "after": self.after}
