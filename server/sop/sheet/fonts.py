"""The one font of the sheet: DejaVu Sans, drawn in the PDF, the DOCX's pictures and measured for
row heights, so that what is measured is what is printed."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FAMILY = "DejaVu Sans"
LEADING = 1.2             # line height / font size, as the CSS's line-height
_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"),
         Path("/usr/local/share/fonts"))
_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


@lru_cache(maxsize=None)
def font_path(bold: bool = False) -> Path | None:
    """The font file, or None where the machine has no DejaVu (Pillow's own font is used then)."""
    for folder in _DIRS:
        candidate = folder / _FILES[bold]
        if candidate.is_file():
            return candidate
    return None


@lru_cache(maxsize=64)
def font(size: float, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font of `size` points (1 pt = 1 px at scale 1)."""
    path = font_path(bold)
    return ImageFont.truetype(str(path), size=max(1, round(size))) if path else ImageFont.load_default(size)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width in points of `text` set in the sheet's font at `size` points."""
    return font(size * 10, bold).getlength(text) / 10


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """`text` broken word-wise into lines no wider than `width` points (a word longer than the
    line is cut by characters), as a browser would break it; at least one line."""
    lines: list[str] = []
    for paragraph in (text or "").split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            while text_width(word, size, bold) > width and len(word) > 1:
                # the longest head that fits (at least one character), found by halving: a word
                # of thousands of characters is not measured once per character per line
                low, high = 1, len(word) - 1
                while low < high:
                    mid = (low + high + 1) // 2
                    if text_width(word[:mid], size, bold) <= width:
                        low = mid
                    else:
                        high = mid - 1
                lines.append(word[:low])
                word = word[low:]
            current = word
        lines.append(current)
    return lines or [""]
