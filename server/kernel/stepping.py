"""The engine-step unit: every move of a process instance goes through `run_step`.

Starting an instance, completing a task, firing a timer and every supervisor action are the same
recipe: in one database transaction, load the diagram version, start or resume the engine, let
the action move it, write the instance's new state and bring its human-task rows in line, audit;
on an engine fault, roll all of it back and mark the instance in error with the fault's message.
A supervisor's suspend and resume are the same recipe without the engine (`Step.mark`).
Plain SQL statements (SQLAlchemy Core) where it runs on every step.

An instance's status: running | suspended (a supervisor holds it: nothing is completed or claimed,
no timer fires, nothing escalates) | error (an engine fault stopped it; a supervisor may retry) |
completed | cancelled (both ended: nothing more happens to it).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from sqlalchemy import bindparam, insert, select, update

from ..engine import EngineFault, Run
from ..errors import Conflict
from ..models import HumanTask, ProcessInstance
from . import audit, trail
from .context import Alur
from .due_times import deadlines
from .versions import VersionInfo, xml_loader

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


T = TypeVar("T")

STATUSES = ("running", "suspended", "error", "completed", "cancelled")
ENDED = frozenset({"completed", "cancelled"})
# Why work on an instance in each status other than running is refused (Indonesian, English).
NOT_RUNNING = {
    "suspended": ("Instans ini sedang ditangguhkan oleh Pengawas; tugasnya tidak dapat dikerjakan sampai "
                  "dilanjutkan.", "This instance is suspended by a supervisor; its tasks cannot be worked on "
                                  "until it is resumed."),
    "cancelled": ("Instans ini sudah dibatalkan.", "This instance was cancelled."),
    "completed": ("Instans ini sudah selesai.", "This instance is already completed."),
    "error": ("Instans ini terhenti karena galat; Pengawas dapat mencobanya lagi.",
              "This instance stopped on an error; a supervisor can retry it."),
}


def require_running(status: str) -> None:
    """Conflict (409) with the reason unless the instance is running."""
    if status != "running":
        raise Conflict(*NOT_RUNNING.get(status, ("Instans ini tidak berjalan.", "This instance is not running.")))


def _changed_meanwhile() -> Conflict:
    return Conflict("Instans diubah bersamaan; muat ulang lalu coba lagi.",
                    "The instance changed meanwhile; reload and try again.")


class Step:
    """What an action does inside `run_step`: start or resume the engine, then `write`."""

    def __init__(self, alur: Alur, db, actor_id: int | None):
        self.alur, self.db, self.actor_id = alur, db, actor_id
        self.now = alur.clock.now()
        self.instance_id: int | None = None  # known once loaded or created
        self.created = False  # an instance created here is rolled back with a failed step
        self.ready_before: set[str] = set()  # engine ids of the tasks open before the move

    def lock(self, instance_id: int, *, skip_locked: bool = False):
        """The instance's row, locked for this step (one writer per instance on PostgreSQL; SQLite
        serialises writers anyway). With `skip_locked`, None when another worker holds it."""
        query = _INSTANCE_ROW.where(INSTANCES.c.id == instance_id)
        if self.alur.db.is_postgres:
            query = query.with_for_update(skip_locked=skip_locked)
        row = self.db.execute(query).one_or_none()
        if row is not None:
            self.instance_id = row.id
        return row

    def start(self, info: VersionInfo, data: dict) -> Run:
        """A new instance's engine (the instance row is written by `create`)."""
        return self.alur.engine.start(info.id, info.process_id, xml_loader(self.db, info.id), data,
                                      deadlines(self.db, self.alur.clock, info.agency_id, None, info))

    def resume(self, instance, info: VersionInfo) -> Run:
        """The engine of a loaded instance, with the ids of the tasks open before the move."""
        run = self.alur.engine.resume(info.id, info.process_id, xml_loader(self.db, info.id), instance.engine_state,
                                      deadlines(self.db, self.alur.clock, instance.agency_id, instance.id, info))
        self.ready_before = {t.id for t in run.ready_user_tasks()}
        return run

    def create(self, info: VersionInfo, title: str, started_by_id: int | None) -> int:
        """The row of an instance started in this step; returns its id."""
        self.instance_id = self.db.execute(_INSERT_INSTANCE, {
            "version_id": info.id, "agency_id": info.agency_id, "title": title[:300], "status": "running",
            "engine_state": "", "revision": 1, "started_by_id": started_by_id, "started_at": self.now}).scalar_one()
        self.created = True
        return self.instance_id

    def write(self, run: Run, info: VersionInfo, *, revision: int, agency_id: int, action: str,
              done: str | None = None, task_id: int | None = None, before: dict | None = None,
              after: dict | None = None, status: str | None = None) -> "Outcome":
        """Writes the state and task rows (`done`: the engine id of the task this step finished),
        then audits `action` with the tasks it opened. `status`: a supervisor's step sets it
        (retry: running, cancel: cancelled)."""
        outcome = apply_run(self.db, self.now, self.instance_id, agency_id, revision, info, run,
                            self.ready_before - {done}, self.actor_id, info.forms(self.alur.forms), status)
        audit.record(self.db, self.now, action, actor_id=self.actor_id, agency_id=agency_id,
                     instance_id=self.instance_id, task_id=task_id, before=before,
                     after={**(after or {}), "opened": [t["element_id"] for t in outcome.opened]})
        return outcome

    def mark(self, instance, status: str, action: str, *, before: dict | None = None,
             after: dict | None = None) -> None:
        """A status change without an engine run (suspend, resume) of the instance locked in this
        step, at the revision it was read with; audited like every step."""
        done = self.db.execute(_WRITE_STATE, {"_id": instance.id, "_revision": instance.revision,
                                              "status": status, "revision": instance.revision + 1})
        if done.rowcount != 1:
            raise _changed_meanwhile()
        audit.record(self.db, self.now, action, actor_id=self.actor_id, agency_id=instance.agency_id,
                     instance_id=instance.id, before=before, after=after)


