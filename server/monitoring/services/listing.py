"""The supervisors' instance list: an agency's instances filtered, sorted, paged and counted.

The Pengawas and the Auditor of an agency (`agency.monitor`) see all of its instances; anyone
else sees only the instances `instance.read` lets them read, written here as SQL (an EXISTS on
the task rows, the same facts as `access.instance_facts`): they started it, did one of its
steps, claimed or hold the lane of one of its open tasks.

A request counts (one GROUP BY per status under every filter but the status; the overdue count
under every filter but itself, see `_counts`), reads the page's ids in the index order of its
sort (`_page`, `_due_order`), then those rows and their open tasks. Nothing reads every instance
of the agency except the counts, which are index-only where nothing is filtered (migration 0012
has the indexes; bench/instance_list.py measures it at 100,000 instances). "Overdue" is an open
task whose due time has come (`due_at <= now`), as everywhere.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, false, func, literal_column, or_, select, union_all

from ...errors import NotFound
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...kernel.versions import version_info
from ...models import Agency, HumanTask, ProcessInstance, ProcessModel, ProcessVersion, User
from ...sop.ordering import sop_order
from ...timeplan import time_left
from ...timeplan.local_days import day_bounds
from .list_filters import DEFAULT_SORT, STATUSES, Filters, parse_filters, parse_int, parse_sort

__all__ = ["Filters", "DEFAULT_SORT", "STATUSES", "parse_filters", "parse_int", "parse_sort", "list_instances",
           "may_monitor", "require_monitor", "monitored_agencies", "matching_ids", "titles", "iter_instances",
           "choices", "items_of"]

INSTANCES = ProcessInstance.__table__
TASKS = HumanTask.__table__
PER_PAGE = 50
PER_PAGE_MAX = 200
OFFSET_MAX = 2**31 - 1
# 'ready' written into the statement, not bound: the open-task indexes are partial (WHERE
# state = 'ready') and a planner uses them only when it sees that literal.
OPEN = TASKS.c.state == literal_column("'ready'")


# --- who sees what ------------------------------------------------------------------------------

def monitored_agencies(actor: Actor) -> list[int]:
    """The agencies whose whole list the actor sees (Pengawas or Auditor there)."""
    return access.agencies_allowed(actor, "agency.monitor")


def may_monitor(actor: Actor) -> bool:
    """Whether the actor is Pengawas or Auditor of any agency (the header's "Monitoring" link)."""
    return bool(monitored_agencies(actor))


def require_monitor(actor: Actor) -> None:
    """The monitoring pages are for the Pengawas and the Auditor of an agency (403 for anyone else)."""
    access.require_somewhere(actor, "agency.monitor")


def _staff_reads(actor: Actor):
    """`instance.read` for staff, as SQL: started it, did a step, claimed or hold an open task's
    lane. One set of instance ids (each arm has its index: ix_human_task_completed_by and the
    inbox's open-task indexes), not a probe per instance."""
    touched = [TASKS.c.completed_by_id == actor.id, and_(OPEN, TASKS.c.assignee_id == actor.id)]
    if actor.role_ids:
        touched.append(and_(OPEN, TASKS.c.role_id.in_(sorted(actor.role_ids))))
    return or_(INSTANCES.c.started_by_id == actor.id,
               INSTANCES.c.id.in_(select(TASKS.c.instance_id).where(or_(*touched))))


@dataclass(frozen=True)
class Reach:
    agencies: list[int]   # the agencies looked in
    where: list           # who-sees-what conditions on process_instance
    monitored_only: bool = False  # every agency looked in is one the actor monitors (all of it seen)


def _reach(s, actor: Actor, filters: Filters) -> Reach | None:
    """The agencies and the access condition; None when the actor can see nothing."""
    agencies = set(actor.agency_ids)
    if filters.agency:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == filters.agency))
        if agency_id is None:
            raise NotFound(f"Instansi '{filters.agency}' tidak ditemukan.", f"Agency '{filters.agency}' not found.")
        access.require(actor, "agency.work", access.Facts(agency_id))
        agencies = {agency_id}
    if not agencies:
        return None
    agencies = sorted(agencies)
    if filters.scope == "started":
        return Reach(agencies, [INSTANCES.c.agency_id.in_(agencies), INSTANCES.c.started_by_id == actor.id])
    monitored = [a for a in agencies if access.can(actor, "agency.monitor", access.Facts(a))]
    others = [a for a in agencies if a not in monitored]
    clauses = []
    if monitored:
        clauses.append(INSTANCES.c.agency_id.in_(monitored))
    if others:
        clauses.append(and_(INSTANCES.c.agency_id.in_(others), _staff_reads(actor)))
    return Reach(agencies, [or_(*clauses)] if len(clauses) > 1 else clauses, monitored_only=not others)


