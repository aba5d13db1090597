"""The one shape every reader produces before the SOP is recognised: rows of cells in document order.

A text line, a CSV record, a sheet row, a paragraph or a Word table row is a `Row`; its cells keep
both the text as extracted (`raw`, for bold titles) and the plain lines (`cells`). The identity
block and the procedure tables are then found in rows the same way whatever the format was."""
from __future__ import annotations

from dataclasses import dataclass, field

from .cells import to_text
from .limits import MAX_CELL_CHARS, MAX_COLUMNS, cell_too_long, too_wide


@dataclass
class Row:
    raw: list[str]
    line: int                                   # 1-based line / row number in the source
    header_raw: list[str] | None = None         # merged cells filled in (XLSX/DOCX): used in header rows
    cells: list[str] = field(init=False)
    filled: list[str] = field(init=False)       # merged cells' values repeated over every cell they cover

    def __post_init__(self):
        # made once: the header reading looks a cell up per column and row, and a row is at most
        # MAX_COLUMNS wide (a stray cell far to the right refuses the file, not slows it)
        self.raw = _bounded(self.raw, self.line)
        self.cells = [to_text(c) for c in self.raw]
        if self.header_raw is None:
            self.filled = self.cells
        else:
            self.header_raw = _bounded(self.header_raw, self.line)
            self.filled = [to_text(c) for c in self.header_raw]

    def texts(self) -> list[str]:
        return [c for c in self.cells if c]

    @property
    def blank(self) -> bool:
        return not any(self.cells)

    def cell(self, i: int) -> str:
        return self.cells[i] if 0 <= i < len(self.cells) else ""


def _bounded(cells: list[str], line: int) -> list[str]:
    """The cells up to MAX_COLUMNS; refused when one past it holds text, or one holds more text
    than any SOP cell (the list reading of a cell is not meant for megabytes)."""
    if any(c and len(str(c)) > MAX_CELL_CHARS for c in cells):
        raise cell_too_long(line)
    if len(cells) <= MAX_COLUMNS:
        return cells
    if any(c and str(c).strip() for c in cells[MAX_COLUMNS:]):
        raise too_wide(line)
    return cells[:MAX_COLUMNS]
