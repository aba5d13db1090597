"""The CSV reader of an imported event log (see log_import for the entry point).

Columns case, activity and timestamp required; resource, role, lifecycle, row (SOP row number),
waktu, start timestamp optional. Header names are matched whatever their case, spaces, '_', '-'
or '.', with Indonesian and common aliases (ALIASES); a "waktu" column is the SOP's Waktu text
beside a timestamp column, and the timestamp when there is none. The delimiter is the header
line's most frequent of ',', ';' and tab (or Excel's "sep=;" first line). Text is UTF-8 (with or
without a byte order mark), UTF-16 with its mark (Excel's "Unicode text"), else read as
Windows-1252 (with a warning). A leading apostrophe before =, +, - or @ (the guard of Alur's own
CSV) is taken off.
"""
from __future__ import annotations

import csv
import io
import re
import sys
from datetime import datetime

from .event_log import LogEvent, LogTrace
from .log_reading import KEPT, Caps, ImportedLog, Skipped, finish, parse_moment, refused, transition_of

# A column -> the header names it is read from, normalised (see `_norm`): lower case, without
# spaces, '_', '-' and '.'.
ALIASES = {
    "case": ("case", "caseid", "case:concept:name", "kasus", "nokasus", "idkasus", "nomorkasus", "casenumber",
             "instance", "instans"),
    "activity": ("activity", "activityname", "concept:name", "kegiatan", "namakegiatan", "aktivitas", "langkah",
                 "task", "tugas"),
    "timestamp": ("timestamp", "time:timestamp", "time", "datetime", "date", "completetimestamp", "endtimestamp",
                  "endtime", "waktuselesai", "tanggal", "tanggalwaktu", "selesai"),
    "resource": ("resource", "org:resource", "pelaksana", "user", "pengguna", "petugas", "oleh"),
    "role": ("role", "org:role", "jabatan", "peran", "lane"),
    "lifecycle": ("lifecycle", "lifecycle:transition", "transition", "transisi"),
    "start": ("starttimestamp", "starttime", "waktumulai", "tanggalmulai", "mulai"),
    "row": ("row", "soprow", "nosop", "nolangkah", "alurrow"),
    "waktu": ("waktu", "sopwaktu", "alurwaktu"),
    "element": ("element", "elementid", "alurelement"),
    "state": ("state", "alurstate"),
}
REQUIRED = ("case", "activity", "timestamp")
_BY_ALIAS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
DELIMITERS = (",", ";", "\t")
_FORMULA = ("'=", "'+", "'-", "'@")


def _norm(header: str) -> str:
    return re.sub(r"[\s_\-.]+", "", (header or "").strip().strip('"').lower())


def _decode(data: bytes, log: ImportedLog) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise refused("berkas bukan teks UTF-16 yang sah.", "the file is not valid UTF-16 text.") from None
    if b"\x00" in data:
        raise refused("berkas bukan teks (berisi byte biner); unggah CSV atau XES.",
                      "the file is not text (it holds binary bytes); upload a CSV or XES file.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise refused("berkas bukan teks UTF-8 maupun Windows-1252; simpan sebagai CSV UTF-8.",
                      "the file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8.") from None
    log.warn("Berkas bukan UTF-8; dibaca sebagai Windows-1252.", "The file is not UTF-8; it was read as Windows-1252.")
    return text


def _clean(value: str) -> str:
    value = value.strip()
    return value[1:] if value.startswith(_FORMULA) else value


_NEWLINE = re.compile(r"\r\n|\r|\n")


def _header_start(text: str) -> tuple[int, int, str | None]:
    """(offset of the header line, lines before it, the delimiter an Excel "sep=;" line names)."""
    position, before, hint = 0, 0, None
    while position < len(text):
        newline = _NEWLINE.search(text, position)
        end, after = (newline.start(), newline.end()) if newline else (len(text), len(text))
        line = text[position:end]
        named = re.match(r"^\s*sep=(.)\s*$", line) if hint is None else None
        if named:
            hint = named.group(1)
        elif line.strip():
            return position, before, hint
        position, before = after, before + 1
    raise refused("berkas kosong.", "the file is empty.")


