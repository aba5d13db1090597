"""Safety checks on an uploaded Office file before any library parses it.

XLSX and DOCX are zip archives of XML parts: a small upload can expand to gigabytes (zip bomb), carry
macros, or declare XML entities that reach files and the network (XXE). openpyxl and python-docx
trust their input, so every entry is decompressed here once, in small chunks, counting the real bytes
(the zip's directory can lie about sizes), and scanned whatever its name (the relationships may point
a library at any part). The libraries then get an archive rebuilt from these checked bytes, stored
uncompressed, so they never decompress anything unchecked. Nothing is extracted to disk."""
from __future__ import annotations

import io
import re
import zipfile

from ...engine.safe_xml import dtd_declaration_at
from .model import ImportRefused

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024      # below 1 MB a high ratio (a run of spaces) is harmless; the total bounds many
CHUNK = 64 * 1024
# Office writes only these; bzip2 and lzma decompress without bound in one read of zipfile.
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_MACRO_TYPES = (b"application/vnd.ms-excel.sheet.macroEnabled", b"application/vnd.ms-word.document.macroEnabled",
                b"application/vnd.ms-office.vbaProject", b"application/vnd.ms-excel.template.macroEnabled",
                b"application/vnd.ms-word.template.macroEnabled", b"application/vnd.ms-excel.addin.macroEnabled")
# An XML declaration's encoding: only those the DTD scan reads (UTF-8 and its ASCII subset, UTF-16).
_DECLARED = re.compile(r"^\ufeff?\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_ALLOWED_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be", "us-ascii", "ascii"}
# Byte patterns libxml2 reads as UTF-32 or EBCDIC without any declaration.
_OTHER_ENCODINGS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\x00\x00\x00<", b"<\x00\x00\x00",
                    b"\x00\x00<\x00", b"\x00<\x00\x00", b"\x4c\x6f\xa7\x94")


def refuse(detail_id: str, detail_en: str) -> ImportRefused:
    return ImportRefused(f"Berkas ditolak: {detail_id}", f"File refused: {detail_en}")


def id_number(n: int) -> str:
    """A count as Indonesian writes it: 10.485.760 (English: 10,485,760)."""
    return f"{n:,}".replace(",", ".")


def check_size(data: bytes) -> None:
    if not data or not data.strip():
        raise refuse("berkas kosong. Unggah tabel SOP dalam XLSX, DOCX, CSV atau teks.",
                     "the file is empty. Upload an SOP table as XLSX, DOCX, CSV or text.")
    if len(data) > MAX_FILE_BYTES:
        raise refuse(f"ukuran berkas {id_number(len(data))} bita melebihi batas {id_number(MAX_FILE_BYTES)} bita (10 MB). "
                     "Pisahkan dokumen atau hapus gambar besar di dalamnya.",
                     f"the file is {len(data):,} bytes, over the limit of {MAX_FILE_BYTES:,} bytes (10 MB). "
                     "Split the document or remove large pictures from it.")


def is_zip(data: bytes) -> bool:
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def checked_parts(data: bytes, kind: str) -> dict[str, bytes]:
    """Every entry's bytes (name -> bytes), once the archive passed every check; refuses
    (ImportRefused) otherwise."""
    if not is_zip(data):
        raise refuse(f"berkas .{kind} ini bukan arsip Office yang sah (bukan zip). Simpan ulang dari "
                     f"aplikasinya sebagai .{kind}, atau unggah CSV.",
                     f"this .{kind} file is not a valid Office archive (not a zip). Save it again from its "
                     f"application as .{kind}, or upload a CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            _check_directory(infos)
            parts: dict[str, bytes] = {}
            total = 0
            for info in infos:
                part = _read(archive, info, MAX_TOTAL_BYTES - total)
                total += len(part)
                parts[info.filename] = part
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, RuntimeError,
            NotImplementedError) as exc:
        raise refuse(f"arsip zip rusak ({exc}).", f"the zip archive is damaged ({exc}).") from None
    types = parts.get("[Content_Types].xml", b"")
    if any(t.lower() in types.lower() for t in _MACRO_TYPES):
        raise _macros()
    for name, part in parts.items():
        _check_xml(name, part)
    return parts


