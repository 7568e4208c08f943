# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The API resources of the twin: one class per viewset, with authentik's fields, filters, checks and quirks."""

from __future__ import annotations

import abc
import datetime
import re
import uuid
from urllib.parse import urljoin

from lab.authentik.state import (
    DEFAULT_TOKEN_DURATION,
    OUTPOST_DEFAULT_CONFIG,
    PROXY_DEFAULT_SCOPES,
    random_id,
)
from lab.authentik.validation import (
    SLUG_MESSAGE,
    SLUG_PATTERN,
    FieldErrors,
    Spec,
    field_error,
    timedelta_string,
    validate,
)


class ApiFailure(Exception):
    """An error response with a {"detail": ...} body (404, 403, 405) or a bare status (body None)."""

    def __init__(self, status, detail=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail


def iso(value):
    if value is None:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _first(values):
    return values[-1] if values else None


def _as_bool(text):
    return str(text).lower() in ("true", "1", "yes")


def exact(attr):
    return lambda obj, values, state: str(obj.get(attr)) == _first(values)


def iexact(attr):
    return lambda obj, values, state: str(obj.get(attr) or "").lower() == (_first(values) or "").lower()


def bool_exact(attr):
    return lambda obj, values, state: bool(obj.get(attr)) == _as_bool(_first(values))


def one_of(attr):
    return lambda obj, values, state: str(obj.get(attr)) in values


def _uuid_list(required=False):
    return Spec("list", required=required, item=Spec("uuid"))


def _int_list():
    return Spec("list", item=Spec("int"))


class Resource(abc.ABC):
    """A DRF ModelViewSet: list, create, retrieve, update, partial_update, destroy, plus extra actions.

    Every concrete resource says how an object is rendered and how a validated body becomes a new object.
    """

    path = ""
    table = ""
    model = ""  # as in "No Group matches the given query."
    key_kind = "uuid"  # how the URL key is parsed: uuid, int or str
    ordering = ("name",)
    schema = {}
    filters = {}
    search_fields = ("name",)
    unique = ()
    read_only = False
    collection_actions = {}  # (method, name) -> method name on the class
    detail_actions = {}

    def __init__(self, state):
        self.state = state

    # Storage.

    def objects(self):
        return [obj for obj in self.state.tables[self.table].values() if self.owns(obj)]

    def owns(self, obj):
        return True

    def key_of(self, obj):
        return str(obj["pk"])

    def get(self, key):
        if self.key_kind == "uuid":
            try:
                key = str(uuid.UUID(key))
            except ValueError:
                key = None
        elif self.key_kind == "int":
            key = key if key.isdigit() else None
        obj = self.state.tables[self.table].get(key) if key is not None else None
        if obj is None or not self.owns(obj):
            raise ApiFailure(404, "No %s matches the given query." % self.model)
        return obj

    # Reading.

    def visible(self, objects, query, user):
        return objects

    def filtered(self, query, user):
        objects = self.visible(self.objects(), query, user)
        for param, values in query.items():
            if param in self.filters:
                objects = [obj for obj in objects if self.filters[param](obj, values, self.state)]
        search = _first(query.get("search"))
        if search:
            needle = search.lower()
            objects = [
                obj for obj in objects if any(needle in str(obj.get(f) or "").lower() for f in self.search_fields)
            ]
        ordering = _first(query.get("ordering"))
        keys = (ordering,) if ordering else self.ordering
        for key in reversed(keys):
            reverse = key.startswith("-")
            name = key.lstrip("-")
            objects = sorted(
                objects, key=lambda obj, name=name: (obj.get(name) is None, str(obj.get(name))), reverse=reverse
            )
        return objects

    @abc.abstractmethod
    def render(self, obj, query):
        """The object as the API shows it."""

    # Writing.

    def check(self, cleaned, body, current, user):
        """Serializer-level checks (related objects, uniqueness, validate()) that raise FieldErrors."""
        for name in self.unique:
            if name in cleaned and any(
                other.get(name) == cleaned[name] and other is not current for other in self.objects()
            ):
                raise field_error(
                    name, "%s with this %s already exists." % (self.model.lower(), name.replace("_", " "))
                )

    @abc.abstractmethod
    def build(self, cleaned, user):
        """A new object from a validated create body."""

    def apply(self, obj, cleaned):
        obj.update(cleaned)

    def create(self, body, user):
        if self.read_only:
            raise ApiFailure(405, 'Method "POST" not allowed.')
        cleaned = validate(self.schema, body, partial=False)
        self.check(cleaned, body, None, user)
        obj = self.build(cleaned, user)
        self.state.tables[self.table][self.key_of(obj)] = obj
        self.after_save(obj)
        return obj

    def update(self, obj, body, partial, user):
        if self.read_only:
            raise ApiFailure(405, 'Method "%s" not allowed.' % ("PATCH" if partial else "PUT"))
        cleaned = validate(self.schema, body, partial=partial)
        self.check(cleaned, body, obj, user)
        old_key = self.key_of(obj)
        self.apply(obj, cleaned)
        table = self.state.tables[self.table]
        if self.key_of(obj) != old_key:
            table.pop(old_key)
            table[self.key_of(obj)] = obj
        self.after_save(obj)
        return obj

    def after_save(self, obj):  # noqa: B027 - an optional hook, not an abstract step
        """Hook for side effects of a save (a proxy provider's outpost, for example); none by default."""

    def destroy(self, obj):
        if self.read_only:
            raise ApiFailure(405, 'Method "DELETE" not allowed.')
        self.state.tables[self.table].pop(self.key_of(obj))

    # Shared checks.

    def require(self, errors, name, value, table, predicate=None):
        """A foreign key must name an existing object (that the field's queryset allows)."""
        values = value if isinstance(value, list) else [value]
        for item in values:
            if item is None:
                continue
            target = self.state.tables[table].get(str(item))
            if table == "flows":  # flows are stored by slug, referenced by pk
                target = next((f for f in self.state.tables["flows"].values() if f["pk"] == item), None)
            if target is None or (predicate is not None and not predicate(target)):
                errors[name] = ['Invalid pk "%s" - object does not exist.' % item]
                return


# --- core/users ------------------------------------------------------------------------------------------------

USER_TYPES = ("internal", "external", "service_account", "internal_service_account")


class ReadOnlyResource(Resource):
    """A DRF ReadOnlyModelViewSet: list and retrieve only; every write is a 405."""

    read_only = True

    def build(self, cleaned, user):
        raise ApiFailure(405, 'Method "POST" not allowed.')


class Users(Resource):
    path = "core/users"
    table = "users"
    model = "User"
    key_kind = "int"
    ordering = ("username",)
    search_fields = ("username", "name", "email")
    schema = {
        "username": Spec("str", required=True, blank=False, max_length=150),
        "name": Spec("str", required=True),
        "is_active": Spec("bool"),
        "email": Spec("str", max_length=254),
        "groups": _uuid_list(),
        "roles": _uuid_list(),
        "attributes": Spec("dict"),
        "path": Spec("str", blank=False),
        "type": Spec("enum", choices=USER_TYPES),
    }
    filters = {
        "username": exact("username"),
        "email": exact("email"),
        "name": exact("name"),
        "uuid": exact("uuid"),
        "path": exact("path"),
        "path_startswith": lambda obj, values, state: str(obj["path"]).startswith(_first(values) or ""),
        "is_active": bool_exact("is_active"),
        "type": one_of("type"),
        "is_superuser": lambda obj, values, state: state.is_superuser(obj) == _as_bool(_first(values)),
        "groups_by_name": lambda obj, values, state: any(g["name"] in values for g in state.user_groups(obj)),
        "groups_by_pk": lambda obj, values, state: any(g["pk"] in values for g in state.user_groups(obj)),
    }
    collection_actions = {("POST", "service_account"): "service_account", ("GET", "me"): "me"}
    detail_actions = {("POST", "set_password"): "set_password"}

    def owns(self, obj):
        return obj["username"] != "AnonymousUser"

    def check(self, cleaned, body, current, user):
        if "username" in cleaned and any(
            other["username"] == cleaned["username"] and other is not current
            for other in self.state.tables["users"].values()
        ):
            raise field_error("username", "A user with that username already exists.")
        errors = {}
        self.require(errors, "groups", cleaned.get("groups"), "groups")
        if errors:
            raise FieldErrors(errors)

    def build(self, cleaned, user):
        groups = cleaned.pop("groups", [])
        created = self.state.new_user(cleaned.pop("username"), cleaned.pop("name"), **cleaned)
        self._set_groups(created, groups)
        return created

    def apply(self, obj, cleaned):
        groups = cleaned.pop("groups", None)
        obj.update(cleaned)
        obj["last_updated"] = self.state.clock.now()
        if groups is not None:
            self._set_groups(obj, groups)

    def _set_groups(self, user, group_pks):
        for group in self.state.tables["groups"].values():
            if group["pk"] in group_pks and user["pk"] not in group["users"]:
                group["users"].append(user["pk"])
            elif group["pk"] not in group_pks and user["pk"] in group["users"]:
                group["users"].remove(user["pk"])

    def render(self, obj, query):
        groups = self.state.user_groups(obj)
        include_groups = _as_bool(_first(query.get("include_groups")) or "true")
        return {
            "pk": obj["pk"],
            "username": obj["username"],
            "name": obj["name"],
            "is_active": obj["is_active"],
            "last_login": iso(obj["last_login"]),
            "date_joined": iso(obj["date_joined"]),
            "is_superuser": self.state.is_superuser(obj),
            "groups": [g["pk"] for g in groups],
            "groups_obj": [_partial_group(g) for g in groups] if include_groups else None,
            "roles": list(obj["roles"]),
            "roles_obj": [],
            "email": obj["email"],
            "avatar": "/static/dist/assets/images/user_default.png",
            "attributes": obj["attributes"],
            "uid": obj["uid"],
            "path": obj["path"],
            "type": obj["type"],
            "uuid": obj["uuid"],
            "password_change_date": iso(obj["password_change_date"]),
            "last_updated": iso(obj["last_updated"]),
        }

    def set_password(self, obj, body, user):
        password = body.get("password") if isinstance(body, dict) else None
        if not password or not isinstance(password, str):
            raise ApiFailure(400)
        obj["password"] = password
        obj["password_change_date"] = self.state.clock.now()
        return 204, None

    def service_account(self, body, user):
        cleaned = validate(
            {
                "name": Spec("str", required=True, blank=False),
                "create_group": Spec("bool"),
                "expiring": Spec("bool"),
                "expires": Spec("datetime"),
            },
            body,
        )
        name = cleaned["name"]
        if any(other["username"] == name for other in self.state.tables["users"].values()):
            raise FieldErrors(
                {
                    "non_field_errors": [
                        'duplicate key value violates unique constraint "authentik_core_user_username_key"'
                    ]
                }
            )
        account = self.state.new_user(name, name, type="service_account", path="goauthentik.io/service-accounts")
        group_pk = None
        if cleaned.get("create_group"):
            group = self.state.new_group(name, users=[account["pk"]])
            group_pk = group["pk"]
        expires = cleaned.get("expires") or self.state.clock.now() + datetime.timedelta(days=360)
        token = self.state.new_token(
            "service-account-%s-password" % name,
            account,
            intent="app_password",
            expiring=cleaned.get("expiring", True),
            expires=expires,
        )
        result = {"username": name, "token": token["key"], "user_uid": account["uid"], "user_pk": account["pk"]}
        if group_pk:
            result["group_pk"] = group_pk
        return 200, result

    def me(self, body, user):
        groups = self.state.user_groups(user)
        self_view = {
            "pk": user["pk"],
            "username": user["username"],
            "name": user["name"],
            "is_active": user["is_active"],
            "is_superuser": self.state.is_superuser(user),
            "is_current": True,
            "groups": [{"name": g["name"], "pk": g["pk"]} for g in groups],
            "roles": [],
            "email": user["email"],
            "avatar": "/static/dist/assets/images/user_default.png",
            "uid": user["uid"],
            "settings": {},
            "type": user["type"],
            "system_permissions": [],
        }
        return 200, {"user": self_view, "users": [self_view]}


def _partial_group(group):
    return {
        "pk": group["pk"],
        "num_pk": group["num_pk"],
        "name": group["name"],
        "is_superuser": group["is_superuser"],
        "attributes": group["attributes"],
    }


def _partial_user(user):
    return {
        "pk": user["pk"],
        "username": user["username"],
        "name": user["name"],
        "is_active": user["is_active"],
        "last_login": iso(user["last_login"]),
        "email": user["email"],
        "attributes": user["attributes"],
        "uid": user["uid"],
    }


# --- core/groups -----------------------------------------------------------------------------------------------


class Groups(Resource):
    path = "core/groups"
    table = "groups"
    model = "Group"
    unique = ("name",)
    schema = {
        "name": Spec("str", required=True, blank=False),
        "is_superuser": Spec("bool"),
        "parents": _uuid_list(),
        "users": _int_list(),
        "attributes": Spec("dict"),
        "roles": _uuid_list(),
    }
    filters = {
        "name": exact("name"),
        "is_superuser": bool_exact("is_superuser"),
        "members_by_username": lambda obj, values, state: any(
            state.user_by_pk(pk) and state.user_by_pk(pk)["username"] in values for pk in obj["users"]
        ),
        "members_by_pk": lambda obj, values, state: any(str(pk) in values for pk in obj["users"]),
    }
    detail_actions = {("POST", "add_user"): "add_user", ("POST", "remove_user"): "remove_user"}

    def check(self, cleaned, body, current, user):
        super().check(cleaned, body, current, user)
        errors = {}
        self.require(errors, "parents", cleaned.get("parents"), "groups")
        self.require(errors, "users", cleaned.get("users"), "users")
        if current is not None and current["pk"] in (cleaned.get("parents") or []):
            errors["parents"] = ["Cannot set group as parent of itself."]
        if errors:
            raise FieldErrors(errors)

    def build(self, cleaned, user):
        return self.state.new_group(cleaned.pop("name"), **cleaned)

    def render(self, obj, query):
        include_users = _as_bool(_first(query.get("include_users")) or "true")
        include_children = _as_bool(_first(query.get("include_children")) or "false")
        include_parents = _as_bool(_first(query.get("include_parents")) or "true")
        parents = [self.state.group_by_pk(pk) for pk in obj["parents"] if self.state.group_by_pk(pk)]
        children = [g for g in self.state.tables["groups"].values() if obj["pk"] in g["parents"]]
        users = [self.state.user_by_pk(pk) for pk in obj["users"] if self.state.user_by_pk(pk)]
        return {
            "pk": obj["pk"],
            "num_pk": obj["num_pk"],
            "name": obj["name"],
            "is_superuser": obj["is_superuser"],
            "parents": list(obj["parents"]),
            "parents_obj": [dict(_partial_group(g), group_uuid=g["pk"]) for g in parents] if include_parents else None,
            "users": list(obj["users"]),
            "users_obj": [_partial_user(u) for u in users] if include_users else None,
            "attributes": obj["attributes"],
            "roles": list(obj["roles"]),
            "roles_obj": [],
            "inherited_roles_obj": None,
            "children": [g["pk"] for g in children],
            "children_obj": [dict(_partial_group(g), group_uuid=g["pk"]) for g in children]
            if include_children
            else None,
        }

    def _member(self, body):
        pk = body.get("pk") if isinstance(body, dict) else None
        if isinstance(pk, bool) or not isinstance(pk, int):
            raise FieldErrors(
                {"pk": ["A valid integer is required."] if "pk" in (body or {}) else ["This field is required."]}
            )
        member = self.state.user_by_pk(pk)
        if member is None:
            raise ApiFailure(404, "Not found.")
        return member

    def add_user(self, obj, body, user):
        member = self._member(body)
        if member["pk"] not in obj["users"]:
            obj["users"].append(member["pk"])
        return 204, None

    def remove_user(self, obj, body, user):
        member = self._member(body)
        if member["pk"] in obj["users"]:
            obj["users"].remove(member["pk"])
        return 204, None


# --- core/tokens -----------------------------------------------------------------------------------------------


class Tokens(Resource):
    path = "core/tokens"
    table = "tokens"
    model = "Token"
    key_kind = "str"
    ordering = ("expires",)
    search_fields = ("identifier", "intent", "description")
    schema = {
        "identifier": Spec("str", required=True, blank=False, max_length=255),
        "intent": Spec("enum", choices=("verification", "api", "recovery", "app_password")),
        "user": Spec("int"),
        "description": Spec("str"),
        "expires": Spec("datetime", null=True),
        "expiring": Spec("bool"),
    }
    filters = {
        "identifier": exact("identifier"),
        "intent": exact("intent"),
        "managed": exact("managed"),
        "description": exact("description"),
        "expiring": bool_exact("expiring"),
        "user__username": lambda obj, values, state: (
            (state.user_by_pk(obj["user"]) or {}).get("username") == _first(values)
        ),
    }
    detail_actions = {("GET", "view_key"): "view_key", ("POST", "set_key"): "set_key"}

    def key_of(self, obj):
        return obj["identifier"]

    def visible(self, objects, query, user):
        if self.state.is_superuser(user):
            return objects
        return [obj for obj in objects if obj["user"] == user["pk"]]

    def check(self, cleaned, body, current, user):
        if "identifier" in cleaned and any(
            other["identifier"] == cleaned["identifier"] and other is not current for other in self.objects()
        ):
            raise field_error("identifier", "token with this identifier already exists.")
        intent = cleaned.get("intent", current["intent"] if current else "api")
        if intent not in ("api", "app_password"):
            raise field_error("intent", "Invalid intent %s" % intent)
        errors = {}
        self.require(errors, "user", cleaned.get("user"), "users")
        if errors:
            raise FieldErrors(errors)
        superuser = self.state.is_superuser(user)
        if cleaned.get("user") not in (None, user["pk"]) and not superuser:
            raise field_error("user", "User does not have permission to create tokens for other users.")
        if cleaned.get("expiring") is False and not superuser:
            raise field_error("expiring", "Only superusers can create non-expiring tokens.")

    def build(self, cleaned, user):
        owner = self.state.user_by_pk(cleaned.pop("user", user["pk"]))
        intent = cleaned.pop("intent", "api")
        expires = cleaned.pop("expires", None)
        if intent == "api":
            # authentik ignores a requested expiry on API tokens: they always get the default duration.
            expires = self.state.clock.now() + DEFAULT_TOKEN_DURATION
        return self.state.new_token(cleaned.pop("identifier"), owner, intent=intent, expires=expires, **cleaned)

    def apply(self, obj, cleaned):
        if obj["intent"] == "api" and "expires" in cleaned:
            cleaned["expires"] = self.state.clock.now() + DEFAULT_TOKEN_DURATION
        obj.update(cleaned)

    def render(self, obj, query):
        owner = self.state.user_by_pk(obj["user"])
        return {
            "pk": obj["pk"],
            "managed": obj["managed"],
            "identifier": obj["identifier"],
            "intent": obj["intent"],
            "user": obj["user"],
            "user_obj": Users(self.state).render(owner, {}),
            "description": obj["description"],
            "expires": iso(obj["expires"]),
            "expiring": obj["expiring"],
        }

    def view_key(self, obj, body, user):
        return 200, {"key": obj["key"]}

    def set_key(self, obj, body, user):
        key = body.get("key") if isinstance(body, dict) else None
        if not key or not isinstance(key, str):
            raise ApiFailure(400)
        obj["key"] = key
        return 204, None


# --- flows, scope mappings, certificates (seeded, looked up) -----------------------------------------------------


class Flows(ReadOnlyResource):  # this twin seeds the default flows; creating flows is out of its scope
    path = "flows/instances"
    table = "flows"
    model = "Flow"
    key_kind = "str"
    ordering = ("slug",)
    filters = {
        "slug": exact("slug"),
        "designation": exact("designation"),
        "name": exact("name"),
        "flow_uuid": exact("pk"),
        "denied_action": exact("denied_action"),
    }
    search_fields = ("slug", "name", "title")

    def key_of(self, obj):
        return obj["slug"]

    def render(self, obj, query):
        return {
            "pk": obj["pk"],
            "policybindingmodel_ptr_id": obj["pk"],
            "name": obj["name"],
            "slug": obj["slug"],
            "title": obj["title"],
            "designation": obj["designation"],
            "background": obj["background"],
            "background_url": "/static/dist/assets/images/flow_background.jpg",
            "background_themed_urls": None,
            "stages": [],
            "policies": [],
            "cache_count": 0,
            "policy_engine_mode": obj["policy_engine_mode"],
            "compatibility_mode": obj["compatibility_mode"],
            "export_url": "/api/v3/flows/instances/%s/export/" % obj["slug"],
            "layout": obj["layout"],
            "denied_action": obj["denied_action"],
            "authentication": obj["authentication"],
        }


class ScopeMappings(ReadOnlyResource):
    path = "propertymappings/provider/scope"
    table = "scope_mappings"
    model = "Scope Mapping"
    ordering = ("scope_name", "name")
    filters = {
        "managed": one_of("managed"),
        "managed__isnull": lambda obj, values, state: (obj["managed"] is None) == _as_bool(_first(values)),
        "name": exact("name"),
        "scope_name": exact("scope_name"),
    }

    def render(self, obj, query):
        return {
            "pk": obj["pk"],
            "managed": obj["managed"],
            "name": obj["name"],
            "expression": obj["expression"],
            "component": "ak-property-mapping-provider-scope-form",
            "verbose_name": "Scope Mapping",
            "verbose_name_plural": "Scope Mappings",
            "meta_model_name": "authentik_providers_oauth2.scopemapping",
            "scope_name": obj["scope_name"],
            "description": obj["description"],
        }


class Certificates(ReadOnlyResource):
    path = "crypto/certificatekeypairs"
    table = "certificates"
    model = "Certificate-Key Pair"
    filters = {
        "name": exact("name"),
        "managed": exact("managed"),
        "key_type": one_of("key_type"),
        "has_key": lambda obj, values, state: obj["private_key_available"] == _as_bool(_first(values)),
    }

    def render(self, obj, query):
        base = "/api/v3/crypto/certificatekeypairs/%s/" % obj["pk"]
        return {
            "pk": obj["pk"],
            "name": obj["name"],
            "fingerprint_sha256": obj["fingerprint_sha256"],
            "fingerprint_sha1": obj["fingerprint_sha1"],
            "cert_expiry": iso(obj["cert_expiry"]),
            "cert_subject": obj["cert_subject"],
            "private_key_available": obj["private_key_available"],
            "key_type": obj["key_type"],
            "certificate_download_url": base + "view_certificate/?download",
            "private_key_download_url": base + "view_private_key/?download",
            "managed": obj["managed"],
        }


# --- providers -------------------------------------------------------------------------------------------------

PROVIDER_META = {
    "oauth2": ("ak-provider-oauth2-form", "OAuth2/OpenID Provider", "authentik_providers_oauth2.oauth2provider"),
    "proxy": ("ak-provider-proxy-form", "Proxy Provider", "authentik_providers_proxy.proxyprovider"),
}


def _flow_with(designation):
    return lambda flow: flow["designation"] == designation


class Providers(Resource):
    """What OAuth2 and proxy providers share: the Provider base table, its int pk sequence and its fields."""

    table = "providers"
    kind = ""
    unique = ("name",)
    base_schema = {
        "name": Spec("str", required=True, blank=False),
        "authentication_flow": Spec("uuid", null=True),
        "authorization_flow": Spec("uuid", required=True),
        "invalidation_flow": Spec("uuid", required=True),
        "property_mappings": _uuid_list(),
    }
    key_kind = "int"

    def owns(self, obj):
        return obj["kind"] == self.kind

    def check(self, cleaned, body, current, user):
        if "name" in cleaned and any(
            other["name"] == cleaned["name"] and other is not current
            for other in self.state.tables["providers"].values()
        ):
            raise field_error("name", "provider with this name already exists.")
        errors = {}
        self.require(
            errors, "authorization_flow", cleaned.get("authorization_flow"), "flows", _flow_with("authorization")
        )
        self.require(errors, "invalidation_flow", cleaned.get("invalidation_flow"), "flows", _flow_with("invalidation"))
        self.require(
            errors, "authentication_flow", cleaned.get("authentication_flow"), "flows", _flow_with("authentication")
        )
        self.require(errors, "property_mappings", cleaned.get("property_mappings"), "scope_mappings")
        for name in (
            "access_code_validity",
            "access_token_validity",
            "refresh_token_validity",
            "refresh_token_threshold",
        ):
            if name in cleaned:
                try:
                    timedelta_string(cleaned[name])
                except (ValueError, TypeError) as exc:
                    errors[name] = [str(exc)]
        if errors:
            raise FieldErrors(errors)

    def application_of(self, obj):
        return next((a for a in self.state.tables["applications"].values() if a["provider"] == obj["pk"]), None)

    def render_base(self, obj):
        app = self.application_of(obj)
        component, verbose, model = PROVIDER_META[obj["kind"]]
        return {
            "pk": obj["pk"],
            "name": obj["name"],
            "authentication_flow": obj["authentication_flow"],
            "authorization_flow": obj["authorization_flow"],
            "invalidation_flow": obj["invalidation_flow"],
            "property_mappings": list(obj["property_mappings"]),
            "component": component,
            "assigned_application_slug": app["slug"] if app else None,
            "assigned_application_name": app["name"] if app else None,
            "assigned_backchannel_application_slug": None,
            "assigned_backchannel_application_name": None,
            "verbose_name": verbose,
            "verbose_name_plural": verbose + "s",
            "meta_model_name": model,
        }

    def destroy(self, obj):
        super().destroy(obj)
        # Applications keep existing without their provider (SET_NULL); outposts drop it.
        for app in self.state.tables["applications"].values():
            if app["provider"] == obj["pk"]:
                app["provider"] = None
        for outpost in self.state.tables["outposts"].values():
            if obj["pk"] in outpost["providers"]:
                outpost["providers"].remove(obj["pk"])

    def build(self, cleaned, user):
        obj = dict(self.defaults(), **cleaned)
        obj["pk"] = self.state.next_pk("providers")
        obj["kind"] = self.kind
        obj.setdefault("authentication_flow", None)
        obj.setdefault("property_mappings", [])
        return obj


REDIRECT_URI = Spec("dict")


def _clean_redirect_uris(value):
    """RedirectURIRequest items: matching_mode strict|regex, url non-empty, regex entries must compile."""
    cleaned, errors = [], []
    for item in value:
        if not isinstance(item, dict):
            errors.append({"non_field_errors": ["Invalid data. Expected a dictionary, but got str."]})
            continue
        problems = {}
        mode = item.get("matching_mode")
        if mode is None:
            problems["matching_mode"] = ["This field is required."]
        elif mode not in ("strict", "regex"):
            problems["matching_mode"] = ['"%s" is not a valid choice.' % mode]
        url = item.get("url")
        if url is None:
            problems["url"] = ["This field is required."]
        elif not isinstance(url, str) or not url.strip():
            problems["url"] = ["This field may not be blank."]
        elif mode == "regex":
            try:
                re.compile(url)
            except re.error:
                problems["url"] = ["Invalid Regex Pattern: %s" % url]
        kind = item.get("redirect_uri_type", "authorization")
        if kind not in ("authorization", "logout"):
            problems["redirect_uri_type"] = ['"%s" is not a valid choice.' % kind]
        errors.append(problems)
        cleaned.append({"matching_mode": mode, "url": url, "redirect_uri_type": kind})
    if any(errors):
        raise FieldErrors({"redirect_uris": errors})
    return cleaned


class OAuth2Providers(Providers):
    path = "providers/oauth2"
    model = "OAuth2/OpenID Provider"
    kind = "oauth2"
    schema = dict(
        Providers.base_schema,
        client_type=Spec("enum", choices=("confidential", "public")),
        grant_types=Spec(
            "list",
            item=Spec(
                "enum",
                choices=(
                    "authorization_code",
                    "implicit",
                    "hybrid",
                    "refresh_token",
                    "client_credentials",
                    "password",
                    "urn:ietf:params:oauth:grant-type:device_code",
                    "urn:ietf:params:oauth:grant-type:token-exchange",
                ),
            ),
        ),
        client_id=Spec("str", blank=False, max_length=255),
        client_secret=Spec("str", max_length=255),
        access_code_validity=Spec("str", blank=False),
        access_token_validity=Spec("str", blank=False),
        refresh_token_validity=Spec("str", blank=False),
        refresh_token_threshold=Spec("str", blank=False),
        include_claims_in_id_token=Spec("bool"),
        signing_key=Spec("uuid", null=True),
        encryption_key=Spec("uuid", null=True),
        redirect_uris=Spec("list", required=True, item=REDIRECT_URI),
        logout_uri=Spec("str"),
        logout_method=Spec("enum", choices=("backchannel", "frontchannel")),
        sub_mode=Spec(
            "enum", choices=("hashed_user_id", "user_id", "user_uuid", "user_username", "user_email", "user_upn")
        ),
        issuer_mode=Spec("enum", choices=("global", "per_provider")),
        jwt_federation_sources=_uuid_list(),
        jwt_federation_providers=_int_list(),
    )
    filters = {
        "name": exact("name"),
        "client_id": exact("client_id"),
        "client_type": exact("client_type"),
        "authorization_flow": exact("authorization_flow"),
        "issuer_mode": exact("issuer_mode"),
        "sub_mode": exact("sub_mode"),
        "signing_key": exact("signing_key"),
        "application": lambda obj, values, state: any(
            a["provider"] == obj["pk"] and a["pk"] in values for a in state.tables["applications"].values()
        ),
    }
    detail_actions = {("GET", "setup_urls"): "setup_urls"}

    def defaults(self):
        return {
            "client_type": "confidential",
            "grant_types": ["authorization_code", "refresh_token"],
            "client_id": random_id(40),
            "client_secret": random_id(128),
            "access_code_validity": "minutes=1",
            "access_token_validity": "minutes=10",
            "refresh_token_validity": "days=30",
            "refresh_token_threshold": "seconds=0",
            "include_claims_in_id_token": True,
            "signing_key": None,
            "encryption_key": None,
            "redirect_uris": [],
            "logout_uri": "",
            "logout_method": "backchannel",
            "sub_mode": "hashed_user_id",
            "issuer_mode": "per_provider",
            "jwt_federation_sources": [],
            "jwt_federation_providers": [],
        }

    def check(self, cleaned, body, current, user):
        super().check(cleaned, body, current, user)
        if "redirect_uris" in cleaned:
            cleaned["redirect_uris"] = _clean_redirect_uris(cleaned["redirect_uris"])
        if "grant_types" in cleaned and not cleaned["grant_types"]:
            raise field_error("grant_types", "This list may not be empty.")
        errors = {}
        self.require(errors, "signing_key", cleaned.get("signing_key"), "certificates")
        self.require(errors, "encryption_key", cleaned.get("encryption_key"), "certificates")
        if "client_id" in cleaned and any(
            other.get("client_id") == cleaned["client_id"] and other is not current for other in self.objects()
        ):
            errors["client_id"] = ["OAuth2/OpenID Provider with this Client ID already exists."]
        if errors:
            raise FieldErrors(errors)

    def render(self, obj, query):
        result = self.render_base(obj)
        for name in self.defaults():
            result[name] = obj[name]
        result["redirect_uris"] = [dict(uri) for uri in obj["redirect_uris"]]
        return result

    def setup_urls(self, obj, body, user):
        base = self.state.url
        app = self.application_of(obj)
        slug = app["slug"] if app else ""
        issuer = "%s/application/o/%s/" % (base, slug) if obj["issuer_mode"] == "per_provider" else base + "/"
        return 200, {
            "issuer": issuer,
            "authorize": base + "/application/o/authorize/",
            "token": base + "/application/o/token/",
            "user_info": base + "/application/o/userinfo/",
            "provider_info": "%s/application/o/%s/.well-known/openid-configuration" % (base, slug),
            "logout": "%s/application/o/%s/end-session/" % (base, slug),
            "jwks": "%s/application/o/%s/jwks/" % (base, slug),
            "dcr_registration": None,
        }


class ProxyProviders(Providers):
    path = "providers/proxy"
    model = "Proxy Provider"
    kind = "proxy"
    schema = dict(
        Providers.base_schema,
        internal_host=Spec("str"),
        external_host=Spec("str", required=True, blank=False),
        internal_host_ssl_validation=Spec("bool"),
        certificate=Spec("uuid", null=True),
        skip_path_regex=Spec("str"),
        basic_auth_enabled=Spec("bool"),
        basic_auth_password_attribute=Spec("str"),
        basic_auth_user_attribute=Spec("str"),
        mode=Spec("enum", choices=("proxy", "forward_single", "forward_domain")),
        intercept_header_auth=Spec("bool"),
        cookie_domain=Spec("str"),
        jwt_federation_sources=_uuid_list(),
        jwt_federation_providers=_int_list(),
        access_token_validity=Spec("str", blank=False),
        refresh_token_validity=Spec("str", blank=False),
    )
    filters = {
        "name__iexact": iexact("name"),
        "external_host__iexact": iexact("external_host"),
        "internal_host__iexact": iexact("internal_host"),
        "mode__iexact": iexact("mode"),
        "cookie_domain__iexact": iexact("cookie_domain"),
        "application__isnull": lambda obj, values, state: (
            (not any(a["provider"] == obj["pk"] for a in state.tables["applications"].values()))
            == _as_bool(_first(values))
        ),
    }

    def defaults(self):
        return {
            "internal_host": "",
            "internal_host_ssl_validation": True,
            "certificate": None,
            "skip_path_regex": "",
            "basic_auth_enabled": False,
            "basic_auth_password_attribute": "",
            "basic_auth_user_attribute": "",
            "mode": "proxy",
            "intercept_header_auth": True,
            "cookie_domain": "",
            "jwt_federation_sources": [],
            "jwt_federation_providers": [],
            "access_token_validity": "minutes=10",
            "refresh_token_validity": "days=30",
            "client_id": random_id(40),
            "client_secret": random_id(128),
            "redirect_uris": [],
        }

    def check(self, cleaned, body, current, user):
        super().check(cleaned, body, current, user)
        # ProxyProviderSerializer.validate() sees only the request's own fields, so a PATCH without `mode`
        # is judged as mode=proxy: the trap every partial update of a forward-auth provider falls into.
        if cleaned.get("basic_auth_enabled", False) and cleaned.get("intercept_header_auth", False):
            raise field_error("intercept_header_auth", "Cannot use both basic auth and intercept header auth.")
        if cleaned.get("mode", "proxy") == "proxy" and cleaned.get("internal_host", "") == "":
            raise field_error("internal_host", "Internal host cannot be empty when forward auth is disabled.")
        errors = {}
        self.require(errors, "certificate", cleaned.get("certificate"), "certificates")
        if errors:
            raise FieldErrors(errors)

    def after_save(self, obj):
        # set_oauth_defaults(): the default scopes join the provider's mappings, the callback URLs are generated.
        for managed in PROXY_DEFAULT_SCOPES:
            pk = self.state.scope_by_managed(managed)["pk"]
            if pk not in obj["property_mappings"]:
                obj["property_mappings"].append(pk)
        callback = urljoin(obj["external_host"], "outpost.goauthentik.io/callback") + "?X-authentik-auth-callback=true"
        uris = [{"matching_mode": "strict", "url": callback, "redirect_uri_type": "authorization"}]
        if obj["mode"] == "forward_domain" and obj["cookie_domain"]:
            domain = re.escape(obj["cookie_domain"].lstrip("."))
            uris.append(
                {
                    "matching_mode": "regex",
                    "url": r"https?://([\w-]+\.)*%s(:\d+)?/.*" % domain,
                    "redirect_uri_type": "authorization",
                }
            )
        obj["redirect_uris"] = uris

    def render(self, obj, query):
        result = self.render_base(obj)
        result["external_host"] = obj["external_host"]
        for name in self.defaults():
            if name != "client_secret":
                result[name] = obj[name]
        result["redirect_uris"] = [dict(uri) for uri in obj["redirect_uris"]]
        result["outpost_set"] = [
            "Outpost %s" % o["name"] for o in self.state.tables["outposts"].values() if obj["pk"] in o["providers"]
        ]
        return result


class AllProviders(ReadOnlyResource):
    path = "providers/all"
    table = "providers"
    model = "Provider"
    key_kind = "int"
    filters = {
        "application__isnull": ProxyProviders.filters["application__isnull"],
    }
    search_fields = ("name",)

    def render(self, obj, query):
        return Providers.render_base(self._typed(obj), obj)

    def destroy(self, obj):
        # ProviderViewSet lists, retrieves and deletes providers of any type; it creates and updates none.
        self._typed(obj).destroy(obj)

    def _typed(self, obj):
        return OAuth2Providers(self.state) if obj["kind"] == "oauth2" else ProxyProviders(self.state)


# --- core/applications -----------------------------------------------------------------------------------------

# Slugs that would shadow the OAuth2 endpoints under /application/o/.
RESERVED_SLUGS = ("authorize", "device", "token", "introspect", "revoke", "userinfo", "end-session", "jwks")


class Applications(Resource):
    path = "core/applications"
    table = "applications"
    model = "Application"
    key_kind = "str"
    search_fields = ("name", "slug", "meta_launch_url", "meta_description", "meta_publisher", "group")
    schema = {
        "name": Spec("str", required=True, blank=False),
        "slug": Spec("str", required=True, blank=False),
        "provider": Spec("int", null=True),
        "backchannel_providers": _int_list(),
        "open_in_new_tab": Spec("bool"),
        "meta_launch_url": Spec("str"),
        "meta_icon": Spec("str"),
        "meta_description": Spec("str"),
        "meta_publisher": Spec("str"),
        "policy_engine_mode": Spec("enum", choices=("all", "any")),
        "group": Spec("str"),
        "meta_hide": Spec("bool"),
    }
    filters = {
        "slug": exact("slug"),
        "name": exact("name"),
        "group": exact("group"),
        "meta_launch_url": exact("meta_launch_url"),
        "meta_description": exact("meta_description"),
        "meta_publisher": exact("meta_publisher"),
    }
    detail_actions = {("GET", "check_access"): "check_access"}

    def key_of(self, obj):
        return obj["slug"]

    def visible(self, objects, query, user):
        # The listing is policy-filtered for the caller unless a superuser asks for the full list.
        if _as_bool(_first(query.get("superuser_full_list")) or "false") and self.state.is_superuser(user):
            return objects
        return [obj for obj in objects if self.user_has_access(obj, user)]

    def user_has_access(self, app, user):
        bindings = [b for b in self.state.tables["bindings"].values() if b["target"] == app["pk"] and b["enabled"]]
        if not bindings:
            return True
        member_of = {g["pk"] for g in self.state.user_groups(user)}
        results = []
        for binding in bindings:
            if binding["group"]:
                passed = binding["group"] in member_of
            elif binding["user"]:
                passed = binding["user"] == user["pk"]
            else:
                passed = binding["failure_result"]
            results.append(passed != binding["negate"])
        return all(results) if app["policy_engine_mode"] == "all" else any(results)

    def check(self, cleaned, body, current, user):
        slug = cleaned.get("slug")
        if slug is not None:
            if not SLUG_PATTERN.match(slug):
                raise field_error("slug", SLUG_MESSAGE)
            if slug in RESERVED_SLUGS:
                raise field_error("slug", "The slug '%s' is reserved and cannot be used for applications." % slug)
            if any(other["slug"] == slug and other is not current for other in self.objects()):
                raise field_error("slug", "application with this slug already exists.")
        errors = {}
        provider = cleaned.get("provider")
        if provider is not None:
            if self.state.tables["providers"].get(str(provider)) is None:
                errors["provider"] = ['Invalid pk "%s" - object does not exist.' % provider]
            elif any(other["provider"] == provider and other is not current for other in self.objects()):
                errors["provider"] = ["application with this provider already exists."]
        self.require(errors, "backchannel_providers", cleaned.get("backchannel_providers"), "providers")
        if errors:
            raise FieldErrors(errors)

    def build(self, cleaned, user):
        pk = str(uuid.uuid4())
        obj = {
            "pk": pk,
            "provider": None,
            "backchannel_providers": [],
            "open_in_new_tab": False,
            "meta_launch_url": "",
            "meta_icon": "",
            "meta_description": "",
            "meta_publisher": "",
            "policy_engine_mode": "any",
            "group": "",
            "meta_hide": False,
        }
        obj.update(cleaned)
        return obj

    def destroy(self, obj):
        super().destroy(obj)
        for key, binding in list(self.state.tables["bindings"].items()):
            if binding["target"] == obj["pk"]:
                del self.state.tables["bindings"][key]

    def launch_url(self, obj, provider):
        if obj["meta_launch_url"]:
            return obj["meta_launch_url"]
        if provider is None:
            return None
        if provider["kind"] == "proxy":
            return provider["external_host"]
        strict = [u["url"] for u in provider["redirect_uris"] if u["matching_mode"] == "strict"]
        if not strict:
            return None
        match = re.match(r"^(\w+://[^/]+)", strict[0])
        return match.group(1) if match else None

    def render(self, obj, query):
        provider = self.state.tables["providers"].get(str(obj["provider"])) if obj["provider"] else None
        all_providers = AllProviders(self.state)
        return {
            "pk": obj["pk"],
            "pbm_uuid": obj["pk"],
            "name": obj["name"],
            "slug": obj["slug"],
            "provider": obj["provider"],
            "provider_obj": all_providers.render(provider, {}) if provider else None,
            "backchannel_providers": list(obj["backchannel_providers"]),
            "backchannel_providers_obj": [
                all_providers.render(self.state.tables["providers"][str(pk)], {}) for pk in obj["backchannel_providers"]
            ],
            "launch_url": self.launch_url(obj, provider),
            "open_in_new_tab": obj["open_in_new_tab"],
            "meta_launch_url": obj["meta_launch_url"],
            "meta_icon": obj["meta_icon"],
            "meta_icon_url": obj["meta_icon"] or None,
            "meta_icon_themed_urls": None,
            "meta_description": obj["meta_description"],
            "meta_publisher": obj["meta_publisher"],
            "policy_engine_mode": obj["policy_engine_mode"],
            "group": obj["group"],
            "meta_hide": obj["meta_hide"],
        }

    def check_access(self, obj, body, user):
        return 200, {"passing": self.user_has_access(obj, user), "messages": [], "log_messages": []}


# --- policies/bindings -----------------------------------------------------------------------------------------


class Bindings(Resource):
    path = "policies/bindings"
    table = "bindings"
    model = "Policy Binding"
    ordering = ("target", "order")
    search_fields = ("policy", "group", "user")
    schema = {
        "policy": Spec("uuid", null=True),
        "group": Spec("uuid", null=True),
        "user": Spec("int", null=True),
        "target": Spec("uuid", required=True),
        "negate": Spec("bool"),
        "enabled": Spec("bool"),
        "order": Spec("int", required=True),
        "timeout": Spec("int"),
        "failure_result": Spec("bool"),
    }
    filters = {
        "target": exact("target"),
        "target_in": one_of("target"),
        "policy": exact("policy"),
        "policy__isnull": lambda obj, values, state: (obj["policy"] is None) == _as_bool(_first(values)),
        "enabled": bool_exact("enabled"),
        "order": exact("order"),
        "timeout": exact("timeout"),
    }

    def _targets(self):
        targets = {a["pk"] for a in self.state.tables["applications"].values()}
        return targets | {f["pk"] for f in self.state.tables["flows"].values()}

    def check(self, cleaned, body, current, user):
        merged = dict(current or {}, **cleaned)
        chosen = [name for name in ("policy", "group", "user") if merged.get(name) is not None]
        if len(chosen) > 1:
            raise FieldErrors({"non_field_errors": ["Only one of 'policy', 'group' or 'user' can be set."]})
        if not chosen:
            raise FieldErrors({"non_field_errors": ["One of 'policy', 'group' or 'user' must be set."]})
        errors = {}
        if "target" in cleaned and cleaned["target"] not in self._targets():
            errors["target"] = ['Invalid pk "%s" - object does not exist.' % cleaned["target"]]
        self.require(errors, "group", cleaned.get("group"), "groups")
        self.require(errors, "user", cleaned.get("user"), "users")
        if cleaned.get("policy") is not None:
            errors["policy"] = ['Invalid pk "%s" - object does not exist.' % cleaned["policy"]]
        if errors:
            raise FieldErrors(errors)

    def build(self, cleaned, user):
        obj = {
            "pk": str(uuid.uuid4()),
            "policy": None,
            "group": None,
            "user": None,
            "negate": False,
            "enabled": True,
            "timeout": 30,
            "failure_result": False,
        }
        obj.update(cleaned)
        return obj

    def render(self, obj, query):
        group = self.state.group_by_pk(obj["group"]) if obj["group"] else None
        member = self.state.user_by_pk(obj["user"]) if obj["user"] else None
        return {
            "pk": obj["pk"],
            "policy": obj["policy"],
            "group": obj["group"],
            "user": obj["user"],
            "policy_obj": None,
            "group_obj": _partial_group(group) if group else None,
            "user_obj": _partial_user(member) if member else None,
            "target": obj["target"],
            "negate": obj["negate"],
            "enabled": obj["enabled"],
            "order": obj["order"],
            "timeout": obj["timeout"],
            "failure_result": obj["failure_result"],
            "expires": None,
            "expiring": False,
        }


# --- outposts --------------------------------------------------------------------------------------------------


class Outposts(Resource):
    path = "outposts/instances"
    table = "outposts"
    model = "Outpost"
    unique = ("name",)
    schema = {
        "name": Spec("str", required=True, blank=False),
        "type": Spec("enum", required=True, choices=("proxy", "ldap", "radius", "rac")),
        "providers": Spec("list", required=True, item=Spec("int")),
        "service_connection": Spec("uuid", null=True),
        "config": Spec("dict", required=True),
        "managed": Spec("str", null=True, blank=False),
    }
    filters = {
        "name__iexact": iexact("name"),
        "name__icontains": lambda obj, values, state: (_first(values) or "").lower() in obj["name"].lower(),
        "managed__iexact": iexact("managed"),
        "managed__icontains": lambda obj, values, state: (
            (_first(values) or "").lower() in str(obj["managed"] or "").lower()
        ),
        "providers_by_pk": lambda obj, values, state: any(str(pk) in values for pk in obj["providers"]),
        "providers__isnull": lambda obj, values, state: (not obj["providers"]) == _as_bool(_first(values)),
    }
    collection_actions = {("GET", "default_settings"): "default_settings"}

    def check(self, cleaned, body, current, user):
        super().check(cleaned, body, current, user)
        errors = {}
        self.require(errors, "providers", cleaned.get("providers"), "providers")
        if errors:
            raise FieldErrors(errors)
        # OutpostSerializer.validate_providers reads the type from the request body, defaulting to proxy.
        outpost_type = body.get("type", "proxy") if isinstance(body, dict) else "proxy"
        for pk in cleaned.get("providers") or []:
            provider = self.state.tables["providers"][str(pk)]
            if provider["kind"] != outpost_type:
                model = "OAuth2Provider" if provider["kind"] == "oauth2" else "ProxyProvider"
                raise field_error(
                    "providers", "Outpost type %s can't be used with %s providers." % (outpost_type, model)
                )

    def build(self, cleaned, user):
        obj = {"pk": str(uuid.uuid4()), "service_connection": None, "managed": None}
        obj.update(cleaned)
        return obj

    def destroy(self, obj):
        if obj["managed"]:
            raise ApiFailure(400)
        super().destroy(obj)

    def render(self, obj, query):
        providers = [self.state.tables["providers"][str(pk)] for pk in obj["providers"]]
        all_providers = AllProviders(self.state)
        return {
            "pk": obj["pk"],
            "name": obj["name"],
            "type": obj["type"],
            "providers": list(obj["providers"]),
            "providers_obj": [all_providers.render(p, {}) for p in providers],
            "service_connection": obj["service_connection"],
            "service_connection_obj": None,
            "refresh_interval_s": 300,
            "token_identifier": "ak-outpost-%s-api" % obj["pk"],
            "config": obj["config"],
            "managed": obj["managed"],
        }

    def default_settings(self, body, user):
        return 200, {"config": dict(OUTPOST_DEFAULT_CONFIG, authentik_host=self.state.url)}


RESOURCES = (
    Users,
    Groups,
    Tokens,
    Applications,
    OAuth2Providers,
    ProxyProviders,
    AllProviders,
    Outposts,
    Flows,
    ScopeMappings,
    Certificates,
    Bindings,
)
