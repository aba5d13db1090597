"""Text uploads: the seeds' tab-separated text, and CSV with ',' ';' or tab (as Excel saves it in
Indonesian and English locales), in UTF-8 with or without BOM, else Windows-1252 / Latin-1."""
from __future__ import annotations

import csv
import io

from .grid import Row
from .table import is_anchor
from .text import text_rows
from .zipped import MAX_FILE_BYTES

_TEXT_NAMES = (".txt", ".tsv", ".md", ".text", ".markdown")


def decode(data: bytes) -> str | None:
    """The text, or None when the bytes are not text (NUL bytes, control characters)."""
    if b"\x00" in data[:8192]:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    sample = text[:8192]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\f")
    return None if control > len(sample) // 100 else text


def delimited_rows(text: str, name: str) -> tuple[list[Row] | None, str]:
    """Rows and the format read ("text" or "csv"); None when the text has no column separators."""
    if "\t" in text and not name.endswith(".csv"):
        return text_rows(text), "text"
    # a cell may be as long as the file (csv's default 131,072 characters would fail a long cell and
    # the file be called "not a table"); process-wide, and only ever raised
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))
    best: tuple[int, list[Row] | None] = (0, None)
    for delimiter in ("\t", ";", ","):
        if delimiter not in text:
            continue
        try:
            records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error:
            continue
        rows = [Row(rec, n) for n, rec in enumerate(records, 1)]
        if any(is_anchor(r) for r in rows):
            return rows, "csv"
        wide = sum(1 for r in rows if len(r.texts()) >= 3)
        if wide > best[0]:
            best = (wide, rows)
    return best[1], "csv"
