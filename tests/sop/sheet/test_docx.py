"""The sheet as DOCX: reopened with python-docx, it holds the identity page and, page by page, the
table with every row's text and one flowchart picture per row, sized to the layout's bands."""
from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from docx.shared import Mm
from PIL import Image

from server.sop.sheet.docx import render_docx
from server.sop.sheet.layout import lay_out
from server.sop.sheet.legend import LEGEND_TITLE, SYMBOLS, SYMBOLS_HEAD
from server.sop.sheet.model import (HEADINGS, Capsule, Cell, Exit, Field, Row, Sheet, Signer, Table,
                                    sheet_of)
from tests.sop.seeds import PREFIXES, seed_diagrams

EMU_PER_PT = 12700
BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _sheet(rows: int = 4, keterangan: bool = True, marked: tuple[str, ...] = ("Baris 3: pelaksana ditebak",)) -> Sheet:
    """A three-actor sheet: a start capsule, steps with lists, a decision looping back, an end."""
    steps = []
    for i in range(rows):
        last = i == rows - 1
        exits = (Exit(i + 2, "", False, 0),) if last else (Exit(i + 2),)
        if i == 2:
            exits = (Exit(i + 2, "Ya"), Exit(2, "Tidak", marked=True))
        steps.append(Row(
            "decision" if i == 2 else "process", str(i + 1), f"Kegiatan ke-{i + 1} yang dikerjakan pelaksana",
            i % 3, exits,
            kelengkapan=Cell((f"Dokumen {i + 1}a", f"Dokumen {i + 1}b"), "angka"),
            waktu=Cell((f"{10 + i} menit",)), output=Cell((f"Hasil {i + 1}",), "strip"),
            keterangan=Cell((f"Catatan {i + 1}",) if keterangan else ()),
            terminators=(Capsule("Selesai", i % 3, "end"),) if last else (), marked=i == 3))
    start = Row("terminator", "", "", 0, terminators=(Capsule("Mulai", 0, "start", exits=(Exit(1),)),))
    headings = {**HEADINGS, "kegiatan": "Uraian Prosedur", "mutu_baku": "Baku Mutu"}
    table = Table("Pengelolaan Media Sosial", ("Admin Medsos", "Kepala Subbagian", "Kepala Biro"),
                  (start, *steps), headings, keterangan)
    fields = (Field("nomor", "Nomor SOP", ("1 / OT. 05. 00",)),
              Field("tanggal_pembuatan", "Tanggal Pembuatan", ("28 Juli 2025",)),
              Field("tanggal_revisi", "Tanggal Revisi", ()),
              Field("tanggal_efektif", "Tanggal Pengesahan", ("1 Agustus 2025",)),
              Field("nama", "Nama SOP", ("Pengelolaan Media Sosial",)))
    grid = (Field("dasar_hukum", "Dasar Hukum",
                  ("Undang-Undang Nomor 14 Tahun 2008", "Peraturan Gubernur Nomor 24 Tahun 2012"), "angka"),
            Field("kualifikasi_pelaksana", "Kualifikasi Pelaksana", ("Memahami ketentuan",), "huruf"),
            Field("keterkaitan", "Keterkaitan", ("SOP Pelayanan Surat Masuk Biro",)),
            Field("peralatan_perlengkapan", "Peralatan/Perlengkapan", ("Komputer", "Kamera"), "strip"),
            Field("peringatan", "Peringatan", ("Informasi tidak tersebar",)),
            Field("pencatatan_pendataan", "Pencatatan dan Pendataan", ("Jadwal agenda Kepala Biro",)))
    return Sheet(("PEMERINTAH PROVINSI DKI JAKARTA", "BIRO KERJA SAMA DAERAH"), fields,
                 Signer("Kepala Biro Kerja Sama Daerah", "Marulina Dewi", "197702261997112001"),
                 "Disahkan oleh", grid, (table,), marked)


def _open(data: bytes):
    return Document(io.BytesIO(data))


def _procedure_tables(document) -> list:
    """The tables with repeating header rows: the procedure table's pages."""
    return [t for t in document.tables if t.rows[0]._tr.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None]


def _texts(element) -> list[str]:
    """The text of each paragraph in an element (a row, a cell), tabs as "\t"."""
    pieces = {qn("w:t"): lambda e: e.text or "", qn("w:tab"): lambda e: "\t", qn("w:br"): lambda e: "\n"}
    return ["".join(pieces[e.tag](e) for e in p.iter(*pieces) if e.getparent().tag == qn("w:r"))
            for p in element.iter(qn("w:p"))]


