"""Event logs: the data classes every audit check reads (a trace per case, its events in order),
and Alur's own instances of one SOP read as such a log, a batch at a time.

One trace per instance, ordered by its start; per task row of the instance (`human_task`):
- a "start" event when the task opened (`created_at`); its `resource` is whoever claimed it, if
  anyone did (the task's assignee once `claimed_at` is set: the claimer, or whom a supervisor
  assigned it to; Alur keeps the latest assignee only), else None;
- a "complete" event when it was completed (`completed_at`, `resource` = who completed it);
- a cancelled task (a supervisor moved or cancelled the instance) gives its start event only,
  marked `task_state="cancelled"`; an open task its start event, marked "ready".
`activity` is the task's name as the diagram names it, `role` its lane, `row` and `waktu` the
catalog step's SOP row number ("no") and Waktu text of the version the instance ran on.

The instances are read in keyset order (started_at, id) a batch at a time, each batch with its
tasks in one more query, so a log of 10,000 instances never sits in memory at once; each batch
is its own short transaction (as the instance list's CSV), so a slow download holds no
connection. `scope()` checks everything first (403, 404, 422), before a single row is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Iterator

from sqlalchemy import select, tuple_
from sqlalchemy.orm import aliased

from ...errors import InvalidInput
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.process_models import model_for
from ...kernel.stepping import STATUSES
from ...kernel.versions import version_info
from ...models import HumanTask, ProcessInstance, ProcessVersion, User
from ...timeplan.local_days import DEFAULT_ZONE, day_bounds

BATCH = 500


@dataclass(frozen=True, slots=True)
class LogEvent:
    activity: str                  # concept:name: the task's name (the Kegiatan) as the diagram names it
    transition: str                # "start" | "complete"
    at: datetime                   # timezone-aware UTC
    resource: str | None = None    # org:resource: the person (their username for Alur's instances)
    role: str | None = None        # org:role: the lane
    element_id: str | None = None  # Alur's task element id (own instances; None for imported logs)
    row: str | None = None         # the SOP row number as printed (catalog step "no")
    waktu: str | None = None       # the SOP's Waktu text of the step
    resource_id: int | None = None  # Alur user id (own instances)
    task_id: int | None = None     # Alur human_task id (own instances)
    due_at: datetime | None = None  # own instances: the task's due time (for the time check)
    task_state: str | None = None  # own instances: the task row's state: "ready" | "completed" | "cancelled"


@dataclass(slots=True)
class LogTrace:
    case: str                      # concept:name of the trace: Alur's instance id as a string, or the imported case id
    events: list[LogEvent]         # ordered by time (ties: see event_order)
    instance_id: int | None = None
    attributes: dict = field(default_factory=dict)  # own instances: title, status, version, started_at,
    #                                                 ended_at (None while open), started_by (username or None)


def event_order(event: LogEvent) -> tuple:
    """The order of an Alur trace's events: by time; at the same moment by task, the one opened
    earlier first (a step's completion comes before the start of the step it opened), and a
    task's start before its completion. (Imported logs keep their file's order at equal times.)"""
    return (event.at, event.task_id or 0, event.transition != "start")


# --- what is exported ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LogScope:
    """One SOP's instances to read, checked: the SOP, the versions, the start-date range."""

    key: str
    name: str                      # the SOP's name (the log's concept:name)
    agency: str                    # the agency's slug
    agency_name: str
    agency_id: int
    timezone: str
    versions: tuple                # every version of the SOP: ((number, active), ...), newest first
    version: int | None            # the version chosen; None: all of them
    version_ids: tuple[int, ...]   # the process_version ids read
    numbers: tuple = ()            # ((process_version id, version number), ...) of those
    date_from: date | None = None  # started on or after this local day
    date_to: date | None = None    # started on or before this local day
    statuses: tuple[str, ...] = ()  # instance statuses read; empty: all

    def bounds(self) -> tuple[datetime | None, datetime | None]:
        """The date range as UTC moments [start, end)."""
        return day_bounds(self.date_from, self.date_to, self.timezone)


# A field's name in messages: the form's words (and the API's parameter).
LABELS = {"version": ("Versi", "Version"), "from": ("Dimulai sejak (from)", "Started from (from)"),
          "to": ("Dimulai sampai (to)", "Started until (to)"), "status": ("Status", "Status")}