# --- the filters as SQL ---------------------------------------------------------------------------

def _open_task(*conditions):
    """An instance with an open task such that...: IN, not a correlated EXISTS, so that SQLite too
    reads the matching tasks once (into a temporary index) instead of probing per instance."""
    return INSTANCES.c.id.in_(select(TASKS.c.instance_id).where(OPEN, *conditions))


def _started_between(s, filters: Filters, agencies: list[int]):
    """started_from/started_to are days in each agency's own time zone."""
    zones: dict[str, list[int]] = {}
    for agency_id, zone in s.execute(select(Agency.id, Agency.timezone).where(Agency.id.in_(agencies))):
        zones.setdefault(zone or "Asia/Jakarta", []).append(agency_id)
    per_zone = []
    for zone, ids in zones.items():
        bounds = []
        start, end = day_bounds(filters.started_from, filters.started_to, zone)
        if start is not None:
            bounds.append(INSTANCES.c.started_at >= start)
        if end is not None:
            bounds.append(INSTANCES.c.started_at < end)
        if len(zones) == 1:
            per_zone += [and_(*bounds)] if bounds else []
        else:  # a zone whose bounds fall off the calendar is not bounded
            per_zone.append(and_(INSTANCES.c.agency_id.in_(ids), *bounds))
    if not per_zone:
        return None
    return per_zone[0] if len(per_zone) == 1 else or_(*per_zone)


def _conditions(s, filters: Filters, agencies: list[int]) -> list:
    """Every filter but the status and overdue ones (those are what the counts break down)."""
    where = []
    if filters.process is not None or filters.version is not None:
        versions = select(ProcessVersion.id).join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id) \
            .where(ProcessModel.agency_id.in_(agencies))
        if filters.process is not None:
            versions = versions.where(ProcessModel.key == filters.process)
        if filters.version is not None:
            versions = versions.where(ProcessVersion.version == filters.version)
        ids = s.scalars(versions).all()
        where.append(INSTANCES.c.version_id.in_(ids) if ids else false())
    if filters.lane:
        where.append(_open_task(TASKS.c.lane == filters.lane))
    if filters.element:
        where.append(_open_task(TASKS.c.element_id == filters.element))
    if filters.started_by:
        user_id = s.scalar(select(User.id).where(User.username == filters.started_by))
        where.append(INSTANCES.c.started_by_id == user_id if user_id is not None else false())
    if filters.started_from or filters.started_to:
        between = _started_between(s, filters, agencies)
        if between is not None:
            where.append(between)
    if filters.q:
        # ILIKE on PostgreSQL: estimated from the title's statistics, and found through the
        # trigram index of migration 0012 where pg_trgm could be installed
        where.append(INSTANCES.c.title.icontains(filters.q, autoescape=True))
    return where


def _overdue(agencies: list[int], now: datetime):
    """An instance with an open task whose due time has come (IN: one set, not a probe per row)."""
    return INSTANCES.c.id.in_(select(TASKS.c.instance_id).where(OPEN, TASKS.c.due_at <= now,
                                                                 TASKS.c.agency_id.in_(agencies)))


# --- the list -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Selection:
    """The conditions on process_instance of who sees what and the filters."""

    where: list
    agencies: list[int]
    plain: bool = False    # only whole agencies the actor monitors, nothing filtered


def _selection(s, actor: Actor, filters: Filters) -> Selection | None:
    """Who sees what and every filter but status and overdue; None when nothing is visible."""
    reach = _reach(s, actor, filters)
    if reach is None:
        return None
    conditions = _conditions(s, filters, reach.agencies)
    return Selection(reach.where + conditions, reach.agencies, plain=reach.monitored_only and not conditions)


def _narrowed(selection: Selection, filters: Filters, now: datetime) -> Selection:
    """The selection with the status and overdue filters too."""
    where = list(selection.where)
    if filters.statuses:
        where.append(INSTANCES.c.status.in_(filters.statuses))
    if filters.overdue is not None:
        overdue = _overdue(selection.agencies, now)
        where.append(overdue if filters.overdue else ~overdue)
    return Selection(where, selection.agencies)


