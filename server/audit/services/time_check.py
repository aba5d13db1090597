"""Time: each completed step of a case in working time against its Waktu.

Per completed step: how long it took (`worked_seconds`: office time on the agency's working-day
calendar from its start to its completion), and whether it was done by its due time (`on_time`
True/False; None where the step has no Waktu or its due time cannot be known) and, when late,
by how much working time (`late_seconds`). The recipe is `server/timeplan/step_time.py`, the
one the supervisors' timeline counts with.

Where the due time comes from:
- Alur's own instances: the task's `due_at`, computed from the step's Waktu when it opened
  (what the staff saw in their inbox);
- an imported log: computed here from the official version's Waktu code of the step
  (`waktu_kode`, `waktu_acuan`; server/timeplan parse_kode) on the agency's calendar, counted
  from the step's start event, or, when the log has completion events only, from the previous
  step's completion (the first step then has no start, and no due time). A Waktu relative to a
  data field (H+1 after the event's date) or chosen by one cannot be known from a log: None.

Only completed steps are judged; an open task is not (yet) late or on time for an auditor.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from ...timeplan import WorkCalendar, parse_kode
from ...timeplan.step_time import step_time
from ...timeplan.working_clock import WorkingClock

MARGIN_DAYS = 31  # built around the moments seen, so that a log's next case rarely rebuilds it


class LogClock:
    """Working seconds between moments of a whole log: a `WorkingClock` over the days seen so
    far, rebuilt wider when a case falls outside (cases arrive in batches, not sorted)."""

    def __init__(self, calendar: WorkCalendar):
        self.calendar = calendar
        self.clock: WorkingClock | None = None
        self.span: tuple[date, date] | None = None

    def _cover(self, a: date, b: date) -> None:
        if self.span and self.span[0] <= a and b <= self.span[1]:
            return
        first = min(a, self.span[0] if self.span else a) - timedelta(days=MARGIN_DAYS)
        last = max(b, self.span[1] if self.span else b) + timedelta(days=MARGIN_DAYS)
        self.clock, self.span = WorkingClock(self.calendar, first, last), (first, last)

    def seconds(self, a: datetime, b: datetime) -> float:
        low, high = (a, b) if a <= b else (b, a)
        # days compared in UTC with a day's slack each side (no zone is a day off UTC)
        if self.span is None or not (self.span[0] < low.date() and high.date() < self.span[1]):
            self._cover(low.date() - timedelta(days=1), high.date() + timedelta(days=1))
        return self.clock.seconds(a, b)


def own_steps(events, clock: LogClock) -> list[dict]:
    """The completed steps of one of Alur's own cases (events carry task ids and due times)."""
    opened: dict[int | None, datetime] = {}
    due: dict[int | None, datetime] = {}
    out = []
    for e in events:
        if e.due_at is not None:
            due[e.task_id] = e.due_at
        if e.transition == "start":
            opened[e.task_id] = e.at
        elif e.transition == "complete":
            out.append(_judged(e, e.element_id, opened.get(e.task_id), e.due_at or due.get(e.task_id), clock))
    return out


def imported_steps(events, element_of, clock: LogClock, catalog_steps: dict) -> list[dict]:
    """The completed steps of an imported case: `element_of(event)` is the task an activity
    matched (None: unmatched, not judged on time); the due time comes from the official
    version's Waktu (see the module's docstring)."""
    waiting: dict[str, list[datetime]] = {}
    completed: dict[str, datetime] = {}
    previous: datetime | None = None
    out = []
    for e in events:
        if e.transition == "start":
            waiting.setdefault(e.activity, []).append(e.at)
            continue
        if e.transition != "complete":
            continue
        starts = waiting.get(e.activity)
        started = starts.pop(0) if starts else previous
        element_id = element_of(e)
        due = e.due_at or (_due(catalog_steps.get(element_id) or {}, started, clock.calendar, completed)
                           if element_id and started is not None else None)
        out.append(_judged(e, element_id, started, due, clock))
        if element_id:
            completed[element_id] = e.at
        previous = e.at
    return out


def _due(step: dict, started: datetime, calendar: WorkCalendar, completed: dict) -> datetime | None:
    kode = (step.get("waktu_kode") or "").strip()
    if not kode:
        return None
    try:
        due = parse_kode(kode).due(started, {}, calendar, step.get("waktu_acuan") or "", completed)
    except (ValueError, TypeError):  # a Waktu that needs data the log does not carry
        return None
    return due.astimezone(timezone.utc) if due is not None else None


def _judged(event, element_id, started, due, clock: LogClock) -> dict:
    """One step's times (its SOP row and Waktu are the report's "elements")."""
    timing = step_time(started, event.at, due, clock.seconds)
    return {"element_id": element_id, "activity": event.activity, "started_at": started, "completed_at": event.at,
            "due_at": due, "resource": event.resource, **timing}
