"""Forms in the browser: a form's JSON Schema as HTML fields, and a posted HTML form as JSON data.

The page must work without JavaScript, so everything a browser can send is turned back into
the data the schema describes here, on the server. Parsing never judges the data: whatever the
user typed is kept as typed (a caption of 201 characters, "abc" in a number field) and left to
`server.formschema.validate_submission`, so one set of messages explains every mistake.

`_form.html` renders the `Field`s built here; its names follow these conventions:

- a field's control is named after the field; its id is `field-<name>`;
- a single checkbox (boolean) sends a hidden marker `__present__<name>`, so that "unticked"
  (False) can be told apart from "not on this page" (omitted);
- a file field sends the ids already attached as hidden `<name>` inputs, ticks
  `<name>__remove` to detach one, and uploads new files as `<name>__upload`;
- a row of a list of objects sends `<name>-<row>-<sub>`;
- the decision is the pressed submit button `keputusan` (the decision field's name);
- a submit button `action=add-row:<name>` asks for the form back with one more empty row.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field as dc_field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping

from server.files.storage import EXTENSION_TYPES, TYPE_LABELS
from server.formschema import decision_field

PRESENT_PREFIX = "__present__"
REMOVE_SUFFIX = "__remove"
UPLOAD_SUFFIX = "__upload"
ACTION = "action"
ADD_ROW = "add-row:"

_MAX_ROWS = 500  # rows of one list read from a post; more is not a human filling a form
_RADIO_MAX_OPTIONS = 4  # fewer choices read better as radio buttons than as a drop-down

_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?", re.ASCII)
_LOCAL_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?", re.ASCII)
_OFFSET = re.compile(r"([+-])(\d{2}):(\d{2})", re.ASCII)


@dataclass
class Field:
    """One form field as the template needs it: what to show, and what the user gave so far."""

    name: str
    kind: str
    label: str
    description: str | None = None
    required: bool = False
    # set when only a decision makes the field required: {"field": "keputusan", "values": [...]}
    required_when: dict | None = None
    max_length: int | None = None
    min_length: int | None = None
    options: list = dc_field(default_factory=list)
    reject_options: list = dc_field(default_factory=list)  # decision labels that reject
    min_items: int | None = None
    max_items: int | None = None
    accept: list[str] = dc_field(default_factory=list)
    input_type: str = "text"  # for kind "text": text, url or email
    value: Any = None
    errors: list[str] = dc_field(default_factory=list)
    rows: list[list["Field"]] = dc_field(default_factory=list)  # object-list: sub-fields per row
    attachments: list[dict] = dc_field(default_factory=list)  # file: what is attached already

    @property
    def id(self) -> str:
        return f"field-{self.name}"

    @property
    def error_id(self) -> str:
        return f"error-{self.name}"

    @property
    def help_id(self) -> str:
        return f"help-{self.name}"

    @property
    def hint_id(self) -> str:
        return f"hint-{self.name}"

    @property
    def count_id(self) -> str:
        return f"count-{self.name}"

    @property
    def has_counter(self) -> bool:
        return self.max_length is not None and self.kind in ("text", "textarea")

    @property
    def has_hint(self) -> bool:
        """Whether the template writes a hint line (list format, file limits, conditions)."""
        if self.required_when or self.kind in ("url-list", "text-list"):
            return True
        return self.kind == "file" and bool(
            (self.min_items or 0) > 1 or self.max_items or self.accept)

    @property
    def described_by(self) -> str:
        """aria-describedby: the error first, then the help text, hints and the counter."""
        ids = [self.error_id] if self.errors else []
        ids += [self.help_id] if self.description else []
        ids += [self.hint_id] if self.has_hint else []
        ids += [self.count_id] if self.has_counter else []
        return " ".join(ids)

    @property
    def accept_labels(self) -> list[tuple[str, str]]:
        """(accept entry, short name) pairs; the template words "image/*" and "video/*"."""
        out = []
        for entry in self.accept:
            wanted = entry.strip().lower()
            content_type = EXTENSION_TYPES.get(wanted, wanted)
            out.append((wanted, TYPE_LABELS.get(content_type, entry)))
        return out

    @property
    def text(self) -> str:
        """The value as an input's text: lists one item per line, None as nothing."""
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return "true" if self.value else ""
        if isinstance(self.value, list):
            return "\n".join(_plain(v) for v in self.value)
        return _plain(self.value)

    @property
    def char_count(self) -> int:
        return len(self.text)

    @property
    def checked(self) -> list[str]:
        """The chosen options of a checkbox group or radio/select, as strings."""
        if isinstance(self.value, list):
            return [_plain(v) for v in self.value]
        return [] if self.value is None else [_plain(self.value)]

    @property
    def choices(self) -> list[dict]:
        """The options as posted text and shown label, marked when currently chosen."""
        chosen = set(self.checked)
        return [{"value": _plain(o), "label": o if isinstance(o, str) else _plain(o),
                 "checked": _plain(o) in chosen, "reject": o in self.reject_options}
                for o in self.options]

    @property
    def required_when_map(self) -> dict | None:
        """required_when in the shape of the data-required-when attribute: {field: [values]}."""
        if not self.required_when:
            return None
        return {self.required_when["field"]: list(self.required_when["values"])}