def _all_text(document) -> str:
    return "\n".join(_texts(document.element.body))


def _body_rows(document) -> list:
    return [row._tr for table in _procedure_tables(document) for row in table.rows[2:]]


def test_the_page_is_a4_landscape_with_12_mm_margins():
    section = _open(render_docx(_sheet())).sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert abs(section.page_width - Mm(297)) < Mm(0.1) and abs(section.page_height - Mm(210)) < Mm(0.1)
    for side in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
        assert abs(side - Mm(12)) < Mm(0.1)


def test_the_identity_page_holds_every_field_as_labelled():
    sheet = _sheet()
    document = _open(render_docx(sheet))
    identity, grid = document.tables[0], document.tables[1]
    texts = _texts(identity._tbl)
    labels = [t for t in texts if t in {f.label for f in sheet.fields} | {sheet.signer_label}]
    assert labels == ["Nomor SOP", "Tanggal Pembuatan", "Tanggal Revisi", "Tanggal Pengesahan", "Disahkan oleh",
                      "Nama SOP"]
    for expected in ("PEMERINTAH PROVINSI DKI JAKARTA", "BIRO KERJA SAMA DAERAH", "1 / OT. 05. 00", "28 Juli 2025",
                     "1 Agustus 2025", "Kepala Biro Kerja Sama Daerah", "Marulina Dewi", "NIP 197702261997112001",
                     "Pengelolaan Media Sosial"):
        assert expected in texts
    position, name = texts.index("Kepala Biro Kerja Sama Daerah"), texts.index("Marulina Dewi")
    assert name - position > 2 and texts[position + 1:name] == [""] * (name - position - 1)   # room to sign
    cells = [_texts(cell._tc) for row in grid.rows for cell in row.cells]
    assert cells[0] == ["Dasar Hukum", "1.\tUndang-Undang Nomor 14 Tahun 2008",
                        "2.\tPeraturan Gubernur Nomor 24 Tahun 2012"]
    assert cells[1] == ["Kualifikasi Pelaksana", "a.\tMemahami ketentuan"]
    assert cells[3] == ["Peralatan/Perlengkapan", "-\tKomputer", "-\tKamera"]
    assert cells[5] == ["Pencatatan dan Pendataan", "Jadwal agenda Kepala Biro"]


def test_the_header_rows_repeat_with_the_headings_as_printed():
    sheet = _sheet()
    tables = _procedure_tables(_open(render_docx(sheet)))
    assert tables
    for table in tables:
        first, second = table.rows[0]._tr, table.rows[1]._tr
        assert second.find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        assert [t for t in _texts(first) if t] == ["No", "Uraian Prosedur", "Pelaksana", "Baku Mutu", "Keterangan"]
        assert [t for t in _texts(second) if t] == ["Admin Medsos", "Kepala Subbagian", "Kepala Biro",
                                                    "Kelengkapan", "Waktu", "Output"]
        assert len(table.columns) == 2 + 3 + 3 + 1


def test_a_sheet_without_keterangan_has_no_such_column():
    tables = _procedure_tables(_open(render_docx(_sheet(keterangan=False))))
    assert "Keterangan" not in _texts(tables[0].rows[0]._tr)
    assert len(tables[0].columns) == 2 + 3 + 3


def test_every_row_holds_its_text_and_one_picture_of_its_band():
    sheet = _sheet()
    data = render_docx(sheet)
    document = _open(data)
    _, laid = lay_out(sheet)
    laid_rows = [row for page in laid[0].pages for row in page]
    rows = _body_rows(document)
    assert len(rows) == len(laid_rows) == len(sheet.tables[0].rows)
    for tr, laid_row in zip(rows, laid_rows):
        texts = _texts(tr)
        row = laid_row.row
        assert [t for t in [row.no, row.kegiatan] if t] == [t for t in texts[:2] if t]
        for cell, style in ((row.kelengkapan, "angka"), (row.waktu, ""), (row.output, "strip"), (row.keterangan, "")):
            assert cell.style == (style if cell.items else "")   # a terminator's band has empty cells
            for i, item in enumerate(cell.items):
                assert _marker(style, i) + item in texts
        pictures = list(tr.iter(BLIP))
        assert len(pictures) == 1
        extent = next(tr.iter(EXTENT))
        assert int(extent.get("cx")) == round(laid_row.strip.width * EMU_PER_PT)
        assert int(extent.get("cy")) == round(laid_row.strip.height * EMU_PER_PT)
        height = tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
        assert height.get(qn("w:hRule")) == "exact"
        assert int(height.get(qn("w:val"))) == round(laid_row.height * 20)
        assert tr.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
        image = document.part.related_parts[pictures[0].get(EMBED)].blob
        assert Image.open(io.BytesIO(image)).size == (round(laid_row.strip.width * 4), round(laid_row.strip.height * 4))


