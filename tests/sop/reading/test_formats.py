"""The seeds' tables written by the test as XLSX, DOCX and CSV read back the same as the seed text:
actors, rows, Mutu Baku, headings, identity block. Formats are told by content, not by name."""
from __future__ import annotations

import io

import openpyxl
import pytest

from server.sop.reading import read_sop
from tests.sop.tables import (Grid, as_csv, as_docx, as_xlsx, grids_of, identity_rows_of, seed_document,
                              tables_of)

PREFIXES = ["000", "001", "002", "003", "004"]


def _written(prefix: str, kind: str) -> tuple[bytes, str]:
    doc = seed_document(prefix)
    grids, ident = grids_of(doc), identity_rows_of(doc)
    return {
        "xlsx": lambda: (as_xlsx(grids, ident), "sop.xlsx"),
        "docx": lambda: (as_docx(grids, ident), "sop.docx"),
        "docx-paragraphs": lambda: (as_docx(grids, ident, identity_as="paragraphs"), "sop.docx"),
        "docx-word-lists": lambda: (as_docx(grids, ident, identity_as="paragraphs", word_lists=True), "sop.docx"),
        "csv-semicolon": lambda: (as_csv(grids, ident), "sop.csv"),
        "csv-comma": lambda: (as_csv(grids, ident, delimiter=","), "sop.csv"),
        "csv-tab": lambda: (as_csv(grids, ident, delimiter="\t"), "sop.csv"),
    }[kind]()


def _without_titles(tables: list[dict]) -> list[dict]:
    return [dict(t, title="") for t in tables]


@pytest.mark.parametrize("kind", ["xlsx", "docx", "docx-paragraphs", "docx-word-lists", "csv-semicolon",
                                  "csv-comma", "csv-tab"])
@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_written_file_reads_as_the_seed_text(prefix, kind):
    seed = seed_document(prefix)
    data, name = _written(prefix, kind)
    doc = read_sop(data, name)
    expected, got = tables_of(seed), tables_of(doc)
    if kind.startswith("csv"):                 # CSV has no bold: its tables are written without titles
        expected, got = _without_titles(expected), _without_titles(got)
    assert got == expected
    assert doc.identity == seed.identity
    assert doc.labels == seed.labels
    assert doc.identity_lists == seed.identity_lists
    assert doc.source_format == kind.split("-")[0]
    assert doc.unread == []


def test_the_xlsx_header_is_merged_as_agencies_merge_it():
    data, _ = _written("004", "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    merged = {str(r) for r in sheet.merged_cells.ranges}
    # Pelaksana over the five actors, Mutu Baku over three columns, No/Kegiatan/Keterangan downwards
    assert {"C14:G14", "H14:J14", "A14:A15", "B14:B15", "K14:K15"} <= merged


def test_the_format_is_told_by_content_not_by_name():
    xlsx, _ = _written("003", "xlsx")
    docx, _ = _written("003", "docx")
    assert read_sop(xlsx, "upload.bin").source_format == "xlsx"
    assert read_sop(docx, "sop.xlsx").source_format == "docx"
    assert read_sop(_written("003", "csv-semicolon")[0], "sop.txt").source_format == "csv"


def test_csv_in_windows_1252():
    doc = seed_document("003")                      # no arrows: every character is in cp1252
    grids = grids_of(doc)
    grids[0].rows[0][1] += " (Kapanewon, caf\u00e9)"
    data = as_csv(grids, identity_rows_of(doc), encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    got = read_sop(data, "sop.csv")
    assert got.tables[0].rows[0].kegiatan.endswith("(Kapanewon, caf\u00e9)")
    assert got.identity == doc.identity


def test_a_step_written_over_two_sheet_rows_is_one_row():
    grid = Grid(header=[["No", "Kegiatan", "Pelaksana", "", "Mutu Baku", "", ""],
                        ["", "", "Staf", "Kepala", "Kelengkapan", "Waktu", "Output"]],
                merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 6)],
                rows=[["1", "Menyusun konsep", "x", "", "1. Data", "1 hari", "Konsep"],
                      ["", "dan narasi", "", "", "2. Foto", "", ""],
                      ["2", "Menyetujui konsep", "", "Ya", "Konsep", "30 menit", "Persetujuan"]])
    doc = read_sop(as_xlsx(grid), "sop.xlsx")
    table = doc.tables[0]
    assert table.actors == ["Staf", "Kepala"]
    assert [r.no for r in table.rows] == ["1", "2"]
    assert table.rows[0].kegiatan == "Menyusun konsep dan narasi"
    assert (table.rows[0].kelengkapan, table.rows[0].lists) == ("Data\nFoto", {"kelengkapan": "angka"})
    assert table.rows[1].marks == ["", "Ya"]
    assert "keterangan" not in table.headings
    assert any("joined" in n.en for n in doc.notes)