# --- building the view --------------------------------------------------------------------------

def build_fields(schema: dict, values: Mapping | None, errors: Mapping[str, list[str]] | None,
                 files: Mapping[str, dict] | None = None, *,
                 extra_rows: Mapping[str, int] | None = None,
                 tz_offset: str = "+07:00") -> list[Field]:
    """The form's fields in the schema's order, filled with `values` and their `errors`.

    `files` describes attachment ids found in the values ({"filename", "content_type", "url",
    "thumb_url"}). A list of objects gets its rows plus one empty row, and `extra_rows[name]`
    more (the add-row button). Date-times are shown in the `tz_offset` time zone.
    """
    values = values if isinstance(values, Mapping) else {}
    errors = errors if isinstance(errors, Mapping) else {}
    files = files if isinstance(files, Mapping) else {}
    extra_rows = extra_rows or {}
    props = _properties(schema)
    required = set(_strings(schema.get("required")))
    conditional = _conditional_requirements(schema)
    decision = decision_field(schema)

    fields = []
    for name, prop in props.items():
        if not isinstance(prop, dict):
            prop = {}
        f = _field(name, prop, values.get(name), tz_offset)
        f.required = name in required
        if not f.required and name in conditional:
            f.required_when = conditional[name]
        found = errors.get(name) or []
        f.errors = [found] if isinstance(found, str) else [str(m) for m in found]
        if f.kind == "decision" and decision is not None and decision.name == name:
            f.reject_options = decision.reject_labels
        elif f.kind == "file":
            f.attachments = [_attachment(i, files.get(i)) for i in _strings(f.value)]
        elif f.kind == "object-list":
            f.rows = _rows(f, prop, tz_offset, _int(extra_rows.get(name)) or 0)
        fields.append(f)
    return fields


def _field(name: str, prop: dict, value: Any, tz_offset: str, *, in_row: bool = False) -> Field:
    kind = _kind(prop, in_row=in_row)
    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
    options = prop.get("enum") if kind in ("select", "radio", "decision") else items.get("enum")
    f = Field(
        name=name, kind=kind,
        label=str(prop.get("title") or _humanise(name)),
        description=prop.get("description") if isinstance(prop.get("description"), str) else None,
        max_length=_int(prop.get("maxLength")), min_length=_int(prop.get("minLength")),
        options=list(options) if isinstance(options, list) else [],
        min_items=_int(prop.get("minItems")), max_items=_int(prop.get("maxItems")),
        accept=_strings(prop.get("x-alur-accept")),
        input_type={"uri": "url", "email": "email"}.get(prop.get("format"), "text"),
        value=value,
    )
    if kind == "datetime" and isinstance(value, str):
        f.value = _to_local(value, tz_offset)
    return f


