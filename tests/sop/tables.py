"""The seeds' SOP tables written as the files agencies keep: XLSX, DOCX and CSV, made by the test.

The seeds come as extracted text; agencies upload Excel sheets, Word documents and CSV exports. To
show that an import of those reads the same tables, a test writes each seed's tables (read once
from its text) back out in the agency layout -- identity block on top, then per table an optional
bold title, a two-row header with "No" and "Kegiatan" merged down, "Pelaksana" merged over the actor
columns, "Mutu Baku" merged over Kelengkapan/Waktu/Output and "Keterangan" merged down when the
table has one, then one row per step and the words printed under the table -- and reads it again.

    from server.sop.reading import read_sop
    from tests.sop.tables import seed_document, grids_of, identity_rows_of, as_xlsx, as_docx, as_csv, tables_of

    doc = seed_document("004")                          # the seed text as read_sop reads it
    data = as_xlsx(grids_of(doc), identity_rows_of(doc))  # bytes of a .xlsx (as_docx, as_csv alike)
    assert tables_of(read_sop(data, "sop.xlsx")) == tables_of(doc)

Identity rows are lists of cells: a 3-cell row is [agency line, label, value]; 2-cell rows come in
pairs, a row of two grid headings ("Dasar Hukum", "Kualifikasi Pelaksana") then their values. List
values are printed with their markers (1. / - / a.), one item per line. What the files do not carry:
a flowchart written as text (SopTable.graph) and the notes of the text reading.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from tests.sop.seeds import seed_path, seed_text

IDENTITY_KEYS = ("nomor", "tanggal_pembuatan", "tanggal_revisi", "tanggal_efektif", "disahkan_oleh", "nama")
GRID_PAIRS = (("dasar_hukum", "kualifikasi_pelaksana"), ("keterkaitan", "peralatan_perlengkapan"),
              ("peringatan", "pencatatan_pendataan"))
MUTU = ("kelengkapan", "waktu", "output")


@dataclass
class Grid:
    """One procedure table as printed: two header rows with their merges, then the step rows.

    header: two rows of cells; merges: (first_row, first_col, last_row, last_col), 0-based within the
    header; rows: one list of cells per step (No, Kegiatan, one per actor, Mutu Baku, [Keterangan]).
    """

    header: list[list[str]]
    merges: list[tuple[int, int, int, int]]
    rows: list[list[str]]
    title: str = ""
    trailing: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return len(self.header[0])


def seed_document(prefix: str):
    """The seed's text read by read_sop (the source every written file is compared with)."""
    from server.sop.reading import read_sop
    return read_sop(seed_text(prefix), seed_path(prefix).name)


def printed(value: str, style: str) -> str:
    """A value's items (one per line) printed with their list markers, as an agency types them."""
    items = [line for line in value.split("\n") if line.strip()]
    if style == "angka":
        return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
    if style == "strip":
        return "\n".join(f"- {item}" for item in items)
    if style == "huruf":
        return "\n".join(f"{chr(ord('a') + i)}. {item}" for i, item in enumerate(items))
    return "\n".join(items)


def grid_of(table) -> Grid:
    """A SopTable in the agency layout (see the module's docstring)."""
    h = table.headings
    actors = list(table.actors)
    mutu = [k for k in MUTU if k in h] or list(MUTU)
    ket = "keterangan" in h
    n, m = len(actors), len(mutu)
    top = [h.get("no", "No"), h.get("kegiatan", "Kegiatan"), h.get("pelaksana", "Pelaksana")] + [""] * (n - 1) \
        + [h.get("mutu_baku", "Mutu Baku")] + [""] * (m - 1) + ([h["keterangan"]] if ket else [])
    sub = ["", ""] + actors + [h.get(k, k.capitalize()) for k in mutu] + ([""] if ket else [])
    merges = [(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 1 + n), (0, 2 + n, 0, 1 + n + m)]
    if ket:
        merges.append((0, 2 + n + m, 1, 2 + n + m))
    rows = []
    for index, row in enumerate(table.rows):
        marks = list(row.marks)
        if index == 0 and table.graph and marks and not marks[0]:
            marks[0] = table.graph  # a flowchart typed as text stands in the first row's first actor cell
        cells = [row.no, row.kegiatan] + marks
        cells += [printed(getattr(row, k), row.lists.get(k, "")) for k in mutu]
        if ket:
            cells.append(printed(row.keterangan, row.lists.get("keterangan", "")))
        rows.append(cells)
    return Grid([top, sub], merges, rows, table.title, list(table.trailing))


