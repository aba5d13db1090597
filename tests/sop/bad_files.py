"""Files an SOP import must refuse, built by the tests: each builder returns the bytes of one upload,
always the same bytes (no randomness), so that the reader's tests (tests/sop/reading/test_refusals.py)
and the API's tests can send the very same files.

    from tests.sop.bad_files import REFUSED, zip_bomb_xlsx

    read_sop(zip_bomb_xlsx(), "sop.xlsx")        # raises ImportRefused
    for case, (name, build) in REFUSED.items():  # every refused upload with the file name to send it as
        ...

The two controls, seed_xlsx() and seed_docx(), are the Ponjong seed (003) written as an agency keeps
it; the broken archives are made from them, so that only the one fault differs.
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
import zipfile

from tests.sop.tables import as_docx, as_xlsx, grids_of, identity_rows_of, seed_document

MB = 1024 * 1024
XLSX_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
XLSM_MAIN = b"application/vnd.ms-excel.sheet.macroEnabled.main+xml"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # old Office (.xls/.doc) and encrypted Office files


# -- the controls -----------------------------------------------------------------------------------

@functools.cache
def seed_xlsx() -> bytes:
    """The Ponjong seed as an .xlsx: importable."""
    doc = seed_document("003")
    return as_xlsx(grids_of(doc), identity_rows_of(doc))


@functools.cache
def seed_docx() -> bytes:
    """The Ponjong seed as a .docx: importable."""
    doc = seed_document("003")
    return as_docx(grids_of(doc), identity_rows_of(doc))


def rezip(data: bytes, change=lambda name, part: part, extra: dict[str, bytes] | None = None) -> bytes:
    """The archive with each part changed by change(name, bytes) -> bytes, and the extra parts added."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {info.filename: change(info.filename, src.read(info)) for info in src.infolist()}
    return zip_of({**parts, **(extra or {})})


def zip_of(parts: dict[str, bytes | str], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip of the parts in order, each dated 1980-01-01: the same bytes on every call (a name alone
    would be dated now, and a test build across a second's edge would differ)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, part in parts.items():
            dst.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), part, compress_type=method)
    return out.getvalue()


def _macro_content_type(name: str, part: bytes) -> bytes:
    """[Content_Types].xml declaring the workbook a macro-enabled one (as Excel writes an .xlsm)."""
    return part.replace(XLSX_MAIN, XLSM_MAIN) if name == "[Content_Types].xml" else part


# -- empty, too large, not what the name says ----------------------------------------------------------

def empty_csv() -> bytes:
    return b""


def blank_csv() -> bytes:
    """Only white space."""
    return b"  \r\n\t "