def _kind(prop: dict, *, in_row: bool = False) -> str:
    widget = prop.get("x-alur-widget")
    if widget in ("decision", "file"):
        return widget
    kind = _type(prop)
    if kind == "array":
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        if widget == "checkboxes" or "enum" in items:
            return "checkboxes"
        if _type(items) == "object":
            return "object-list"
        return "url-list" if items.get("format") == "uri" else "text-list"
    if kind == "boolean":
        return "boolean"
    if kind in ("integer", "number"):
        return kind
    if isinstance(prop.get("enum"), list):
        if widget in ("radio", "select"):
            return widget
        return "radio" if len(prop["enum"]) <= _RADIO_MAX_OPTIONS and not in_row else "select"
    if prop.get("format") == "date":
        return "date"
    if prop.get("format") == "date-time":
        return "datetime"
    return "textarea" if widget == "textarea" else "text"


def _rows(f: Field, prop: dict, tz_offset: str, extra: int) -> list[list[Field]]:
    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
    sub_props = {k: v for k, v in _properties(items).items() if isinstance(v, dict)}
    sub_required = set(_strings(items.get("required")))
    existing = [row for row in (f.value if isinstance(f.value, list) else [])]
    rows = []
    for index in range(len(existing) + 1 + max(0, min(extra, _MAX_ROWS))):
        row_value = existing[index] if index < len(existing) else {}
        row_value = row_value if isinstance(row_value, dict) else {}
        row = []
        for sub, sub_prop in sub_props.items():
            cell = _field(f"{f.name}-{index}-{sub}", sub_prop, row_value.get(sub), tz_offset,
                          in_row=True)
            cell.required = sub in sub_required
            row.append(cell)
        rows.append(row)
    return rows


def _attachment(attachment_id: str, meta: Mapping | None) -> dict:
    meta = meta if isinstance(meta, Mapping) else {}
    content_type = str(meta.get("content_type") or "")
    major = content_type.split("/", 1)[0].lower()
    return {
        "id": attachment_id,
        "filename": meta.get("filename") or attachment_id,
        "content_type": content_type,
        "url": meta.get("url"),
        "thumb_url": meta.get("thumb_url") or (meta.get("url") if major == "image" else None),
        "kind": major if major in ("image", "video") else "other",
    }


def _conditional_requirements(schema: dict) -> dict[str, dict]:
    """Fields made required by `allOf: [{if: {field: const}, then: {required}}]` blocks."""
    found: dict[str, dict] = {}
    blocks = schema.get("allOf") if isinstance(schema.get("allOf"), list) else []
    for block in blocks:
        if not isinstance(block, dict) or not isinstance(block.get("if"), dict):
            continue
        then = block.get("then") if isinstance(block.get("then"), dict) else {}
        conditions = _properties(block["if"])
        if len(conditions) != 1:
            continue  # only single-field conditions are shown to the user
        (trigger, cond), = conditions.items()
        if not isinstance(cond, dict):
            continue
        labels = [cond["const"]] if "const" in cond else cond.get("enum")
        if not isinstance(labels, list):
            continue
        for name in _strings(then.get("required")):
            entry = found.setdefault(name, {"field": trigger, "values": []})
            if entry["field"] == trigger:
                entry["values"] += [v for v in labels if v not in entry["values"]]
    return found


# --- parsing a post -------------------------------------------------------------------------

def parse_form(schema: dict, form, uploads, *,
               store: Callable[[Any, list[str] | None], str],
               tz_offset: str = "+07:00") -> tuple[dict, dict[str, list[str]]]:
    """The JSON data a posted form stands for, and the messages of uploads that were refused.

    `form` and `uploads` are MultiDicts (request.form, request.files). New files go through
    `store(file_storage, accept)`, which returns an attachment id or raises an error carrying
    `.message_id`. Empty optional answers are left out, so the validator reports what is missing.
    """
    data: dict = {}
    upload_errors: dict[str, list[str]] = {}
    tz_offset = tz_offset if _valid_offset(tz_offset) else "+07:00"
    for name, prop in _properties(schema).items():
        if not isinstance(prop, dict):
            continue
        kind = _kind(prop)
        if kind == "file":
            value = _parse_files(name, prop, form, uploads, store, upload_errors)
        elif kind == "object-list":
            value = _parse_rows(name, prop, form, tz_offset)
        else:
            value = _parse_value(name, prop, kind, form, tz_offset)
        if value is not None:
            data[name] = value
    return data, upload_errors


