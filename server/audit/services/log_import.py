"""Event logs brought from outside (an agency's record of manual executions, another tool's
export) read into traces, for the conformance report. A pure function: nothing is stored.

This module is the entry point, read_log: it applies the size caps (a .gz is decompressed
first, never past the cap: a gzip bomb stops there), refuses other kinds of files, and hands the
bytes to the reader of their format:
- XES (.xes, .xes.gz, or any file whose content is XML): xes_import;
- CSV (.csv, .txt, .tsv, or any other text): csv_import.
What both readers share (ImportedLog, refused, the caps check, dates) is in log_reading.

Caps: MAX_BYTES (the file, and a .gz decompressed), MAX_TRACES cases, MAX_EVENTS events.

Every refusal is an InvalidInput in Indonesian and English naming what is wrong, with the line
(XML) or row (CSV) where there is one. Alur's own ids in an Alur export (alur_instance,
alur_task, alur_user) are not taken as ids: a file is not trusted to point at Alur's rows.
"""
from __future__ import annotations

import zlib
from zoneinfo import ZoneInfo

from ...timeplan.local_days import DEFAULT_ZONE
from .csv_import import ALIASES, REQUIRED, read_csv
from .log_reading import KEPT, Caps, ImportedLog, parse_moment, refused
from .xes_import import read_xes

__all__ = ["ALIASES", "DEFAULT_ZONE", "KEPT", "MAX_BYTES", "MAX_EVENTS", "MAX_TRACES", "REQUIRED", "ImportedLog",
           "parse_moment", "read_log", "refused"]

MiB = 1024 * 1024
MAX_BYTES = 100 * MiB       # the file, and a .gz once decompressed (Alur's own 10,000-case XES is ~72 MB)
MAX_TRACES = 50_000
MAX_EVENTS = 300_000


def read_log(filename: str, data: bytes, *, tz: str = DEFAULT_ZONE, max_bytes: int = MAX_BYTES,
             max_traces: int = MAX_TRACES, max_events: int = MAX_EVENTS) -> ImportedLog:
    """The traces of an uploaded XES or CSV log; raises InvalidInput on any bad file."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise TypeError("read_log expects bytes")
    name = (filename or "").strip().lower()
    caps = Caps(max_traces, max_events)
    if len(data) > max_bytes:
        raise refused(f"berkas {_mb(len(data))} melebihi batas {_mb(max_bytes)}.",
                      f"the file is {_mb(len(data))}, over the limit of {_mb(max_bytes)}.")
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
        name = name.removesuffix(".gz")
    elif name.endswith(".gz"):
        raise refused("berkas .gz ini bukan gzip yang sah.", "this .gz file is not valid gzip.")
    if not data.strip():
        raise refused("berkas kosong.", "the file is empty.")
    _refuse_other_formats(data)
    zone = _zone(tz)
    if _looks_like_xml(data):
        return read_xes(data, zone, caps)
    if name.endswith((".xes", ".xml")):
        raise refused("berkas XES harus XML, tetapi isinya bukan XML.",
                      "an XES file must be XML, but this file's content is not XML.")
    return read_csv(data, zone, caps)


def _looks_like_xml(data: bytes) -> bool:
    """Markup first (after a byte order mark and blanks), in UTF-8 or UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data[:64].decode("utf-16", "replace").lstrip("\ufeff \t\r\n")[:1] == "<"
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _mb(size: int) -> str:
    return f"{size / MiB:.1f} MB"


def _zone(tz: str | None):
    try:
        return ZoneInfo(tz or DEFAULT_ZONE)
    except (KeyError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def _gunzip(data: bytes, limit: int) -> bytes:
    """The decompressed bytes, never more than `limit` held (a gzip bomb stops there)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise refused("berkas gzip rusak.", "the gzip file is damaged.") from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise refused(f"isi berkas gzip melebihi batas {_mb(limit)} setelah diekstrak.",
                      f"the gzip file's content is over the limit of {_mb(limit)} once decompressed.")
    if not inflater.eof:
        raise refused("berkas gzip terpotong.", "the gzip file is truncated.")
    return out


_SIGNATURES = ((b"PK\x03\x04", "buku kerja Excel/ZIP; simpan sebagai CSV",
                "an Excel workbook or ZIP file; save it as CSV"),
               (b"\xd0\xcf\x11\xe0", "buku kerja Excel lama (.xls); simpan sebagai CSV",
                "an old Excel workbook (.xls); save it as CSV"),
               (b"%PDF", "dokumen PDF", "a PDF document"))


def _refuse_other_formats(data: bytes) -> None:
    for magic, what_id, what_en in _SIGNATURES:
        if data.startswith(magic):
            raise refused(f"berkas ini {what_id}, bukan log XES atau CSV.",
                          f"this file is {what_en}, not an XES or CSV log.")
