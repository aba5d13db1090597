"""The procedure table: its header row(s), actor columns and numbered rows, found in a document's rows.

Agencies print the same table many ways: one or two header rows, the "Pelaksana" and "Mutu Baku"
group headings above or beside the actors, headings shifted by one cell against the data, a row of
column numbers, a flowchart pasted as text into a merged cell. What is decided here is only where
each cell belongs; what its marks mean is the drafting's work."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .cells import list_value
from .grid import Row
from .model import Note, SopRow, SopTable, place

_NO = re.compile(r"^(no|nomor|no urut)\.?$")
_KEGIATAN = re.compile(r"^(kegiatan|uraian prosedur|uraian kegiatan|aktivitas|aktifitas|uraian|prosedur|"
                       r"langkah kegiatan|langkah)$")
_PELAKSANA = re.compile(r"^(pelaksana|pelaku|pelaksana kegiatan)$")
_MUTU = re.compile(r"^(mutu baku|baku mutu|standar baku|standar mutu|pendukung)$")
_SUB = {
    "kelengkapan": re.compile(r"^(kelengkapan|persyaratan|persyaratan/kelengkapan|kelengkapan/persyaratan|"
                              r"syarat|persyaratan/ kelengkapan|input)$"),
    "waktu": re.compile(r"^(waktu|waktu penyelesaian)$"),
    "output": re.compile(r"^(output|keluaran)$"),
}
_KETERANGAN = re.compile(r"^(keterangan|ket)$")
_ROW_NO = re.compile(r"^(\d{1,3})[.)]?$")
_GRAPH = re.compile(r"^\s*(graph|flowchart)\s+(TD|TB|LR|RL|BT)\b", re.I)
_TIME = re.compile(r"\b(detik|menit|jam|hari|minggu|bulan|tahun)\b|\bH\s*[+-]\s*\d", re.I)
_MUTU_KEYS = ("kelengkapan", "waktu", "output", "keterangan")


def norm(text: str) -> str:
    """A heading or label compared loosely: case, spaces, spaces around '/', trailing ':' and '.'."""
    text = re.sub(r"\s+", " ", text.replace("\n", " ")).strip().lower()
    text = re.sub(r"\s*/\s*", "/", text)
    return text.strip(" :*").rstrip(".").strip()


def anchor_columns(row: Row) -> tuple[int, int] | None:
    """The columns of "No" and of the "Kegiatan" (Uraian Prosedur, Aktivitas) cell after it, or None.
    Cells as printed: a row under a "No" merged downwards is not another header's start. The one view
    both finding a header and reading it use (a merge may hide a printed cell from the filled view)."""
    cells = [norm(c) for c in row.cells]
    no = next((i for i, c in enumerate(cells) if _NO.match(c)), None)
    if no is None:
        return None
    keg = next((i for i, c in enumerate(cells) if i > no and _KEGIATAN.match(c)), None)
    return None if keg is None else (no, keg)


def is_anchor(row: Row) -> bool:
    """A header row: a "No" cell followed by a "Kegiatan" cell."""
    return anchor_columns(row) is not None


def is_data(row: Row, no_col: int) -> bool:
    return bool(_ROW_NO.match(row.cell(no_col))) and not is_column_numbers(row)


def is_column_numbers(row: Row) -> bool:
    """The row of column numbers some agencies print under the header ("1 2 3 ... 10")."""
    texts = row.texts()
    if len(texts) < 3 or not all(t.isdigit() for t in texts):
        return False
    numbers = [int(t) for t in texts]
    return numbers == list(range(1, len(numbers) + 1))


@dataclass
class Header:
    rows: list[Row]
    first: int                     # index of the first header row in the document's rows
    last: int                      # index of the last header row
    no_col: int
    keg_col: int
    actor_cols: list[int]
    actors: list[str]
    columns: dict[str, int]        # kelengkapan/waktu/output/keterangan -> data column
    headings: dict[str, str]
    notes: list[Note] = field(default_factory=list)
    unread: list[Note] = field(default_factory=list)


class NoActors(Exception):
    """A table header without any actor column (raised to the reader, which refuses the file)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def read_header(rows: list[Row], at: int, number: int) -> Header:
    """The header around the anchor row rows[at]: the group row above it, the sub-header below."""
    anchor = rows[at]
    no_col, keg_col = anchor_columns(anchor)      # rows[at] is an anchor: is_anchor found both
    header = [anchor]
    first = last = at
    if at > 0 and not rows[at - 1].blank and not is_data(rows[at - 1], no_col) and \
            any(_PELAKSANA.match(norm(c)) or _MUTU.match(norm(c)) for c in rows[at - 1].filled):
        header.insert(0, rows[at - 1])
        first = at - 1
    if at + 1 < len(rows):
        below = rows[at + 1]
        if not below.blank and not is_data(below, no_col) and not is_column_numbers(below) \
                and not is_anchor(below) and below.filled[no_col:no_col + 1] in ([""], [anchor.cells[no_col]], []):
            header.append(below)
            last = at + 1

    def matches(row: Row) -> int:
        return sum(1 for c in row.filled if any(p.match(norm(c)) for p in _SUB.values()))

    width = max(len(r.filled) for r in header)

    def text_at(r: Row, c: int) -> str:
        return r.filled[c] if c < len(r.filled) else ""

    def sub_key(text: str) -> str | None:
        n = norm(text)
        return next((k for k, p in _SUB.items() if n and p.match(n)), None)

    def group(text: str) -> bool:
        n = norm(text)
        return bool(_PELAKSANA.match(n) or _MUTU.match(n) or _KETERANGAN.match(n))

    # the sub-headings (Kelengkapan, Waktu, Output) may stand in any header row
    first_mutu = next((c for c in range(keg_col + 1, width) if any(sub_key(text_at(r, c)) for r in header)), None)
    if first_mutu is None:
        first_mutu = next((c for c in range(keg_col + 1, width) for r in header
                           if _MUTU.match(norm(text_at(r, c))) or _KETERANGAN.match(norm(text_at(r, c)))), width)
    # an actor column is named by the lowest header row holding a name there (group words aside)
    actor_cols, actors = [], []
    for c in range(keg_col + 1, first_mutu):
        names = [text_at(r, c) for r in reversed(header) if norm(text_at(r, c))]
        names = [t for t in names if not group(t)] if len(header) > 1 else names
        if not names:
            continue
        actor_cols.append(c)
        actors.append(re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", names[0])).strip())
    sub = max(reversed(header), key=matches)        # the row naming most sub-headings (ties: the lowest)
    subcells = sub.filled
    if not actors:
        raise NoActors(anchor.line)

    headings: dict[str, str] = {"no": _printed(anchor.cells[no_col]), "kegiatan": _printed(anchor.cells[keg_col])}
    for r in header:
        for c, text in enumerate(r.filled):
            n = norm(text)
            if _PELAKSANA.match(n) and "pelaksana" not in headings and r is not sub:
                headings["pelaksana"] = _printed(text)
            elif _MUTU.match(n) and "mutu_baku" not in headings:
                headings["mutu_baku"] = _printed(text)
    found: list[tuple[int, str, str]] = []       # (header column, key, printed)
    for c in range(first_mutu, width):
        for r in reversed(header):
            key = sub_key(text_at(r, c))
            if key and key not in [k for _, k, _ in found]:
                found.append((c, key, _printed(text_at(r, c))))
                break
    ket = next(((c, _printed(r.filled[c])) for r in header for c in range(keg_col + 1, len(r.filled))
                if _KETERANGAN.match(norm(r.filled[c]))), None)
    if ket:
        found.append((ket[0], "keterangan", ket[1]))
    notes: list[Note] = []
    unread: list[Note] = []
    order = [k for k in _MUTU_KEYS if k in {key for _, key, _ in found}]
    by_key = {key: (c, printed) for c, key, printed in found}
    for key in order:
        headings[key] = by_key[key][1]
    printed_cols = [by_key[k][0] for k in order]
    cols = sorted(printed_cols)
    after = max(actor_cols) + 1
    if cols and cols[0] < after:
        # a heading printed above an actor column (the group heading shifted): start after the actors
        cols = list(range(after, after + len(cols)))
    columns = dict(zip(order, cols))
    if cols != printed_cols:
        where, where_en = place(number, line=anchor.line)
        notes.append(Note(
            "Judul kolom Mutu Baku/Keterangan bergeser terhadap isi tabel; diselaraskan menurut urutan "
            "kolom data: " + ", ".join(f"{headings[k]} = kolom {c + 1}" for k, c in columns.items()) + ".",
            "The Mutu Baku/Keterangan headings are shifted against the table's cells; aligned by the order "
            "of the data columns: " + ", ".join(f"{headings[k]} = column {c + 1}" for k, c in columns.items())
            + ".", where, where_en))
    known = {no_col, keg_col, *actor_cols, *columns.values()}
    for c in range(len(subcells)):
        if c not in known and norm(subcells[c]) and not any(
                p.match(norm(subcells[c])) for p in (_NO, _KEGIATAN, _PELAKSANA, _MUTU, _KETERANGAN)):
            where, where_en = place(number, line=sub.line)
            unread.append(Note(f"Kolom \"{subcells[c]}\" tidak dikenal; isinya tidak dibaca.",
                               f"Column \"{subcells[c]}\" is not known; its cells were not read.", where, where_en))
    return Header(header, first, last, no_col, keg_col, actor_cols, actors, columns, headings, notes, unread)


def _printed(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_body(rows: list[Row], header: Header, number: int) -> tuple[SopTable, int, list[Note], list[Note]]:
    """The numbered rows after the header, up to the first row that is neither a step nor blank.
    Returns the table, the index after its last row, notes and what could not be read."""
    table = SopTable(headings=dict(header.headings), actors=list(header.actors), rows=[])
    notes, unread = list(header.notes), list(header.unread)
    i = header.last + 1
    blank_before = False
    while i < len(rows):
        row = rows[i]
        if is_anchor(row):
            break
        if row.blank:
            blank_before = True
            i += 1
            continue
        if is_column_numbers(row):
            where, where_en = place(number, line=row.line)
            notes.append(Note("Baris nomor kolom (1, 2, 3, ...) dilewati.",
                              "The row of column numbers (1, 2, 3, ...) was skipped.", where, where_en))
            i += 1
            continue
        if is_data(row, header.no_col):
            step, printed = _step(row, header, table, number, notes, unread)
            table.rows.append(step)
            blank_before = False
            i += 1
            continue
        if table.rows and not blank_before and not row.cell(header.no_col) and _continues(row, header):
            _merge(table.rows[-1], printed, row, header)
            where, where_en = place(number, table.rows[-1].no, row.line)
            notes.append(Note("Baris tanpa nomor digabung ke baris di atasnya.",
                              "A row without a number was joined to the row above it.", where, where_en))
            i += 1
            continue
        break
    return table, i, notes, unread


def _continues(row: Row, header: Header) -> bool:
    return bool(row.cell(header.keg_col)) or any(row.cell(c) for c in header.columns.values())


def _merge(step: SopRow, printed: dict[str, str], row: Row, header: Header) -> None:
    """A row without a number continues the step above (a step written over several sheet rows)."""
    def join(a: str, b: str) -> str:
        return f"{a}\n{b}" if a and b else a or b
    step.kegiatan = join(step.kegiatan, row.cell(header.keg_col)).replace("\n", " ")
    step.marks = [join(m, row.cell(c)) for m, c in zip(step.marks, header.actor_cols)]
    for key, c in header.columns.items():
        printed[key] = join(printed.get(key, ""), row.cell(c))
        value, style = list_value(printed[key])
        setattr(step, key, value)
        step.lists.pop(key, None)
        if style:
            step.lists[key] = style


def _step(row: Row, header: Header, table: SopTable, number: int, notes: list[Note],
          unread: list[Note]) -> tuple[SopRow, dict[str, str]]:
    """The step of a numbered row, and its Mutu Baku cells as printed (for rows that continue it)."""
    cells = list(row.cells)
    no = _ROW_NO.match(cells[header.no_col]).group(1)
    graph_at = next((c for c, text in enumerate(cells) if _GRAPH.match(text)), None)
    where, where_en = place(number, no, row.line)
    if graph_at is not None:
        table.graph = table.graph or cells[graph_at]
        cells[graph_at] = ""
        notes.append(Note("Bagan alir tertulis sebagai teks (mermaid) di sel kolom pelaksana; disimpan "
                          "terpisah dari tanda baris.",
                          "A flowchart written as text (mermaid) in an actor cell; kept apart from the "
                          "row's marks.", where, where_en))
        shift = _merged_shift(cells, header, graph_at)
        if shift:
            cells[graph_at + 1:graph_at + 1] = [""] * shift
            notes.append(Note(f"Sel bagan alir menutupi beberapa kolom pelaksana; isi Mutu Baku baris ini "
                              f"digeser {shift} kolom ke kanan.",
                              f"The flowchart cell covers several actor columns; this row's Mutu Baku "
                              f"cells were moved {shift} column(s) to the right.", where, where_en))
    step = SopRow(no=no, kegiatan=_line(cells, header.keg_col).replace("\n", " "),
                  marks=[_line(cells, c) for c in header.actor_cols], line=row.line)
    printed = {}
    for key, c in header.columns.items():
        printed[key] = _line(cells, c)
        value, style = list_value(printed[key])
        setattr(step, key, value)
        if style:
            step.lists[key] = style
    used = {header.no_col, header.keg_col, *header.actor_cols, *header.columns.values()}
    extra = [t for c, t in enumerate(cells) if c not in used and t]
    if extra:
        unread.append(Note("Sel di luar kolom tabel tidak dibaca: " + " | ".join(extra),
                           "Cells outside the table's columns were not read: " + " | ".join(extra),
                           where, where_en))
    return step, printed


def _line(cells: list[str], c: int) -> str:
    return cells[c].strip() if 0 <= c < len(cells) else ""


def _merged_shift(cells: list[str], header: Header, graph_at: int) -> int:
    """How many actor cells a merged flowchart cell swallowed: the Waktu value found that many
    cells left of the Waktu column (the row's cells after the merged one came out early)."""
    w = header.columns.get("waktu")
    if w is None or _TIME.search(_line(cells, w)):
        return 0
    for s in range(1, len(header.actor_cols)):
        if w - s > graph_at and _TIME.search(_line(cells, w - s)) and not any(cells[len(cells) - s:]):
            return s
    return 0
