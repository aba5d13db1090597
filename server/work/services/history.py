"""What happened in an instance so far: the request that started it, the steps done, by whom,
when, with their comments."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ...formschema import decision_field, field_label, file_fields, shown_value
from ...models import AuditEvent, HumanTask, ProcessInstance, User
from ...kernel.versions import VersionInfo

_NOTE_FIELDS = ("catatan", "alasan")


def history(db, instance_id: int, info: VersionInfo, forms=None) -> list[dict]:
    """The completed steps in order. With `forms`, each step also lists what was submitted,
    labelled as its form labels it, so an approver sees the material under review, and says
    whether its decision sent work back (`rejected`)."""
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
            "rejected": _rejects(forms, step.get("form"), data) if forms else False,
            "notes": {k: data[k] for k in _NOTE_FIELDS if data.get(k)},
            "shown": _shown(forms, step.get("form"), data) if forms else [],
        })
    return out


def request(db, instance_id: int, info: VersionInfo, forms) -> dict | None:
    """The request itself: the start form's answers as they were submitted (kept by the
    instance's `instance.started` audit event), labelled like the history's; None when the
    process has no start form (a scheduled report)."""
    start = next((s for s in info.catalog["starts"] if s.get("form")), None)
    if start is None:
        return None
    after = db.scalar(select(AuditEvent.after).where(AuditEvent.instance_id == instance_id,
                                                    AuditEvent.action == "instance.started")
                      .order_by(AuditEvent.id).limit(1))
    data = (after or {}).get("data")
    if not isinstance(data, dict):
        return None
    by = db.execute(select(User.username, User.display_name, ProcessInstance.started_at)
                    .select_from(ProcessInstance).outerjoin(User, User.id == ProcessInstance.started_by_id)
                    .where(ProcessInstance.id == instance_id)).one()
    return {"started_by": by.username, "started_by_name": by.display_name, "started_at": by.started_at.isoformat(),
            "data": data, "shown": _shown(forms, start["form"], data, notes=True)}


def latest_per_step(steps: list[dict], except_element: str | None = None) -> list[dict]:
    """The latest submission of each step (other than `except_element`), the most recent first:
    what a decision judges, without the passes that were sent back and redone."""
    latest: dict[str, dict] = {}
    for h in steps:
        if h["element_id"] != except_element:
            latest.pop(h["element_id"], None)
            latest[h["element_id"]] = h
    return list(reversed(latest.values()))


def sent_back_by(steps: list[dict], opened_at: datetime) -> dict | None:
    """The rejection that opened a task at `opened_at`: the step completed last before it, when
    that step's decision sent work back."""
    before = [h for h in steps if datetime.fromisoformat(h["completed_at"]) <= opened_at]
    return before[-1] if before and before[-1]["rejected"] else None


def _rejects(forms, form_path: str | None, data: dict) -> bool:
    """Whether the submission's decision is one of its form's rejections (x-alur-reject)."""
    if not form_path:
        return False
    decision = decision_field(forms.validator(form_path).schema)
    return decision is not None and data.get(decision.name) in decision.reject_labels


def _shown(forms, form_path: str | None, data: dict, notes: bool = False) -> list[dict]:
    """Submitted answers with their labels, each under a key that says how to show it:
    `text`, `files` (attachment ids), `links` (web addresses), `moment` (a date-time), `day`
    (a date), `rows` (how many rows a table has) or `flag` (a yes/no). Comments and reasons are
    left to `notes` unless `notes` is set (a request's own fields)."""
    if not form_path:
        return []
    schema = forms.validator(form_path).schema
    files = file_fields(schema)
    out = []
    for name, prop in schema.get("properties", {}).items():
        value = data.get(name)
        if (name in _NOTE_FIELDS and not notes) or name == "keputusan" or value in (None, "", []):
            continue
        out.append({"label": field_label(name, prop), **shown_value(prop, value, name in files)})
    return out
