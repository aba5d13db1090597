"""Small JPEG previews of uploaded photos, made once and kept beside the originals.

Inboxes and forms are opened on phones over slow connections: a 10 MB photo should not be
downloaded to show a 9 rem preview.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .storage import FileStore

SIZE = 320
Image.MAX_IMAGE_PIXELS = 60_000_000  # refuse decompression bombs (about 8000 x 7500)


def thumbnail(store: FileStore, sha256: str) -> Path | None:
    """The preview's path, made on first use; None when the file is not a picture Pillow can read."""
    original = store.path(sha256)
    target = store.root / "thumbs" / f"{sha256}-{SIZE}.jpg"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with Image.open(original) as image:
            image.thumbnail((SIZE, SIZE))
            image = image.convert("RGB")
            fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
            with os.fdopen(fd, "wb") as fh:
                image.save(fh, "JPEG", quality=80, optimize=True)
        os.replace(tmp, target)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        return None
    return target