def _refuse(name: str, message_id: str, message_en: str) -> InvalidInput:
    label_id, label_en = LABELS[name]
    return InvalidInput(f"{label_id}: {message_id}", f"{label_en}: {message_en}",
                        fields={name: [{"id": message_id, "en": message_en}]})


def _day(value, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _refuse(name, f"harus tanggal TTTT-BB-HH, mis. 2026-11-23 (bukan '{text[:40]}').",
                      f"must be a date YYYY-MM-DD, e.g. 2026-11-23 (not '{text[:40]}').") from None


def _version(value) -> int | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "semua", "all")):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise _refuse("version", "harus nomor versi (bilangan bulat).",
                      "must be a version number (a whole number).") from None
    if not 1 <= number <= 2**31 - 1:
        raise _refuse("version", "harus antara 1 dan 2147483647.", "must be from 1 to 2147483647.")
    return number


def _statuses(values) -> tuple[str, ...]:
    if not values:
        return ()
    values = (values,) if isinstance(values, str) else tuple(values)
    if any(v not in STATUSES for v in values):
        raise _refuse("status", "harus salah satu dari " + ", ".join(STATUSES) + ".",
                      "must be one of " + ", ".join(STATUSES) + ".")
    return tuple(dict.fromkeys(values))


def scope(alur: Alur, actor: Actor, key: str, *, agency: str | None = None, version=None, date_from=None,
          date_to=None, statuses=None) -> LogScope:
    """The SOP `key` whose log the actor may read (`audit.read`: the Auditor of its agency), with
    `version` (a number, or None/"" for all), `date_from`/`date_to` (dates or YYYY-MM-DD, the
    agency's local days of the instances' start, both included) and `statuses` checked, in this
    order: 404 unknown SOP, 403 not an auditor there, 422 a bad value (message per field)."""
    with alur.db.transaction() as s:
        model, found = model_for(s, actor, key, "audit.read", agency)  # who may, before what is asked
        rows = s.execute(select(ProcessVersion.id, ProcessVersion.version, ProcessVersion.active)
                         .where(ProcessVersion.process_model_id == model.id)
                         .order_by(ProcessVersion.version.desc())).all()
    number = _version(version)
    day_from, day_to = _day(date_from, "from"), _day(date_to, "to")
    if day_from and day_to and day_from > day_to:
        raise _refuse("to", "tidak boleh sebelum tanggal 'sejak'.", "must not be before the 'from' day.")
    wanted = _statuses(statuses)
    if number is not None and number not in {r.version for r in rows}:
        have = ", ".join(str(r.version) for r in reversed(rows)) or "-"
        raise _refuse("version", f"SOP '{key}' tidak memiliki versi {number} (versi yang ada: {have}).",
                      f"the SOP '{key}' has no version {number} (its versions: {have}).")
    picked = [r for r in rows if number is None or r.version == number]
    return LogScope(key=model.key, name=model.name, agency=found.slug, agency_name=found.name,
                    agency_id=found.id, timezone=found.timezone or DEFAULT_ZONE,
                    versions=tuple((r.version, bool(r.active)) for r in rows), version=number,
                    version_ids=tuple(r.id for r in picked), numbers=tuple((r.id, r.version) for r in picked),
                    date_from=day_from, date_to=day_to, statuses=wanted)


# --- reading the instances ----------------------------------------------------------------------

INSTANCES = ProcessInstance.__table__
TASKS = HumanTask.__table__
USERS = User.__table__
_STARTER = aliased(USERS)
_CLAIMER = aliased(USERS)
_DOER = aliased(USERS)


def instance_traces(alur: Alur, actor: Actor, key: str, *, agency: str | None = None, version=None,
                    date_from=None, date_to=None, statuses=None, batch: int = BATCH) -> Iterator[LogTrace]:
    """Alur's own instances of the SOP `key` as traces, oldest start first, streamed in batches.
    Checks access and every value now (raises before returning), then reads as it is iterated."""
    return traces(alur, scope(alur, actor, key, agency=agency, version=version, date_from=date_from,
                              date_to=date_to, statuses=statuses), batch=batch)


