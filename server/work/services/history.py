"""What happened in an instance so far: the steps done, by whom, when, with their comments."""
from __future__ import annotations

from sqlalchemy import select

from ...formschema import file_fields
from ...models import HumanTask, User
from ...kernel.versions import VersionInfo

_NOTE_FIELDS = ("catatan", "alasan")


def history(db, instance_id: int, info: VersionInfo, forms=None) -> list[dict]:
    """The completed steps in order. With `forms`, each step also lists what was submitted,
    labelled as its form labels it, so an approver sees the material under review."""
    rows = db.execute(select(HumanTask, User.username, User.display_name)
                      .outerjoin(User, User.id == HumanTask.completed_by_id)
                      .where(HumanTask.instance_id == instance_id, HumanTask.state == "completed")
                      .order_by(HumanTask.completed_at, HumanTask.id)).all()
    out = []
    for task, username, display_name in rows:
        data = task.data or {}
        step = info.step(task.element_id)
        out.append({
            "task_id": task.id, "element_id": task.element_id, "name": task.name, "lane": task.lane,
            "sop_no": step.get("no"), "completed_by": username, "completed_by_name": display_name,
            "completed_at": task.completed_at.isoformat(), "data": data,
            "decision": data.get("keputusan"),
            "notes": {k: data[k] for k in _NOTE_FIELDS if data.get(k)},
            "shown": _shown(forms, step.get("form"), data) if forms else [],
        })
    return out


def _shown(forms, form_path: str | None, data: dict) -> list[dict]:
    """Submitted answers with their labels, each under a key that says how to show it:
    `text`, `files` (attachment ids), `links` (web addresses), `moment` (a date-time), `day`
    (a date), `rows` (how many rows a table has) or `flag` (a yes/no)."""
    if not form_path:
        return []
    schema = forms.validator(form_path).schema
    files = file_fields(schema)
    out = []
    for name, prop in schema.get("properties", {}).items():
        value = data.get(name)
        if name in _NOTE_FIELDS or name == "keputusan" or value in (None, "", []):
            continue
        label = prop.get("title") or name.replace("_", " ").capitalize()
        out.append({"label": label, **_shown_value(prop, value, name in files)})
    return out


def _shown_value(prop: dict, value, is_file: bool) -> dict:
    if is_file:
        return {"files": [v for v in value if isinstance(v, str)]}
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
