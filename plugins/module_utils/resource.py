# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one resource engine: read current, normalise, diff only what the user set, then create/update/delete.

A module describes its resource with a ResourceDescriptor, a platform client implements ResourceApi, and
ResourceEngine.ensure() does the rest, deciding check mode in one place and never writing when nothing differs.
"""

from __future__ import annotations

import abc
import copy

from ansible_collections.tappaas.platform.plugins.module_utils.errors import ApiError, InvalidInput
from ansible_collections.tappaas.platform.plugins.module_utils.normalise import KIND_NORMALISERS

REDACTED = "**REDACTED**"
STATES = ("present", "absent")
WRITE_ONLY_POLICIES = ("on_create", "always")


class Field:
    """One attribute of a resource: its type, its name in the API, its quirks and how secret it is.

    normalise runs before the kind's own coercion, so it handles the API's shape (an option map, a comma string)
    and the kind makes the value comparable. write_only fields are never returned by reads (passwords); secret
    fields never appear in output; create_only fields cannot change once the resource exists.
    """

    def __init__(
        self, name, kind="str", api_name=None, normalise=None, secret=False, write_only=False, create_only=False
    ):
        if kind not in KIND_NORMALISERS:
            raise ValueError(
                "field {}: unknown kind {!r} (use one of {})".format(name, kind, ", ".join(KIND_NORMALISERS))
            )
        self.name = name
        self.kind = kind
        self.api_name = api_name or name
        self.normalise = normalise
        self.secret = secret
        self.write_only = write_only
        self.create_only = create_only

    def value(self, raw):
        """The comparable form of a raw value from either side; None means not set. Raises ValueError."""
        if raw is None:
            return None
        if self.normalise is not None:
            raw = self.normalise(raw)
        return KIND_NORMALISERS[self.kind](raw)

    def __repr__(self):
        return f"Field({self.name!r}, kind={self.kind!r})"


class ResourceDescriptor:
    """Everything the engine knows about one kind of resource. `endpoint` is for the client's use."""

    def __init__(self, kind, key_fields, fields, endpoint=None):
        self.kind = kind
        self.fields = {}
        for field in fields:
            if field.name in self.fields:
                raise ValueError(f"{kind}: field {field.name} is declared twice")
            self.fields[field.name] = field
        self.key_fields = tuple([key_fields] if isinstance(key_fields, str) else key_fields)
        for name in self.key_fields:
            if name not in self.fields:
                raise ValueError(f"{kind}: key field {name} is not among the fields")
        self.endpoint = endpoint

    def to_api(self, values):
        """Map {field name: value} to {api name: value}."""
        return {self.fields[name].api_name: value for name, value in values.items()}

    def from_api(self, data):
        """The normalised, readable fields of an API object, by field name; missing fields are left out."""
        state = {}
        for field in self.fields.values():
            if field.write_only or field.api_name not in data:
                continue
            try:
                state[field.name] = field.value(data[field.api_name])
            except (TypeError, ValueError) as exc:
                raise ApiError(f"{self.kind} {field.name}: unexpected value from the API: {exc}") from exc
        return state

    def normalise_desired(self, desired):
        """The fields the user set (not None), normalised; unknown or malformed input raises InvalidInput."""
        wanted = {}
        for name, raw in desired.items():
            field = self.fields.get(name)
            if field is None:
                raise InvalidInput(name, f"is not a field of {self.kind}")
            try:
                value = field.value(raw)
            except (TypeError, ValueError) as exc:
                raise InvalidInput(name, str(exc)) from exc
            if value is not None:
                wanted[name] = value
        return wanted

    def redact(self, values):
        """A copy of {field name: value} with secret values replaced by the redaction marker."""
        if values is None:
            return None
        return {
            name: (REDACTED if value is not None and name in self.fields and self.fields[name].secret else value)
            for name, value in values.items()
        }

    def redact_api(self, data):
        """A copy of an API object with the secret fields' values replaced by the redaction marker."""
        if not isinstance(data, dict):
            return data
        secret_names = {field.api_name for field in self.fields.values() if field.secret}
        return {key: (REDACTED if key in secret_names and value is not None else value) for key, value in data.items()}


class ResourceApi(abc.ABC):
    """What a platform client offers the engine for one resource kind. Payloads and objects use API names."""

    @abc.abstractmethod
    def read(self, key):
        """The current object for key {api name: value}, or None when it does not exist."""

    @abc.abstractmethod
    def create(self, payload):
        """Create the object; return it if the API hands it back, else None."""

    @abc.abstractmethod
    def update(self, current, payload):
        """Change the fields in payload on the object `current` (as read); return it if available, else None."""

    @abc.abstractmethod
    def delete(self, current):
        """Remove the object `current` (as read)."""


