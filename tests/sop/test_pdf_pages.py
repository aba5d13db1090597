"""The PDF sheet's pages as pictures, for people to look at (test-output/screenshots/sop-pdf-*.png)
and for a check that what is printed is on the page: A4 landscape, ink in the identity block on
the first page and in the flowchart's columns on the table pages, margins left white."""
from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest

from server.sop.sheet.model import sheet_of
from server.sop.sheet.pdf import render_pdf

from .seeds import PREFIXES, seed_diagrams

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "test-output" / "screenshots"


def _ink(image, box) -> float:
    """The share of dark pixels inside box (left, top, right, bottom as fractions of the page)."""
    w, h = image.size
    part = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))).convert("L")
    counts = part.histogram()   # pixels per grey level, 0 (black) to 255 (white)
    return sum(counts[:128]) / max(1, sum(counts))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_pdf_pages_as_pictures(prefix):
    pdf = pypdfium2.PdfDocument(render_pdf(sheet_of(seed_diagrams(prefix))))
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = [pdf[i].render(scale=1).to_pil() for i in range(len(pdf))]
    for number, image in enumerate(pages, start=1):
        image.save(SHOTS / f"sop-pdf-{prefix}-{number}.png")
        assert image.width > image.height  # A4 landscape
        assert round(image.width / image.height, 2) == round(297 / 210, 2)
        assert _ink(image, (0, 0, 1, 0.03)) == 0 and _ink(image, (0, 0.97, 1, 1)) == 0  # the margins
    assert len(pages) >= 2                                   # the identity page, then the table
    assert _ink(pages[0], (0.05, 0.05, 0.95, 0.5)) > 0.01    # the identity block's text and borders
    assert all(_ink(page, (0.3, 0.15, 0.65, 0.85)) > 0.005 for page in pages[1:-1])  # the flowchart's columns