def read_csv(data: bytes, zone, caps: Caps) -> ImportedLog:
    log = ImportedLog([], "csv")
    text = _decode(data, log)
    if "\x00" in text or sum(1 for c in text[:4096] if ord(c) < 32 and c not in "\t\r\n") > 8:
        raise refused("berkas bukan teks (berisi karakter kendali); unggah CSV atau XES.",
                      "the file is not text (it holds control characters); upload a CSV or XES file.")
    offset, before, delimiter = _header_start(text)
    if delimiter is None:
        newline = _NEWLINE.search(text, offset)
        header_line = text[offset:newline.start() if newline else len(text)]
        delimiter = max(DELIMITERS, key=header_line.count)
    reader = csv.reader(io.StringIO(text[offset:], newline=""), delimiter=delimiter)
    traces: dict[str, list[LogEvent]] = {}
    skipped, n_events = Skipped(), 0
    try:
        header = next(reader)
        columns = _columns(header, log)
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            line = reader.line_num + before
            for case, event in _row_events(record, columns, line, zone, skipped):
                n_events += 1
                events = traces.get(case)
                if events is None:
                    events = traces[case] = []
                caps.check(len(traces), n_events, line)
                events.append(event)
    except csv.Error as exc:
        line = reader.line_num + before
        raise refused(f"CSV tidak sah pada baris {line}: {exc}", f"invalid CSV on row {line}: {exc}",
                      line=line) from None
    skipped.warn(log)
    log.traces = [LogTrace(case, events) for case, events in traces.items()]
    log.columns = {column: header[index].strip() for column, index in columns.items()}
    return finish(log)


def _columns(header: list[str], log: ImportedLog) -> dict[str, int]:
    """Column -> its index in the header; refuses missing required columns and duplicates."""
    found: dict[str, int] = {}
    unknown = []
    for index, name in enumerate(header):
        column = _BY_ALIAS.get(_norm(name))
        if column is None:
            if name.strip():
                unknown.append(name.strip())
            continue
        if column in found:
            first = header[found[column]].strip()
            raise refused(f"kolom '{first}' dan '{name.strip()}' sama-sama dibaca sebagai {column}; "
                          "hapus atau ganti nama salah satunya.",
                          f"the columns '{first}' and '{name.strip()}' are both read as {column}; remove or "
                          "rename one of them.")
        found[column] = index
    if "timestamp" not in found and "waktu" in found:  # "Waktu" with no other time: when it was done
        found["timestamp"] = found.pop("waktu")
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        shown = ", ".join(h.strip() for h in header if h.strip())[:300] or "-"
        wanted = "; ".join(f"{c}: {', '.join(ALIASES[c][:6])}" for c in missing)
        raise refused(f"kolom wajib tidak ada: {', '.join(missing)} (nama yang diterima: {wanted}). "
                      f"Baris judul berkas: {shown}.",
                      f"required column(s) missing: {', '.join(missing)} (accepted names: {wanted}). "
                      f"The file's header: {shown}.", missing=missing)
    if unknown:
        listed = ", ".join(unknown)[:300]
        log.warn(f"Kolom yang tidak dikenal diabaikan: {listed}.", f"Unknown columns were ignored: {listed}.")
    return found


def _row_events(record: list[str], columns: dict[str, int], line: int, zone, skipped: Skipped):
    def cell(column: str) -> str:
        index = columns.get(column)
        return _clean(record[index]) if index is not None and index < len(record) else ""

    case, activity, stamp = cell("case"), cell("activity"), cell("timestamp")
    for column, value in (("case", case), ("activity", activity), ("timestamp", stamp)):
        if not value:
            raise refused(f"baris {line}: kolom {column} kosong.", f"row {line}: the {column} column is empty.",
                          line=line)
    transition = transition_of(cell("lifecycle"))
    if transition not in KEPT:
        skipped.count[transition] += 1
        return []
    at = _moment(stamp, zone, line)
    extra = dict(resource=cell("resource") or None, role=cell("role") or None, element_id=cell("element") or None,
                 row=cell("row") or None, waktu=cell("waktu") or None, task_state=cell("state") or None)
    extra = {k: sys.intern(v) if v else None for k, v in extra.items()}
    activity = sys.intern(activity)
    out = []
    started = cell("start")
    if started and transition == "complete":
        out.append((case, LogEvent(activity, "start", _moment(started, zone, line), **extra)))
    out.append((case, LogEvent(activity, transition, at, **extra)))
    return out


def _moment(value: str, zone, line: int) -> datetime:
    at = parse_moment(value, zone)
    if at is None:
        raise refused(f"baris {line}: tanggal '{value[:60]}' tidak dikenali; pakai ISO 8601 "
                      "(2026-11-23T09:30:00+07:00 atau 2026-11-23 09:30), dd/mm/yyyy hh:mm, atau dd-mm-yyyy.",
                      f"row {line}: the date '{value[:60]}' cannot be read; use ISO 8601 "
                      "(2026-11-23T09:30:00+07:00 or 2026-11-23 09:30), dd/mm/yyyy hh:mm, or dd-mm-yyyy.",
                      line=line, value=value[:60])
    return at