def csv_over_10_mb() -> bytes:
    return b"a;b\n" * (10 * MB // 4 + 1)


def xlsx_not_a_zip() -> bytes:
    """Text uploaded under an .xlsx name."""
    return b"No;Kegiatan\n" * 3


def old_office_xls() -> bytes:
    """An OLE compound file: an .xls of old, or an encrypted Office file."""
    return OLE_SIGNATURE + b"\0" * 600


def binary_csv() -> bytes:
    """4096 bytes that are no text in any encoding (fixed: SHA-256 blocks of 0..127)."""
    return b"".join(hashlib.sha256(bytes([i])).digest() for i in range(128))


# -- unsafe archives ------------------------------------------------------------------------------

def zip_bomb_xlsx() -> bytes:
    """Under 1 MB uploaded, 60 MB unpacked."""
    return zip_of({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>",
                   "xl/zeros.bin": b"\0" * (60 * MB)})


def docx_with_too_many_entries() -> bytes:
    """1001 entries in the archive."""
    return zip_of({f"word/media/{i}.txt": "x" for i in range(1001)}, zipfile.ZIP_STORED)


def docx_compressed_over_100_to_1() -> bytes:
    """One 20 MB entry of spaces: under the 50 MB total, over the compression ratio."""
    return zip_of({"[Content_Types].xml": "<Types/>",
                   "word/document.xml": b"<w:document>" + b" " * (20 * MB) + b"</w:document>"})


def xlsx_with_macros() -> bytes:
    """The control with a macro-enabled workbook type and a VBA project (fixed bytes, an OLE header)."""
    vba = OLE_SIGNATURE + bytes(range(256)) * 8
    return rezip(seed_xlsx(), _macro_content_type, {"xl/vbaProject.bin": vba})


def xlsx_with_macro_content_type() -> bytes:
    """The control with only the macro-enabled workbook type, no VBA project."""
    return rezip(seed_xlsx(), _macro_content_type)


def docx_with_xxe() -> bytes:
    """The control whose word/document.xml declares an external entity."""
    def change(name: str, part: bytes) -> bytes:
        if name != "word/document.xml":
            return part
        head, sep, rest = part.partition(b"?>")
        return head + sep + b'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + rest
    return rezip(seed_docx(), change)


def encrypted_docx() -> bytes:
    """The control with the "encrypted" flag set on every entry (local headers and central directory)."""
    data = bytearray(seed_docx())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 0x1
            at = data.find(signature, at + 4)
    return bytes(data)


# -- readable, but no SOP table -------------------------------------------------------------------

def text_without_table() -> bytes:
    return "Nomor SOP : 1/2025\nNama SOP : Publikasi\nDasar Hukum\n1. Undang-Undang Nomor 14 Tahun 2008\n".encode()


def docx_without_table() -> bytes:
    import docx
    document = docx.Document()
    document.add_paragraph("Nomor SOP : 1/2025")
    document.add_paragraph("Kegiatan rutin tanpa tabel")
    out = io.BytesIO()
    document.save(out)
    return rezip(out.getvalue())


def table_without_actors_csv() -> bytes:
    return b"No;Kegiatan;Kelengkapan;Waktu;Output\n1;Menulis berita;Foto;1 hari;Draf\n"


def header_without_numbered_rows_csv() -> bytes:
    return b"No;Kegiatan;Staf;Kelengkapan;Waktu;Output\nMenulis berita;x;Foto;1 hari;Draf\n"


def csv_of_prose() -> bytes:
    """40 lines of six comma-separated Latin filler words each (fixed: the words in turn)."""
    words = "lorem ipsum dolor sit amet, consectetur; adipiscing elit sed do eiusmod tempor".split()
    return "\n".join(", ".join(words[(7 * line + i) % len(words)] for i in range(6)) for line in range(40)).encode()


# -- crafted to cost time or memory, or to crash a parser (tests/sop/reading/test_limits.py) ----------------

SHEET = "xl/worksheets/sheet1.xml"
TABLE_CSV = "No;Kegiatan;Staf;Kepala;Kelengkapan;Waktu;Output\n1;Staf menyusun konsep;x;;Data;1 hari;Konsep\n" \
            "2;Kepala memeriksa konsep;;x;Konsep;1 hari;Surat\n"


def _sheet(change) -> bytes:
    """The control .xlsx with its sheet's XML changed by change(str) -> str."""
    return rezip(seed_xlsx(), lambda name, part: change(part.decode()).encode() if name == SHEET else part)


def docx_with_bzip2_part() -> bytes:
    """The control with word/document.xml compressed by bzip2, which zipfile inflates in one unbounded
    call whatever size the directory declares (Office writes only stored and deflate)."""
    src = zipfile.ZipFile(io.BytesIO(seed_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            method = zipfile.ZIP_BZIP2 if info.filename == "word/document.xml" else zipfile.ZIP_DEFLATED
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0)), src.read(info),
                         compress_type=method)
    return out.getvalue()


def xlsx_with_entity_in_dat_part() -> bytes:
    """The sheet renamed sheet1.dat (the relationship follows it) with an internal entity used in a cell:
    a scan by name (.xml/.rels) misses it, openpyxl opens it."""
    def change(name: str, part: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return part.replace(b"sheet1.xml", b"sheet1.dat")
        if name == "[Content_Types].xml":
            return part.replace(b"/xl/worksheets/sheet1.xml", b"/xl/worksheets/sheet1.dat")
        return part
    src = zipfile.ZipFile(io.BytesIO(seed_xlsx()))
    sheet = src.read(SHEET).replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY x "PWNED">]><worksheet', 1)
    sheet = sheet.replace(b"KAPANEWON", b"&x; KAPANEWON", 1)
    parts = {("xl/worksheets/sheet1.dat" if i.filename == SHEET else i.filename): change(i.filename, src.read(i))
             for i in src.infolist()}
    parts["xl/worksheets/sheet1.dat"] = sheet
    return zip_of(parts)


