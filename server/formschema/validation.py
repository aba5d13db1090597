"""Checking a submitted form against its JSON Schema, with errors a civil servant can act on.

jsonschema finds the problems; this module decides which field each problem belongs to and
words it in Indonesian and English (see messages.py), then raises one InvalidInput carrying
every field's messages, so the form can show them all at once.
"""
from __future__ import annotations

import copy
import ipaddress
import re
from datetime import date
from typing import Any, Callable, NamedTuple
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError, best_match

from server.errors import InvalidInput
from server.files.storage import accepts
from server.formschema import messages as M

FORM_FIELD = "_form"  # errors that belong to no single field

# --- formats -------------------------------------------------------------------------------
# jsonschema checks date-time and uri only when optional packages are installed, and then
# silently skips them when they are not. Alur registers its own, so they are always checked.

FORMAT_CHECKER = FormatChecker()

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", re.ASCII)
_URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+", re.ASCII)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))*\.?", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+", re.UNICODE)


@FORMAT_CHECKER.checks("date")
def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_time(value: str) -> bool:
    m = _TIME.fullmatch(value)
    if not m:
        return False
    hour, minute, second = int(m[1]), int(m[2]), int(m[3])
    offset = m[5]
    if offset not in ("Z", "z") and (int(offset[1:3]) > 23 or int(offset[4:6]) > 59):
        return False
    # RFC 3339 allows a leap second (:60)
    return hour <= 23 and minute <= 59 and second <= 60


@FORMAT_CHECKER.checks("date-time")
def is_date_time(value: object) -> bool:
    """RFC 3339: date, "T", time with seconds and a time zone (Z or +07:00)."""
    if not isinstance(value, str):
        return True
    day, sep, clock = value[:10], value[10:11], value[11:]
    return sep in ("T", "t") and is_date(day) and _is_time(clock)


@FORMAT_CHECKER.checks("time")
def is_time(value: object) -> bool:
    return not isinstance(value, str) or _is_time(value)


@FORMAT_CHECKER.checks("uri")
def is_uri(value: object) -> bool:
    """An absolute http(s) address with a host.

    Stricter than RFC 3986 on purpose: form links are shown to others as clickable links,
    so "javascript:" and other schemes are refused.
    """
    if not isinstance(value, str):
        return True
    if len(value) > 2048 or not _URI_CHARS.fullmatch(value) or _BAD_PERCENT.search(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # raises ValueError on a bad port
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return False
    host = parts.hostname
    if ":" in host:  # bracketed IPv6 literal
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    return bool(_HOST.fullmatch(host))


@FORMAT_CHECKER.checks("email")
def is_email(value: object) -> bool:
    return not isinstance(value, str) or (len(value) <= 254 and bool(_EMAIL.fullmatch(value)))


def make_validator(schema: dict) -> Draft202012Validator:
    """A validator for `schema` that also checks formats (dates, links, emails)."""
    return Draft202012Validator(schema, format_checker=FORMAT_CHECKER)


# --- schema helpers ------------------------------------------------------------------------

class Decision(NamedTuple):
    name: str
    labels: list
    reject_labels: list


def decision_field(schema: dict) -> Decision | None:
    """The decision field (x-alur-widget "decision"): its name, its labels and which reject."""
    for name, prop in _properties(schema).items():
        if isinstance(prop, dict) and prop.get("x-alur-widget") == "decision":
            return Decision(name, list(prop.get("enum", [])), list(prop.get("x-alur-reject", [])))
    return None


def file_fields(schema: dict) -> dict[str, list[str]]:
    """Each file field (x-alur-widget "file") with its accept list (empty: anything allowed)."""
    return {
        name: list(prop.get("x-alur-accept", []))
        for name, prop in _properties(schema).items()
        if isinstance(prop, dict) and prop.get("x-alur-widget") == "file"
    }


def title_field_value(data: Any) -> str | None:
    """The instance title a start form gives in `judul`, trimmed; None when there is none."""
    if isinstance(data, dict) and isinstance(data.get("judul"), str):
        return data["judul"].strip() or None
    return None


def _properties(schema: Any) -> dict:
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


# --- validation ----------------------------------------------------------------------------

def validate_submission(
    schema_or_validator: dict | Draft202012Validator,
    data: Any,
    *,
    attachment_ok: Callable[[str], bool] | None = None,
    attachment_type: Callable[[str], str | None] | None = None,
) -> dict:
    """Return `data` (a copy, unchanged) when it satisfies the form, else raise InvalidInput.

    `attachment_ok(id)` says whether an attachment id exists and belongs to the submitter's
    agency; it is called with whatever strings the client sent, so it must answer False for
    garbage. `attachment_type(id)` (optional) gives the stored content type so that a field's
    x-alur-accept is enforced too.
    """
    if isinstance(schema_or_validator, dict):
        validator = make_validator(schema_or_validator)
    else:
        validator = schema_or_validator
    schema = validator.schema if isinstance(validator.schema, dict) else {}

    if not isinstance(data, dict):
        raise InvalidInput(M.FORM_REJECTED["id"], M.FORM_REJECTED["en"],
                           fields={FORM_FIELD: [M.NOT_AN_OBJECT]})

    errors = _Errors()
    for error in validator.iter_errors(data):
        _collect(error, schema, errors)
    _check_attachments(schema, data, errors, attachment_ok, attachment_type)

    if errors.fields:
        raise InvalidInput(M.FORM_REJECTED["id"], M.FORM_REJECTED["en"],
                           fields=errors.ordered(schema))
    return copy.deepcopy(data)


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[M.Message]] = {}

    def add(self, field: str, message: M.Message) -> None:
        found = self.fields.setdefault(field, [])
        if message not in found:
            found.append(message)

    def ordered(self, schema: dict) -> dict[str, list[M.Message]]:
        """Form-level first, then in the form's own field order, so the list reads top-down."""
        order = {FORM_FIELD: -1, **{name: i for i, name in enumerate(_properties(schema))}}
        return dict(sorted(self.fields.items(), key=lambda kv: order.get(kv[0], len(order))))