def _counts(s, selection: Selection, filters: Filters, now: datetime) -> tuple[dict, int]:
    """Per status under every other filter, and overdue under every filter but itself; exact.

    Unfiltered (the whole of the agencies the actor monitors): an index-only count per status
    and the overdue instances counted from the open-task index alone. Filtered: one GROUP BY
    over the matching rows, each checked against the set of overdue instances (one hash)."""
    chosen = filters.statuses or STATUSES
    overdue = _overdue(selection.agencies, now)

    def per_status(*extra, late: bool = False) -> dict:
        columns = [INSTANCES.c.status, func.count()]
        if late:
            columns.append(func.sum(case((overdue, 1), else_=0)))
        rows = s.execute(select(*columns).where(*selection.where, *extra).group_by(INSTANCES.c.status)).all()
        return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in rows}

    if filters.overdue is True:
        found = per_status(overdue)
        counts = {status: found.get(status, (0,))[0] for status in STATUSES}
        counts["overdue"] = sum(counts[status] for status in chosen)
    elif selection.plain:
        found = per_status(*([~overdue] if filters.overdue is False else []))
        counts = {status: found.get(status, (0,))[0] for status in STATUSES}
        late_tasks = select(func.count(TASKS.c.instance_id.distinct())) \
            .where(OPEN, TASKS.c.due_at <= now, TASKS.c.agency_id.in_(selection.agencies))
        if filters.statuses:
            late_tasks = late_tasks.where(TASKS.c.instance_id.in_(
                select(INSTANCES.c.id).where(*selection.where, INSTANCES.c.status.in_(filters.statuses))))
        counts["overdue"] = s.scalar(late_tasks)
    else:
        found = per_status(late=True)
        counts = {}
        for status in STATUSES:
            n, late = found.get(status, (0, 0))
            counts[status] = n - late if filters.overdue is False else n
        counts["overdue"] = sum(found.get(status, (0, 0))[1] for status in chosen)
    return counts, sum(counts[status] for status in chosen)


def list_instances(alur: Alur, actor: Actor, filters: Filters | dict | None = None, page: int = 1,
                   per_page: int = PER_PAGE, sort: str | None = None, *, offset: int | None = None) -> dict:
    """A page of the instances the actor may see, filtered and sorted, with counts per status.
    `filters`: a Filters or query parameters (see parse_filters); `offset` overrides the page's
    (the older limit/offset paging). Page sizes and offsets are brought into range."""
    if not isinstance(filters, Filters):
        filters = parse_filters(filters or {})
    order = parse_sort(sort)
    per_page = max(1, min(int(per_page), PER_PAGE_MAX))
    page = max(1, min(int(page), OFFSET_MAX))
    start = offset if offset is not None else (page - 1) * per_page
    start = max(0, min(int(start), OFFSET_MAX))
    now = alur.clock.now()
    empty = {"total": 0, "page": page, "per_page": per_page, "limit": per_page, "offset": start,
             "sort": f"{'-' if order[1] else ''}{order[0]}", "counts": {**{st: 0 for st in STATUSES}, "overdue": 0},
             "items": []}
    with alur.db.transaction() as s:
        selection = _selection(s, actor, filters)
        if selection is None:
            return empty
        counts, total = _counts(s, selection, filters, now)
        items = []
        if total > start:
            items = _page(s, _narrowed(selection, filters, now), order, per_page, start, now)
    return {**empty, "total": total, "counts": counts, "items": items}


def _page(s, selection: Selection, order, limit: int, offset: int, now: datetime) -> list[dict]:
    column, descending = order
    if column == "due":
        ids = _due_order(s, selection, descending, limit, offset)
    else:
        def way(c):
            return c.desc() if descending else c.asc()
        key = {"started_at": INSTANCES.c.started_at, "title": INSTANCES.c.title, "status": INSTANCES.c.status,
               "id": INSTANCES.c.id}[column]
        keys = [way(key)] if column == "id" else [way(key), way(INSTANCES.c.id)]
        if column == "status":  # within a status, newest first
            keys = [way(key), INSTANCES.c.started_at.desc(), INSTANCES.c.id.desc()]
        ids = s.scalars(select(INSTANCES.c.id).where(*selection.where).order_by(*keys).limit(limit)
                        .offset(offset)).all()
    if not ids:
        return []
    starter = User.__table__.alias("starter")
    rows = {r.id: r for r in s.execute(
        select(INSTANCES.c.id, INSTANCES.c.title, INSTANCES.c.status, INSTANCES.c.version_id, INSTANCES.c.agency_id,
               INSTANCES.c.started_at, INSTANCES.c.ended_at, INSTANCES.c.error_message, INSTANCES.c.end_event,
               starter.c.display_name.label("started_by"))
        .outerjoin(starter, starter.c.id == INSTANCES.c.started_by_id).where(INSTANCES.c.id.in_(ids)))}
    return items_of(s, [rows[i] for i in ids if i in rows], now)


