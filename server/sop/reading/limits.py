"""How much of a document the reader takes, and the refusals past it.

An upload of a few kilobytes can describe a sheet of a million rows, a column 3000 cells to the
right, thousands of merges or a cell spanning two million columns; an SOP table is a few dozen rows
and columns. Past these bounds the file is refused with a message saying which bound, before the
reader spends time or memory on it."""
from __future__ import annotations

from .zipped import id_number, refuse

MAX_SHEET_ROWS = 2000      # rows of one sheet read (XLSX)
MAX_COLUMNS = 200          # cells of one row, any format
MAX_MERGES = 2000          # merged ranges of one sheet
MAX_SPAN = 63              # a Word cell's gridSpan (Word's own limit: 63 columns)
MAX_IDENTITY_LINES = 500   # non-blank lines of the identity block above the first table
MAX_CELL_CHARS = 20_000    # one cell's text: a Kegiatan or a Dasar Hukum list is a few hundred


def too_many_rows(where: str, where_en: str):
    return refuse(f"{where} berisi lebih dari {id_number(MAX_SHEET_ROWS)} baris terisi. Tabel SOP jauh lebih pendek; "
                  "hapus baris di luar tabel atau pisahkan dokumen.",
                  f"{where_en} holds more than {MAX_SHEET_ROWS:,} filled rows. An SOP table is far shorter; "
                  "delete the rows outside the table or split the document.")


def too_wide(line: int):
    return refuse(f"baris sumber {line} berisi sel di luar kolom ke-{MAX_COLUMNS}. Tabel SOP paling lebar "
                  f"{MAX_COLUMNS} kolom; hapus sel di luar tabel.",
                  f"source line {line} holds a cell beyond column {MAX_COLUMNS}. An SOP table is at most "
                  f"{MAX_COLUMNS} columns wide; delete the cells outside the table.")


def too_many_merges(where: str, where_en: str):
    return refuse(f"{where} berisi lebih dari {id_number(MAX_MERGES)} sel gabungan (atau gabungan yang saling tumpang "
                  "tindih). Simpan ulang dari Excel tanpa penggabungan sel di luar tabel.",
                  f"{where_en} holds more than {MAX_MERGES:,} merged ranges (or overlapping ones). Save it "
                  "again from Excel without merged cells outside the table.")


def identity_too_long():
    return refuse(f"lebih dari {MAX_IDENTITY_LINES} baris teks sebelum tabel SOP. Blok identitas SOP hanya "
                  "beberapa puluh baris; hapus teks lain di atas tabel.",
                  f"more than {MAX_IDENTITY_LINES} lines of text before the SOP table. An SOP's identity block "
                  "is a few dozen lines; delete the other text above the table.")


def cell_too_long(line: int):
    return refuse(f"baris sumber {line} berisi sel lebih dari {id_number(MAX_CELL_CHARS)} karakter. Sel tabel SOP hanya "
                  "beberapa kalimat; periksa apakah berkasnya benar.",
                  f"source line {line} holds a cell of more than {MAX_CELL_CHARS:,} characters. A cell of an "
                  "SOP table is a few sentences; check that this is the right file.")
