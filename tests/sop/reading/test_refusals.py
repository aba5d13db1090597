"""Files that are not importable SOP tables are refused with a clear message (Indonesian and English),
before any Office library parses an unsafe archive. The files are built in tests/sop/bad_files.py,
so that the API's tests can send the same ones."""
from __future__ import annotations

import io
import zipfile

import pytest

from server.sop.reading import ImportRefused, read_sop
from tests.sop import bad_files
from tests.sop.bad_files import REFUSED


def _refused(data: bytes, name: str) -> ImportRefused:
    with pytest.raises(ImportRefused) as caught:
        read_sop(data, name)
    error = caught.value
    assert error.status == 422
    assert error.fields["file"] == [{"id": error.message_id, "en": error.message_en}]
    return error


def test_the_written_files_are_importable():
    """The control for the tests below: the same files unchanged are read."""
    assert read_sop(bad_files.seed_xlsx(), "sop.xlsx").tables
    assert read_sop(bad_files.seed_docx(), "sop.docx").tables


@pytest.mark.parametrize("name, build", REFUSED.values(), ids=REFUSED.keys())
def test_every_bad_file_is_refused_and_always_the_same(name, build):
    data = build()
    assert build() == data                                   # the same bytes each time: no randomness
    _refused(data, name)


def test_an_empty_file():
    for data in (bad_files.empty_csv(), bad_files.blank_csv()):
        error = _refused(data, "sop.csv")
        assert "berkas kosong" in error.message_id and "empty" in error.message_en


def test_a_file_over_10_mb():
    error = _refused(bad_files.csv_over_10_mb(), "sop.csv")
    assert "10 MB" in error.message_id and "10 MB" in error.message_en


def test_an_xlsx_that_is_not_a_zip():
    error = _refused(bad_files.xlsx_not_a_zip(), "sop.xlsx")
    assert "bukan zip" in error.message_id and "not a zip" in error.message_en


def test_a_zip_bomb():
    data = bad_files.zip_bomb_xlsx()
    assert len(data) < 1024 * 1024                          # small upload, 60 MB inside
    error = _refused(data, "sop.xlsx")
    assert "zip bomb" in error.message_id and "zip bomb" in error.message_en


def test_an_archive_with_too_many_entries():
    error = _refused(bad_files.docx_with_too_many_entries(), "sop.docx")
    assert "1001 entri" in error.message_id and "1001 entries" in error.message_en


def test_an_xlsx_with_macros():
    data = bad_files.xlsx_with_macros()
    assert "xl/vbaProject.bin" in zipfile.ZipFile(io.BytesIO(data)).namelist()
    error = _refused(data, "sop.xlsx")
    assert "makro ditolak" in error.message_id and "macros" in error.message_en


def test_the_macro_content_type_alone_is_refused():
    data = bad_files.xlsx_with_macro_content_type()
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert b"macroEnabled" in archive.read("[Content_Types].xml")
    assert "xl/vbaProject.bin" not in archive.namelist()
    assert "makro" in _refused(data, "sop.xlsx").message_id


def test_a_macro_extension_is_refused():
    assert "makro" in _refused(bad_files.seed_xlsx(), "sop.xlsm").message_id


def test_xxe_inside_a_docx():
    error = _refused(bad_files.docx_with_xxe(), "sop.docx")
    assert "DOCTYPE/ENTITY" in error.message_id and "word/document.xml" in error.message_id
    assert "XXE" in error.message_en


def test_an_encrypted_zip():
    error = _refused(bad_files.encrypted_docx(), "sop.docx")
    assert "terenkripsi" in error.message_id and "encrypted" in error.message_en


def test_an_old_office_or_encrypted_office_file():
    error = _refused(bad_files.old_office_xls(), "sop.xls")
    assert ".xlsx" in error.message_id


def test_no_table_at_all():
    error = _refused(bad_files.text_without_table(), "sop.txt")
    assert error.message_id.startswith("Tidak ditemukan tabel SOP: ")
    assert error.message_en.startswith("No SOP table found: ")


def test_a_docx_without_a_table():
    assert _refused(bad_files.docx_without_table(), "sop.docx").message_id.startswith("Tidak ditemukan tabel SOP")


def test_a_table_without_actor_columns():
    error = _refused(bad_files.table_without_actors_csv(), "sop.csv")
    assert "tanpa kolom pelaksana" in error.message_id and "without actor columns" in error.message_en


def test_a_header_without_numbered_rows():
    error = _refused(bad_files.header_without_numbered_rows_csv(), "sop.csv")
    assert "tidak memiliki baris langkah bernomor" in error.message_id


def test_a_csv_of_prose():
    assert _refused(bad_files.csv_of_prose(), "sop.csv").message_id.startswith("Tidak ditemukan tabel SOP")


def test_bytes_that_are_no_text():
    error = _refused(bad_files.binary_csv(), "sop.csv")
    assert "bukan teks" in error.message_id


def test_an_entry_compressed_over_100_to_1():
    error = _refused(bad_files.docx_compressed_over_100_to_1(), "sop.docx")   # 20 MB: under the 50 MB total
    assert "rasio kompresi" in error.message_id and "compression ratio" in error.message_en