def run_step(alur: Alur, action: Callable[[Step], T], *, actor_id: int | None = None, db=None) -> T:
    """Runs `action` in one transaction (a new one, or the caller's `db` session). An engine fault
    rolls everything back; the instance (when it existed before) is then marked in error for a
    supervisor, and the user gets a Conflict."""
    step = None
    try:
        if db is not None:
            return action(Step(alur, db, actor_id))
        with alur.db.transaction() as session:
            step = Step(alur, session, actor_id)
            return action(step)
    except EngineFault as fault:
        if step is not None and step.instance_id is not None and not step.created:
            stop_instance(alur, step.instance_id, actor_id, fault)
            raise Conflict(f"Langkah tidak dapat dijalankan: {fault.message_id} Pengawas dapat melihat galat ini.",
                           f"The step could not run: {fault.message_en} A supervisor can see this error.") from fault
        raise Conflict(fault.message_id, fault.message_en) from fault


INSTANCES = ProcessInstance.__table__
_INSTANCE_ROW = select(INSTANCES.c.id, INSTANCES.c.agency_id, INSTANCES.c.version_id, INSTANCES.c.status,
                       INSTANCES.c.revision, INSTANCES.c.engine_state, INSTANCES.c.next_due_at,
                       INSTANCES.c.error_message)
_INSERT_INSTANCE = insert(INSTANCES).returning(INSTANCES.c.id)


def apply_run(db, now, instance_id: int, agency_id: int, revision: int, info: VersionInfo, run,
              ready_before: set[str], actor_id: int | None, forms, status: str | None = None) -> Outcome:
    """Writes the run's state if the instance is still at `revision`; opens rows for tasks that
    became ready, cancels rows of tasks that stopped being ready (e.g. an interrupting event).
    `ready_before`: the engine ids of the tasks whose rows are still open. `status`: the status a
    supervisor's step sets (its error message is cleared); an ended one ends the instance."""
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
    values = {"_id": instance_id, "_revision": revision, "engine_state": run.dump(), "revision": revision + 1,
              "next_due_at": None if run.completed else run.next_timer_due()}
    if status is not None:
        values.update(status=status, error_message=None)
        if status in ENDED:
            values["ended_at"] = now
    completed = run.completed and status not in ENDED  # a cancelled workflow is not a completion
    end_event = None
    if completed:
        end_event = run.end_event()
        values.update(status="completed", ended_at=now, end_event=end_event)
    done = db.execute(_WRITE_STATE, values)
    if done.rowcount != 1:  # someone else wrote this instance meanwhile: write nothing
        raise _changed_meanwhile()
    trail.record(db, now, instance_id, info, agency_id, run.passages)
    if completed:
        audit.record(db, now, "instance.completed", actor_id=actor_id, agency_id=agency_id,
                     instance_id=instance_id, after={"end_event": end_event})
    return Outcome("completed" if completed else (status or "running"), end_event, opened)


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