def grids_of(doc) -> list[Grid]:
    return [grid_of(t) for t in doc.tables]


def identity_rows_of(doc) -> list[list[str]]:
    """The identity block of a read document as rows (see the module's docstring)."""
    from server.sop.identity import LABELS
    ident = doc.identity
    agency = [a for a in ident.get("sop.instansi", "").split("\n") if a]
    rows = []
    for i, key in enumerate(IDENTITY_KEYS):
        rows.append([agency[i] if i < len(agency) else "", doc.labels.get(key, LABELS[key]), ident.get(f"sop.{key}", "")])
    for extra in agency[len(IDENTITY_KEYS):]:
        rows.append([extra, "", ""])
    for left, right in GRID_PAIRS:
        rows.append([doc.labels.get(left, LABELS[left]), doc.labels.get(right, LABELS[right])])
        rows.append([printed(ident.get(f"sop.{k}", ""), doc.identity_lists.get(k, "")) for k in (left, right)])
    return rows


def tables_of(doc) -> list[dict]:
    """What must be the same whatever the file's format: per table its headings, actors, rows (number,
    Kegiatan, marks, Mutu Baku, Keterangan, list styles), title and trailing words."""
    return [{"headings": t.headings, "actors": t.actors, "title": t.title, "trailing": t.trailing, "graph": t.graph,
             "rows": [(r.no, r.kegiatan, r.marks, r.kelengkapan, r.waktu, r.output, r.keterangan, r.lists)
                      for r in t.rows]} for t in doc.tables]


def _grids(grids) -> list[Grid]:
    return [grids] if isinstance(grids, Grid) else list(grids)


def _no(value: str):
    return int(value) if value.isdigit() else value


# -- XLSX ------------------------------------------------------------------------------------------

