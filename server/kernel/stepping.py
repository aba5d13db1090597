"""After the engine moves: write the instance's new state and bring its human tasks in line.

Called inside the transaction of the step that moved the engine, so rows and engine state
change together or not at all. Plain SQL statements (SQLAlchemy Core): this runs on every step.
"""
from __future__ import annotations

from dataclasses import dataclass

from datetime import timezone
from functools import lru_cache

from sqlalchemy import bindparam, func, insert, select, update

from ..errors import Conflict
from ..models import HumanTask, ProcessInstance
from . import audit
from ..timeplan import parse_kode
from .calendars import calendar_for
from .context import Alur
from .versions import VersionInfo

TASKS = HumanTask.__table__
INSTANCES = ProcessInstance.__table__
# Built once (this runs on every step); the SET columns come from the parameters given.
_INSERT_TASK = insert(TASKS).returning(TASKS.c.id)
_WRITE_STATE = update(INSTANCES).where(INSTANCES.c.id == bindparam("_id"),
                                       INSTANCES.c.revision == bindparam("_revision"))


@dataclass(frozen=True)
class Outcome:
    status: str
    end_event: str | None
    opened: list  # dicts: id, element_id, name, lane

    def as_dict(self) -> dict:
        return {"status": self.status, "end_event": self.end_event, "open_tasks": self.opened}


def apply_run(db, now, instance_id: int, agency_id: int, revision: int, info: VersionInfo, run,
              ready_before: set[str], actor_id: int | None, forms) -> Outcome:
    """Writes the run's state if the instance is still at `revision`; opens rows for tasks that
    became ready, cancels rows of tasks that stopped being ready (e.g. an interrupting event).
    `ready_before`: the engine ids of the tasks whose rows are still open."""
    ready = {t.id: t for t in run.ready_user_tasks()}
    vanished = [task_id for task_id in ready_before if task_id not in ready]
    if vanished:
        db.execute(update(TASKS).where(TASKS.c.engine_task_id.in_(vanished), TASKS.c.state == "ready")
                   .values(state="cancelled", completed_at=now))
    opened = []
    for task in (t for task_id, t in ready.items() if task_id not in ready_before):
        step = info.step(task.element_id)
        row_id = db.execute(_INSERT_TASK, {
            "instance_id": instance_id, "agency_id": agency_id, "engine_task_id": task.id,
            "element_id": task.element_id, "name": task.name, "lane": task.lane,
            "role_id": info.lane_roles.get(task.lane), "state": "ready", "created_at": now,
            "due_at": run.deadlines(task.element_id, task.data) if run.deadlines else None,
            "draft": carried_forward(forms, step, task.data)}).scalar_one()
        opened.append({"id": row_id, "element_id": task.element_id, "name": task.name, "lane": task.lane})
    completed = run.completed
    values = {"_id": instance_id, "_revision": revision, "engine_state": run.dump(), "revision": revision + 1,
              "next_due_at": None if completed else run.next_timer_due()}
    end_event = None
    if completed:
        end_event = run.end_event()
        values.update(status="completed", ended_at=now, end_event=end_event)
    done = db.execute(_WRITE_STATE, values)
    if done.rowcount != 1:  # someone else wrote this instance meanwhile: write nothing
        raise Conflict("Instans diubah bersamaan; muat ulang lalu coba lagi.",
                       "The instance changed meanwhile; reload and try again.")
    if completed:
        audit.record(db, now, "instance.completed", actor_id=actor_id, agency_id=agency_id,
                     instance_id=instance_id, after={"end_event": end_event})
    return Outcome("completed" if completed else "running", end_event, opened)


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


# Answers that belong to one pass or one step only: never offered again.
NOT_CARRIED = frozenset({"keputusan", "alasan", "tidak_dipublikasikan", "catatan"})


def carried_forward(forms, step: dict, data: dict) -> dict | None:
    """What the process already knows that the new task's form asks for, offered pre-filled
    (e.g. the caption and platforms chosen earlier, or a monthly report's list of contents)."""
    if not step.get("form"):
        return None
    fields = forms.validator(step["form"]).schema.get("properties", {})
    offered = {k: v for k, v in data.items() if k in fields and k not in NOT_CARRIED}
    return offered or None


def stop_instance(alur: Alur, instance_id: int, actor_id: int | None, fault) -> None:
    """The step is rolled back; the instance is marked in error, with the reason, for a supervisor."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        s.execute(update(INSTANCES).where(INSTANCES.c.id == instance_id)
                  .values(status="error", error_message=f"{fault.message_id} / {fault.message_en}",
                          revision=INSTANCES.c.revision + 1))
        agency_id = s.scalar(INSTANCES.select().with_only_columns(INSTANCES.c.agency_id)
                             .where(INSTANCES.c.id == instance_id))
        audit.record(s, now, "instance.error", actor_id=actor_id, agency_id=agency_id, instance_id=instance_id,
                     after={"message_id": fault.message_id, "message_en": fault.message_en})