def xlsx_with_utf32_sheet() -> bytes:
    """The sheet in UTF-32 (declared so), its DOCTYPE invisible to a byte scan for UTF-8/UTF-16."""
    return rezip(seed_xlsx(), lambda name, part: (
        '<?xml version="1.0" encoding="UTF-32"?><!DOCTYPE worksheet [<!ENTITY x "PWNED">]>'
        + part.decode()).encode("utf-32") if name == SHEET else part)


def xlsx_with_huge_dimension() -> bytes:
    """The control declaring its sheet A1:XFD1048576 (openpyxl pads every row to 16,384 cells)."""
    return _sheet(lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml))


def xlsx_with_a_cell_in_row_4000() -> bytes:
    """The huge dimension and one cell 4000 rows down: past the 2,000 rows read."""
    return _sheet(lambda xml: re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1:XFD1048576"/>', xml)
                  .replace("</sheetData>", '<row r="4000"><c r="A4000" t="inlineStr"><is><t>x</t></is></c></row>'
                           "</sheetData>"))


def csv_with_a_cell_in_column_3000() -> bytes:
    """The table with one stray header cell 3000 columns to the right."""
    head, rest = TABLE_CSV.split("\n", 1)
    return (head + ";" * 3000 + "x\n" + rest).encode()


def xlsx_with_overlapping_merges() -> bytes:
    """50 merges of A10:XFD209, one over the other (openpyxl fills 16,384 columns for each)."""
    return _sheet(lambda xml: xml.replace('<mergeCell ref="H14:J14"/>',
                                          '<mergeCell ref="A10:XFD209"/>' * 50 + '<mergeCell ref="H14:J14"/>'))


def xlsx_with_whole_column_merge() -> bytes:
    """A merge of whole columns ("X:Y", no rows), beyond the table."""
    return _sheet(lambda xml: xml.replace('<mergeCell ref="H14:J14"/>', '<mergeCell ref="X:Y"/><mergeCell ref="H14:J14"/>'))


