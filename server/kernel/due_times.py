"""When a new task is due: its SOP row's Waktu on the agency's working-day calendar.

Computed inside the engine step that opens the task (the diagrams' `tenggat("<task>")` timers ask
while the engine runs, then the step writes the task row with the same answer).
"""
from __future__ import annotations

from datetime import timezone
from functools import lru_cache

from sqlalchemy import func, select

from ..models import HumanTask
from ..timeplan import parse_kode
from .calendars import calendar_for
from .versions import VersionInfo

TASKS = HumanTask.__table__


def due_time(db, now, agency_id: int, instance_id: int | None, step: dict, data: dict):
    """When a new task must be done, by its SOP row's Waktu on the agency's working-day calendar."""
    kode = step.get("waktu_kode")
    if not kode:
        return None
    acuan = step.get("waktu_acuan") or ""
    completed = {}
    if acuan.startswith("selesai:") and instance_id is not None:
        completed = dict(db.execute(select(TASKS.c.element_id, func.max(TASKS.c.completed_at))
                                    .where(TASKS.c.instance_id == instance_id, TASKS.c.state == "completed")
                                    .group_by(TASKS.c.element_id)).all())
        completed = {k: v if v.tzinfo else v.replace(tzinfo=timezone.utc) for k, v in completed.items()}
    return standard(kode).due(now, data, calendar_for(db, agency_id), acuan, completed)


def deadlines(db, clock, agency_id: int, instance_id: int | None, info: VersionInfo):
    """Due times for one engine step: asked by the diagrams' `tenggat("<task>")` timers while
    the engine runs, then by `apply_run` for the new task rows; computed once per task."""
    known: dict[str, object] = {}

    def resolve(element_id: str, data: dict):
        if element_id not in known:
            known[element_id] = due_time(db, clock.now(), agency_id, instance_id, info.step(element_id), data)
        return known[element_id]
    return resolve


@lru_cache(maxsize=1024)
def standard(kode: str):
    return parse_kode(kode)