def test_each_laid_out_page_is_a_table_on_a_page_of_its_own():
    sheet = _sheet(rows=14)
    _, laid = lay_out(sheet)
    assert len(laid[0].pages) >= 2
    document = _open(render_docx(sheet))
    tables = _procedure_tables(document)
    assert [len(t.rows) - 2 for t in tables] == [len(page) for page in laid[0].pages]
    for table in tables:
        before = table._tbl.getprevious()
        assert before.tag == qn("w:p") and before.find(f"{qn('w:pPr')}/{qn('w:pageBreakBefore')}") is not None
    assert "Pengelolaan Media Sosial" in _texts(tables[0]._tbl.getprevious())


def test_the_legend_lists_the_marked_interpretations_only_when_there_are_some():
    shown = _all_text(_open(render_docx(_sheet())))
    assert LEGEND_TITLE in shown and "1.\tBaris 3: pelaksana ditebak" in shown
    assert LEGEND_TITLE not in _all_text(_open(render_docx(_sheet(marked=()))))


def test_the_flowchart_symbols_are_explained_after_the_last_table():
    document = _open(render_docx(_sheet(marked=())))
    legend = document.tables[-1]
    assert tuple(_texts(legend.rows[0]._tr)) == SYMBOLS_HEAD
    assert [_texts(row._tr)[1] for row in legend.rows[1:]] == [name for _, _, name, _ in SYMBOLS]
    assert len(list(legend._tbl.iter(BLIP))) == len(SYMBOLS)


def test_a_first_word_wider_than_its_column_stays_beside_its_marker():
    sheet = _sheet()
    table = sheet.tables[0]
    long_word = "Dokumentasikegiatanpelaksanaanlengkap"
    first = table.rows[1]
    rows = (table.rows[0], Row(first.kind, first.no, first.kegiatan, first.column, first.exits,
                               kelengkapan=Cell((f"{long_word} berupa foto", "Narasi"), "strip")), *table.rows[2:])
    sheet = Sheet(sheet.agency_lines, sheet.fields, sheet.signer, sheet.signer_label, sheet.grid,
                  (Table(table.title, table.actors, rows, table.headings, table.keterangan),), sheet.marked)
    texts = _texts(_body_rows(_open(render_docx(sheet)))[1])
    assert f"-\u00a0{long_word} berupa foto" in texts   # a tab would push the word onto a line of its own
    assert "-\tNarasi" in texts


def _marker(style: str, index: int) -> str:
    """The list marker printed before a list's item (and the tab after it)."""
    return {"angka": f"{index + 1}.\t", "huruf": f"{chr(ord('a') + index)}.\t", "strip": "-\t"}.get(style, "")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_a_seed_diagram_s_sheet_holds_its_rows_and_identity(prefix):
    sheet = sheet_of(seed_diagrams(prefix))
    document = _open(render_docx(sheet))
    rows = _body_rows(document)
    assert len(rows) == sum(len(t.rows) for t in sheet.tables)
    assert len(_split(rows, sheet)) == len(sheet.tables) == (2 if prefix == "002" else 1)
    # the identity page: the letterhead table and the grid below it, one paragraph per label and item
    identity = [text for table in document.tables[:2] for text in _texts(table._tbl)]
    for table_rows, table in zip(_split(rows, sheet), sheet.tables):
        for tr, row in zip(table_rows, table.rows):
            texts = "\n".join(_texts(tr))
            for text in (row.no, *row.kegiatan.splitlines(), *row.kelengkapan.items, *row.waktu.items,
                         *row.output.items, *(row.keterangan.items if table.keterangan else ())):
                assert text in texts, (row.no, text)
            assert len(list(tr.iter(BLIP))) == 1
    for field in (*sheet.fields, *sheet.grid):
        assert field.label in identity, field.key
        for i, item in enumerate(field.items):
            assert _marker(field.style, i) + item in identity, (field.key, item)
    assert sheet.signer_label in identity
    for line in (*sheet.signer.position.splitlines(), sheet.signer.name):
        assert line in identity, line


def _split(rows: list, sheet: Sheet) -> list[list]:
    out, start = [], 0
    for table in sheet.tables:
        out.append(rows[start:start + len(table.rows)])
        start += len(table.rows)
    return out
