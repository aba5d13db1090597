"""Per-element figures of an SOP over all its versions: how many passed each element, how many
wait there now, how long its tasks took, how often on time, how many are late now.

Flat GROUP BY queries over the rows the engine-step unit writes (human_task, element_visit),
computed on request, so the numbers are those of the last commit (no cache that lags).
Camunda Operate's per-element statistics time out past about 7 million instances; here one flat
query per table, the task one an index-only scan on ix_human_task_stats (see `task_scope`), answers
in about 0.35 s at 1,000,000 task rows on PostgreSQL (bench/element_stats.py).

- passed: a user task's completed task rows; any other element (gateway, event): the times a
  token reached it (element_visit);
- reached: the times a token reached the element (element_visit), whatever happened next;
- active: open task rows (state ready) at the element;
- median_seconds: median wall time from a task's creation to its completion;
- on_time_ratio: the share of completed tasks with a due time done by it (None without any);
- overdue: open tasks whose due time has passed.

`start`/`end` (UTC, end excluded) keep the tasks completed, the open tasks created and the
visits made in that window.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Float, and_, case, cast, func, or_, select

from ...errors import InvalidInput
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.process_models import model_for
from ...kernel.versions import version_info
from ...models import ElementVisit, HumanTask, ProcessInstance, ProcessModel, ProcessVersion
from ...timeplan.local_days import local_midnight

TASKS = HumanTask.__table__
INSTANCES = ProcessInstance.__table__
VISITS = ElementVisit.__table__


@dataclass(frozen=True)
class Sop:
    """The process model asked about: one agency's SOP with its versions (newest first)."""
    model_id: int
    key: str
    name: str
    agency_id: int
    agency: str
    agency_name: str
    timezone: str
    version_ids: tuple[int, ...]
    active_version_id: int | None


def find_sop(db, actor: Actor, key: str, agency: str | None = None) -> Sop:
    """The SOP `key` of one of the actor's agencies (`agency`: its slug, needed when two have the
    key), once `agency.monitor` allows it: 404 unknown, 403 not a member or not Pengawas/Auditor."""
    model, found = model_for(db, actor, key, "agency.monitor", agency)
    versions = db.execute(select(ProcessVersion.id, ProcessVersion.active)
                          .where(ProcessVersion.process_model_id == model.id)
                          .order_by(ProcessVersion.version.desc())).all()
    return Sop(model.id, model.key, model.name, found.id, found.slug, found.name, found.timezone or "Asia/Jakarta",
               tuple(v.id for v in versions), next((v.id for v in versions if v.active), None))


# --- the window ---------------------------------------------------------------------------------

_DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d):(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")
_EARLIEST = datetime(1, 1, 2, tzinfo=timezone.utc)
_LATEST = datetime(9999, 12, 30, tzinfo=timezone.utc)


def parse_moment(value, name: str, zone, end: bool = False) -> datetime | None:
    """A query's `from`/`to`: a date (the agency's day; `to` includes it) or an RFC 3339 date-time
    with its zone; None when absent; InvalidInput (422) naming the field otherwise."""
    if value is None or value == "":
        return None
    moment = None
    if isinstance(value, str) and _DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            day = None
        if day is not None:
            if end and day < date.max:
                day += timedelta(days=1)
            # past the calendar's ends in UTC (0001-01-01 at +07:00): before or after any row anyway
            return local_midnight(day, zone.key) or (_EARLIEST if day.year < 2 else _LATEST)
    elif isinstance(value, str):
        found = _RFC3339.match(value)
        if found:
            day, hour_minute, second, fraction, offset = found.groups()
            offset = "+00:00" if offset in "Zz" else offset
            fraction = (fraction or "")[:7]
            try:  # a leap second (:60) counts as :59
                moment = datetime.fromisoformat(f"{day}T{hour_minute}:{min(int(second), 59):02d}{fraction}{offset}")
            except ValueError:
                moment = None
    if moment is None:
        raise InvalidInput(f"'{name}' harus tanggal (2026-11-30) atau waktu ISO 8601 dengan zona "
                           "(2026-11-30T09:00:00+07:00).",
                           f"'{name}' must be a date (2026-11-30) or an ISO 8601 time with its zone "
                           "(2026-11-30T09:00:00+07:00).",
                           fields={name: [{"id": "Tanggal atau waktu tidak sah.", "en": "Invalid date or time."}]})
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+14:00: before any row anyway
        return _EARLIEST if moment.year < 2 else _LATEST


def window(start, end, zone) -> tuple[datetime | None, datetime | None]:
    """`from` and `to` parsed (see parse_moment). A `from` after `to` is an empty window: every
    figure zero (valid dates are never refused)."""
    return parse_moment(start, "from", zone), parse_moment(end, "to", zone, end=True)


def _within(column, start: datetime | None, end: datetime | None):
    conditions = []
    if start is not None:
        conditions.append(column >= start)
    if end is not None:
        conditions.append(column < end)
    return and_(*conditions) if conditions else None


# --- the queries --------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskScope:
    """How to pick the task rows of an SOP. human_task has no version column: in general through
    its instance (a join on process_instance.version_id). When no other SOP of the agency names a
    step like this one's (the usual case; a copied SOP shares its ids), the rows are exactly those
    of the agency with the SOP's step ids: no join, and the index ix_human_task_stats (agency,
    element, duration; migration 0013) hands them over grouped and sorted, which is what keeps the
    statistics under a second at a million task rows. `steps`: the SOP's task element ids (any version)."""
    source: object
    conditions: tuple
    steps: frozenset[str] = frozenset()


def task_scope(db, sop: Sop) -> TaskScope:
    t = TASKS
    steps = frozenset(task_elements(db, sop.version_ids))
    others = db.scalars(select(ProcessVersion.id).join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
                        .where(ProcessModel.agency_id == sop.agency_id, ProcessModel.id != sop.model_id)).all()
    if steps and not steps & task_elements(db, others):
        return TaskScope(t, (t.c.agency_id == sop.agency_id, t.c.element_id.in_(sorted(steps))), steps)
    return TaskScope(t.join(INSTANCES, INSTANCES.c.id == t.c.instance_id),
                     (INSTANCES.c.version_id.in_(sop.version_ids or (-1,)),), steps)


def task_figures(db, scope: TaskScope, now: datetime, start=None, end=None,
                 open_in_window: bool = True) -> dict[str, dict]:
    """Element id -> passed, active, median_seconds, on_time_ratio, overdue: one GROUP BY over the
    SOP's task rows. `open_in_window` False: every open task counts (the dashboard's "now")."""
    t = TASKS
    done = t.c.state == "completed"
    waiting = t.c.state == "ready"
    done_in = _within(t.c.completed_at, start, end)
    open_in = _within(t.c.created_at, start, end) if open_in_window else None
    if done_in is not None:
        done = and_(done, done_in)
    if open_in is not None:
        waiting = and_(waiting, open_in)
    postgres = db.get_bind().dialect.name == "postgresql"
    with_due = and_(done, t.c.due_at.is_not(None))

    def count_if(condition):
        return func.count().filter(condition) if postgres else func.sum(case((condition, 1), else_=0))

    columns = [t.c.element_id,
               count_if(done).label("passed"),
               count_if(waiting).label("active"),
               count_if(with_due).label("with_due"),
               count_if(and_(with_due, t.c.completed_at <= t.c.due_at)).label("on_time"),
               count_if(and_(waiting, t.c.due_at <= now)).label("overdue")]
    if postgres:  # the expression of ix_human_task_stats, so the rows come sorted from the index
        columns.append(func.percentile_cont(0.5).within_group(DURATION).filter(done).label("median"))
    query = select(*columns).select_from(scope.source).where(*scope.conditions).group_by(t.c.element_id)
    if done_in is not None:  # rows outside the window count for nothing: leave them out
        query = query.where(or_(and_(t.c.state == "completed", done_in),
                                and_(t.c.state == "ready", open_in) if open_in is not None else t.c.state == "ready"))
    out = {}
    for row in db.execute(query):
        out[row.element_id] = {
            "passed": int(row.passed or 0), "active": int(row.active or 0),
            "median_seconds": (round(float(row.median), 3) if row.median is not None else None) if postgres else None,
            "on_time_ratio": round(row.on_time / row.with_due, 4) if row.with_due else None,
            "overdue": int(row.overdue or 0), "judged": int(row.with_due or 0), "on_time": int(row.on_time or 0)}
    if not postgres:
        for element_id, median in _sqlite_medians(db, scope, start, end).items():
            if element_id in out:
                out[element_id]["median_seconds"] = median
    return out


# A completed task's wall duration in seconds on PostgreSQL (the index's expression, verbatim).
DURATION = func.extract("epoch", TASKS.c.completed_at - TASKS.c.created_at)


def _sqlite_medians(db, scope: TaskScope, start, end) -> dict[str, float]:
    """SQLite has no percentile_cont: the middle row(s) of each element's durations by window
    functions (the same median, averaging the two middle values of an even count)."""
    t = TASKS
    seconds = cast((func.julianday(t.c.completed_at) - func.julianday(t.c.created_at)) * 86400.0, Float)
    conditions = [*scope.conditions, t.c.state == "completed"]
    done_in = _within(t.c.completed_at, start, end)
    if done_in is not None:
        conditions.append(done_in)
    ranked = (select(t.c.element_id, seconds.label("s"),
                     func.row_number().over(partition_by=t.c.element_id, order_by=seconds).label("rn"),
                     func.count().over(partition_by=t.c.element_id).label("n"))
              .select_from(scope.source).where(*conditions).subquery())
    middle = ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2])
    rows = db.execute(select(ranked.c.element_id, func.avg(ranked.c.s)).where(middle)
                      .group_by(ranked.c.element_id)).all()
    return {element_id: round(float(value), 3) for element_id, value in rows if value is not None}


