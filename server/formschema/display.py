"""How a submitted answer is shown: one shape per kind of field, for every page that lists
answers (a task's history, a request, a supervisor's view of an instance's data)."""
from __future__ import annotations


def field_label(name: str, prop: dict) -> str:
    """The field's title, else its name made readable."""
    return prop.get("title") or name.replace("_", " ").capitalize()


def shown_value(prop: dict, value, is_file: bool) -> dict:
    """`value` under a key that says how to show it: `files` (attachment ids), `flag` (yes/no),
    `rows` (how many rows a table has), `links` (web addresses), `moment` (a date-time), `day`
    (a date) or `text`."""
    if is_file:
        return {"files": [v for v in (value if isinstance(value, list) else [value]) if isinstance(v, str)]}
    if isinstance(value, bool):
        return {"flag": value}
    values = value if isinstance(value, list) else [value]
    if values and isinstance(values[0], dict):
        return {"rows": len(values)}
    fmt = (prop.get("items", {}) if isinstance(value, list) else prop).get("format")
    if fmt == "uri" and all(isinstance(v, str) and v.startswith(("https://", "http://")) for v in values):
        return {"links": values}
    if fmt in ("date-time", "date") and isinstance(value, str):
        return {"moment" if fmt == "date-time" else "day": value}
    return {"text": ", ".join(str(v) for v in values)}