def add_row_request(form) -> str | None:
    """The list field whose "add row" button was pressed (no-JS), or None for a real submit."""
    action = _first(form, ACTION)
    if action and action.startswith(ADD_ROW):
        return action[len(ADD_ROW):] or None
    return None


def _parse_value(name: str, prop: dict, kind: str, form, tz_offset: str) -> Any:
    if kind == "boolean":
        if _has(form, name):
            return True
        return False if _has(form, PRESENT_PREFIX + name) else None
    if kind == "checkboxes":
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        chosen = [_option(items, t) for t in (_clean(v) for v in _getlist(form, name)) if t]
        return chosen or None
    if kind in ("url-list", "text-list"):
        items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
        lines = [line.strip() for v in _getlist(form, name) for line in _clean(v).split("\n")]
        values = [_scalar(_kind(items), line, tz_offset) for line in lines if line]
        return values or None
    text = _clean(_first(form, name))
    if not text:
        return None
    if kind in ("select", "radio", "decision"):
        return _option(prop, text)
    return _scalar(kind, text, tz_offset)


def _option(prop: dict, text: str) -> Any:
    """The enum value a chosen option stands for (options are posted as text)."""
    options = prop.get("enum") if isinstance(prop.get("enum"), list) else []
    return next((o for o in options if _plain(o) == text), text)


def _scalar(kind: str, text: str, tz_offset: str) -> Any:
    """One non-empty answer converted to the schema's type; unconvertible text stays as typed."""
    if kind == "integer":
        return _to_int(text)
    if kind == "number":
        return _to_number(text)
    if kind == "boolean":
        return {"true": True, "false": False}.get(text.lower(), text)
    if kind == "datetime":
        return _from_local(text, tz_offset)
    return text


def _parse_rows(name: str, prop: dict, form, tz_offset: str) -> list | None:
    items = prop.get("items") if isinstance(prop.get("items"), dict) else {}
    sub_props = {k: v for k, v in _properties(items).items() if isinstance(v, dict)}
    pattern = re.compile(re.escape(name) + r"-(\d{1,6})-(.+)", re.ASCII)
    indexes: set[int] = set()
    for key in _keys(form):
        for candidate in (key, key[len(PRESENT_PREFIX):] if key.startswith(PRESENT_PREFIX) else None):
            m = pattern.fullmatch(candidate) if candidate else None
            if m and m[2] in sub_props:
                indexes.add(int(m[1]))
    rows = []
    for index in sorted(indexes)[:_MAX_ROWS]:
        row = {}
        for sub, sub_prop in sub_props.items():
            kind = _kind(sub_prop, in_row=True)
            if kind in ("file", "decision", "object-list"):
                continue  # not offered inside a row
            value = _parse_value(f"{name}-{index}-{sub}", sub_prop, kind, form, tz_offset)
            if value is not None:
                row[sub] = value
        # a row counts when something was filled in; an unticked box alone does not
        if any(v is not False for v in row.values()):
            rows.append(row)
    return rows or None


def _parse_files(name: str, prop: dict, form, uploads, store, upload_errors) -> list | None:
    accept = _strings(prop.get("x-alur-accept")) or None
    removed = {_clean(v) for v in _getlist(form, name + REMOVE_SUFFIX)}
    ids = [t for t in (_clean(v) for v in _getlist(form, name)) if t and t not in removed]
    for upload in _getlist(uploads, name + UPLOAD_SUFFIX):
        if not getattr(upload, "filename", None):
            continue  # the empty part a browser sends when no file was chosen
        try:
            ids.append(store(upload, accept))
        except Exception as exc:
            message = getattr(exc, "message_id", None)
            if not message:
                raise  # not a refusal of this file: a real failure
            upload_errors.setdefault(name, []).append(f"{upload.filename}: {message}")
    ids = list(dict.fromkeys(i for i in ids if isinstance(i, str) and i))
    return ids or None


