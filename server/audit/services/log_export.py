"""One SOP's event log as a download: XES or CSV of Alur's own instances, its file name, and the
chunks to stream. Everything is checked when `download` returns (403, 404, 422), before the
first byte is sent; the rows are read as the chunks are taken."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from ...errors import InvalidInput
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.csv_export import delimiter_of
from ...timeplan.local_days import local_today
from . import event_log, log_csv, xes

FORMATS = {"xes": ("xes", "application/xml; charset=utf-8"), "csv": ("csv", "text/csv; charset=utf-8")}
# What every event and every trace of Alur's own log carries (the columns are NOT NULL), so the
# XES declares them global.
OWN_EVENT_GLOBALS = ("element_id", "task_id", "task_state")
OWN_TRACE_GLOBALS = ("instance_id", "title", "status", "version", "started_at")


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    chunks: Iterator          # bytes (XES) or text (CSV)
    scope: event_log.LogScope


def filename(chosen: event_log.LogScope, today, ext: str) -> str:
    """<agency>-<key>-v<version|semua>-<from|awal>-<to|today>.<ext>, safe in a header."""
    parts = (chosen.agency, chosen.key, f"v{chosen.version or 'semua'}",
             (chosen.date_from or "awal"), (chosen.date_to or today))
    name = "-".join(str(p) for p in parts)
    return re.sub(r"[^A-Za-z0-9._\-]", "_", name) + "." + ext


def download(alur: Alur, actor: Actor, key: str, fmt: str, *, agency: str | None = None, version=None,
             date_from=None, date_to=None, sep: str | None = None) -> Download:
    """The log of SOP `key` as `fmt` ("xes" or "csv"; `sep` for CSV: comma or semicolon)."""
    chosen = event_log.scope(alur, actor, key, agency=agency, version=version, date_from=date_from,
                             date_to=date_to)
    if fmt not in FORMATS:
        raise InvalidInput("Format harus xes atau csv.", "The format must be xes or csv.",
                           fields={"format": [{"id": "Pilih XES atau CSV.", "en": "Choose XES or CSV."}]})
    if sep is not None and delimiter_of(sep) is None:
        raise InvalidInput("Pemisah CSV harus koma (,) atau titik koma (;).",
                           "The CSV separator must be a comma (,) or a semicolon (;).",
                           fields={"sep": [{"id": "Pilih , atau ;.", "en": "Choose , or ;."}]})
    now = alur.clock.now()
    today = local_today(now, chosen.timezone).isoformat()
    traces = event_log.traces(alur, chosen)
    ext, content_type = FORMATS[fmt]
    if fmt == "xes":
        about = {"process": chosen.key, "agency": chosen.agency, "version": chosen.version or "semua",
                 "from": chosen.date_from, "to": chosen.date_to, "exported_at": now}
        chunks = xes.xes_chunks(traces, log_name=chosen.name, tz=chosen.timezone, log_attributes=about,
                                event_globals=OWN_EVENT_GLOBALS, trace_globals=OWN_TRACE_GLOBALS)
    else:
        chunks = log_csv.csv_chunks(traces, tz=chosen.timezone, sep=sep)
    return Download(filename(chosen, today, ext), content_type, chunks, chosen)