def _collect(error: ValidationError, root: dict, errors: _Errors) -> None:
    if error.validator in ("anyOf", "oneOf") and error.context:
        error = best_match(error.context)
    path = list(error.absolute_path)
    if path:
        field = str(path[0])
        errors.add(field, _field_message(error, field, len(path) == 1, root))
        return

    # The error is about the form object itself: find the field(s) it concerns.
    instance, kind, value = error.instance, error.validator, error.validator_value
    if kind == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                errors.add(name, M.REQUIRED)
    elif kind == "dependentRequired":
        for trigger, needed in value.items():
            if trigger in instance:
                for name in needed:
                    if name not in instance:
                        errors.add(name, M.REQUIRED)
    elif kind in ("additionalProperties", "unevaluatedProperties"):
        if kind == "additionalProperties":
            extras = _unknown_keys(instance, error.schema, deep=False)
        else:
            extras = _unknown_keys(instance, error.schema, deep=True)
        for name in extras or [FORM_FIELD]:
            errors.add(name, M.UNKNOWN_FIELD)
    else:
        errors.add(FORM_FIELD, M.INVALID)


def _unknown_keys(instance: dict, schema: Any, *, deep: bool) -> list[str]:
    """Keys of `instance` that `schema` does not declare (deep: also in allOf/if/then...)."""
    if not isinstance(schema, dict):
        return []
    known = set(_declared_names(schema)) if deep else set(_properties(schema))
    patterns = list((schema.get("patternProperties") or {}).keys())
    return [k for k in instance
            if k not in known and not any(re.search(p, k) for p in patterns)]


def _declared_names(schema: Any):
    """Property names declared by a schema and its combined/conditional subschemas."""
    if not isinstance(schema, dict):
        return
    yield from _properties(schema)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            yield from _declared_names(sub)
    for key in ("if", "then", "else"):
        yield from _declared_names(schema.get(key))
    for sub in (schema.get("dependentSchemas") or {}).values():
        yield from _declared_names(sub)


def _field_message(error: ValidationError, field: str, top: bool, root: dict) -> M.Message:
    kind, value, instance = error.validator, error.validator_value, error.instance
    sub = error.schema if isinstance(error.schema, dict) else {}
    prop = _properties(root).get(field)
    widget = sub.get("x-alur-widget") or (
        prop.get("x-alur-widget") if top and isinstance(prop, dict) else None)

    if kind is None:  # a `false` schema: the field may not be given at all
        return M.NOT_ALLOWED
    if kind == "required":
        return M.REQUIRED
    if kind == "type":
        if instance is None and top and field in (root.get("required") or []):
            return M.REQUIRED
        return M.type_mismatch(value)
    if kind == "minLength":
        return M.min_length(value, len(instance))
    if kind == "maxLength":
        return M.max_length(value, len(instance))
    if kind == "minItems":
        return M.min_items(value, len(instance), widget)
    if kind == "maxItems":
        return M.max_items(value, len(instance), widget)
    if kind == "uniqueItems":
        return M.unique_items(widget)
    if kind == "enum":
        return M.enum(value)
    if kind == "const":
        return M.const(value)
    if kind == "format":
        return M.bad_format(value)
    if kind == "pattern":
        return M.PATTERN
    if kind in ("additionalProperties", "unevaluatedProperties"):
        return M.UNKNOWN_FIELD
    simple = {"minimum": M.minimum, "maximum": M.maximum, "exclusiveMinimum": M.exclusive_minimum,
              "exclusiveMaximum": M.exclusive_maximum, "multipleOf": M.multiple_of}
    if kind in simple:
        return simple[kind](value)
    return M.INVALID


_MAX_CHECKED_ATTACHMENTS = 100  # never let one submission trigger unbounded look-ups


def _check_attachments(schema, data, errors, attachment_ok, attachment_type) -> None:
    if attachment_ok is None and attachment_type is None:
        return
    for name, accept in file_fields(schema).items():
        value = data.get(name)
        ids = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        ids = list(dict.fromkeys(i for i in ids if isinstance(i, str)))
        limit = _properties(schema)[name].get("maxItems", _MAX_CHECKED_ATTACHMENTS)
        if len(ids) > min(limit, _MAX_CHECKED_ATTACHMENTS):
            continue  # maxItems already reported; do not look each one up
        for attachment_id in ids:
            if attachment_ok is not None and not attachment_ok(attachment_id):
                errors.add(name, M.ATTACHMENT_UNKNOWN)
            elif attachment_type is not None and accept:
                content_type = attachment_type(attachment_id)
                if content_type is None or not accepts(accept, content_type):
                    errors.add(name, M.attachment_type(accept))
