"""Small crafted files that used to cost minutes or gigabytes, slip past the archive checks, or crash
the reader: each is now refused with a message (Indonesian and English) or read correctly, at once.
The files are built in tests/sop/bad_files.py; outcomes are asserted, never timings."""
from __future__ import annotations

import io
import zipfile

import pytest

from server.sop.drafting import draft_sop
from server.sop.identity import NAME_MAX
from server.sop.reading import ImportRefused, read_sop
from tests.sop import bad_files


def _refused(data: bytes, name: str, draft: bool = False) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        doc = read_sop(data, name)
        if draft:
            draft_sop(doc, "uji", "Uji", set())
    error = caught.value
    assert error.status == 422 and error.message_id.startswith("Berkas ditolak: ")
    assert error.fields["file"] == [{"id": error.message_id, "en": error.message_en}]
    return error


def _drafted(data: bytes, name: str):
    doc = read_sop(data, name)
    return doc, draft_sop(doc, "uji", "Uji", set())


# -- the archive -------------------------------------------------------------------------------

def test_a_part_compressed_by_bzip2_is_refused_before_it_is_inflated():
    data = bad_files.docx_with_bzip2_part()
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").compress_type == zipfile.ZIP_BZIP2
    error = _refused(data, "sop.docx")
    assert "metode kompresi 12" in error.message_id and "compression method 12" in error.message_en


def test_a_part_is_scanned_whatever_its_name():
    error = _refused(bad_files.xlsx_with_entity_in_dat_part(), "sop.xlsx")
    assert "DOCTYPE/ENTITY" in error.message_id and "sheet1.dat" in error.message_id


def test_a_part_in_utf32_is_refused():
    error = _refused(bad_files.xlsx_with_utf32_sheet(), "sop.xlsx")
    assert "pengodean" in error.message_id and "UTF-8" in error.message_en


def test_the_libraries_get_only_checked_bytes_stored():
    """What openpyxl and python-docx open is the archive rebuilt from the checked parts: nothing to inflate."""
    from server.sop.reading import zipped
    parts = zipped.checked_parts(bad_files.seed_docx(), "docx")
    rebuilt = zipfile.ZipFile(zipped.rebuilt(parts))
    assert {i.compress_type for i in rebuilt.infolist()} == {zipfile.ZIP_STORED}
    assert {i.filename: rebuilt.read(i) for i in rebuilt.infolist()} == parts


# -- sizes a few bytes can declare ----------------------------------------------------------------

def test_a_declared_sheet_of_16384_columns_is_read_as_its_cells():
    assert read_sop(bad_files.xlsx_with_huge_dimension(), "sop.xlsx").tables == \
        read_sop(bad_files.seed_xlsx(), "sop.xlsx").tables


def test_a_cell_past_2000_rows_is_refused():
    error = _refused(bad_files.xlsx_with_a_cell_in_row_4000(), "sop.xlsx")
    assert "2.000 baris" in error.message_id and "2,000" in error.message_en
    assert "2,000 filled rows" in error.message_en


def test_a_cell_past_200_columns_is_refused():
    error = _refused(bad_files.csv_with_a_cell_in_column_3000(), "sop.csv")
    assert "kolom ke-200" in error.message_id and "column 200" in error.message_en


def test_overlapping_merges_are_refused():
    error = _refused(bad_files.xlsx_with_overlapping_merges(), "sop.xlsx")
    assert "sel gabungan" in error.message_id and "merged ranges" in error.message_en


@pytest.mark.parametrize("value", ["2000000", "abc"])
def test_a_word_cell_spans_at_most_63_columns(value):
    assert read_sop(bad_files.docx_with_grid_span(value), "sop.docx").tables


def test_a_long_identity_block_is_refused():
    error = _refused(bad_files.text_with_long_identity_block(), "sop.txt")
    assert "500 baris" in error.message_id and "500 lines" in error.message_en


# -- what used to crash -------------------------------------------------------------------------

@pytest.mark.parametrize("build", [bad_files.xlsx_with_truncated_sheet, bad_files.xlsx_with_undefined_entity,
                                   bad_files.xlsx_with_bad_cell_reference, bad_files.xlsx_with_whole_column_merge])
def test_a_damaged_sheet_is_refused(build):
    error = _refused(build(), "sop.xlsx")
    assert "tidak dapat dibaca" in error.message_id and "cannot be read" in error.message_en


def test_a_merge_hiding_the_header_cells_does_not_crash():
    doc = read_sop(bad_files.xlsx_with_merge_over_the_header(), "sop.xlsx")
    assert [r.no for r in doc.tables[0].rows] == ["1", "2", "3", "4", "5"]


def test_characters_xml_cannot_hold_are_dropped():
    doc, result = _drafted(bad_files.csv_with_characters_xml_cannot_hold(), "sop.csv")
    assert doc.tables[0].rows[0].kegiatan == "Staf menyusun konsep"
    assert "Staf menyusun konsep" in result.drafts[0]["xml"]


def test_a_cell_longer_than_any_sop_cell_is_refused_by_its_own_message():
    """Past csv's default field limit (131,072) the csv module would fail and hide why; the file
    is refused for its cell, which no SOP table holds."""
    with pytest.raises(ImportRefused) as refused:
        read_sop(bad_files.csv_with_a_long_cell(), "sop.csv")
    assert "20.000 karakter" in refused.value.message_id and "20,000 characters" in refused.value.message_en


# -- drafts the modeler would refuse ------------------------------------------------------------

def test_an_actor_printed_twice_gets_a_distinct_lane_name():
    from server.modeling.lint import errors, lint
    _, result = _drafted(bad_files.csv_with_actors(["Admin", "admin", "Kepala"]), "sop.csv")
    xml = result.drafts[0]["xml"]
    assert 'name="Admin"' in xml and 'name="admin (2)"' in xml
    assert not [f for f in errors(lint(xml.encode(), "impor.bpmn", None)) if f.code == "lane-name-duplicate"]
    assert any("admin (2)" in n.id for n in result.guessed)


def test_more_than_30_actor_columns_are_refused():
    error = _refused(bad_files.csv_with_actors([f"Pelaksana {n}" for n in range(31)]), "sop.csv", draft=True)
    assert "31 kolom pelaksana" in error.message_id and "31 actor columns" in error.message_en


def test_an_actor_name_over_300_characters_is_refused():
    error = _refused(bad_files.csv_with_actors(["Staf " * 70, "Kepala"]), "sop.csv", draft=True)
    assert "300 karakter" in error.message_id and "300 characters" in error.message_en


def test_more_than_300_rows_are_refused():
    error = _refused(bad_files.csv_with_rows(301), "sop.csv", draft=True)
    assert "301 baris langkah" in error.message_id and "301 step rows" in error.message_en


def test_more_than_20_tables_are_refused():
    error = _refused(bad_files.csv_with_tables(21), "sop.csv", draft=True)
    assert "21 tabel" in error.message_id and "21 SOP tables" in error.message_en


def test_a_recurring_row_is_named_at_most_name_max():
    _, result = _drafted(bad_files.csv_with_a_long_recurring_output(), "sop.csv")
    assert len(result.drafts) == 2 and len(result.drafts[1]["name"]) <= NAME_MAX
