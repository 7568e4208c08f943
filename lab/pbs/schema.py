# Copyright (c) 2026 TAPPaaS contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The parameters of PBS's config objects (pbs-api-types, PBS 3.x) and their checks, with PBS's wording.

PBS parses parameters with proxmox-schema: booleans accept 1/0, true/false, yes/no, on/off; integers have
bounds; ids are SAFE_ID (``[A-Za-z0-9_][A-Za-z0-9._-]*``); a parameter not in the schema is refused.
"""

from __future__ import annotations

import re

from lab.pve.next_run import next_run

SAFE_ID = re.compile(r"^(?:[A-Za-z0-9_][A-Za-z0-9._\-]*)$")
NS_PART = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._\-]*$")
FINGERPRINT = re.compile(r"^(?:[0-9a-fA-F][0-9a-fA-F])(?::[0-9a-fA-F][0-9a-fA-F]){31}$")
AUTH_ID = re.compile(r"^[^\s:/@!]+@[A-Za-z0-9_][A-Za-z0-9._\-]*(?:![A-Za-z0-9_][A-Za-z0-9._\-]*)?$")
DNS_OR_IP = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.?)+$|^\[?[0-9a-fA-F:.]+\]?$")
TRUE = ("1", "true", "yes", "on")
FALSE = ("0", "false", "no", "off")


class ParameterError(Exception):
    """400 "parameter verification failed" with one message per field."""

    def __init__(self, errors):
        super().__init__("parameter verification failed")
        self.errors = errors


def _bool(value):
    text = str(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ValueError("Unable to parse boolean option.")


def _int(low=None, high=None):
    def check(value):
        try:
            number = int(str(value))
        except ValueError:
            raise ValueError("Expected integer value") from None
        if low is not None and number < low:
            raise ValueError("value must have a minimum value of %d (got %d)" % (low, number))
        if high is not None and number > high:
            raise ValueError("value must have a maximum value of %d (got %d)" % (high, number))
        return number

    return check


def _pattern(regex, min_len=1, max_len=256):
    def check(value):
        text = str(value)
        if len(text) < min_len:
            raise ValueError("value must be at least %d characters long" % min_len)
        if len(text) > max_len:
            raise ValueError("value may only be %d characters long" % max_len)
        if not regex.match(text):
            raise ValueError("value does not match the regex pattern")
        return text

    return check


def _text(value):
    text = str(value)
    if "\n" in text or "\r" in text:
        raise ValueError("value does not match the regex pattern")
    return text


def _schedule(value):
    text = str(value).strip()
    if next_run(text) is None:
        raise ValueError("unable to parse calendar event '%s'" % text)
    return text


def _namespace(value):
    text = str(value)
    if text == "":
        return text
    parts = text.split("/")
    if len(parts) > 7 or not all(NS_PART.match(part) for part in parts):
        raise ValueError("value does not match the regex pattern")
    return text


def _enum(*choices):
    def check(value):
        if str(value) not in choices:
            raise ValueError("value '%s' is not defined in the enumeration." % value)
        return str(value)

    return check


def _path(value):
    text = str(value)
    if not text.startswith("/"):
        raise ValueError("expected an absolute path")
    return text.rstrip("/") or "/"


def _list(value):
    return value if isinstance(value, list) else [value]


KEEP = {
    name: _int(1) for name in ("keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly")
}
DATASTORE_NAME = _pattern(SAFE_ID, 3, 32)
JOB_ID = _pattern(SAFE_ID, 3, 32)

DATASTORE = dict(
    KEEP,
    name=DATASTORE_NAME,
    path=_path,
    comment=_text,
    **{
        "gc-schedule": _schedule,
        "prune-schedule": _schedule,
        "notify-user": _pattern(AUTH_ID, 3, 64),
        "notification-mode": _enum("legacy-sendmail", "notification-system"),
        "verify-new": _bool,
        "tuning": _text,
        "maintenance-mode": _text,
    },
)
PRUNE_JOB = dict(
    KEEP,
    id=JOB_ID,
    store=DATASTORE_NAME,
    schedule=_schedule,
    ns=_namespace,
    disable=_bool,
    comment=_text,
    **{"max-depth": _int(0, 7)},
)
VERIFY_JOB = {
    "id": JOB_ID,
    "store": DATASTORE_NAME,
    "schedule": _schedule,
    "ns": _namespace,
    "max-depth": _int(0, 7),
    "ignore-verified": _bool,
    "outdated-after": _int(1),
    "comment": _text,
}
SYNC_JOB = {
    "id": JOB_ID,
    "store": DATASTORE_NAME,
    "remote": _pattern(SAFE_ID, 3, 32),
    "remote-store": DATASTORE_NAME,
    "remote-ns": _namespace,
    "ns": _namespace,
    "max-depth": _int(0, 7),
    "owner": _pattern(AUTH_ID, 3, 64),
    "schedule": _schedule,
    "remove-vanished": _bool,
    "group-filter": _list,
    "transfer-last": _int(1),
    "encrypted-only": _bool,
    "verified-only": _bool,
    "sync-direction": _enum("pull", "push"),
    "comment": _text,
}
REMOTE = {
    "name": _pattern(SAFE_ID, 3, 32),
    "host": _pattern(DNS_OR_IP, 1, 255),
    "port": _int(1, 65535),
    "auth-id": _pattern(AUTH_ID, 3, 64),
    "password": _text,
    "fingerprint": _pattern(FINGERPRINT, 95, 95),
    "comment": _text,
}
USER = {
    "userid": _pattern(AUTH_ID, 3, 64),
    "comment": _text,
    "enable": _bool,
    "expire": _int(0),
    "firstname": _text,
    "lastname": _text,
    "email": _text,
    "password": _text,
}

TOKEN = {"comment": _text, "enable": _bool, "expire": _int(0)}


def check(spec, values, required=(), extra=()):
    """Parsed values for a request; unknown parameters and bad values raise ParameterError, all at once."""
    out, errors = {}, {}
    for key, value in values.items():
        if key in extra:
            out[key] = value
            continue
        parse = spec.get(key)
        if parse is None:
            errors[key] = "schema does not allow additional properties."
            continue
        try:
            out[key] = parse(value)
        except ValueError as exc:
            errors[key] = str(exc)
    for key in required:
        if key not in values:
            errors[key] = "parameter is missing and it is not optional."
    if errors:
        raise ParameterError(errors)
    return out