def traces(alur: Alur, chosen: LogScope, *, batch: int = BATCH, instance_id: int | None = None) -> Iterator[LogTrace]:
    """The traces of a checked scope (see `scope`), a batch of instances per transaction; of one
    instance only when `instance_id` is given (an auditor's drill-down)."""
    start, end = chosen.bounds()
    where = [INSTANCES.c.agency_id == chosen.agency_id, INSTANCES.c.version_id.in_(chosen.version_ids)]
    if instance_id is not None:
        where.append(INSTANCES.c.id == instance_id)
    if start is not None:
        where.append(INSTANCES.c.started_at >= start)
    if end is not None:
        where.append(INSTANCES.c.started_at < end)
    if chosen.statuses:
        where.append(INSTANCES.c.status.in_(chosen.statuses))
    steps: dict[tuple[int, str], tuple] = {}   # (version id, element id) -> (row, waktu)
    numbers, read = dict(chosen.numbers), set()
    after = None
    while chosen.version_ids:
        with alur.db.connection() as conn:
            query = select(INSTANCES.c.id, INSTANCES.c.version_id, INSTANCES.c.title, INSTANCES.c.status,
                           INSTANCES.c.started_at, INSTANCES.c.ended_at, _STARTER.c.username) \
                .outerjoin(_STARTER, _STARTER.c.id == INSTANCES.c.started_by_id).where(*where)
            if after is not None:
                query = query.where(tuple_(INSTANCES.c.started_at, INSTANCES.c.id) > tuple_(*after))
            instances = conn.execute(query.order_by(INSTANCES.c.started_at, INSTANCES.c.id).limit(batch)).all()
            if not instances:
                return
            tasks = conn.execute(
                select(TASKS.c.id, TASKS.c.instance_id, TASKS.c.element_id, TASKS.c.name, TASKS.c.lane,
                       TASKS.c.state, TASKS.c.created_at, TASKS.c.claimed_at, TASKS.c.completed_at,
                       TASKS.c.due_at, TASKS.c.assignee_id, _CLAIMER.c.username, TASKS.c.completed_by_id,
                       _DOER.c.username)
                .outerjoin(_CLAIMER, _CLAIMER.c.id == TASKS.c.assignee_id)
                .outerjoin(_DOER, _DOER.c.id == TASKS.c.completed_by_id)
                .where(TASKS.c.instance_id.in_([r.id for r in instances]))
                .order_by(TASKS.c.instance_id, TASKS.c.id)).all()
            for version_id in {r.version_id for r in instances} - read:
                catalog = version_info(conn, version_id).catalog.get("steps", {})
                steps.update({(version_id, element): (step.get("no") or None, step.get("waktu") or None)
                              for element, step in catalog.items()})
                read.add(version_id)
        yield from _assemble(instances, tasks, steps, numbers)
        if len(instances) < batch:
            return
        after = (instances[-1].started_at, instances[-1].id)


def _assemble(instances, tasks, steps: dict, numbers: dict) -> Iterator[LogTrace]:
    """The batch's traces from its instance rows and task rows (ordered by instance id)."""
    by_instance: dict[int, list] = {}
    for t in tasks:
        by_instance.setdefault(t[1], []).append(t)
    for inst in instances:
        events = []
        for (task_id, _, element_id, name, lane, state, created, claimed, completed, due, assignee_id, claimer,
             doer_id, doer) in by_instance.get(inst.id, ()):
            row, waktu = steps.get((inst.version_id, element_id), (None, None))
            claimed_by = claimer if claimed is not None else None
            due = _utc(due)
            events.append(LogEvent(name, "start", _utc(created), claimed_by, lane, element_id, row, waktu,
                                   assignee_id if claimed_by is not None else None, task_id, due, state))
            if state == "completed" and completed is not None:
                events.append(LogEvent(name, "complete", _utc(completed), doer, lane, element_id, row, waktu,
                                       doer_id, task_id, due, state))
        events.sort(key=event_order)
        yield LogTrace(str(inst.id), events, inst.id,
                       {"title": inst.title, "status": inst.status, "version": numbers.get(inst.version_id),
                        "started_at": _utc(inst.started_at), "ended_at": _utc(inst.ended_at),
                        "started_by": inst.username})


def _utc(moment: datetime | None) -> datetime | None:
    """In UTC (PostgreSQL answers in the session's time zone)."""
    return None if moment is None else moment.astimezone(timezone.utc)
