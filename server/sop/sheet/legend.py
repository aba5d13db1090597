"""The sheet's fixed words and its flowchart symbol legend, one copy for the HTML (and PDF) and the
DOCX renderers, so that the documents an agency prints and edits say the same."""
from __future__ import annotations

from typing import NamedTuple

from .layout import Line, Shape, Strip

# Under the identity block when the sheet shows interpretations.
IDENTITY_NOTE = ("Lembar ini memuat tafsiran Alur atas dokumen SOP (digambar dengan garis putus-putus; lihat "
                 "daftar tafsiran pada halaman terakhir). Lembar untuk ditandatangani dibuat tanpa tafsiran.")
SYMBOLS_TITLE = "Simbol bagan alir"
SYMBOLS_HEAD = ("Simbol", "Sebutan", "Definisi")
# The list of marked interpretations after the last table.
LEGEND_TITLE = "Tafsiran Alur (garis putus-putus)"
LEGEND_NOTE = ("Unsur bergaris putus-putus tidak tercantum pada dokumen SOP asli; Alur menambahkannya agar "
               "prosedur dapat dijalankan. Lembar \u201csesuai pengesahan\u201d dibuat tanpa unsur tersebut.")


class Symbol(NamedTuple):
    kind: str | None         # the Shape kind; None for the flow line
    text: str                # printed inside the symbol ("Mulai", "A")
    name: str                # Sebutan
    meaning: str             # Definisi


SYMBOLS = (Symbol("terminator", "Mulai", "Terminator", "Awal atau akhir prosedur"),
           Symbol("process", "", "Proses", "Kegiatan yang dilaksanakan"),
           Symbol("decision", "", "Pengambilan Keputusan", "Keputusan yang harus dibuat"),
           Symbol("offpage", "A", "Penghubung antarhalaman", "Alur berlanjut ke halaman lain"),
           Symbol(None, "", "Garis alir", "Arah alur kegiatan"))
# Each symbol's size (points) in the legend.
_SIZES = {"terminator": (40, 15), "process": (36, 16), "decision": (30, 20), "offpage": (16, 15)}
HEIGHT = 22.0


def symbol_strip(symbol: Symbol, width: float) -> Strip:
    """One legend symbol drawn centred in a strip `width` points wide, as the sheet draws it."""
    mid, middle = width / 2, HEIGHT / 2
    if symbol.kind is None:
        return Strip(width, HEIGHT, 1, (Line(((mid - 21, middle), (mid + 21, middle))),))
    w, h = _SIZES[symbol.kind]
    return Strip(width, HEIGHT, 1, (Shape(symbol.kind, mid - w / 2, middle - h / 2, w, h, symbol.text),))


def words() -> dict[str, object]:
    """The words a template prints, by name."""
    return {"identity_note": IDENTITY_NOTE, "symbols_title": SYMBOLS_TITLE, "symbols_head": SYMBOLS_HEAD,
            "legend_title": LEGEND_TITLE, "legend_note": LEGEND_NOTE}
