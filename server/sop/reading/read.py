"""read_sop: any uploaded SOP table (XLSX, DOCX, CSV, the seeds' text) to one SopDocument.

The format is told by the content, the name only breaking ties: a zip is an Office file (its parts say
which), anything else is text, tab-separated or CSV. Unsafe and unreadable files are refused before
a parser sees them."""
from __future__ import annotations

from . import zipped
from .document import no_table, read_rows
from .model import SopDocument

_MACRO_EXTENSIONS = (".xlsm", ".docm", ".xltm", ".dotm", ".xlsb")


def read_sop(data: bytes, filename: str) -> SopDocument:
    """Read an SOP AP document; raises ImportRefused (message_id, message_en) when it cannot be imported."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    zipped.check_size(data)
    name = (filename or "").lower()
    if name.endswith(_MACRO_EXTENSIONS):
        raise zipped._macros()
    if zipped.is_zip(data) or name.endswith((".xlsx", ".docx")):
        kind = "docx" if name.endswith(".docx") else "xlsx"
        parts = zipped.checked_parts(data, kind)    # decompressed once, checked, the archive closed
        if "word/document.xml" in parts:
            from .docx import docx_rows
            return read_rows(docx_rows(parts), "docx")
        if "xl/workbook.xml" in parts:
            from .xlsx import xlsx_rows
            return read_rows(xlsx_rows(parts), "xlsx")
        raise zipped.refuse("arsip ini bukan dokumen Word (.docx) atau lembar kerja Excel (.xlsx).",
                            "this archive is not a Word document (.docx) or an Excel workbook (.xlsx).")
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise zipped.refuse("format Office lama (.xls/.doc) atau berkas terenkripsi tidak didukung. Simpan "
                            "sebagai .xlsx atau .docx lalu unggah lagi.",
                            "the old Office format (.xls/.doc) or an encrypted file is not supported. Save it "
                            "as .xlsx or .docx and upload again.")
    if data[:5] == b"%PDF-":
        raise zipped.refuse("PDF tidak dapat diimpor. Unggah tabel SOP sebagai XLSX, DOCX atau CSV.",
                            "a PDF cannot be imported. Upload the SOP table as XLSX, DOCX or CSV.")
    from .delimited import decode, delimited_rows
    text = decode(data)
    if text is None:
        raise zipped.refuse("berkas bukan teks, XLSX atau DOCX. Unggah tabel SOP sebagai XLSX, DOCX atau CSV.",
                            "the file is not text, XLSX or DOCX. Upload the SOP table as XLSX, DOCX or CSV.")
    rows, fmt = delimited_rows(text, name)
    if rows is None:
        raise no_table("teks ini tidak berbentuk tabel (tidak ada pemisah kolom tab, koma atau titik koma)",
                       "this text is not a table (no tab, comma or semicolon between columns)")
    return read_rows(rows, fmt)
