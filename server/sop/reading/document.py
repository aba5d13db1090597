"""A document's rows to a SopDocument: the tables where their headers are, the identity block above
the first one, a title line above each table, the words left after a table, the legend ignored."""
from __future__ import annotations

import re

from .cells import is_bold
from .grid import Row
from .identity import label_key, read_identity
from .model import ImportRefused, Note, SopDocument, SopTable
from .table import NoActors, is_anchor, read_body, read_header

_TABLE_TITLE = re.compile(r"^(sop|standar operasional prosedur|prosedur|alur)\b", re.I)
_LEGEND = re.compile(r"\bsimbol\b", re.I)


def no_table(detail_id: str, detail_en: str) -> ImportRefused:
    return ImportRefused(
        f"Tidak ditemukan tabel SOP: {detail_id}. Berkas harus memuat tabel dengan baris judul kolom "
        "\"No\" dan \"Kegiatan\" (atau \"Uraian Prosedur\"), kolom pelaksana, lalu baris langkah bernomor.",
        f"No SOP table found: {detail_en}. The file must hold a table with a header row naming \"No\" and "
        "\"Kegiatan\" (or \"Uraian Prosedur\"), the actor columns, then numbered step rows.")


def read_rows(rows: list[Row], source_format: str) -> SopDocument:
    """Find the tables and the identity block in rows; refuse when there is no SOP table."""
    anchors = [i for i, row in enumerate(rows) if is_anchor(row)]
    if not anchors:
        raise no_table("tidak ada baris judul kolom dengan \"No\" dan \"Kegiatan\"",
                       "no header row naming \"No\" and \"Kegiatan\"")
    tables: list[SopTable] = []
    notes: list[Note] = []
    unread: list[Note] = []
    identity_end = None
    previous_end = 0
    for at in anchors:
        if at < previous_end:
            continue
        number = len(tables) + 1
        try:
            header = read_header(rows, at, number)
        except NoActors as exc:
            raise ImportRefused(
                f"Tabel SOP tanpa kolom pelaksana (baris sumber {exc.line}): di antara kolom \"Kegiatan\" dan "
                "\"Mutu Baku\" harus ada satu kolom per pelaksana (jabatan), dengan nama jabatan di judul "
                "kolomnya. Tambahkan kolom pelaksana lalu unggah lagi.",
                f"SOP table without actor columns (source line {exc.line}): between the \"Kegiatan\" and "
                "\"Mutu Baku\" columns there must be one column per actor (position), named in its header. "
                "Add the actor columns and upload again.") from None
        title_at = _title_before(rows, header.first, previous_end)
        if identity_end is None:
            identity_end = title_at if title_at is not None else header.first
        else:
            _after_table(rows[previous_end:title_at if title_at is not None else header.first],
                         tables[-1], number - 1, notes, unread)
        table, end, t_notes, t_unread = read_body(rows, header, number)
        if title_at is not None:
            table.title = rows[title_at].texts()[0].replace("\n", " ")
        if not table.rows:
            raise no_table(f"tabel {number} (baris sumber {rows[at].line}) tidak memiliki baris langkah bernomor",
                           f"table {number} (source line {rows[at].line}) has no numbered step rows")
        notes.extend(t_notes)
        unread.extend(t_unread)
        if tables and _continues(tables[-1], table):
            tables[-1].rows.extend(table.rows)
            tables[-1].trailing.extend(table.trailing)
            notes.append(Note("Judul kolom tercetak ulang (pindah halaman); tabel dilanjutkan dari baris "
                              f"{table.rows[0].no}.",
                              "The header is printed again (a page break); the table continues from row "
                              f"{table.rows[0].no}.", f"Tabel {number - 1}", f"Table {number - 1}"))
        else:
            tables.append(table)
        previous_end = end
    _after_table(rows[previous_end:], tables[-1], len(tables), notes, unread)
    ident = read_identity(rows[:identity_end], tables[0].title)
    return SopDocument(identity=ident.as_properties(), labels=ident.labels, identity_lists=ident.lists,
                       tables=tables, source_format=source_format, notes=ident.notes + notes,
                       unread=ident.unread + unread, title="\n".join(ident.title))


def _title_before(rows: list[Row], first: int, floor: int) -> int | None:
    """The index of a table title: the last non-blank row before the header, one cell, printed bold
    or naming the SOP ("SOP PENGELOLAAN ...")."""
    i = first - 1
    while i >= floor and rows[i].blank:
        i -= 1
    if i < floor:
        return None
    row = rows[i]
    present = [c for c, t in enumerate(row.cells) if t]
    if len(present) != 1 or "\n" in row.cells[present[0]]:
        return None
    raw, text = row.raw[present[0]], row.cells[present[0]]
    if is_bold(raw) or (_TABLE_TITLE.match(text) and text.upper() == text):
        return None if label_key(text) else i
    return None


def _after_table(rows: list[Row], table: SopTable, number: int, notes: list[Note], unread: list[Note]) -> None:
    """Short words left under the table (decision labels whose lines were lost) are kept; a legend
    of symbols is noted and ignored; anything else is reported as not read."""
    words = True
    legend = False
    for row in rows:
        texts = row.texts()
        if not texts:
            continue
        if words and len(texts) == 1 and len(texts[0].split()) <= 3 and "\n" not in texts[0]:
            table.trailing.append(texts[0])
            continue
        words = False
        if legend or any(_LEGEND.search(t) for t in texts):
            if not legend:
                notes.append(Note("Legenda simbol setelah tabel bukan langkah; diabaikan.",
                                  "The legend of symbols after the table is not a list of steps; ignored.",
                                  f"Tabel {number}, setelah tabel (baris sumber {row.line})",
                                  f"Table {number}, after the table (source line {row.line})"))
            legend = True
            continue
        unread.append(Note("Teks setelah tabel tidak dibaca: " + " | ".join(texts),
                           "Text after the table was not read: " + " | ".join(texts),
                           f"Tabel {number}, setelah tabel (baris sumber {row.line})",
                           f"Table {number}, after the table (source line {row.line})"))
    if table.trailing:
        notes.append(Note("Kata tercetak di bawah tabel (label yang kehilangan garisnya): " + ", ".join(table.trailing),
                          "Words printed under the table (labels that lost their lines): " + ", ".join(table.trailing),
                          f"Tabel {number}", f"Table {number}"))


def _continues(before: SopTable, table: SopTable) -> bool:
    """A header printed again on the next page: same columns, the numbering going on."""
    try:
        return (before.actors == table.actors and before.headings == table.headings
                and int(table.rows[0].no) == int(before.rows[-1].no) + 1)
    except ValueError:
        return False
