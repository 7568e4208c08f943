# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The twin's data: what a fresh authentik 2026.8 holds after its first start with a bootstrap token.

That is the akadmin user in the "authentik Admins" group, the bootstrap API token, the default flows, the OAuth2
and proxy scope mappings, the self-signed keypair and the embedded outpost with its service user and token.
"""

from __future__ import annotations

import datetime
import secrets
import string
import uuid

AUTHENTIK_VERSION = "2026.8.5"
DEFAULT_TOKEN_DURATION = datetime.timedelta(minutes=30)
EMBEDDED_OUTPOST_MANAGED = "goauthentik.io/outposts/embedded"
EMBEDDED_OUTPOST_NAME = "authentik Embedded Outpost"

# (slug, name, title, designation, authentication requirement)
DEFAULT_FLOWS = (
    ("default-authentication-flow", "Welcome to authentik!", "Welcome to authentik!", "authentication", "none"),
    ("default-invalidation-flow", "Logout", "Default Invalidation Flow", "invalidation", "none"),
    (
        "default-provider-authorization-implicit-consent",
        "Authorize Application",
        "Redirecting to %(app)s",
        "authorization",
        "require_authenticated",
    ),
    (
        "default-provider-authorization-explicit-consent",
        "Authorize Application",
        "Redirecting to %(app)s",
        "authorization",
        "require_authenticated",
    ),
    (
        "default-provider-invalidation-flow",
        "Logged out of application",
        "You've logged out of %(app)s.",
        "invalidation",
        "none",
    ),
    (
        "default-source-authentication",
        "Welcome to authentik!",
        "Welcome to authentik!",
        "authentication",
        "require_unauthenticated",
    ),
    (
        "default-source-enrollment",
        "Welcome to authentik! Please select a username.",
        "Welcome to authentik!",
        "enrollment",
        "require_unauthenticated",
    ),
    ("default-user-settings-flow", "User settings", "Update your info", "stage_configuration", "require_authenticated"),
    ("default-password-change", "Change Password", "Change password", "stage_configuration", "require_authenticated"),
    ("initial-setup", "Welcome to authentik!", "Welcome to authentik!", "authentication", "none"),
)

# (managed key, name, scope name, description)
DEFAULT_SCOPE_MAPPINGS = (
    ("goauthentik.io/providers/oauth2/scope-openid", "authentik default OAuth Mapping: OpenID 'openid'", "openid", ""),
    (
        "goauthentik.io/providers/oauth2/scope-email",
        "authentik default OAuth Mapping: OpenID 'email'",
        "email",
        "Email address",
    ),
    (
        "goauthentik.io/providers/oauth2/scope-profile",
        "authentik default OAuth Mapping: OpenID 'profile'",
        "profile",
        "General Profile Information",
    ),
    (
        "goauthentik.io/providers/oauth2/scope-offline_access",
        "authentik default OAuth Mapping: OpenID 'offline_access'",
        "offline_access",
        "Access to request new tokens without interaction",
    ),
    (
        "goauthentik.io/providers/oauth2/scope-entitlements",
        "authentik default OAuth Mapping: Application Entitlements",
        "entitlements",
        "Application entitlements",
    ),
    ("goauthentik.io/providers/proxy/scope-proxy", "authentik default OAuth Mapping: Proxy outpost", "ak_proxy", ""),
)
# The mappings set_oauth_defaults() puts on every proxy provider.
PROXY_DEFAULT_SCOPES = (
    "goauthentik.io/providers/oauth2/scope-openid",
    "goauthentik.io/providers/oauth2/scope-profile",
    "goauthentik.io/providers/oauth2/scope-email",
    "goauthentik.io/providers/oauth2/scope-entitlements",
    "goauthentik.io/providers/proxy/scope-proxy",
)

OUTPOST_DEFAULT_CONFIG = {
    "log_level": "info",
    "docker_labels": None,
    "authentik_host": "",
    "docker_network": None,
    "container_image": None,
    "docker_map_ports": True,
    "refresh_interval": "minutes=5",
    "kubernetes_replicas": 1,
    "kubernetes_namespace": "authentik",
    "authentik_host_browser": "",
    "object_naming_template": "ak-outpost-%(name)s",
    "authentik_host_insecure": False,
    "kubernetes_json_patches": None,
    "kubernetes_service_type": "ClusterIP",
    "kubernetes_image_pull_secrets": [],
    "kubernetes_ingress_class_name": None,
    "kubernetes_disabled_components": [],
    "kubernetes_ingress_annotations": {},
    "kubernetes_ingress_secret_name": "authentik-outpost-tls",
    "kubernetes_ingress_path_type": None,
    "kubernetes_httproute_annotations": {},
    "kubernetes_httproute_parent_refs": [],
}


def random_id(length, alphabet=string.ascii_letters + string.digits):
    return "".join(secrets.choice(alphabet) for _position in range(length))


class Clock:
    """Wall-clock time that a test can move forward, so token expiry can be tested without waiting."""

    def __init__(self):
        self.offset = datetime.timedelta()

    def now(self):
        return datetime.datetime.now(datetime.timezone.utc) + self.offset

    def advance(self, seconds):
        self.offset += datetime.timedelta(seconds=seconds)


class State:
    """Tables of objects by URL key, plus the counters for integer primary keys."""

    def __init__(self, url, bootstrap_token):
        self.url = url.rstrip("/")
        self.clock = Clock()
        self.tables = {
            name: {}
            for name in (
                "users",
                "groups",
                "applications",
                "tokens",
                "providers",
                "outposts",
                "flows",
                "scope_mappings",
                "bindings",
                "certificates",
            )
        }
        self._counters = {"users": 0, "groups": 0, "providers": 0}
        self._seed(bootstrap_token)

    def next_pk(self, counter):
        self._counters[counter] += 1
        return self._counters[counter]

    # Lookups used across resources.

    def user_by_pk(self, pk):
        return self.tables["users"].get(str(pk))

    def group_by_pk(self, pk):
        return self.tables["groups"].get(str(pk))

    def scope_by_managed(self, managed):
        return next(m for m in self.tables["scope_mappings"].values() if m["managed"] == managed)

    def user_groups(self, user):
        return [g for g in self.tables["groups"].values() if user["pk"] in g["users"]]

    def is_superuser(self, user):
        """authentik derives superuser status from membership in a superuser group, or one of its parents."""
        pending = list(self.user_groups(user))
        seen = set()
        while pending:
            group = pending.pop()
            if group["pk"] in seen:
                continue
            seen.add(group["pk"])
            if group["is_superuser"]:
                return True
            pending.extend(self.group_by_pk(parent) for parent in group["parents"] if self.group_by_pk(parent))
        return False

    # Object factories shared by the seed and the API.

    def new_user(self, username, name, **extra):
        now = self.clock.now()
        user = {
            "pk": self.next_pk("users"),
            "username": username,
            "name": name,
            "is_active": True,
            "last_login": None,
            "date_joined": now,
            "email": "",
            "attributes": {},
            "uid": secrets.token_hex(32),
            "path": "users",
            "type": "internal",
            "uuid": str(uuid.uuid4()),
            "password_change_date": now,
            "last_updated": now,
            "roles": [],
            "password": None,
        }
        user.update(extra)
        self.tables["users"][str(user["pk"])] = user
        return user

    def new_group(self, name, **extra):
        group = {
            "pk": str(uuid.uuid4()),
            "num_pk": self.next_pk("groups"),
            "name": name,
            "is_superuser": False,
            "parents": [],
            "users": [],
            "attributes": {},
            "roles": [],
        }
        group.update(extra)
        self.tables["groups"][group["pk"]] = group
        return group

    def new_token(self, identifier, user, intent="api", expiring=True, expires=None, **extra):
        token = {
            "pk": str(uuid.uuid4()),
            "managed": None,
            "identifier": identifier,
            "intent": intent,
            "user": user["pk"],
            "description": "",
            "expires": expires or self.clock.now() + DEFAULT_TOKEN_DURATION,
            "expiring": expiring,
            "key": random_id(60),
        }
        token.update(extra)
        self.tables["tokens"][identifier] = token
        return token

    def _seed(self, bootstrap_token):
        admins = self.new_group("authentik Admins", is_superuser=True)
        # The anonymous user exists in every install; authentik keeps it out of no listing.
        self.new_user("AnonymousUser", "", is_active=True, path="users")
        akadmin = self.new_user("akadmin", "authentik Default Admin", email="admin@lab.tappaas.internal")
        admins["users"].append(akadmin["pk"])
        self.new_token(
            "authentik-bootstrap-token",
            akadmin,
            intent="api",
            expiring=False,
            description="",
            key=bootstrap_token,
        )
        for slug, name, title, designation, authentication in DEFAULT_FLOWS:
            pk = str(uuid.uuid4())
            self.tables["flows"][slug] = {
                "pk": pk,
                "slug": slug,
                "name": name,
                "title": title,
                "designation": designation,
                "authentication": authentication,
                "policy_engine_mode": "any",
                "compatibility_mode": False,
                "layout": "stacked",
                "denied_action": "message_continue",
                "background": "",
            }
        for managed, name, scope_name, description in DEFAULT_SCOPE_MAPPINGS:
            pk = str(uuid.uuid4())
            self.tables["scope_mappings"][pk] = {
                "pk": pk,
                "managed": managed,
                "name": name,
                "scope_name": scope_name,
                "description": description,
                "expression": "return {}",
            }
        cert_pk = str(uuid.uuid4())
        self.tables["certificates"][cert_pk] = {
            "pk": cert_pk,
            "name": "authentik Self-signed Certificate",
            "fingerprint_sha256": ":".join(secrets.token_hex(1) for _byte in range(32)),
            "fingerprint_sha1": ":".join(secrets.token_hex(1) for _byte in range(20)),
            "cert_expiry": self.clock.now() + datetime.timedelta(days=365),
            "cert_subject": "CN=authentik Self-signed Certificate",
            "private_key_available": True,
            "key_type": "rsa",
            "managed": None,
        }
        outpost_pk = str(uuid.uuid4())
        outpost_user = self.new_user(
            "ak-outpost-%s" % outpost_pk.replace("-", ""),
            "Outpost %s Service-Account" % EMBEDDED_OUTPOST_NAME,
            type="internal_service_account",
            path="goauthentik.io/outposts",
        )
        config = dict(OUTPOST_DEFAULT_CONFIG, authentik_host=self.url)
        self.tables["outposts"][outpost_pk] = {
            "pk": outpost_pk,
            "name": EMBEDDED_OUTPOST_NAME,
            "type": "proxy",
            "providers": [],
            "service_connection": None,
            "config": config,
            "managed": EMBEDDED_OUTPOST_MANAGED,
        }
        self.new_token(
            "ak-outpost-%s-api" % outpost_pk,
            outpost_user,
            intent="api",
            expiring=False,
            managed="goauthentik.io/outpost/%s" % outpost_pk,
        )
