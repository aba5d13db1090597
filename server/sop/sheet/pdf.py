"""The sheet as PDF (A4 landscape, DejaVu Sans embedded), printed by WeasyPrint from the HTML.

The HTML is self-contained; a url_fetcher that refuses every URL makes sure nothing is fetched
even if a value in a diagram looked like one."""
from __future__ import annotations

from .html import render_html
from .model import Sheet


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"the SOP sheet fetches nothing ({url[:60]})")


def render_pdf(sheet: Sheet) -> bytes:
    """The PDF of the sheet."""
    from weasyprint import HTML   # imported here: loading WeasyPrint is slow and only the PDF needs it

    return HTML(string=render_html(sheet), url_fetcher=_refuse, base_url=None).write_pdf()