def as_xlsx(grids, identity_rows: list[list[str]] = ()) -> bytes:
    """An .xlsx (openpyxl) with the identity block, then each table with merged header cells; a row
    number that is all digits is written as a number, as Excel keeps a typed one."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "SOP"
    r = 1

    def put(row: int, values: list[str], bold: bool = False):
        for c, value in enumerate(values, 1):
            if value != "":
                cell = sheet.cell(row=row, column=c, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if bold:
                    cell.font = Font(bold=True)

    for cells in identity_rows:
        put(r, cells)
        r += 1
    for grid in _grids(grids):
        r += 1
        if grid.title:
            put(r, [grid.title], bold=True)
            r += 2
        for i, cells in enumerate(grid.header):
            put(r + i, cells, bold=True)
        for r0, c0, r1, c1 in grid.merges:
            if (r0, c0) != (r1, c1):
                sheet.merge_cells(start_row=r + r0, start_column=c0 + 1, end_row=r + r1, end_column=c1 + 1)
        r += len(grid.header)
        for cells in grid.rows:
            put(r, [_no(cells[0])] + cells[1:])
            r += 1
        if grid.trailing:
            r += 1
            for word in grid.trailing:
                put(r, [word])
                r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# -- DOCX ------------------------------------------------------------------------------------------

def as_docx(grids, identity_rows: list[list[str]] = (), *, identity_as: str = "table",
            word_lists: bool = False) -> bytes:
    """A .docx (python-docx): the identity block as a table (identity_as="table") or as paragraphs
    ("paragraphs": agency lines, "Label : value" lines, bold grid headings each followed by its items);
    each procedure table with merged header cells; a list cell as one paragraph per item, with the
    markers typed (word_lists=False) or as Word's own numbered/bulleted paragraphs (word_lists=True)."""
    import docx

    document = docx.Document()

    def fill(cell, text: str):
        lines = text.split("\n") if text else [""]
        first = cell.paragraphs[0]
        for i, line in enumerate(lines):
            p = first if i == 0 else cell.add_paragraph()
            _typed_or_word_list(p, line, word_lists)

    if identity_rows and identity_as == "table":
        width = max(len(r) for r in identity_rows)
        table = document.add_table(rows=len(identity_rows), cols=width)
        for i, cells in enumerate(identity_rows):
            for j, value in enumerate(cells):
                fill(table.cell(i, j), value)
    elif identity_rows:
        _identity_paragraphs(document, identity_rows, word_lists)
    for grid in _grids(grids):
        document.add_paragraph()
        if grid.title:
            document.add_paragraph().add_run(grid.title).bold = True
        table = document.add_table(rows=len(grid.header) + len(grid.rows), cols=grid.width)
        table.style = "Table Grid"
        for i, cells in enumerate(grid.header):
            for j, value in enumerate(cells):
                if value:
                    table.cell(i, j).paragraphs[0].add_run(value).bold = True
        for r0, c0, r1, c1 in grid.merges:
            if (r0, c0) != (r1, c1):
                table.cell(r0, c0).merge(table.cell(r1, c1))
        for i, cells in enumerate(grid.rows, len(grid.header)):
            for j, value in enumerate(cells):
                if value:
                    fill(table.cell(i, j), value)
        for word in grid.trailing:
            document.add_paragraph(word)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _typed_or_word_list(paragraph, line: str, word_lists: bool) -> None:
    import re
    m = re.match(r"^(\d+\.|[a-z]\.|-)\s+(.*)$", line)
    if word_lists and m:
        paragraph.style = "List Bullet" if m.group(1) == "-" else "List Number"
        paragraph.add_run(m.group(2))
    else:
        paragraph.add_run(line)


def _identity_paragraphs(document, identity_rows, word_lists: bool) -> None:
    agency = [r[0] for r in identity_rows if len(r) == 3 and r[0]]
    for line in agency:
        document.add_paragraph().add_run(line).bold = True
    for cells in identity_rows:
        if len(cells) == 3 and cells[1]:
            p = document.add_paragraph(f"{cells[1]} : ")
            for i, line in enumerate(cells[2].split("\n")):
                if i:
                    p.add_run().add_break()
                p.add_run(line)
    pairs = [r for r in identity_rows if len(r) == 2]
    for headings, values in zip(pairs[::2], pairs[1::2]):
        for heading, value in zip(headings, values):
            document.add_paragraph().add_run(heading).bold = True
            for line in value.split("\n"):
                if line:
                    _typed_or_word_list(document.add_paragraph(), line, word_lists)


# -- CSV -------------------------------------------------------------------------------------------

def as_csv(grids, identity_rows: list[list[str]] = (), *, delimiter: str = ";",
           encoding: str = "utf-8-sig") -> bytes:
    """A .csv as Excel exports one (merged cells left as their first cell, the others empty), with the
    given delimiter (";" in an Indonesian locale, "," or tab) and encoding ("utf-8-sig", "cp1252").
    Table titles are left out: CSV has no bold, so a title line above the header cannot be told from
    the identity block's last value (read_sop takes only "SOP ..." in capitals)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    for cells in identity_rows:
        writer.writerow(cells)
    for grid in _grids(grids):
        writer.writerow([])
        for cells in grid.header:
            writer.writerow(cells)
        for cells in grid.rows:
            writer.writerow(cells)
        if grid.trailing:
            writer.writerow([])
            for word in grid.trailing:
                writer.writerow([word])
    return out.getvalue().encode(encoding)
