"""The sheet as one standalone HTML document, for the screen and for print (and the PDF).

Nothing is fetched: the style is inline, the flowchart inline SVG. The font is named, not embedded:
a browser sets the sheet in the reader's own DejaVu Sans (or its sans-serif where it has none, so
lines may break elsewhere than measured); the PDF, made on the server, in the server's DejaVu Sans.
Row heights are the layout's, so the flowchart strips meet from row to row."""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from . import layout, legend
from .layout import lay_out, marker
from .legend import SYMBOLS, symbol_strip
from .model import Sheet
from .describe import row_description
from .svg import strip_svg

_TEMPLATES = Path(__file__).parent / "templates"


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(_TEMPLATES)), autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["pt"] = lambda value: f"{value:.2f}pt"
    env.globals["marker"] = marker
    return env


_ENV = _environment()


def _legend_svgs() -> list[tuple[str, str, str]]:
    """The symbol legend: (picture, name, meaning), the pictures drawn by the same SVG code."""
    return [(Markup(strip_svg(symbol_strip(s, 50), separators=False)), s.name, s.meaning) for s in SYMBOLS]


def render_html(sheet: Sheet) -> str:
    """The whole sheet: the identity page, then each table page by page with its heading rows."""
    geo, tables = lay_out(sheet)
    pages = []
    for number, laid in enumerate(tables, start=1):
        title_h, h1, h2 = layout.header_heights(laid.table, geo)
        for index, rows in enumerate(laid.pages):
            pages.append({
                "table": laid.table, "number": number, "index": index, "count": len(laid.pages),
                "title_h": title_h, "h1": h1, "h2": h2,
                "rows": [{"row": r.row, "height": r.height, "svg": Markup(strip_svg(r.strip, description=row_description(laid.table, r.row)))}
                         for r in rows],
            })
    return _ENV.get_template("sheet.html").render(
        sheet=sheet, geo=geo, pages=pages, legend=_legend_svgs(), words=legend.words(), L=layout,
        name=next((f.items[0] for f in sheet.fields if f.key == "nama" and f.items), ""),
        fields=[f for f in sheet.fields if f.key != "nama"],
        nama_label=next((f.label for f in sheet.fields if f.key == "nama"), "Nama SOP"),
    )
