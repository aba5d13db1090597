"""The dashboard of one SOP for its Pengawas (read-only for its Auditor): how many cases start,
finish and run per week, how long they take in working days, how each step keeps its Waktu,
who and which lane is late now, and the heatmap marks for the diagram of the active version.

Every number is computed on request from the rows the engine-step unit commits (stats.py for the
per-element figures); `etag` is a digest of the numbers, so a page polling them gets 304 until
one changes. Durations are working time on the agency's calendar, as the SOP's Waktu counts.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, func, or_, select

from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.agency_sops import agencies_and_sops
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...kernel.stepping import ENDED
from ...models import HumanTask, ProcessInstance, ProcessVersion, User
from ...sop.ordering import sop_order
from .fingerprint import etag_of
from .stats import Sop, TaskScope, figures, find_sop, task_scope
from ...timeplan.working_clock import WorkingClock
from .quantiles import percentile

TASKS = HumanTask.__table__
INSTANCES = ProcessInstance.__table__
WEEKS_MAX = 52

# The heatmap's fills by delay (a step's share on time, the ones late now counted as late).
GREEN, AMBER, RED, GREY = "#bbf7d0", "#fde68a", "#fecaca", "#e5e7eb"
ON_TIME_GOOD, ON_TIME_FAIR = 0.9, 0.7


def dashboard(alur: Alur, actor: Actor, key: str, agency: str | None = None, weeks: int = 12,
              lang: str = "id") -> dict:
    """{"sop", "as_of", "weeks", "tiles", "steps", "overdue_by_lane", "overdue_by_person",
    "marks", "xml", "etag"}: see the module's docstring; `weeks` of the agency (Monday first),
    the current one last."""
    weeks = max(1, min(int(weeks), WEEKS_MAX))
    now = alur.clock.now()
    with alur.db.transaction() as s:
        sop = find_sop(s, actor, key, agency)
        calendar = calendar_for(s, sop.agency_id)
        starts = _week_starts(calendar, now, weeks)
        since = starts[0]
        clock = WorkingClock(calendar, calendar.local(since).date() - timedelta(days=400),
                             calendar.local(now).date() + timedelta(days=1))
        per_week = _weeks(s, sop, starts, now)
        counts = _statuses(s, sop)
        lead = _lead_times(s, sop, since, now, clock)
        scope = task_scope(s, sop)  # its two catalog walks and one query, once for the three below
        elements = figures(s, sop, now, since, None, open_in_window=False, scope=scope)
        waits = _waiting_times(s, scope, since, now, clock)
        active = _active_version(s, sop)
        by_lane, by_person = _overdue_by(s, scope, now)
    steps = _steps(active["catalog"], elements, waits, clock.day_seconds)
    tiles = {"running": counts["running"] + counts["suspended"] + counts["error"], **counts,
             "started_week": per_week[-1]["started"], "completed_week": per_week[-1]["completed"],
             "overdue": sum(e["overdue"] for e in elements.values()), **lead}
    numbers = {"tiles": tiles, "weeks": per_week, "steps": steps, "overdue_by_lane": by_lane,
               "overdue_by_person": by_person}
    marks = heat_marks(elements, waits, active["catalog"], clock.day_seconds, lang)
    return {"sop": {"key": sop.key, "name": sop.name, "agency": sop.agency, "agency_name": sop.agency_name,
                    "timezone": sop.timezone, "version": active["version"],
                    "nomor": active["catalog"].get("identity", {}).get("sop.nomor", "")},
            "as_of": now.isoformat(), "since": since.isoformat(), "day_seconds": clock.day_seconds, **numbers, "marks": marks, "xml": active["xml"],
            "etag": etag_of({**numbers, "marks": marks, "version": active["version"]})}


# --- weeks -------------------------------------------------------------------------------------

def _week_starts(calendar, now: datetime, weeks: int) -> list[datetime]:
    """The Mondays 00:00 (the agency's zone) of the last `weeks` weeks, the current one last."""
    today = calendar.local(now).date()
    monday = today - timedelta(days=today.weekday())
    return [datetime.combine(monday - timedelta(weeks=weeks - 1 - i), datetime.min.time(), tzinfo=calendar.zone)
            for i in range(weeks)]


def _weeks(db, sop: Sop, starts: list[datetime], now: datetime) -> list[dict]:
    """Per week: started, completed, and running at its end (now, for the current week): one
    scan of the SOP's instances that overlap the weeks."""
    i = INSTANCES
    columns = []
    bounds = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else start + timedelta(weeks=1)
        # running at the week's end; in the current week now, a case started this very moment included
        begun = i.c.started_at < end if end <= now else i.c.started_at <= now
        cut = min(end, now)
        bounds.append((start, end))
        columns += [
            func.sum(case((and_(i.c.started_at >= start, i.c.started_at < end), 1), else_=0)),
            func.sum(case((and_(i.c.status == "completed", i.c.ended_at >= start, i.c.ended_at < end), 1), else_=0)),
            func.sum(case((and_(begun, or_(i.c.ended_at.is_(None), i.c.ended_at > cut if end > now
                                           else i.c.ended_at >= cut)), 1), else_=0))]
    row = db.execute(select(*columns).where(i.c.version_id.in_(sop.version_ids or (-1,)), i.c.started_at <= now,
                                            or_(i.c.ended_at.is_(None), i.c.ended_at >= starts[0]))).one()
    out = []
    for n, (start, end) in enumerate(bounds):
        started, completed, running = (int(x or 0) for x in row[3 * n:3 * n + 3])
        out.append({"start": start.date().isoformat(), "end": (end - timedelta(days=1)).date().isoformat(),
                    "started": started, "completed": completed, "running": running})
    return out


def _statuses(db, sop: Sop) -> dict:
    """Instances now by status: running, suspended, error, completed, cancelled."""
    rows = db.execute(select(INSTANCES.c.status, func.count()).where(INSTANCES.c.version_id.in_(sop.version_ids or (-1,)))
                      .group_by(INSTANCES.c.status)).all()
    found = dict(rows)
    return {status: int(found.get(status, 0)) for status in ("running", "suspended", "error", "completed", "cancelled")}


# --- durations ---------------------------------------------------------------------------------

def _lead_times(db, sop: Sop, since: datetime, now: datetime, clock: WorkingClock) -> dict:
    """Median and p90 lead time in working days of the instances completed since `since`."""
    rows = db.execute(select(INSTANCES.c.started_at, INSTANCES.c.ended_at)
                      .where(INSTANCES.c.version_id.in_(sop.version_ids or (-1,)), INSTANCES.c.status == "completed",
                             INSTANCES.c.ended_at >= since, INSTANCES.c.ended_at <= now)).all()
    days = [clock.seconds(r.started_at, r.ended_at) / clock.day_seconds for r in rows]
    median, p90 = percentile(days, 0.5), percentile(days, 0.9)
    return {"lead_count": len(days), "lead_median_days": round(median, 2) if median is not None else None,
            "lead_p90_days": round(p90, 2) if p90 is not None else None}


def _waiting_times(db, scope: TaskScope, since: datetime, now: datetime, clock: WorkingClock) -> dict[str, float]:
    """Element id -> median working seconds from a task's creation to its completion, of the
    tasks completed since `since`."""
    rows = db.execute(select(TASKS.c.element_id, TASKS.c.created_at, TASKS.c.completed_at)
                      .select_from(scope.source)
                      .where(*scope.conditions, TASKS.c.state == "completed",
                             TASKS.c.completed_at >= since, TASKS.c.completed_at <= now)).all()
    by_element: dict[str, list[float]] = {}
    for r in rows:
        by_element.setdefault(r.element_id, []).append(clock.seconds(r.created_at, r.completed_at))
    return {element_id: percentile(values, 0.5) for element_id, values in by_element.items()}


# --- who is late now ---------------------------------------------------------------------------

def _overdue_by(db, scope: TaskScope, now: datetime) -> tuple[list[dict], list[dict]]:
    """Open tasks past their due time, counted by lane and by person (the assignee, or nobody
    yet: the lane has not taken it)."""
    late = and_(*scope.conditions, TASKS.c.state == "ready", TASKS.c.due_at <= now)
    joined = scope.source
    lanes = db.execute(select(TASKS.c.lane, func.count()).select_from(joined).where(late)
                       .group_by(TASKS.c.lane).order_by(func.count().desc(), TASKS.c.lane)).all()
    people = db.execute(select(User.username, User.display_name, func.count())
                        .select_from(joined.outerjoin(User, User.id == TASKS.c.assignee_id)).where(late)
                        .group_by(User.username, User.display_name)
                        .order_by(func.count().desc(), User.display_name)).all()
    return ([{"lane": lane or "", "count": int(n)} for lane, n in lanes],
            [{"username": username, "name": name, "count": int(n)} for username, name, n in people])


# --- steps and the heatmap ---------------------------------------------------------------------

def _active_version(db, sop: Sop) -> dict:
    version_id = sop.active_version_id or (sop.version_ids[0] if sop.version_ids else None)
    if version_id is None:
        return {"version": None, "catalog": {}, "xml": ""}
    row = db.execute(select(ProcessVersion.version, ProcessVersion.catalog, ProcessVersion.bpmn_xml)
                     .where(ProcessVersion.id == version_id)).one()
    return {"version": row.version, "catalog": row.catalog or {}, "xml": row.bpmn_xml}


def _steps(catalog: dict, elements: dict, waits: dict, day_seconds: float) -> list[dict]:
    """The active version's SOP rows in the order of their No, each with its figures."""
    rows = []
    for element_id, step in (catalog.get("steps") or {}).items():
        found = elements.get(element_id, {})
        wait = waits.get(element_id)
        rows.append({"element_id": element_id, "no": step.get("no") or "", "name": step.get("name") or element_id,
                     "lane": step.get("lane") or "", "waktu": step.get("waktu") or "",
                     "passed": found.get("passed", 0), "active": found.get("active", 0),
                     "overdue": found.get("overdue", 0), "on_time_ratio": found.get("on_time_ratio"),
                     "median_wait_seconds": round(wait, 1) if wait is not None else None,
                     "median_wait_days": round(wait / day_seconds, 2) if wait is not None else None,
                     "fill": _fill(found)})
    return sorted(rows, key=lambda row: sop_order(row["no"]))  # stable: document order among equals


def _fill(found: dict | None) -> str:
    """Green, amber or red by the share on time, the tasks late now counted as late; grey when
    there is nothing to judge yet."""
    judged = (found or {}).get("judged", 0) + (found or {}).get("overdue", 0)
    if not judged:
        return GREY
    share = found.get("on_time", 0) / judged
    return GREEN if share >= ON_TIME_GOOD else AMBER if share >= ON_TIME_FAIR else RED


def heat_marks(elements: dict, waits: dict, catalog: dict, day_seconds: float, lang: str) -> dict:
    """The marked-diagram contract: element id -> classes, badge (passed), title, fill, href
    (None here: the page adds the link to the instance list filtered by the element)."""
    steps = catalog.get("steps") or {}
    marks = {}
    for element_id in set(elements) | set(steps):
        found = elements.get(element_id)
        is_task = element_id in steps or (found or {}).get("kind") == "task"
        classes = ["heat"]
        if found and found.get("active"):
            classes.append("active")
        if found and found.get("overdue"):
            classes.append("overdue")
        marks[element_id] = {"classes": classes, "badge": str(found["passed"]) if found else None,
                             "title": _title(found, waits.get(element_id), is_task, day_seconds, lang),
                             "fill": _fill(found) if is_task else None, "href": None}
    return marks


def _title(found, wait, is_task: bool, day_seconds: float, lang: str) -> str:
    english = lang == "en"
    if not found:
        return "No case has reached this step yet" if english else "Belum ada kasus yang sampai di langkah ini"
    passed = found["passed"]
    parts = [f"{passed} passed" if english else f"{passed} dilalui"]
    if is_task:
        parts.append(("median " if english else "median ") + (format_working(wait, day_seconds, lang) if wait is not None
                                                             else "—"))
        ratio = found.get("on_time_ratio")
        shown = "—" if ratio is None else f"{round(ratio * 100)}%"
        parts.append(f"{shown} on time" if english else f"{shown} tepat waktu")
        parts.append(f"{found['overdue']} late now" if english else f"{found['overdue']} terlambat sekarang")
    return " · ".join(parts)


def format_working(seconds: float | None, day_seconds: float, lang: str) -> str:
    """Working time for people: minutes, hours and minutes, or working days (one decimal)."""
    english = lang == "en"
    if seconds is None:
        return "—"
    seconds = max(0.0, seconds)
    if seconds >= day_seconds:
        days = f"{seconds / day_seconds:.1f}"
        return f"{days} working days" if english else f"{days.replace('.', ',')} hari kerja"
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    if english:
        return f"{hours} h {minutes} min" if hours else f"{minutes} min"
    return f"{hours} jam {minutes} menit" if hours else f"{minutes} menit"


# --- the index of SOPs ---------------------------------------------------------------------------

def overview(alur: Alur, actor: Actor) -> list[dict]:
    """The SOPs of every agency the actor monitors (Pengawas or Auditor), each with running,
    overdue now and completed this week (the agency's week): three GROUP BYs in all."""
    watched = access.require_somewhere(actor, "agency.monitor")
    now = alur.clock.now()
    model_of = ProcessVersion.process_model_id
    with alur.db.transaction() as s:
        agencies, models = agencies_and_sops(s, watched)
        week_start = {a.id: _week_starts(calendar_for(s, a.id), now, 1)[0] for a in agencies}
        joined = INSTANCES.join(ProcessVersion, ProcessVersion.id == INSTANCES.c.version_id)
        running = dict(s.execute(select(model_of, func.count()).select_from(joined)
                                 .where(INSTANCES.c.agency_id.in_(watched), INSTANCES.c.status.not_in(ENDED))
                                 .group_by(model_of)).all())
        earliest = min(week_start.values(), default=now)
        done = s.execute(select(model_of, INSTANCES.c.agency_id, INSTANCES.c.ended_at).select_from(joined)
                         .where(INSTANCES.c.agency_id.in_(watched), INSTANCES.c.status == "completed",
                                INSTANCES.c.ended_at >= earliest)).all()
        overdue = dict(s.execute(select(model_of, func.count())
                                 .select_from(TASKS.join(INSTANCES, INSTANCES.c.id == TASKS.c.instance_id)
                                              .join(ProcessVersion, ProcessVersion.id == INSTANCES.c.version_id))
                                 .where(TASKS.c.agency_id.in_(watched), TASKS.c.state == "ready",
                                        TASKS.c.due_at <= now).group_by(model_of)).all())
    completed: dict[int, int] = {}
    for model_id, agency_id, ended_at in done:
        if ended_at >= week_start[agency_id]:
            completed[model_id] = completed.get(model_id, 0) + 1
    out = []
    for a in agencies:
        sops = [{"key": m.key, "name": m.name, "running": int(running.get(m.id, 0)),
                 "overdue": int(overdue.get(m.id, 0)), "completed_week": completed.get(m.id, 0)}
                for m in models if m.agency_id == a.id]
        out.append({"slug": a.slug, "name": a.name, "week_start": week_start[a.id].date().isoformat(), "sops": sops})
    return out