def visit_counts(db, version_ids, start=None, end=None) -> dict[str, int]:
    """Element id -> the times a token reached it (every element, user tasks too)."""
    if not version_ids:
        return {}
    v = VISITS
    query = select(v.c.element_id, func.count()).where(v.c.version_id.in_(version_ids)).group_by(v.c.element_id)
    within = _within(v.c.at, start, end)
    if within is not None:
        query = query.where(within)
    return {element_id: int(n) for element_id, n in db.execute(query).all()}


def task_elements(db, version_ids) -> set[str]:
    """The element ids that are tasks (steps) in any of the versions (versions are cached)."""
    return {element_id for version_id in version_ids for element_id in version_info(db, version_id).catalog["steps"]}


def figures(db, sop: Sop, now: datetime, start=None, end=None, open_in_window: bool = True,
            scope: TaskScope | None = None) -> dict[str, dict]:
    """Every element with a figure: the task rows' for user tasks, visits for the rest (`scope`:
    the SOP's task_scope when the caller has it already)."""
    scope = scope or task_scope(db, sop)
    tasks = task_figures(db, scope, now, start, end, open_in_window) if sop.version_ids else {}
    reached = visit_counts(db, sop.version_ids, start, end)
    steps = scope.steps
    out = {}
    for element_id in sorted(set(tasks) | set(reached)):
        found = tasks.get(element_id)
        kind = "task"
        if found is None:  # a task with no row in the window passed nobody; other elements: their visits
            kind = "task" if element_id in steps else "element"
            found = {"passed": 0 if kind == "task" else reached[element_id], "active": 0, "median_seconds": None,
                     "on_time_ratio": None, "overdue": 0, "judged": 0, "on_time": 0}
        out[element_id] = {**found, "reached": reached.get(element_id, found["passed"] + found["active"]),
                           "kind": kind}
    return out


PUBLIC = ("passed", "active", "median_seconds", "on_time_ratio", "overdue", "reached")


def element_stats(alur: Alur, actor: Actor, key: str, agency: str | None = None, start=None, end=None) -> dict:
    """{"process", "agency", "name", "from", "to", "as_of", "elements": {element id: figures}}.
    `start`/`end`: the query's from/to as given (dates in the agency's zone, or date-times)."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        sop = find_sop(s, actor, key, agency)
        begin, finish = window(start, end, _zone(sop.timezone))
        elements = {element_id: {k: found[k] for k in PUBLIC}
                    for element_id, found in figures(s, sop, now, begin, finish).items()}
    return {"process": sop.key, "agency": sop.agency, "name": sop.name,
            "from": begin.isoformat() if begin else None, "to": finish.isoformat() if finish else None,
            "as_of": now.isoformat(), "elements": elements}


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # an agency's zone is checked when set; stay safe anyway
        return ZoneInfo("Asia/Jakarta")