def rebuilt(parts: dict[str, bytes]) -> io.BytesIO:
    """The checked parts as a zip the Office libraries read, stored: nothing left to decompress."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, part in parts.items():
            archive.writestr(name, part)
    out.seek(0)
    return out


def _check_directory(infos: list[zipfile.ZipInfo]) -> None:
    """What the central directory says, refused before anything is decompressed."""
    if len(infos) > MAX_ENTRIES:
        raise refuse(f"arsip berisi {len(infos)} entri, melebihi batas {MAX_ENTRIES}.",
                     f"the archive holds {len(infos)} entries, over the limit of {MAX_ENTRIES}.")
    declared = 0
    for info in infos:
        name = info.filename
        if info.flag_bits & 0x1:
            raise refuse("berkas terenkripsi atau dilindungi kata sandi. Buka proteksinya lalu unggah lagi.",
                         "the file is encrypted or password-protected. Remove the protection and upload again.")
        if info.compress_type not in _METHODS:
            raise refuse(f"entri \"{name}\" memakai metode kompresi {info.compress_type} yang tidak dipakai "
                         "Word/Excel (hanya stored dan deflate). Simpan ulang dokumen dari Word/Excel.",
                         f"entry \"{name}\" uses compression method {info.compress_type}, which Word/Excel do "
                         "not use (only stored and deflate). Save the document again from Word/Excel.")
        declared += info.file_size
        if declared > MAX_TOTAL_BYTES:
            raise _too_big()
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _ratio(name)
        lowered = name.lower()
        if lowered.endswith("vbaproject.bin") or lowered.endswith(".bin") and "vba" in lowered:
            raise _macros()


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> bytes:
    """The entry's real bytes, read 64 KiB at a time: refused as soon as they pass its declared
    size, the room left of the 50 MB total, or (past 1 MB) 100 times its compressed size."""
    chunks: list[bytes] = []
    count = 0
    with archive.open(info) as src:
        while chunk := src.read(CHUNK):
            count += len(chunk)
            if count > info.file_size:
                raise refuse(f"entri \"{info.filename}\" lebih besar dari ukuran yang tercatat di arsip "
                             "(kemungkinan zip bomb).",
                             f"entry \"{info.filename}\" is larger than the size the archive records "
                             "(a likely zip bomb).")
            if count > room:
                raise _too_big()
            if count > RATIO_FLOOR and count > MAX_RATIO * max(info.compress_size, 1):
                raise _ratio(info.filename)
            chunks.append(chunk)
    return b"".join(chunks)


def _check_xml(name: str, part: bytes) -> None:
    """Any entry, whatever its name: no DTD or entity declaration, no encoding the scan cannot read."""
    if dtd_declaration_at(part) is not None:
        raise refuse(f"bagian XML \"{name}\" memuat deklarasi DOCTYPE/ENTITY, yang tidak "
                     "diizinkan demi keamanan (XXE). Simpan ulang dokumen dari Word/Excel.",
                     f"the XML part \"{name}\" holds a DOCTYPE/ENTITY declaration, which is not "
                     "allowed for security reasons (XXE). Save the document again from Word/Excel.")
    head = part[:512]
    if head.startswith(_OTHER_ENCODINGS):
        encoding = "UTF-32/EBCDIC"
    else:
        if head.startswith((b"\xff\xfe", b"<\x00")):
            text = head.decode("utf-16-le", "ignore")
        elif head.startswith((b"\xfe\xff", b"\x00<")):
            text = head.decode("utf-16-be", "ignore")
        else:
            text = head.decode("latin-1")
        found = _DECLARED.match(text)
        if not found or found.group(1).lower() in _ALLOWED_ENCODINGS:
            return
        encoding = found.group(1)
    raise refuse(f"bagian XML \"{name}\" memakai pengodean {encoding}; hanya UTF-8 dan UTF-16 yang diterima. "
                 "Simpan ulang dokumen dari Word/Excel.",
                 f"the XML part \"{name}\" uses the encoding {encoding}; only UTF-8 and UTF-16 are accepted. "
                 "Save the document again from Word/Excel.")


def _too_big() -> ImportRefused:
    return refuse("isi arsip setelah diekstrak melebihi 50 MB (kemungkinan zip bomb).",
                  "the archive's content exceeds 50 MB once extracted (a likely zip bomb).")


def _ratio(name: str) -> ImportRefused:
    return refuse(f"entri \"{name}\" memiliki rasio kompresi lebih dari {MAX_RATIO}:1 (kemungkinan zip bomb).",
                  f"entry \"{name}\" has a compression ratio over {MAX_RATIO}:1 (a likely zip bomb).")


def _macros() -> ImportRefused:
    return refuse("berkas dengan makro ditolak. Simpan sebagai .xlsx/.docx biasa (tanpa makro) lalu unggah lagi.",
                  "files with macros are refused. Save as a plain .xlsx/.docx (without macros) and upload again.")
