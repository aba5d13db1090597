"""What the XES and CSV readers of an imported event log share: the result, the refusal, the
caps, the dates and the last steps. Its own module so that both readers and the entry point
(log_import) import it without importing each other.

Dates: ISO 8601 (a date and time with or without an offset, or a date alone) and the
day-first forms of Indonesian spreadsheets: dd/mm/yyyy [hh:mm[:ss]] and dd-mm-yyyy (also with
'.' between the parts of the date or of the time: 23.11.2026 09.30). A date or time without an
offset is the agency's local time (`zone`). Events without a lifecycle transition are "complete";
only "start" and "complete" events are kept (others of the standard model, e.g. schedule or
ate_abort, are counted in a warning). Each trace's events are ordered by time, in the file's
order at equal times (a step's completion and the start of the next often share a moment).
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from ...errors import InvalidInput
from .event_log import LogEvent, LogTrace
from .xes import LIFECYCLE_STANDARD

KEPT = ("start", "complete")


@dataclass
class ImportedLog:
    traces: list[LogTrace]
    format: str                                           # "xes" | "csv"
    warnings: list[str] = field(default_factory=list)     # Indonesian
    warnings_en: list[str] = field(default_factory=list)  # the same in English
    name: str | None = None                               # XES: the log's concept:name
    events: int = 0                                       # events kept
    columns: dict = field(default_factory=dict)           # CSV: column -> the header it was read from

    def warn(self, message_id: str, message_en: str) -> None:
        self.warnings.append(message_id)
        self.warnings_en.append(message_en)


def refused(message_id: str, message_en: str, **detail) -> InvalidInput:
    return InvalidInput(f"Log ditolak: {message_id}", f"Log refused: {message_en}",
                        fields={"log": [{"id": message_id, "en": message_en}]}, **detail)


@dataclass
class Caps:
    traces: int
    events: int

    def check(self, traces: int, events: int, line: int | None) -> None:
        """Refuses a log past the caps, naming the line reached."""
        where_id, where_en = (f" (sampai baris {line})", f" (by line {line})") if line else ("", "")
        if traces > self.traces:
            raise refused(f"lebih dari {self.traces:,} kasus{where_id}; bagi log menjadi beberapa berkas.",
                          f"more than {self.traces:,} cases{where_en}; split the log into several files.")
        if events > self.events:
            raise refused(f"lebih dari {self.events:,} peristiwa{where_id}; bagi log menjadi beberapa berkas.",
                          f"more than {self.events:,} events{where_en}; split the log into several files.")


_DAY_FIRST = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})"
                        r"(?:[ T]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2})(?:[.,](\d{1,6}))?)?)?$")


def parse_moment(text: str, zone) -> datetime | None:
    """A moment in UTC from ISO 8601 or dd/mm/yyyy [hh:mm[:ss]] (see the module doc); None if neither."""
    text = (text or "").strip()
    if not text:
        return None
    moment = None
    found = _DAY_FIRST.match(text)
    try:
        if found:
            day, _, month, year, hour, minute, second, fraction = found.groups()
            micro = int((fraction or "0").ljust(6, "0"))
            moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                              int(second or 0), micro)
        elif len(text) >= 10 and text[:4].isdigit() and text[4] == "-":
            moment = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        return None
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    try:
        return moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return None


def transition_of(value: str | None) -> str:
    """An event's lifecycle transition, lower case; "complete" when there is none."""
    return (value or "complete").strip().lower() or "complete"


class Skipped:
    """Events left out, by lifecycle transition, for one warning at the end."""

    def __init__(self):
        self.count: Counter = Counter()

    def warn(self, log: ImportedLog) -> None:
        standard = {t: n for t, n in self.count.items() if t in LIFECYCLE_STANDARD}
        other = {t: n for t, n in self.count.items() if t not in LIFECYCLE_STANDARD}
        if standard:
            listed = ", ".join(f"{n} × '{t}'" for t, n in sorted(standard.items()))
            log.warn(f"Peristiwa dengan transisi lifecycle selain start/complete dilewati: {listed}.",
                     f"Events with a lifecycle transition other than start/complete were skipped: {listed}.")
        if other:
            listed = ", ".join(f"{n} × '{t[:40]}'" for t, n in sorted(other.items())[:10])
            log.warn(f"Peristiwa dengan transisi di luar model lifecycle standar XES dilewati: {listed}.",
                     f"Events with a transition outside XES's standard lifecycle model were skipped: {listed}.")


def _when(event: LogEvent) -> datetime:
    return event.at


def finish(log: ImportedLog) -> ImportedLog:
    """Refuses a log with no events; orders each trace's events by time and counts them."""
    if not log.traces:
        raise refused("log tidak memuat satu peristiwa pun.", "the log holds no events at all.")
    for trace in log.traces:
        trace.events.sort(key=_when)  # stable: the file's order at equal times
    log.events = sum(len(t.events) for t in log.traces)
    return log
