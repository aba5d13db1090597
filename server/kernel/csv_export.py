"""CSV files Alur hands out (the instance list, the audit trail, event logs), the same way each:
UTF-8 with a byte order mark (Excel then reads it as UTF-8), ',' or, for Excel with Indonesian
regional settings, ';' between fields, lines ending CRLF, streamed a batch at a time so a large
file never sits in memory; a text cell a spreadsheet would run as a formula (=, +, -, @, a tab
or a carriage return first) gets a leading apostrophe (CSV injection)."""
from __future__ import annotations

import csv
import io
from typing import Callable, Iterable, Iterator, Sequence

BOM = "\ufeff"
DELIMITERS = {"comma": ",", "semicolon": ";", ",": ",", ";": ";"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def delimiter_of(sep: str | None) -> str | None:
    """',' or ';' from "comma"/"semicolon" or the character itself (any case, outer spaces
    ignored); no choice: ','; anything else: None (the caller refuses it or falls back)."""
    return DELIMITERS.get((sep or "comma").strip().lower())


def safe_cell(value) -> str:
    """A cell as text, defused: an apostrophe before a formula's first character."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_chunks(header: Sequence[str], records: Iterable, *, delimiter: str = ",", every: int = 200,
               rows_of: Callable[[object], Iterable[Sequence]] | None = None) -> Iterator[str]:
    """The file as text chunks (a generator): the byte order mark and `header`, then a chunk
    every `every` records. A record is one row, or with `rows_of` gives its rows (a trace its
    events), so a chunk never splits one."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(header)
    for n, record in enumerate(records, 1):
        if rows_of is None:
            writer.writerow(record)
        else:
            writer.writerows(rows_of(record))
        if n % every == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
