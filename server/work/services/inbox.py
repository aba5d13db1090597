"""The task inbox: open tasks most urgent first, fast for a lane with 10,000 of them among
100,000 open tasks of a million.

Three partial indexes on the open tasks (migration 0009) hold the inbox's order: due soonest (no
due time last), then waiting longest. A page walks one of them per lane and merges the walks,
so no query reads every open task of a lane and sorts it; counts stop at COUNT_CAP ("1.000+").
"""
from __future__ import annotations

from sqlalchemy import func, literal_column, or_, select, union_all

from ...errors import InvalidInput
from ...models import Agency, HumanTask, ProcessInstance, ProcessModel, ProcessVersion, User
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...kernel.versions import version_info
from ...timeplan import time_left

SCOPES = ("mine", "claimable", "team")
PAGE_MAX = 200
OFFSET_MAX = 2**31 - 1
COUNT_CAP = 1000
# 'ready' written into the statement, not bound: the open-task indexes are partial (WHERE
# state = 'ready') and a planner uses them only when it sees that literal.
OPEN = HumanTask.state == literal_column("'ready'")


def list_tasks(alur: Alur, actor: Actor, scope: str = "mine", limit: int = 50, offset: int = 0,
               process: str | None = None, search: str | None = None) -> dict:
    """A page of open tasks. `mine`: assigned to me. `claimable`: open in my lanes, claimed by
    nobody. `team`: open in my lanes and not mine (those claimed by a colleague show who has
    them). `total` counts up to COUNT_CAP; `total_capped` says there are more."""
    _check_scope(scope)
    limit, offset = _bounds(limit, offset)
    with alur.db.transaction() as s:
        total, capped = _count(s, actor, scope, process, search)
        items = _page(s, alur, actor, scope, limit, offset, process, search)
    return {"total": total, "total_capped": capped, "limit": limit, "offset": offset, "items": items}


def inbox(alur: Alur, actor: Actor, scopes: tuple[str, ...], chosen: str | None, limit: int, offset: int,
          process: str | None = None, search: str | None = None) -> dict:
    """The inbox page in one transaction: each tab's count, the page of the chosen tab (by
    default the first tab that has tasks) and the SOPs to filter by."""
    for scope in scopes:
        _check_scope(scope)
    limit, offset = _bounds(limit, offset)
    with alur.db.transaction() as s:
        counts = {scope: _count(s, actor, scope, process, search) for scope in scopes}
        if chosen not in scopes:
            chosen = next((scope for scope in scopes if counts[scope][0]), scopes[0])
        items = _page(s, alur, actor, chosen, limit, offset, process, search)
        sops = [{"key": key, "name": name} for key, name in s.execute(
            select(ProcessModel.key, ProcessModel.name).where(ProcessModel.agency_id.in_(actor.agency_ids),
                                                              # a new SOP not deployed yet has no tasks
                                                              ProcessModel.id.in_(select(ProcessVersion.process_model_id)))
            .order_by(ProcessModel.name))]
    return {"scope": chosen, "items": items, "processes": sops,
            "counts": {scope: {"total": total, "capped": capped} for scope, (total, capped) in counts.items()}}


def _bounds(limit: int, offset: int) -> tuple[int, int]:
    """A page size the server allows; an offset past any page is an empty page, not a database overflow."""
    return max(1, min(int(limit), PAGE_MAX)), max(0, min(int(offset), OFFSET_MAX))


def _check_scope(scope: str) -> None:
    if scope not in SCOPES:
        raise InvalidInput("Cakupan harus salah satu dari: mine, claimable, team.",
                           "Scope must be one of: mine, claimable, team.")


def _conditions(actor: Actor, scope: str) -> tuple[list, list]:
    """(conditions, lanes): lanes is [None] for `mine`, else the actor's lane role ids. A lane
    needs no agency condition: a role belongs to one agency and an Actor holds only roles of
    agencies it is a member of."""
    if scope == "mine":
        return [OPEN, HumanTask.assignee_id == actor.id, HumanTask.agency_id.in_(actor.agency_ids)], [None]
    unclaimed = HumanTask.assignee_id.is_(None)
    mine_not = unclaimed if scope == "claimable" else or_(unclaimed, HumanTask.assignee_id != actor.id)
    return [OPEN, mine_not], sorted(actor.role_ids)


def _filtered(query, process: str | None, search: str | None):
    if process or search:
        query = query.join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
    if process:
        query = query.join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id) \
            .join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id) \
            .where(ProcessModel.key == process)
    if search:
        query = query.where(func.lower(ProcessInstance.title).contains(search.strip().lower(), autoescape=True))
    return query


def _count(s, actor: Actor, scope: str, process, search) -> tuple[int, bool]:
    where, lanes = _conditions(actor, scope)
    if not lanes:
        return 0, False
    matching = _filtered(select(HumanTask.id).where(*where), process, search)
    if lanes != [None]:
        matching = matching.where(HumanTask.role_id.in_(lanes))
    found = s.scalar(select(func.count()).select_from(matching.limit(COUNT_CAP + 1).subquery()))
    return min(found, COUNT_CAP), found > COUNT_CAP


def _urgent(columns) -> tuple:
    """Most urgent first; the open-task indexes hold exactly this order."""
    return columns.due_at.asc().nulls_last(), columns.created_at, columns.id


def _page(s, alur: Alur, actor: Actor, scope: str, limit: int, offset: int, process, search) -> list[dict]:
    where, lanes = _conditions(actor, scope)
    if not lanes:
        return []
    # One index walk per lane, merged: `role_id IN (...)` would read every open task of the lanes.
    walks = []
    for lane in lanes:
        walk = _filtered(select(HumanTask.id, HumanTask.due_at, HumanTask.created_at).where(*where), process, search)
        if lane is not None:
            walk = walk.where(HumanTask.role_id == lane)
        walks.append(walk.order_by(*_urgent(HumanTask)).limit(offset + limit))
    if len(walks) == 1:
        page_ids = walks[0].offset(offset).with_only_columns(HumanTask.id)
    else:
        merged = union_all(*[select(walk.subquery()) for walk in walks]).subquery()
        page_ids = select(merged.c.id).order_by(*_urgent(merged.c)).limit(limit).offset(offset)
    rows = s.execute(select(HumanTask, ProcessInstance.title, ProcessInstance.version_id, User.display_name,
                            Agency.timezone, ProcessInstance.status)
                     .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                     .join(Agency, Agency.id == HumanTask.agency_id)
                     .outerjoin(User, User.id == HumanTask.assignee_id)
                     .where(HumanTask.id.in_(page_ids.scalar_subquery()))
                     .order_by(*_urgent(HumanTask))).all()
    now = alur.clock.now()
    items = []
    for task, title, version_id, assignee, tz, instance_status in rows:
        item = summary(task, title, version_info(s, version_id))
        item.update(assignee=assignee, timezone=tz, instance_status=instance_status,
                    overdue=bool(task.due_at and task.due_at <= now),
                    due_in=time_left(task.due_at, now, calendar_for(s, task.agency_id)))
        items.append(item)
    return items


def summary(task: HumanTask, title: str | None, info) -> dict:
    """A task as lists and the task page show it."""
    step = info.step(task.element_id)
    return {"id": task.id, "instance_id": task.instance_id, "instance_title": title,
            "process": info.key, "process_name": info.name, "agency": info.agency_slug,
            "element_id": task.element_id, "name": task.name, "lane": task.lane, "state": task.state,
            "sop_no": step.get("no"), "assignee_id": task.assignee_id,
            "created_at": task.created_at.isoformat(),
            "due_at": task.due_at.isoformat() if task.due_at else None}
