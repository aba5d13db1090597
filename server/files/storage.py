"""Content-addressed storage of uploaded files (photos, videos, documents).

A file is named by the SHA-256 of its bytes, so the same photo attached twice is stored once and
a name can never point at other content. Its type is judged from its first bytes (with the
`filetype` package), never from the file name or the browser's claim, because a renamed
executable must not become a "photo". Uploads are streamed to disk in chunks and cut off as soon
as they pass the limit for their kind, so a huge upload never fills memory or the disk.
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import filetype

from server.errors import InvalidInput, NotFound

MiB = 1024 * 1024
DEFAULT_LIMITS = {"image": 10 * MiB, "video": 200 * MiB, "document": 20 * MiB}

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

# Short names shown to users, in the order they are listed.
TYPE_LABELS = {
    "image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP",
    "image/heic": "HEIC",
    "video/mp4": "MP4", "video/quicktime": "MOV", "video/webm": "WebM",
    "application/pdf": "PDF", DOCX: "Word (DOCX)", XLSX: "Excel (XLSX)",
    PPTX: "PowerPoint (PPTX)", "text/plain": "teks (TXT)",
}
DEFAULT_ALLOWED_TYPES = frozenset(set(TYPE_LABELS) - {"text/plain"})

# For accept lists written the HTML way (".pdf").
EXTENSION_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".heic": "image/heic", ".mp4": "video/mp4",
    ".mov": "video/quicktime", ".webm": "video/webm", ".pdf": "application/pdf",
    ".docx": DOCX, ".xlsx": XLSX, ".pptx": PPTX, ".txt": "text/plain",
}

_KIND_NAMES = {"image": ("foto", "photos"), "video": ("video", "videos"),
               "document": ("dokumen", "documents")}
_SNIFF_BYTES = 8192  # what filetype looks at
_CHUNK = 64 * 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    kind: str  # "image", "video" or "document"
    path: Path


def kind_of(content_type: str) -> str:
    major = content_type.split("/", 1)[0].lower()
    return major if major in ("image", "video") else "document"


def accepts(accept_list: list[str] | None, content_type: str) -> bool:
    """Whether a form field's accept list ("image/*", "application/pdf", ".pdf") admits a type.

    An empty or missing list admits anything the store itself allows.
    """
    if not accept_list:
        return True
    actual = content_type.split(";", 1)[0].strip().lower()
    major = actual.split("/", 1)[0]
    for entry in accept_list:
        wanted = entry.strip().lower()
        if wanted in ("*", "*/*", actual) or wanted == major + "/*":
            return True
        if wanted.startswith(".") and EXTENSION_TYPES.get(wanted) == actual:
            return True
    return False


def sniff(head: bytes) -> str | None:
    """The content type of a file from its first bytes; None when unrecognised."""
    found = filetype.guess_mime(bytes(head[:_SNIFF_BYTES]))
    if found:
        return found
    return "text/plain" if _looks_like_text(head) else None


def _looks_like_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Only a multi-byte character cut off by the end of the sniffed head is forgiven.
        if exc.start < len(head) - 3 or exc.reason != "unexpected end of data":
            return False
    return not any(b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B) for b in head)


def _size_text(n: int, locale: str) -> str:
    if n >= MiB:
        value = n / MiB
        text = f"{value:.0f}" if value.is_integer() else f"{value:.1f}"
        return (text.replace(".", ",") if locale == "id" else text) + " MB"
    if n >= 1024:
        return f"{n // 1024} KB"
    return f"{n} byte" if locale == "id" else f"{n} bytes"


class FileStore:
    def __init__(self, root: Path, *, max_bytes_by_kind: dict | None = None,
                 allowed_types: set | frozenset | None = None):
        self.root = Path(root)
        self.max_bytes_by_kind = dict(DEFAULT_LIMITS if max_bytes_by_kind is None
                                      else max_bytes_by_kind)
        self.allowed_types = frozenset(t.lower() for t in (
            DEFAULT_ALLOWED_TYPES if allowed_types is None else allowed_types))
        missing = {kind_of(t) for t in self.allowed_types} - set(self.max_bytes_by_kind)
        if missing:
            raise ValueError(f"no size limit for kind(s): {sorted(missing)}")

    # -- writing ------------------------------------------------------------------------------

    def put(self, stream_or_bytes, filename: str) -> StoredFile:
        """Store an upload and describe it, or raise InvalidInput leaving nothing behind.

        `filename` is only quoted in errors: it says nothing trusted about the content.
        """
        read = _reader(stream_or_bytes)
        incoming = self.root / ".incoming"  # same file system as the final place: rename is atomic
        incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=incoming, prefix="upload-")
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as out:
                head = _read_at_least(read, _SNIFF_BYTES)
                if not head:
                    raise InvalidInput("Berkas kosong.", "The file is empty.", filename=filename)
                content_type = self._check_type(head, filename)
                kind = kind_of(content_type)
                limit = self.max_bytes_by_kind[kind]
                digest = hashlib.sha256()
                size = 0
                chunk = head
                while chunk:
                    size += len(chunk)
                    if size > limit:
                        raise self._too_large(kind, limit, filename)
                    digest.update(chunk)
                    out.write(chunk)
                    chunk = read(_CHUNK)
                out.flush()
                os.fsync(out.fileno())
            sha256 = digest.hexdigest()
            dest = self._location(sha256)
            if dest.exists():
                tmp.unlink()  # same bytes are already stored
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.chmod(tmp, 0o640)
                os.replace(tmp, dest)
                _fsync_dir(dest.parent)
            return StoredFile(sha256, size, content_type, kind, dest)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def _check_type(self, head: bytes, filename: str) -> str:
        content_type = sniff(head)
        if content_type in self.allowed_types:
            return content_type
        seen_id = content_type or "tidak dikenal"
        seen_en = content_type or "unknown"
        allowed_id, allowed_en = self.allowed_description()
        raise InvalidInput(
            f"Jenis berkas tidak diizinkan (terdeteksi: {seen_id}). Yang diizinkan: {allowed_id}.",
            f"File type not allowed (detected: {seen_en}). Allowed: {allowed_en}.",
            filename=filename, detected=content_type,
        )

    def _too_large(self, kind: str, limit: int, filename: str) -> InvalidInput:
        name_id, name_en = _KIND_NAMES[kind]
        return InvalidInput(
            f"Berkas terlalu besar: {name_id} paling besar {_size_text(limit, 'id')}.",
            f"File too large: {name_en} may be at most {_size_text(limit, 'en')}.",
            filename=filename, limit=limit,
        )

    def allowed_description(self) -> tuple[str, str]:
        """What may be uploaded, for messages: "foto (JPEG, PNG), video (MP4), PDF"."""
        order = list(TYPE_LABELS)
        ranked = sorted(self.allowed_types,
                        key=lambda t: (order.index(t) if t in order else len(order), t))
        parts_id, parts_en = [], []
        for kind in ("image", "video", "document"):
            labels = [TYPE_LABELS.get(t, t) for t in ranked if kind_of(t) == kind]
            if not labels:
                continue
            if kind == "document" and len(labels) == 1:
                parts_id.append(labels[0])
                parts_en.append(labels[0].replace("teks", "text"))
                continue
            name_id, name_en = _KIND_NAMES[kind]
            joined = ", ".join(labels)
            parts_id.append(f"{name_id} ({joined})")
            parts_en.append(f"{name_en} ({joined.replace('teks', 'text')})")
        return ", ".join(parts_id), ", ".join(parts_en)

    # -- reading ------------------------------------------------------------------------------

    def exists(self, sha256: str) -> bool:
        return self._location(sha256).is_file()

    def path(self, sha256: str) -> Path:
        """Where the file is on disk; NotFound when it is not stored."""
        location = self._location(sha256)
        if not location.is_file():
            raise NotFound("Berkas tidak ditemukan.", "File not found.", sha256=sha256)
        return location

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def info(self, sha256: str) -> StoredFile:
        """Describe a stored file again (type from its bytes), e.g. to serve it."""
        location = self.path(sha256)
        with location.open("rb") as f:
            content_type = sniff(f.read(_SNIFF_BYTES)) or "application/octet-stream"
        return StoredFile(sha256.lower(), location.stat().st_size, content_type,
                          kind_of(content_type), location)

    def _location(self, sha256: str) -> Path:
        digest = sha256.lower() if isinstance(sha256, str) else ""
        if not _SHA256.fullmatch(digest):
            raise InvalidInput("Pengenal berkas tidak sah.", "Invalid file identifier.")
        return self.root / digest[:2] / digest[2:4] / digest


def _reader(stream_or_bytes):
    if isinstance(stream_or_bytes, (bytes, bytearray, memoryview)):
        stream_or_bytes = io.BytesIO(bytes(stream_or_bytes))
    read = getattr(stream_or_bytes, "read", None)
    if read is None:
        raise TypeError("put() needs bytes or a binary stream")

    def read_bytes(n: int) -> bytes:
        data = read(n)
        if data is None:
            return b""
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("put() needs a binary stream, not a text one")
        return bytes(data)

    return read_bytes


def _read_at_least(read, n: int) -> bytes:
    """Up to n bytes, looping because a stream may hand out less than asked."""
    parts, got = [], 0
    while got < n:
        chunk = read(n - got)
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a directory."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
