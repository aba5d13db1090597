"""How far a due time is, and the SOP rule that set it, for people to read beside the date.

Counted as the office counts it: across days, in working days of the agency's calendar (a
weekend or a holiday between now and the due time is no time to work); within a day, in hours
and minutes. The words are the pages' (server/web/dates.py `relative`, `due_rule`).
"""
from __future__ import annotations

from datetime import datetime

from ...timeplan import Conditional, WorkCalendar, parse_kode, reference_date


def time_left(due: datetime | None, now: datetime, calendar: WorkCalendar) -> dict | None:
    """{"late": bool, "working_days": n} when working days lie between now and the due time,
    else {"late": bool, "minutes": n} (at least 1); None without a due time. A task is late from
    its due moment on, as the inbox's overdue mark says."""
    if due is None:
        return None
    late = due <= now
    earlier, later = (due, now) if late else (now, due)
    days = calendar.working_days_between(earlier, later)
    if days > 0:
        return {"late": late, "working_days": days}
    return {"late": late, "minutes": max(1, int((later - earlier).total_seconds() // 60))}


def due_rule(step: dict, calendar: WorkCalendar, data: dict, completed_at: dict, labels: dict) -> dict | None:
    """The SOP row's Waktu that set a task's due time: its words, the kode that applied (a
    conditional's branch), and for H±n codes the date it counts from with that date's label.

    `data`: what the instance knows (the request first); `completed_at`: element id -> when its
    latest pass was completed; `labels`: field or element id -> how to call it."""
    words, kode = step.get("waktu") or "", step.get("waktu_kode") or ""
    if not kode:
        return {"waktu": words, "kode": "", "acuan": "", "acuan_label": "", "acuan_date": None} if words else None
    standard = parse_kode(kode)
    if isinstance(standard, Conditional):
        standard = standard.branch(data) or standard
    acuan = step.get("waktu_acuan") or ""
    day = None
    if standard.needs_acuan and acuan:
        day = reference_date(acuan, data, completed_at, calendar)
    key = acuan.split(":", 1)[1] if acuan.startswith("selesai:") else acuan
    return {"waktu": words, "kode": standard.kode, "acuan": acuan if standard.needs_acuan else "",
            "acuan_label": labels.get(key, key.replace("_", " ")) if standard.needs_acuan else "",
            "acuan_date": day.isoformat() if day else None}
