"""Tiny real files (PNG, MP4, PDF) for the demo data, tests and benchmarks."""
from __future__ import annotations

import struct
import zlib


def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (11, 79, 108)) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b""))


def mp4() -> bytes:
    """An ISO BMFF file with an ftyp box and an empty mdat: enough to be sniffed as MP4."""
    ftyp = b"ftypisom" + struct.pack(">I", 512) + b"isomiso2avc1mp41"
    return struct.pack(">I", len(ftyp) + 4) + ftyp + struct.pack(">I", 8) + b"mdat"


def pdf(text: str = "Alur") -> bytes:
    body = f"BT /F1 12 Tf 20 20 Td ({text}) Tj ET".encode()
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 50]/Contents 4 0 R>>endobj\n"
            + f"4 0 obj<</Length {len(body)}>>stream\n".encode() + body + b"\nendstream endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n")


def for_accept(accept: list[str] | None) -> tuple[bytes, str]:
    """A sample file that a field accepting `accept` takes, with a file name."""
    accept = accept or ["image/*"]
    if any(a.startswith("image") for a in accept) or "*/*" in accept:
        return png(), "foto.png"
    if any(a.startswith("video") for a in accept):
        return mp4(), "video.mp4"
    return pdf(), "dokumen.pdf"
