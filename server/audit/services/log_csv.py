"""Event logs as CSV: one line per event, streamed, for a spreadsheet or a process-mining tool.

Columns: case, activity, timestamp, resource, role (the names process-mining tools map by
default), then lifecycle (start|complete), row (the SOP row number), waktu (the SOP's Waktu),
element (the diagram's task id) and state (the task row's state: ready, completed, cancelled).
Timestamps are ISO 8601 with milliseconds and the offset of `tz` (the agency's zone), so a
reader needs no guess about the zone; Alur's import reads them back. UTF-8 with a byte order
mark (Excel then reads it as UTF-8), ',' or ';' between fields (Excel with Indonesian regional
settings expects ';'), a cell a spreadsheet would read as a formula (=, +, -, @) with a leading
apostrophe, which the import takes off again: kernel/csv_export.py, as the instance list's CSV.
"""
from __future__ import annotations

from datetime import timezone
from typing import IO, Iterable, Iterator
from zoneinfo import ZoneInfo

from ...kernel import csv_export
from .event_log import LogTrace
from .xes import xs_datetime

COLUMNS = ("case", "activity", "timestamp", "resource", "role", "lifecycle", "row", "waktu", "element", "state")
FLUSH_EVERY = 200  # traces per chunk


def csv_chunks(traces: Iterable[LogTrace], *, tz: str | None = None, sep: str | None = "comma",
               every: int = FLUSH_EVERY) -> Iterator[str]:
    """The CSV as text chunks (a generator): the byte order mark and header, then a chunk every
    `every` traces; `sep` "comma" or "semicolon" (anything else: comma)."""
    zone = ZoneInfo(tz) if tz else timezone.utc
    cell = csv_export.safe_cell

    def rows(trace: LogTrace):
        case = cell(trace.case)
        return ((case, cell(e.activity), xs_datetime(e.at, zone), cell(e.resource), cell(e.role),
                 e.transition, cell(e.row), cell(e.waktu), cell(e.element_id), e.task_state or "")
                for e in trace.events)
    return csv_export.csv_chunks(COLUMNS, traces, delimiter=csv_export.delimiter_of(sep) or ",", every=every, rows_of=rows)


def write_csv(traces: Iterable[LogTrace], out: IO[str], **options) -> None:
    """The CSV written to a text file-like object (see `csv_chunks` for the options)."""
    for chunk in csv_chunks(traces, **options):
        out.write(chunk)
