"""Time standards of SOP rows and the working-day calendars they are counted on.

Pure domain code (no Flask, database or engine), so the engine's timers, the services and the
views all compute the same due dates. Rules: docs/time-standards.md.
"""
from .calendar import (ZONE_ABBREVIATIONS, NationalDay, WorkCalendar, national_days_off, time_left)
from .standards import (Conditional, Duration, Recurrence, Relative, TimeStandard, add_months,
                        check, check_acuan, due_iso, next_occurrence_iso, parse_clauses,
                        parse_kode, parse_words, reference_date)

__all__ = [
    "ZONE_ABBREVIATIONS", "NationalDay", "WorkCalendar", "national_days_off",
    "Conditional", "Duration", "Recurrence", "Relative", "TimeStandard", "add_months", "check",
    "check_acuan", "due_iso", "next_occurrence_iso", "parse_clauses", "parse_kode", "parse_words",
    "reference_date", "time_left",
]