class Result:
    """What ensure() did. before/after are normalised field values with secrets redacted; resource is raw."""

    def __init__(self, descriptor, action, changed_fields, before, after, diff, resource):
        self.descriptor = descriptor
        self.action = action
        self.changed = action != "none"
        self.changed_fields = sorted(changed_fields)
        self.before = descriptor.redact(before)
        self.after = descriptor.redact(after)
        self.diff = diff
        self.resource = resource

    def as_module_result(self):
        """Keyword arguments for module.exit_json()."""
        return {
            "changed": self.changed,
            "action": self.action,
            "changed_fields": list(self.changed_fields),
            "before": self.before,
            "after": self.after,
            "diff": self.diff,
            "resource": self.descriptor.redact_api(self.resource),
        }


def _is_subset(wanted, have):
    """Whether every key the user set in a dict (recursively) already has that value."""
    if isinstance(wanted, dict):
        if not isinstance(have, dict):
            return False
        return all(_is_subset(value, have.get(key)) for key, value in wanted.items())
    return wanted == have


def _merged(have, wanted):
    """have with wanted's keys laid over it, recursively: what an update of a dict field must send."""
    if not isinstance(have, dict) or not isinstance(wanted, dict):
        return copy.deepcopy(wanted)
    result = copy.deepcopy(have)
    for key, value in wanted.items():
        result[key] = _merged(result.get(key), value)
    return result


class ResourceEngine:
    def __init__(self, api, descriptor, check_mode=False):
        self.api = api
        self.descriptor = descriptor
        self.check_mode = check_mode

    def ensure(self, desired, state="present", update_write_only="on_create"):
        if state not in STATES:
            raise InvalidInput("state", "must be one of {}, got {!r}".format(", ".join(STATES), state))
        if update_write_only not in WRITE_ONLY_POLICIES:
            raise InvalidInput(
                "update_write_only",
                "must be one of {}, got {!r}".format(", ".join(WRITE_ONLY_POLICIES), update_write_only),
            )
        wanted = self.descriptor.normalise_desired(desired)
        current = self.api.read(self._key(wanted))
        if state == "absent":
            return self._ensure_absent(current)
        if current is None:
            return self._create(wanted)
        return self._update(current, wanted, update_write_only == "always")

    # The single place where check mode is decided: no write call is made in check mode.
    def _write(self, operation, *args):
        if self.check_mode:
            return None
        return operation(*args)

    def _key(self, wanted):
        key = {}
        for name in self.descriptor.key_fields:
            if name not in wanted:
                raise InvalidInput(name, f"is required to identify the {self.descriptor.kind}")
            key[self.descriptor.fields[name].api_name] = wanted[name]
        return key

    def _diff(self, before, after):
        return {"before": self.descriptor.redact(before), "after": self.descriptor.redact(after)}

    def _ensure_absent(self, current):
        if current is None:
            return Result(self.descriptor, "none", [], None, None, self._diff({}, {}), None)
        before = self.descriptor.from_api(current)
        self._write(self.api.delete, current)
        return Result(self.descriptor, "delete", [], before, None, self._diff(before, {}), None)

    def _create(self, wanted):
        created = self._write(self.api.create, self.descriptor.to_api(wanted))
        readable = {name: value for name, value in wanted.items() if not self.descriptor.fields[name].write_only}
        after = self.descriptor.from_api(created) if created is not None else readable
        resource = created if created is not None else (None if self.check_mode else self.descriptor.to_api(readable))
        return Result(self.descriptor, "create", list(wanted), None, after, self._diff({}, wanted), resource)

    def _update(self, current, wanted, send_write_only):
        before = self.descriptor.from_api(current)
        compared_before, compared_after, payload = {}, {}, {}
        for name, value in wanted.items():
            field = self.descriptor.fields[name]
            if name in self.descriptor.key_fields:
                continue
            if field.write_only:
                # Unreadable, so it cannot be compared: "always" means send it and own up to a change.
                if send_write_only and not field.create_only:
                    compared_before[name], compared_after[name] = None, value
                    payload[name] = value
                continue
            have = before.get(name)
            # A dict field compares only the sub-keys the user set, and an update sends them merged into the rest.
            target = _merged(have, value) if field.kind == "dict" else value
            compared_before[name], compared_after[name] = have, target
            if _is_subset(value, have):
                continue
            if field.create_only:
                shown = (REDACTED, REDACTED) if field.secret else (have, value)
                raise InvalidInput(
                    name,
                    "cannot be changed once the {} exists (is {!r}, wanted {!r})".format(self.descriptor.kind, *shown),
                )
            payload[name] = target

        diff = self._diff(compared_before, compared_after)
        if not payload:
            return Result(self.descriptor, "none", [], before, before, diff, current)

        updated = self._write(self.api.update, current, self.descriptor.to_api(payload))
        if updated is not None:
            after, resource = self.descriptor.from_api(updated), updated
        else:
            after = dict(before)
            after.update(
                {name: value for name, value in payload.items() if not self.descriptor.fields[name].write_only}
            )
            resource = dict(current)
            resource.update(self.descriptor.to_api(payload))
        return Result(self.descriptor, "update", list(payload), before, after, diff, resource)
