"""Time-driven work: processes started by a timer, and timers that fell due.

The worker (and, in the single-process mode, a background thread) calls `fire_due`; it finds
due instances through the indexed `next_due_at` column, never by loading every instance.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..errors import Conflict, NotFound
from ..models import Agency, HumanTask, ProcessInstance, ProcessModel, ProcessSchedule, ProcessVersion
from ..timeplan import parse_kode
from ..kernel.calendars import calendar_for
from ..kernel.context import Alur
from ..kernel.stepping import Step, run_step
from ..kernel.versions import version_info
from . import reports
from .escalation import escalate


def start_scheduled(alur: Alur, key: str, agency: str, *, fire: bool = False, data: dict | None = None) -> int:
    """Creates an instance of a timer-started process. With `fire`, its start timer fires at once
    (the scheduler's way); without, it waits for its own timer."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        version_id = s.scalar(select(ProcessVersion.id).join(ProcessModel).join(Agency)
                              .where(ProcessModel.key == key, Agency.slug == agency,
                                     ProcessVersion.active.is_(True)))
        if version_id is None:
            raise NotFound(f"SOP '{key}' tidak ditemukan.", f"SOP '{key}' not found.")
        info = version_info(s, version_id)
        if not any(start["timer"] for start in info.catalog["starts"]):
            raise Conflict("SOP ini tidak dimulai oleh jadwal.", "This SOP does not start on a schedule.")
        return _create(s, alur, info, now, f"{info.name} {now:%Y-%m}", data or {}, fire)


def _create(s, alur: Alur, info, now, title: str, data: dict, fire: bool) -> int:
    """A timer-started instance, created inside the caller's transaction `s`."""
    def begin(step: Step) -> int:
        run = step.start(info, data)
        if fire:
            run.fire_start_timers()
        instance_id = step.create(info, title, None)
        step.write(run, info, revision=1, agency_id=info.agency_id, action="instance.started",
                   after={"key": info.key, "version": info.version, "scheduled": True})
        return instance_id
    return run_step(alur, begin, db=s)


def plan_schedule(s, alur: Alur, model_id: int, info) -> None:
    """At deploy and when an earlier version is made active again: a process started by a
    recurrence gets its next start time (kept if planned); one that `info` (the version now
    active) no longer starts by a recurrence loses its schedule."""
    recurrence, planned = _recurrence(info), s.get(ProcessSchedule, model_id)
    if recurrence is None and planned is not None:
        s.delete(planned)
    if recurrence is None or planned is not None:
        return
    calendar = calendar_for(s, info.agency_id)
    s.add(ProcessSchedule(process_model_id=model_id,
                          next_at=recurrence.next_occurrence(alur.clock.now(), calendar)))


def _recurrence(info):
    for start in info.catalog["starts"]:
        if start["timer"] and start.get("waktu_kode", "").startswith("R/"):
            return parse_kode(start["waktu_kode"])
    return None


MAX_CATCH_UP = 12


def start_due_schedules(alur: Alur, limit: int = 20) -> int:
    """Starts the scheduled processes whose time has come, one instance per period, including
    the periods missed while Alur was down (at most MAX_CATCH_UP), each pre-filled."""
    now = alur.clock.now()
    started = 0
    with alur.db.transaction() as s:
        query = select(ProcessSchedule).where(ProcessSchedule.next_at <= now).order_by(ProcessSchedule.next_at) \
            .limit(limit)
        if alur.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        for schedule in s.scalars(query).all():
            version_id = s.scalar(select(ProcessVersion.id).where(
                ProcessVersion.process_model_id == schedule.process_model_id, ProcessVersion.active.is_(True)))
            info = version_info(s, version_id)
            recurrence, calendar = _recurrence(info), calendar_for(s, info.agency_id)
            occurrence = schedule.next_at
            for _ in range(MAX_CATCH_UP):
                if occurrence > now:
                    break
                start, end = _previous_month(occurrence, calendar)
                data = reports.prefill(s, info.agency_id, info.catalog, _list_items(alur, info), start, end)
                _create(s, alur, info, now, f"{info.name} {start:%Y-%m}", data, fire=True)
                started += 1
                occurrence = recurrence.next_occurrence(occurrence, calendar)
            while occurrence <= now:  # more missed periods than we catch up: skip to the next one
                occurrence = recurrence.next_occurrence(occurrence, calendar)
            schedule.last_at, schedule.next_at = now, occurrence
    return started


def _previous_month(moment, calendar):
    local = calendar.local(moment)
    this_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    previous = (this_month - timedelta(days=1)).replace(day=1)
    return previous, this_month


def _list_items(alur: Alur, info) -> dict:
    field = info.catalog["identity"].get("alur.laporan.daftar")
    for step in info.catalog["steps"].values():
        if step.get("form"):
            prop = info.forms(alur.forms).validator(step["form"]).schema.get("properties", {}).get(field)
            if prop:
                return prop.get("items", {})
    return {}


def fire_due(alur: Alur, limit: int = 100) -> int:
    """Fires the timers that are due now; returns how many instances moved."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        due = s.scalars(select(ProcessInstance.id).where(ProcessInstance.status == "running",
                                                         ProcessInstance.next_due_at <= now)
                        .order_by(ProcessInstance.next_due_at).limit(limit)).all()
    moved = 0
    for instance_id in due:
        moved += _fire_one(alur, instance_id, now)
    return moved


def _fire_one(alur: Alur, instance_id: int, now) -> int:
    """Moves one instance whose timer is due: 1 when it moved, 0 when another worker has it, it
    is no longer due, or its engine failed (then it is marked in error)."""
    def fire(step: Step) -> int:
        instance = step.lock(instance_id, skip_locked=True)  # another worker has it: leave it
        if instance is None or instance.status != "running" or not instance.next_due_at \
                or instance.next_due_at > now:
            return 0
        info = version_info(step.db, instance.version_id)
        run = step.resume(instance, info)
        run.refresh_timers()
        step.write(run, info, revision=instance.revision, agency_id=instance.agency_id, action="timer.fired",
                   after={"escalated": run.escalated})
        if run.escalated:  # a task's due-time boundary timer fired
            for task in step.db.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                                HumanTask.state == "ready",
                                                                HumanTask.element_id.in_(run.escalated))):
                escalate(step.db, now, task, "timer")
        return 1
    try:
        return run_step(alur, fire)
    except Conflict:  # the engine failed: run_step marked the instance in error
        return 0
