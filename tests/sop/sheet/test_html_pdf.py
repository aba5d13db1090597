"""The sheet as HTML (standalone, nothing external, every row's text) and as PDF (A4 landscape,
DejaVu embedded, the text extractable)."""
from __future__ import annotations

import io
import re

import pytest
from lxml import html as lxml_html
from pypdf import PdfReader

from server.sop.sheet import layout as L
from server.sop.sheet.html import render_html
from server.sop.sheet.model import sheet_of
from server.sop.sheet.pdf import render_pdf

from .diagrams import chain, seed

SEEDS = ["000", "001", "002_nomporejo_konten_media", "003", "004"]


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", SEEDS)
def test_html_holds_every_row_identity_and_heading(name):
    sheet = sheet_of([seed(name)])
    page = lxml_html.fromstring(render_html(sheet))
    text = _words(page.text_content())
    table = sheet.tables[0]
    for row in table.rows:
        for value in (row.kegiatan, *row.kelengkapan.items, *row.waktu.items, *row.output.items):
            assert _words(value) in text
        for e in row.exits:
            assert e.label in text
    for actor in table.actors:
        assert _words(actor) in text
    for f in sheet.fields + sheet.grid:
        assert f.label in text
        for item in f.items:
            assert _words(item) in text
    assert sheet.signer.position in text and sheet.signer.name in text
    # one SVG strip per row, as high as its row
    strips = page.xpath("//td[@class='strip']/svg")
    assert len(strips) == len(table.rows)


def test_html_is_standalone_and_escapes_the_diagrams_text():
    xml = chain("p", 2, process_props={"sop.nama": "<script>alert(1)</script>",
                                       "sop.instansi": "Dinas <b>X</b> http://evil.example/x.png"},
                task_props={1: {"sop.keterangan": "lihat <img src='http://evil.example/y.png'>"}})
    out = render_html(sheet_of([(xml, "p")]))
    assert "<script>alert" not in out and "&lt;script&gt;" in out
    assert "<img" not in out
    page = lxml_html.fromstring(out)
    assert not page.xpath("//link | //script | //img | //*[@src] | //*[@href]")
    css = "".join(page.xpath("//style/text()"))
    assert "@page" in css and "A4 landscape" in css and "12mm" in css
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    assert '"DejaVu Sans"' in css


def test_legend_and_note_for_interpretations_only_when_not_as_signed():
    shown = _words(lxml_html.fromstring(render_html(sheet_of([seed("001")]))).text_content())
    signed = _words(lxml_html.fromstring(render_html(sheet_of([seed("001")], as_signed=True))).text_content())
    assert "Tafsiran Alur" in shown and "Tafsiran Alur" not in signed
    assert "Lembar ini memuat tafsiran" in shown and "Lembar ini memuat tafsiran" not in signed
    assert "Simbol bagan alir" in shown and "Simbol bagan alir" in signed


def test_html_lists_and_missing_keterangan_column():
    xml = chain("p", 1, process_props={"sop.dasar_hukum": "UU A\nUU B", "sop.daftar.dasar_hukum": "angka",
                                       "sop.kolom.keterangan": ""},
                task_props={1: {"sop.kelengkapan": "Foto\nVideo", "sop.daftar.kelengkapan": "strip"}})
    page = lxml_html.fromstring(render_html(sheet_of([(xml, "p")])))
    assert [li.text_content() for li in page.xpath("//ol[contains(@class,'angka')]/li")] == ["1.UU A", "2.UU B"]
    assert [li.text_content() for li in page.xpath("//ul[contains(@class,'strip')]/li")] == ["-Foto", "-Video"]
    headings = [_words(th.text_content()) for th in page.xpath("//table[@class='sop']//th")]
    assert "Keterangan" not in headings and "Kegiatan" in headings


def _pdf(sheet) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(sheet)))


def test_pdf_is_a4_landscape_with_dejavu_embedded_and_text():
    sheet = sheet_of([seed("004")])
    reader = _pdf(sheet)
    assert len(reader.pages) >= 2
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert w == pytest.approx(L.PAGE_W, abs=1) and h == pytest.approx(L.PAGE_H, abs=1)
    fonts = []
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor is not None:
                    descriptor = descriptor.get_object()
                    fonts.append((str(descriptor.get("/FontName")), "/FontFile2" in descriptor))
    assert fonts and all(embedded for _, embedded in fonts)
    assert any("DejaVu" in name for name, _ in fonts)
    text = _words(" ".join(p.extract_text() for p in reader.pages))
    assert "Pengelolaan Media Sosial".casefold() in text.casefold()
    assert "Mengunggah materi publikasi" in text and "Kepala Biro" in text


def test_pdf_pages_follow_the_layout_and_fetch_nothing():
    # a long table: the PDF has the identity page and one page per laid-out table page
    xml = chain("p", 30, actors=("A", "B", "C", "D"),
                process_props={"sop.instansi": "Dinas http://127.0.0.1:9/x.css"})
    sheet = sheet_of([(xml, "p")])
    _, (laid,) = L.lay_out(sheet)
    reader = _pdf(sheet)
    assert len(reader.pages) in (1 + len(laid.pages), 2 + len(laid.pages))   # the legend may take a page
    text = " ".join(p.extract_text() for p in reader.pages)
    assert all(f"Langkah {i}" in text for i in range(1, 31))
    assert re.search(r"Tabel 1, halaman 1 dari \d", text)
