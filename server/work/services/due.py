"""The SOP rule that set a task's due time, for people to read beside the date (how far the
due time is: timeplan `time_left`). The words are the pages' (server/web/dates.py `due_rule`).
"""
from __future__ import annotations

from ...timeplan import Conditional, WorkCalendar, parse_kode, reference_date


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