def test_identity_label_variants_and_key_value_lines():
    text = "\n".join([
        "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Nomor SOP : 12/SOP/2025",
        "Tgl Pengesahan : 5 Mei 2025",
        "Ditetapkan Oleh : Kepala Dinas",
        "No. Revisi : 2",
        "Kualifikasi Pelaksanaan",
        "a. Sarjana komunikasi b. Mampu menulis",
        "Pencatatan / Pendataan",
        "- Arsip digital - Buku agenda",
        "",
        "No\tAktivitas\tPelaksana\t\tPersyaratan\tWaktu\tOutput",
        "\t\tStaf\tKepala\t\t\t",
        "1\tMenulis berita\tx\t\tFoto\t1 jam\tDraf",
    ])
    doc = read_sop(text.encode("utf-8"), "sop.txt")
    ident = doc.identity
    assert ident["sop.instansi"] == "DINAS KOMUNIKASI DAN INFORMATIKA"
    assert ident["sop.nomor"] == "12/SOP/2025"
    assert ident["sop.tanggal_efektif"] == "5 Mei 2025"
    assert ident["sop.disahkan_oleh"] == "Kepala Dinas"
    assert ident["sop.kualifikasi_pelaksana"] == "Sarjana komunikasi\nMampu menulis"
    assert ident["sop.pencatatan_pendataan"] == "Arsip digital\nBuku agenda"
    assert doc.identity_lists == {"kualifikasi_pelaksana": "huruf", "pencatatan_pendataan": "strip"}
    assert doc.labels == {"tanggal_efektif": "Tgl Pengesahan", "disahkan_oleh": "Ditetapkan Oleh",
                          "kualifikasi_pelaksana": "Kualifikasi Pelaksanaan",
                          "pencatatan_pendataan": "Pencatatan / Pendataan"}
    assert any("No. Revisi" in n.id or "nomor revisi" in n.id for n in doc.unread)
    table = doc.tables[0]
    assert table.headings["kegiatan"] == "Aktivitas" and table.headings["kelengkapan"] == "Persyaratan"
    assert table.actors == ["Staf", "Kepala"] and table.rows[0].marks == ["x", ""]


def test_a_header_printed_again_after_a_page_break_continues_the_table():
    header = "No\tKegiatan\tPelaksana\t\tMutu Baku\t\t\n\t\tStaf\tKepala\tKelengkapan\tWaktu\tOutput"
    text = "\n".join([header, "1\tMenulis\tx\t\tFoto\t1 jam\tDraf", "2\tMemeriksa\t\tx\tDraf\t1 jam\tKoreksi",
                      "", header, "3\tMengunggah\tx\t\tKoreksi\t1 jam\tUnggahan"])
    doc = read_sop(text.encode(), "sop.txt")
    assert [[r.no for r in t.rows] for t in doc.tables] == [["1", "2", "3"]]
    assert any("page break" in n.en for n in doc.notes)
    restarted = text.replace("3\tMengunggah", "1\tMengunggah")
    assert len(read_sop(restarted.encode(), "sop.txt").tables) == 2
