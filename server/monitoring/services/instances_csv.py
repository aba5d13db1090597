"""The instance list as CSV for a spreadsheet: every instance matching the list's filters, in its
order, streamed a batch at a time; headers in Indonesian, times in the agency's local time. The
file's form (UTF-8 with a byte order mark, comma or semicolon, a cell a spreadsheet would read as
a formula prefixed with an apostrophe) is kernel/csv_export.py, as the audit exports'."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ...kernel import csv_export
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...timeplan import ZONE_ABBREVIATIONS
from . import listing
from .list_filters import Filters

HEADERS = ("ID", "Judul", "SOP", "Kunci SOP", "Nomor SOP", "Versi", "Instansi", "Status", "Langkah saat ini",
           "Jabatan", "Pelaksana", "Tenggat", "Lewat tenggat", "Dimulai oleh", "Dimulai", "Selesai", "Galat")
STATUS_WORDS = {"running": "berjalan", "completed": "selesai", "suspended": "ditangguhkan",
                "cancelled": "dibatalkan", "error": "galat"}


def _local(value: str | None, zone: str | None) -> str:
    if not value:
        return ""
    name = zone or "Asia/Jakarta"
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(name))
    return f"{moment:%Y-%m-%d %H:%M} {ZONE_ABBREVIATIONS.get(name, name)}"


def row_of(item: dict) -> list[str]:
    current = item["current"]
    return [csv_export.safe_cell(v) for v in (
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
    separator = csv_export.delimiter_of(delimiter) or ","
    listing.parse_sort(sort)
    listing.list_instances(alur, actor, filters, 1, 1, sort)  # 403/404 now, not in the middle of a stream
    rows = (row_of(item) for item in listing.iter_instances(alur, actor, filters, sort))
    return csv_export.csv_chunks(HEADERS, rows, delimiter=separator)
