"""XLSX: every visible sheet's rows in order (openpyxl, read-only, cached values), merged cells as
agencies make them (a merged header cell's value over every cell it covers)."""
from __future__ import annotations

import datetime as dt
import io

import openpyxl
from lxml import etree
from openpyxl.utils.cell import range_boundaries

from .grid import Row
from .limits import MAX_COLUMNS, MAX_MERGES, MAX_SHEET_ROWS, too_many_merges, too_many_rows, too_wide
from .model import ImportRefused
from .zipped import rebuilt, refuse

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
           "November", "Desember")


def xlsx_rows(parts: dict[str, bytes]) -> list[Row]:
    """Rows of all visible sheets, a blank row between sheets, from the archive's checked parts
    (zipped.py). Anything a damaged sheet makes the libraries raise refuses the file."""
    try:
        book = openpyxl.load_workbook(rebuilt(parts), read_only=True, data_only=True)
    except Exception as exc:      # openpyxl raises many kinds on a damaged workbook
        raise _unreadable(exc) from None
    rows: list[Row] = []
    try:
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            where = (f"lembar \"{sheet.title}\"", f"sheet \"{sheet.title}\"")
            values = _values(sheet, where)
            merges = _merges(parts, getattr(sheet, "_worksheet_path", ""), len(values),
                             max((len(v) for v in values), default=0), where)
            rows.extend(_with_merges(values, merges, 1))
            rows.append(Row([""], 0))
    except ImportRefused:
        raise
    except Exception as exc:      # sheets are parsed lazily: a damaged one fails here, not on loading
        raise _unreadable(exc) from None
    finally:
        book.close()
    return rows


def _unreadable(exc: Exception) -> ImportRefused:
    return refuse(f"lembar kerja Excel tidak dapat dibaca ({type(exc).__name__}).",
                  f"the Excel workbook cannot be read ({type(exc).__name__}).")


def _values(sheet, where: tuple[str, str]) -> list[list[str]]:
    """The sheet's cell texts, trimmed: at most MAX_SHEET_ROWS rows and MAX_COLUMNS columns holding
    anything, else refused. The dimension the file declares is ignored (a crafted "A1:XFD1048576"
    would pad every row to 16,384 cells): rows come as the XML has them."""
    sheet.reset_dimensions()
    last, width = 0, 0
    for number, record in enumerate(sheet.iter_rows(values_only=True), 1):
        if len(record) > MAX_COLUMNS and record[MAX_COLUMNS:].count(None) < len(record) - MAX_COLUMNS \
                and any(v is not None and v != "" for v in record[MAX_COLUMNS:]):
            raise too_wide(number)
        filled = [c for c, v in enumerate(record[:MAX_COLUMNS]) if v is not None and v != ""]
        if filled:
            if number > MAX_SHEET_ROWS:
                raise too_many_rows(*where)
            last, width = number, max(width, filled[-1] + 1)
    if not last:
        return []
    # the cells again, now bounded, for their bold font (a title above the table)
    return [[_cell(c) for c in record] for record in sheet.iter_rows(min_row=1, max_row=last, max_col=width)]


def _merges(parts: dict[str, bytes], path: str, height: int, width: int,
            where: tuple[str, str]) -> list[tuple[int, int, int, int]]:
    """Merged ranges (min_col, min_row, max_col, max_row), read from the sheet's XML part and clipped
    to the cells read; at most MAX_MERGES of them, covering no more cells than the grid has."""
    part = parts.get(path.lstrip("/")) if path else None
    if part is None or not height or not width:
        return []
    out = []
    area = 0
    for _, el in etree.iterparse(io.BytesIO(part), events=("end",), tag=f"{{{_MAIN}}}mergeCell",
                                 resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False):
        ref = el.get("ref") or ""
        el.clear()
        if ":" not in ref:
            continue
        min_col, min_row, max_col, max_row = range_boundaries(ref)
        # a whole column ("A:B") or row ("3:4") spans the grid read
        min_col, min_row = min_col or 1, min_row or 1
        max_col, max_row = min(max_col or width, width), min(max_row or height, height)
        if min_col > max_col or min_row > max_row:
            continue
        out.append((min_col, min_row, max_col, max_row))
        area += (max_col - min_col + 1) * (max_row - min_row + 1)
        if len(out) > MAX_MERGES or area > height * width:
            raise too_many_merges(*where)
    return out


def _with_merges(values: list[list[str]], merges, first_row: int) -> list[Row]:
    filled = [list(v) for v in values]
    for min_col, min_row, max_col, max_row in merges:
        r0, c0 = min_row - first_row, min_col - 1
        if not (0 <= r0 < len(values)):
            continue
        top = values[r0][c0] if c0 < len(values[r0]) else ""
        for r in range(r0, min(max_row - first_row + 1, len(values))):
            for c in range(c0, max_col):
                while len(filled[r]) <= c:
                    filled[r].append("")
                filled[r][c] = top
    rows = []
    for i, (raw, full) in enumerate(zip(values, filled)):
        raw, full = _trim(raw), _trim(full)
        width = max(len(raw), len(full), 1)
        rows.append(Row(raw + [""] * (width - len(raw)) if raw else [""], i + first_row,
                        header_raw=full + [""] * (width - len(full)) if full else [""]))
    return rows


def _trim(cells: list[str]) -> list[str]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _cell(cell) -> str:
    """The cell's text; a bold one marked as markdown bold (a title above the table)."""
    text = _text(getattr(cell, "value", None))
    font = getattr(cell, "font", None) if text else None
    if text and font is not None and getattr(font, "b", False) and "\n" not in text:
        return f"**{text}**"
    return text


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time(0) else value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
    return str(value)
