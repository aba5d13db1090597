"""Supervisor interventions in cases, from the audit trail: who, when, why.

The actions a Pengawas takes on a case (server/monitoring/services: steering, moving,
migration) are each one audit event with the case's id, the supervisor as actor and the reason
in `after.reason`: suspended, resumed, cancelled, retried, moved (to `after.to`, from
`before.at`), migrated (from `before.version` to `after.version`), a task assigned to someone
(`after.assignee`) or given back to its lane. A move to a step later in the SOP than the one the
case stood at skips steps ("forward"); one to an earlier step makes it redo them ("back").
"""
from __future__ import annotations

from sqlalchemy import select

from ...kernel import audit
from ...models import AuditEvent, User

BATCH = 1000  # instance ids per IN list


def load(db, instance_ids) -> dict[int, list[dict]]:
    """Instance id -> its interventions in order: one query per BATCH instances, one for names."""
    ids = sorted(set(instance_ids))
    rows = []
    for i in range(0, len(ids), BATCH):
        rows += db.execute(select(AuditEvent.instance_id, AuditEvent.at, AuditEvent.action, AuditEvent.actor_id,
                                  AuditEvent.task_id, AuditEvent.before, AuditEvent.after)
                           .where(AuditEvent.instance_id.in_(ids[i:i + BATCH]), AuditEvent.action.in_(audit.INTERVENTIONS))
                           .order_by(AuditEvent.at, AuditEvent.id)).all()
    people = {r.actor_id for r in rows} | {_assignee(r) for r in rows}
    people.discard(None)
    names = {}
    if people:
        names = {u.id: {"username": u.username, "name": u.display_name}
                 for u in db.execute(select(User.id, User.username, User.display_name).where(User.id.in_(people)))}
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r.instance_id, []).append(_shown(r, names))
    return out


def _assignee(row) -> int | None:
    value = (row.after or {}).get("assignee") if row.action == "task.assigned" else None
    return value if isinstance(value, int) else None


def _shown(row, names: dict) -> dict:
    before, after = row.before or {}, row.after or {}
    out = {"action": row.action, "at": row.at, "by": names.get(row.actor_id), "reason": after.get("reason"),
           "task_id": row.task_id}
    if row.action == "instance.moved":
        left = before.get("at")
        out.update(to=after.get("to"), **{"from": list(left) if isinstance(left, (list, tuple)) else []})
    elif row.action == "instance.migrated":
        out.update(from_version=before.get("version"), to_version=after.get("version"))
    elif row.action == "task.assigned":
        out["assignee"] = names.get(_assignee(row))
    return out


def direction(move: dict, catalog_steps: dict) -> str | None:
    """"forward" (steps skipped) or "back" (steps to redo) for a move, by the SOP rows of where
    the case stood and where it went; None when the rows do not say."""
    def row(element_id) -> int | None:
        no = str((catalog_steps.get(element_id) or {}).get("no") or "")
        return int(no) if no.isdigit() else None
    to = row(move.get("to"))
    left = [n for n in (row(e) for e in move.get("from") or []) if n is not None]
    if to is None or not left:
        return None
    return "forward" if to > max(left) else "back" if to < min(left) else None
