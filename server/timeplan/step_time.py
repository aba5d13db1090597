"""A step's time against its Waktu: how long it took in working time, and whether it was done by
its due time or late by how much working time.

One recipe for every page that judges a step (the auditors' time check and the supervisors'
case timeline, `server/monitoring/services/case_view.py` `_step`): a step is late from its due moment on
(done after `due`), its lateness is the working time from the due moment to its end, and its
duration the working time from its start to its end. `seconds(a, b)` is the working-seconds
function of the agency's calendar: `WorkCalendar.working_time_between` in seconds, or the
faster `WorkingClock.seconds` when many steps are judged at once.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

Seconds = Callable[[datetime, datetime], float]


def calendar_seconds(calendar) -> Seconds:
    """`WorkCalendar.working_time_between` as a working-seconds function."""
    return lambda a, b: calendar.working_time_between(a, b).total_seconds()


def step_time(started: datetime | None, ended: datetime, due: datetime | None, seconds: Seconds) -> dict:
    """{"worked_seconds": int | None, "on_time": bool | None, "late_seconds": int | None}.

    `on_time` is None without a due time (no Waktu, or one that cannot be computed);
    `late_seconds` is None unless late; `worked_seconds` is None without a start."""
    worked = int(seconds(started, ended)) if started is not None and ended >= started else None
    if due is None:
        return {"worked_seconds": worked, "on_time": None, "late_seconds": None}
    if ended > due:
        return {"worked_seconds": worked, "on_time": False, "late_seconds": int(seconds(due, ended))}
    return {"worked_seconds": worked, "on_time": True, "late_seconds": None}


def working_words(seconds: float | None, day_seconds: float, lang: str = "id") -> str:
    """Working time for people, its two largest units: "1 hari kerja 2 jam", "45 menit"
    (English: "1 working day 2 h", "45 min"); "—" for None. The auditors' report and the
    supervisors' case timeline both say it so. (The dashboard's medians keep their own style,
    days with one decimal: `monitoring.services.dashboard.format_working`.)"""
    if seconds is None:
        return "—"
    english = lang == "en"
    seconds = max(0, int(seconds))
    days, rest = divmod(seconds, int(day_seconds)) if day_seconds and day_seconds > 0 else (0, seconds)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} working day{'s' if days != 1 else ''}" if english else f"{days} hari kerja")
    if hours:
        parts.append(f"{hours} h" if english else f"{hours} jam")
    if minutes and not days:
        parts.append(f"{minutes} min" if english else f"{minutes} menit")
    if not parts:
        return "< 1 min" if english else "< 1 menit"
    return " ".join(parts[:2])