def _due_order(s, selection: Selection, descending: bool, limit: int, offset: int) -> list[int]:
    """A page of ids by the earliest due time of their open tasks, those without one last.

    The instances with a due time are found by walking the open tasks in due order (the partial
    index ix_human_task_open_agency_due), each instance at its earliest task only; no statement
    reads every open task to sort them. Past them, the rest by id."""
    task, other = TASKS.alias("task"), TASKS.alias("other")
    ready = literal_column("'ready'")
    earlier = exists().where(other.c.instance_id == task.c.instance_id, other.c.state == ready,
                             other.c.due_at.is_not(None),
                             or_(other.c.due_at < task.c.due_at, and_(other.c.due_at == task.c.due_at,
                                                                       other.c.id < task.c.id)))

    def way(c):
        return c.desc() if descending else c.asc()

    def walk(agency_id: int):  # one agency's instances in due order: a walk of its index range
        return select(task.c.instance_id, task.c.due_at, task.c.id) \
            .select_from(task.join(INSTANCES, INSTANCES.c.id == task.c.instance_id)) \
            .where(task.c.state == ready, task.c.due_at.is_not(None), task.c.agency_id == agency_id, ~earlier,
                   *selection.where) \
            .order_by(way(task.c.due_at), way(task.c.id))
    if len(selection.agencies) == 1:
        page = walk(selection.agencies[0]).limit(limit).offset(offset).subquery()
    else:  # several agencies (an inspectorate): each walk as far as the page reaches, merged
        merged = union_all(*[select(walk(a).limit(offset + limit).subquery()) for a in selection.agencies]).subquery()
        page = select(merged).order_by(way(merged.c.due_at), way(merged.c.id)).limit(limit).offset(offset).subquery()
    ids = list(s.scalars(select(page.c.instance_id).order_by(way(page.c.due_at), way(page.c.id))))
    if len(ids) == limit:
        return ids
    with_due = exists().where(TASKS.c.instance_id == INSTANCES.c.id, OPEN, TASKS.c.due_at.is_not(None))
    skip = offset - s.scalar(select(func.count()).select_from(INSTANCES).where(with_due, *selection.where)) \
        if not ids else 0
    return ids + list(s.scalars(select(INSTANCES.c.id).where(~with_due, *selection.where)
                                .order_by(way(INSTANCES.c.id)).limit(limit - len(ids)).offset(max(0, skip))))


def items_of(s, rows, now: datetime) -> list[dict]:
    """The rows (id, title, status, version_id, agency_id, started_at, ended_at, error_message,
    end_event, started_by) as the list shows them, with their open tasks."""
    if not rows:
        return []
    assignee = User.__table__.alias("assignee")
    waiting: dict[int, list] = {}
    for task in s.execute(select(TASKS.c.id, TASKS.c.instance_id, TASKS.c.element_id, TASKS.c.name, TASKS.c.lane,
                                 TASKS.c.due_at, assignee.c.display_name.label("assignee"))
                          .outerjoin(assignee, assignee.c.id == TASKS.c.assignee_id)
                          .where(TASKS.c.instance_id.in_([r.id for r in rows]), OPEN)
                          .order_by(TASKS.c.due_at.is_(None), TASKS.c.due_at, TASKS.c.id)):
        waiting.setdefault(task.instance_id, []).append(task)
    zones = dict(s.execute(select(Agency.id, Agency.timezone).where(Agency.id.in_({r.agency_id for r in rows}))).all())
    items = []
    for r in rows:
        info = version_info(s, r.version_id)
        calendar = calendar_for(s, r.agency_id)
        current = [{"id": t.id, "element_id": t.element_id, "name": t.name, "lane": t.lane,
                    "sop_no": info.step(t.element_id).get("no"), "assignee": t.assignee,
                    "due_at": t.due_at.isoformat() if t.due_at else None,
                    "overdue": bool(t.due_at and t.due_at <= now), "due_in": time_left(t.due_at, now, calendar)}
                   for t in waiting.get(r.id, [])]
        items.append({
            "id": r.id, "title": r.title, "process": info.key, "process_name": info.name, "version": info.version,
            "agency": info.agency_slug, "status": r.status, "started_at": r.started_at.isoformat(),
            "started_by": r.started_by, "ended_at": r.ended_at.isoformat() if r.ended_at else None,
            "error": r.error_message, "end_event": r.end_event,
            "end_event_name": info.catalog["ends"].get(r.end_event) if r.end_event else None,
            "sop_no": info.catalog["identity"].get("sop.nomor", ""), "timezone": zones.get(r.agency_id),
            "current": current, "due_at": next((c["due_at"] for c in current if c["due_at"]), None),
            "overdue": any(c["overdue"] for c in current)})
    return items


