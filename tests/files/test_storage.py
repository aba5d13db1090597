"""Content-addressed storage on a real folder, with file types sniffed from real bytes."""
from __future__ import annotations

import hashlib
import io
import os
import struct
import zipfile
import zlib

import pytest

from server.errors import InvalidInput, NotFound
from server.files import DEFAULT_LIMITS, FileStore, StoredFile, accepts, kind_of, sniff

MiB = 1024 * 1024


def png(width: int = 1, height: int = 1, noisy: bool = False) -> bytes:
    """A complete, valid PNG (signature, IHDR, IDAT, IEND with correct CRCs)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + (os.urandom(3 * width) if noisy else b"\xc0\x20\x20" * width)
                    for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg() -> bytes:
    """SOI and a JFIF APP0 segment, then EOI: the header every camera JPEG starts with."""
    app0 = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return b"\xff\xd8\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + b"\xff\xd9"


def mp4() -> bytes:
    ftyp = b"ftyp" + b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41"
    mdat = b"mdat" + b"\x00" * 16
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", len(mdat) + 4) + mdat


def pdf() -> bytes:
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return out


def zipped(entries: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in entries.items():
            z.writestr(name, text)
    return buf.getvalue()


def stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "files")


def test_png_is_stored_under_its_digest(store):
    data = png(2, 2)
    stored = store.put(data, "foto.png")
    digest = hashlib.sha256(data).hexdigest()
    assert stored == StoredFile(digest, len(data), "image/png", "image",
                                store.root / digest[:2] / digest[2:4] / digest)
    assert stored.path.read_bytes() == data
    assert store.path(digest) == stored.path
    with store.open(digest) as f:
        assert f.read() == data
    assert store.info(digest.upper()) == stored


def test_identical_content_is_stored_once(store):
    data = png(3, 3)
    first = store.put(data, "a.png")
    second = store.put(io.BytesIO(data), "salinan.png")
    assert first == second
    assert stored_files(store.root) == [first.path]


def test_jpeg_from_a_stream_that_hands_out_little_at_a_time(store):
    class Trickle:
        def __init__(self, data):
            self.buf = io.BytesIO(data)

        def read(self, n=-1):
            return self.buf.read(min(n, 3))

    stored = store.put(Trickle(jpeg()), "IMG_0001.JPG")
    assert (stored.content_type, stored.kind, stored.size) == ("image/jpeg", "image", len(jpeg()))


def test_tiny_mp4_is_a_video(store):
    stored = store.put(mp4(), "video.bin")
    assert (stored.content_type, stored.kind) == ("video/mp4", "video")


def test_minimal_pdf_is_a_document(store):
    stored = store.put(pdf(), "surat")
    assert (stored.content_type, stored.kind) == ("application/pdf", "document")


def test_docx_is_a_document(store):
    docx = zipped({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    assert store.put(docx, "nota.docx").kind == "document"


@pytest.mark.parametrize("name,data,detected", [
    ("foto.jpg", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/x-msdownload"),
    ("foto.jpg", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "application/x-executable"),
    ("foto.jpg", zipped({"payload.exe": "MZ"}), "application/zip"),
    ("foto.jpg", "Ini hanya teks biasa, bukan foto.\n".encode(), "text/plain"),
    ("foto.jpg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "text/plain"),
])
def test_disguised_files_are_refused(store, name, data, detected):
    with pytest.raises(InvalidInput) as caught:
        store.put(data, name)
    err = caught.value
    assert err.message_id == (
        f"Jenis berkas tidak diizinkan (terdeteksi: {detected}). Yang diizinkan: "
        "foto (JPEG, PNG, GIF, WebP, HEIC), video (MP4, MOV, WebM), "
        "dokumen (PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX)).")
    assert err.message_en.startswith(f"File type not allowed (detected: {detected}). Allowed: "
                                     "photos (JPEG, PNG, GIF, WebP, HEIC), videos (")
    assert stored_files(store.root) == []


def test_unrecognised_binary_and_empty_files_are_refused(store):
    with pytest.raises(InvalidInput) as caught:
        store.put(b"\x00\x01\x02\x03garbage", "x.jpg")
    assert "(terdeteksi: tidak dikenal)" in caught.value.message_id
    assert "(detected: unknown)" in caught.value.message_en
    with pytest.raises(InvalidInput) as caught:
        store.put(b"", "kosong.jpg")
    assert caught.value.message_id == "Berkas kosong."
    assert stored_files(store.root) == []


def test_message_lists_what_this_store_allows(tmp_path):
    store = FileStore(tmp_path, allowed_types={"image/jpeg", "image/png", "image/webp",
                                               "video/mp4", "video/quicktime", "video/webm",
                                               "application/pdf"})
    with pytest.raises(InvalidInput) as caught:
        store.put(b"MZ" + b"\x00" * 64, "setup.jpg")
    assert caught.value.message_id == (
        "Jenis berkas tidak diizinkan (terdeteksi: application/x-msdownload). "
        "Yang diizinkan: foto (JPEG, PNG, WebP), video (MP4, MOV, WebM), PDF.")
    assert caught.value.message_en == (
        "File type not allowed (detected: application/x-msdownload). "
        "Allowed: photos (JPEG, PNG, WebP), videos (MP4, MOV, WebM), PDF.")


def test_plain_text_only_when_listed(tmp_path):
    store = FileStore(tmp_path, allowed_types={"text/plain"})
    assert store.put("Laporan bulanan\n".encode(), "laporan.txt").content_type == "text/plain"


def test_oversized_upload_is_refused_without_a_file_left_behind(tmp_path):
    store = FileStore(tmp_path / "files", max_bytes_by_kind={**DEFAULT_LIMITS, "image": 20_000})
    big = png(100, 100, noisy=True)
    assert len(big) > 20_000
    with pytest.raises(InvalidInput) as caught:
        store.put(big, "besar.png")
    assert caught.value.message_id == "Berkas terlalu besar: foto paling besar 19 KB."
    assert caught.value.message_en == "File too large: photos may be at most 19 KB."
    assert stored_files(store.root) == []


def test_oversized_stream_is_not_read_to_the_end(tmp_path):
    class Endless:
        """A 'video' that never ends: only its first bytes may ever be read."""
        def __init__(self):
            self.given = 0

        def read(self, n=-1):
            assert n > 0, "the store must never read without a bound"
            chunk = (mp4() + b"\x00" * n)[:n] if self.given == 0 else b"\x00" * n
            self.given += len(chunk)
            return chunk

    store = FileStore(tmp_path / "files", max_bytes_by_kind={**DEFAULT_LIMITS, "video": 1 * MiB})
    endless = Endless()
    with pytest.raises(InvalidInput) as caught:
        store.put(endless, "rekaman.mp4")
    assert caught.value.message_id == "Berkas terlalu besar: video paling besar 1 MB."
    assert endless.given < 1 * MiB + 128 * 1024
    assert stored_files(store.root) == []


def test_default_limits():
    assert DEFAULT_LIMITS == {"image": 10 * MiB, "video": 200 * MiB, "document": 20 * MiB}


@pytest.mark.parametrize("bad", ["../../etc/passwd", "abc", "g" * 64, "a" * 63, "", None])
def test_digest_is_validated(store, bad):
    with pytest.raises(InvalidInput):
        store.path(bad)
    with pytest.raises(InvalidInput):
        store.open(bad)


def test_unknown_digest_is_not_found(store):
    with pytest.raises(NotFound):
        store.open("0" * 64)
    assert not store.exists("0" * 64)


def test_limits_must_cover_every_allowed_kind(tmp_path):
    with pytest.raises(ValueError):
        FileStore(tmp_path, max_bytes_by_kind={"image": MiB})


def test_sniff_and_kinds():
    assert sniff(png()) == "image/png"
    assert sniff(mp4()) == "video/mp4"
    assert sniff(b"\x00\xff\x00") is None
    assert kind_of("image/heic") == "image"
    assert kind_of("video/quicktime") == "video"
    assert kind_of("application/pdf") == "document"


def test_accepts():
    assert accepts(["image/*"], "image/png")
    assert accepts(["image/*", "video/*"], "video/quicktime")
    assert not accepts(["image/*"], "application/pdf")
    assert accepts(["application/pdf"], "application/pdf")
    assert accepts([".PDF"], "application/pdf")
    assert not accepts([".pdf"], "image/png")
    assert accepts(["IMAGE/*"], "image/jpeg; charset=binary")
    assert accepts([], "application/pdf") and accepts(None, "video/mp4")
    assert accepts(["*/*"], "application/pdf")
    assert not accepts(["image/*"], "imagex/png")