def xlsx_with_truncated_sheet() -> bytes:
    """The sheet's XML cut in the middle (openpyxl parses sheets lazily, after loading succeeded)."""
    return _sheet(lambda xml: xml[:len(xml) // 2])


def xlsx_with_undefined_entity() -> bytes:
    """A cell using an entity no DTD declares."""
    return _sheet(lambda xml: xml.replace("KAPANEWON", "&x; KAPANEWON", 1))


def xlsx_with_bad_cell_reference() -> bytes:
    """A cell whose reference is r="??"."""
    return _sheet(lambda xml: xml.replace('r="A1"', 'r="??"', 1))


def xlsx_with_merge_over_the_header() -> bytes:
    """A merge from an empty cell above over "No" and "Kegiatan": the filled view loses both."""
    return _sheet(lambda xml: xml.replace('<mergeCell ref="A14:A15"/><mergeCell ref="C14:G14"/>',
                                          '<mergeCell ref="D13:E14"/><mergeCell ref="A13:B14"/>'))


def docx_with_grid_span(value: str) -> bytes:
    """The control whose first table cell spans `value` grid columns ("2000000": two million cells)."""
    def change(name: str, part: bytes) -> bytes:
        if name != "word/document.xml":
            return part
        return part.replace(b"<w:tc>", f'<w:tc><w:tcPr><w:gridSpan w:val="{value}"/></w:tcPr>'.encode(), 1)
    return rezip(seed_docx(), change)


def text_with_long_identity_block() -> bytes:
    """600 distinct lines above the table (each new line was compared with every earlier one)."""
    return ("".join(f"Baris pengantar nomor {n}\n" for n in range(600)) + TABLE_CSV.replace(";", "\t")).encode()


def csv_with_characters_xml_cannot_hold() -> bytes:
    """U+FFFF, U+FFFE and ESC in a Kegiatan: lxml refuses to write them."""
    return TABLE_CSV.replace("menyusun konsep", "menyusun\uffff konsep\ufffe\x1b").encode()


def csv_with_a_long_cell() -> bytes:
    """A Kegiatan of 140,000 characters, over csv's default field limit of 131,072."""
    return TABLE_CSV.replace("menyusun konsep", "menyusun konsep " + "panjang " * 17_500).encode()


def csv_with_actors(names: list[str]) -> bytes:
    """A two-row table whose actor columns are `names` (the first two rows marked in the first two)."""
    blanks = ";" * (len(names) - 2)
    return (f"No;Kegiatan;{';'.join(names)};Kelengkapan;Waktu;Output\n"
            f"1;Menyusun konsep;x;{blanks};Data;1 hari;Konsep\n"
            f"2;Memeriksa konsep;;x{blanks};Konsep;1 hari;Surat\n").encode()


def csv_with_rows(count: int) -> bytes:
    head = "No;Kegiatan;Staf;Kepala;Kelengkapan;Waktu;Output\n"
    return (head + "".join(f"{n};Menyusun bagian {n};x;;Data;1 hari;Bagian\n" for n in range(1, count + 1))).encode()


def csv_with_tables(count: int) -> bytes:
    """`count` tables, each under its own title."""
    return "".join(f"SOP BAGIAN {n}\n{TABLE_CSV}\n" for n in range(1, count + 1)).encode()


def csv_with_a_long_recurring_output() -> bytes:
    """A last row that recurs monthly, its Output (the recurring process's name) 1,000 characters long."""
    return (TABLE_CSV + "3;Staf melaporkan hasil setiap bulan;x;;Data;tiap bulan minggu ke-1;"
            + "Laporan " * 125 + "\n").encode()


# Every refused upload: case -> (the file name to send it as, its builder).
REFUSED = {
    "empty": ("sop.csv", empty_csv),
    "blank": ("sop.csv", blank_csv),
    "over 10 MB": ("sop.csv", csv_over_10_mb),
    "xlsx not a zip": ("sop.xlsx", xlsx_not_a_zip),
    "old office": ("sop.xls", old_office_xls),
    "binary": ("sop.csv", binary_csv),
    "zip bomb": ("sop.xlsx", zip_bomb_xlsx),
    "too many entries": ("sop.docx", docx_with_too_many_entries),
    "compression ratio": ("sop.docx", docx_compressed_over_100_to_1),
    "macros": ("sop.xlsx", xlsx_with_macros),
    "macro content type": ("sop.xlsx", xlsx_with_macro_content_type),
    "macro extension": ("sop.xlsm", seed_xlsx),
    "xxe": ("sop.docx", docx_with_xxe),
    "encrypted": ("sop.docx", encrypted_docx),
    "text without table": ("sop.txt", text_without_table),
    "docx without table": ("sop.docx", docx_without_table),
    "table without actors": ("sop.csv", table_without_actors_csv),
    "no numbered rows": ("sop.csv", header_without_numbered_rows_csv),
    "prose": ("sop.csv", csv_of_prose),
    "bzip2 part": ("sop.docx", docx_with_bzip2_part),
    "entity in a .dat part": ("sop.xlsx", xlsx_with_entity_in_dat_part),
    "utf-32 part": ("sop.xlsx", xlsx_with_utf32_sheet),
    "cell in row 4000": ("sop.xlsx", xlsx_with_a_cell_in_row_4000),
    "cell in column 3000": ("sop.csv", csv_with_a_cell_in_column_3000),
    "overlapping merges": ("sop.xlsx", xlsx_with_overlapping_merges),
    "long identity block": ("sop.txt", text_with_long_identity_block),
    "truncated sheet": ("sop.xlsx", xlsx_with_truncated_sheet),
    "undefined entity": ("sop.xlsx", xlsx_with_undefined_entity),
    "bad cell reference": ("sop.xlsx", xlsx_with_bad_cell_reference),
    "whole-column merge": ("sop.xlsx", xlsx_with_whole_column_merge),
}


def csv_with_a_huge_cell() -> bytes:
    """A list of 30,000 items run together in one Kelengkapan cell (about 400 KB)."""
    items = " ".join(f"{i}. butir" for i in range(1, 30_000))
    return (TABLE_CSV.split("\n")[0] + "\n1;Menyiapkan bahan;x;;" + items + ";1 hari;Hasil\n").encode()


REFUSED["huge cell"] = ("sop.csv", csv_with_a_huge_cell)
