"""The instance list as CSV for a spreadsheet: every instance matching the list's filters, in its
order, streamed a batch at a time; UTF-8 with a byte order mark (Excel reads it as UTF-8),
headers in Indonesian, times in the agency's local time. A cell that a spreadsheet would read
as a formula (=, +, -, @) is prefixed with an apostrophe."""
from __future__ import annotations

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...timeplan import ZONE_ABBREVIATIONS
from . import listing
from .list_filters import Filters

HEADERS = ("ID", "Judul", "SOP", "Kunci SOP", "Nomor SOP", "Versi", "Instansi", "Status", "Langkah saat ini",
           "Jabatan", "Pelaksana", "Tenggat", "Lewat tenggat", "Dimulai oleh", "Dimulai", "Selesai", "Galat")
STATUS_WORDS = {"running": "berjalan", "completed": "selesai", "suspended": "ditangguhkan",
                "cancelled": "dibatalkan", "error": "galat"}
DELIMITERS = {"comma": ",", "semicolon": ";"}
BOM = "\ufeff"


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _local(value: str | None, zone: str | None) -> str:
    if not value:
        return ""
    name = zone or "Asia/Jakarta"
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(name))
    return f"{moment:%Y-%m-%d %H:%M} {ZONE_ABBREVIATIONS.get(name, name)}"


def row_of(item: dict) -> list[str]:
    current = item["current"]
    return [_safe(v) for v in (
        item["id"], item["title"], item["process_name"], item["process"], item["sop_no"], item["version"],
        item["agency"], STATUS_WORDS.get(item["status"], item["status"]),
        "; ".join(f"{c['sop_no'] or '-'}. {c['name']}" for c in current),
        "; ".join(c["lane"] or "" for c in current),
        "; ".join(c["assignee"] or "" for c in current),
        _local(item["due_at"], item["timezone"]), "ya" if item["overdue"] else "tidak",
        item["started_by"], _local(item["started_at"], item["timezone"]), _local(item["ended_at"], item["timezone"]),
        item["error"])]


def csv_chunks(alur: Alur, actor: Actor, filters: Filters, sort: str | None = None, delimiter: str = "comma"):
    """The CSV as text chunks (a generator). Checks access and the sort first, so a refusal is
    raised here, before anything is sent."""
    separator = DELIMITERS.get(delimiter, ",")
    listing.parse_sort(sort)
    listing.list_instances(alur, actor, filters, 1, 1, sort)  # 403/404 now, not in the middle of a stream

    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=separator, lineterminator="\r\n")
        buffer.write(BOM)
        writer.writerow(HEADERS)
        for n, item in enumerate(listing.iter_instances(alur, actor, filters, sort), 1):
            writer.writerow(row_of(item))
            if n % 200 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()
    return chunks()
