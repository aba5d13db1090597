"""Fills a form with plausible values: demo data and benchmarks drive SOPs with it.

Only what the form requires is filled (plus its decision). Decisions pick an approving label
unless told to reject; a rejection then fills what the form requires with it (the reason).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from typing import Callable

from .validation import decision_field


def sample_submission(schema: dict, *, files: Callable[[list[str] | None, int], list[str]],
                      today: date | None = None, reject: bool = False, text: str = "Contoh") -> dict:
    today = today or date.today()
    decision = decision_field(schema)
    data: dict = {}
    if decision is not None:
        approving = [label for label in decision.labels if label not in decision.reject_labels]
        data[decision.name] = (decision.reject_labels or decision.labels)[0] if reject else approving[0]
    props = {k: dict(v) for k, v in schema.get("properties", {}).items()}
    required = set(schema.get("required", []))
    for block in schema.get("allOf", []):
        cond = block.get("if", {}).get("properties", {})
        if cond and all(data.get(k) == v.get("const") for k, v in cond.items() if "const" in v):
            required |= set(block.get("then", {}).get("required", []))  # e.g. the reason on rejection
        if block.get("anyOf"):  # "one of these must be given": give the first
            first = block["anyOf"][0]
            required |= set(first.get("required", []))
            for name, extra in first.get("properties", {}).items():
                props.setdefault(name, {}).update(extra)
    for name in props:
        if name in required and name not in data:
            data[name] = _value(props[name], name, files, today, text)
    return data


def _value(prop: dict, name: str, files, today: date, text: str):
    kind = prop.get("type")
    if "const" in prop:
        return prop["const"]
    if "enum" in prop:
        return prop["enum"][0]
    if kind == "boolean":
        return False
    if kind in ("integer", "number"):
        return prop.get("minimum", 0)
    if kind == "array":
        count = max(prop.get("minItems", 1), 1)
        if prop.get("x-alur-widget") == "file":
            return files(prop.get("x-alur-accept"), count)
        items = prop.get("items", {})
        if "enum" in items:
            return items["enum"][:count]
        return [_value(items, name, files, today, text) for _ in range(count)]
    if kind == "object":
        required = prop.get("required", list(prop.get("properties", {})))
        return {k: _value(v, k, files, today, text) for k, v in prop.get("properties", {}).items()
                if k in required}
    return _string(prop, name, today, text)


def _string(prop: dict, name: str, today: date, text: str) -> str:
    fmt = prop.get("format")
    if fmt == "date":
        return today.isoformat()
    if fmt == "date-time":
        return datetime.combine(today, datetime.min.time(), timezone.utc).isoformat()
    if fmt == "uri":
        return f"https://contoh.go.id/{name}"
    if fmt == "email":
        return "admin@contoh.go.id"
    pattern = prop.get("pattern")
    if pattern:
        for candidate in (today.strftime("%Y-%m"), today.isoformat(), "1", text):
            if re.search(pattern, candidate):
                return candidate
    value = f"{text} {name.replace('_', ' ')}"
    low, high = prop.get("minLength", 0), prop.get("maxLength", 10_000)
    value = value.ljust(low, ".")
    return value[:high]