def matching_ids(alur: Alur, actor: Actor, filters: Filters, limit: int) -> tuple[list[int], int]:
    """The ids of up to `limit` instances matching the filters (oldest first), and how many match."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        selection = _selection(s, actor, filters)
        if selection is None:
            return [], 0
        selection = _narrowed(selection, filters, now)
        total = s.scalar(select(func.count()).select_from(INSTANCES).where(*selection.where))
        ids = s.scalars(select(INSTANCES.c.id).where(*selection.where).order_by(INSTANCES.c.id).limit(limit)).all()
    return list(ids), total


def titles(alur: Alur, actor: Actor, ids: list[int]) -> dict[int, str]:
    """The titles of those of `ids` the actor may read (a bulk result names its instances)."""
    if not ids:
        return {}
    with alur.db.transaction() as s:
        reach = _reach(s, actor, Filters())
        if reach is None:
            return {}
        return dict(s.execute(select(INSTANCES.c.id, INSTANCES.c.title)
                              .where(INSTANCES.c.id.in_(ids), *reach.where)).all())


def iter_instances(alur: Alur, actor: Actor, filters: Filters, sort: str | None = None, batch: int = 500):
    """Every matching instance in the list's order, a batch per transaction (the CSV export)."""
    order = parse_sort(sort)
    now = alur.clock.now()
    offset = 0
    while True:
        with alur.db.transaction() as s:
            selection = _selection(s, actor, filters)
            if selection is None:
                return
            items = _page(s, _narrowed(selection, filters, now), order, batch, offset, now)
        yield from items
        if len(items) < batch:
            return
        offset += batch


def choices(alur: Alur, actor: Actor, process: str | None = None) -> dict:
    """What the filter form offers: the SOPs (key, name) and agencies the actor looks in; with
    `process`, that SOP's steps (its newest version's user tasks, in SOP order) to move to."""
    with alur.db.transaction() as s:
        reach = _reach(s, actor, Filters())
        if reach is None:
            return {"processes": [], "agencies": [], "steps": []}
        processes = [{"key": key, "name": name} for key, name in s.execute(
            select(ProcessModel.key, ProcessModel.name).distinct()
            .where(ProcessModel.agency_id.in_(reach.agencies),
                   ProcessModel.id.in_(select(ProcessVersion.process_model_id)))
            .order_by(ProcessModel.name, ProcessModel.key))]
        agencies = [{"slug": slug, "name": name} for slug, name in s.execute(
            select(Agency.slug, Agency.name).where(Agency.id.in_(reach.agencies)).order_by(Agency.name))]
        steps = []
        if process:
            newest = s.scalar(select(ProcessVersion.id).join(ProcessModel)
                              .where(ProcessModel.key == process, ProcessModel.agency_id.in_(reach.agencies))
                              .order_by(ProcessVersion.version.desc()).limit(1))
            if newest is not None:
                catalog = version_info(s, newest).catalog["steps"]
                steps = [{"element_id": element_id, "name": step.get("name") or element_id,
                          "sop_no": step.get("no") or "", "lane": step.get("lane") or ""}
                         for element_id, step in catalog.items() if step.get("type") in ("userTask", "manualTask")]
                steps.sort(key=lambda step: sop_order(step["sop_no"]))
    return {"processes": processes, "agencies": agencies, "steps": steps}