# --- date-times -------------------------------------------------------------------------------

def _from_local(text: str, tz_offset: str) -> str:
    """A datetime-local value (YYYY-MM-DDTHH:MM[:SS]) as RFC 3339 in the user's time zone."""
    m = _LOCAL_DATETIME.fullmatch(text)
    if not m:
        return text  # already has a zone, or is not a date-time: the validator decides
    day, hour, minute, second = m[1], m[2], m[3], m[4] or "00"
    return f"{day}T{hour}:{minute}:{second}{m[5] or ''}{tz_offset}"


def _to_local(value: str, tz_offset: str) -> str:
    """An RFC 3339 date-time as a datetime-local value in the `tz_offset` time zone."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    zone = _zone(tz_offset)
    if moment.tzinfo is not None and zone is not None:
        moment = moment.astimezone(zone)
    fmt = "%Y-%m-%dT%H:%M" if moment.second == 0 and not moment.microsecond else "%Y-%m-%dT%H:%M:%S"
    return moment.strftime(fmt)


def _zone(tz_offset: str) -> timezone | None:
    if tz_offset in ("Z", "z"):
        return timezone.utc
    m = _OFFSET.fullmatch(tz_offset or "")
    if not m or int(m[2]) > 23 or int(m[3]) > 59:
        return None
    delta = timedelta(hours=int(m[2]), minutes=int(m[3]))
    return timezone(delta if m[1] == "+" else -delta)


def _valid_offset(tz_offset: str) -> bool:
    return isinstance(tz_offset, str) and _zone(tz_offset) is not None


# --- small helpers ------------------------------------------------------------------------------

def _to_int(text: str) -> Any:
    compact = text.replace(" ", "")
    if _INTEGER.fullmatch(compact):
        try:
            return int(compact)
        except ValueError:  # more digits than Python converts
            return text
    return text


def _to_number(text: str) -> Any:
    compact = text.replace(" ", "")
    if not _NUMBER.fullmatch(compact) or ("," in compact and "." in compact):
        return text
    try:
        number = float(compact.replace(",", "."))  # a decimal comma, as Indonesians write it
    except ValueError:
        return text
    if number != number or number in (float("inf"), float("-inf")):
        return text
    return int(number) if number.is_integer() and _INTEGER.fullmatch(compact) else number


def _clean(value: Any) -> str:
    """A posted text trimmed, with the CR LF line ends browsers send made plain LF."""
    if not isinstance(value, str):
        return ""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _getlist(multidict, key: str) -> list:
    try:
        return list(multidict.getlist(key))
    except AttributeError:
        value = multidict.get(key) if isinstance(multidict, Mapping) else None
        return [] if value is None else list(value) if isinstance(value, list) else [value]


def _first(multidict, key: str) -> Any:
    values = _getlist(multidict, key)
    return values[0] if values else None


def _has(multidict, key: str) -> bool:
    return bool(_getlist(multidict, key))


def _keys(multidict) -> list[str]:
    try:
        return [k for k in multidict.keys() if isinstance(k, str)]
    except AttributeError:
        return []


def _type(prop: Any) -> str | None:
    kind = prop.get("type") if isinstance(prop, dict) else None
    if isinstance(kind, list):  # ["string", "null"]: the first real type
        kind = next((k for k in kind if k != "null"), None)
    return kind if isinstance(kind, str) else None


def _properties(schema: Any) -> dict:
    props = schema.get("properties") if isinstance(schema, dict) else None
    return props if isinstance(props, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _humanise(name: str) -> str:
    text = name.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]
