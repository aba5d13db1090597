"""The append-only audit trail: every change writes one event in the same transaction."""
from __future__ import annotations

from sqlalchemy import insert

from ..models import AuditEvent

_INSERT = insert(AuditEvent.__table__)  # built once: this runs on every step


def record(db, at, action: str, *, actor_id=None, agency_id=None, instance_id=None, task_id=None,
           before: dict | None = None, after: dict | None = None) -> None:
    """`db` is the transaction's Session or Connection: the event commits with the change."""
    db.execute(_INSERT, {"at": at, "action": action, "actor_id": actor_id, "agency_id": agency_id,
                         "instance_id": instance_id, "task_id": task_id, "before": before, "after": after})
