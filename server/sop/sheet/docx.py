"""The sheet as a Word document, for the agencies that edit and sign their SOPs in Word.

Word tables cannot hold a drawing that crosses their rows, so each row's band of the flowchart is a
picture (png.strip_png) in one cell spanning the actor columns, exactly the band's size, in a row of
exactly that height: the bands stack into one chart. The pages are the layout's pages (lay_out), a
page break between them, so the off-page connectors stand where the pages break.

Only what python-docx writes plus a little documented OOXML (repeating header rows, rows that do not
split, cell margins), so that the file opens alike in Word and LibreOffice."""
from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from . import fonts
from .layout import (CONTENT_H, LEADING, LIST_INDENT, PAD_X, PAD_Y, TEXT_SIZE, TITLE_SIZE, Geometry, LaidRow, Strip,
                     header_heights, heading_size, lay_out, marker)
from .describe import row_description
from .legend import IDENTITY_NOTE, LEGEND_NOTE, LEGEND_TITLE, SYMBOLS, SYMBOLS_HEAD, SYMBOLS_TITLE, symbol_strip
from .model import Cell, Field, Sheet, Table
from .png import strip_png

PAGE = (Mm(297), Mm(210))
MARGIN = Mm(12)
IDENTITY_SIZE = 8.0      # pt, the identity page's text
SIGNATURE_LINES = 3      # empty lines left for the signature


def render_docx(sheet: Sheet) -> bytes:
    """The whole document: the identity page, then each table page by page, then the legend."""
    geometry, laid_tables = lay_out(sheet)
    document = Document()
    _set_up(document)
    document.core_properties.title = next((" ".join(f.items) for f in sheet.fields if f.key == "nama"), "")
    _identity(document, sheet)
    for number, laid in enumerate(laid_tables, start=1):
        for index, page in enumerate(laid.pages):
            _page_start(document, laid.table.title if index == 0 else "")
            _procedure_table(document, laid.table, page, geometry)
            if len(laid.pages) > 1:
                _paragraph(document, [f"Tabel {number}, halaman {index + 1} dari {len(laid.pages)}"],
                           size=TEXT_SIZE - 1, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _legends(document, sheet)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- document, paragraphs, lists --------------------------------------------------------------------

def _set_up(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Mm(6)
    normal = document.styles["Normal"]
    normal.font.name = fonts.FAMILY
    normal.font.size = Pt(TEXT_SIZE)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), fonts.FAMILY)
    normal.element.rPr.rFonts.set(qn("w:cs"), fonts.FAMILY)
    language = OxmlElement("w:lang")   # Indonesian, for Word's spelling and hyphenation
    language.set(qn("w:val"), "id-ID")
    normal.element.rPr.insert_element_before(language, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    paragraph = normal.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing = 1.0


def _paragraph(container, texts: list[str], bold: bool = False, size: float = TEXT_SIZE,
               align=None, paragraph=None):
    """A paragraph of `texts` joined by line breaks (the first paragraph of a cell is reused), its
    lines LEADING x size apart as the layout measured them."""
    if paragraph is None:
        paragraph = container.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = Pt(size * LEADING)
    for i, text in enumerate(texts):
        run = paragraph.add_run(text)
        run.bold = bold or None
        run.font.size = Pt(size)
        if i < len(texts) - 1:
            run.add_break()
    if not texts:
        paragraph.add_run().font.size = Pt(size)
    return paragraph


def _items(container, items: list[str], style: str, size: float, first=None, width: float = 0.0) -> None:
    """A list as paragraphs, one per item: the printed marker, a tab, the item, with a hanging
    indent so that wrapped lines align with the text (plain lines when there is no style).

    An item whose first word is wider than the `width` left beside the marker has a no-break
    space instead of the tab: after a tab, Word and LibreOffice move such a word to a line of its
    own before cutting it, a line more than the layout measured."""
    markers = [marker(style, i) for i in range(len(items))]
    widest = max((fonts.text_width(m, size) for m in markers), default=0.0)
    indent = max(LIST_INDENT, widest + 2) if style else 0.0
    for i, item in enumerate(items or [""]):
        paragraph = first if (i == 0 and first is not None) else container.add_paragraph()
        if style and items:
            form = paragraph.paragraph_format
            form.left_indent = Pt(indent)
            form.first_line_indent = Pt(-indent)
            form.tab_stops.add_tab_stop(Pt(indent))
            words = item.split()
            too_long = width and words and fonts.text_width(words[0], size) > width - indent
            gap = "\u00a0" if too_long else "\t"
            _paragraph(container, [f"{markers[i]}{gap}{item}"], size=size, paragraph=paragraph)
        else:
            _paragraph(container, [item], size=size, paragraph=paragraph)


def _cell(cell, items, style: str = "", size: float = TEXT_SIZE, bold: bool = False, align=None,
          heading: str = "", pad: float = 0.0, width: float = 0.0) -> None:
    """Fill a cell (`width` points of text wide, 0 when it does not matter): an optional bold
    heading, then the items; `pad` points above and below as paragraph spacing (LibreOffice
    ignores a cell's own top and bottom margins)."""
    first = cell.paragraphs[0]
    if heading:
        _paragraph(cell, [heading], bold=True, size=size, paragraph=first)
        first = None
    if bold or align is not None:
        for i, item in enumerate(items or [""]):
            _paragraph(cell, [item], bold=bold, size=size, align=align,
                       paragraph=first if i == 0 and first is not None else None)
    else:
        _items(cell, list(items), style, size, first=first, width=width)
    if pad:
        cell.paragraphs[0].paragraph_format.space_before = Pt(pad)
        cell.paragraphs[-1].paragraph_format.space_after = Pt(pad)


def _page_start(document, title: str) -> None:
    """The paragraph before a table page: it breaks the page, and carries the table's title."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.page_break_before = True
    if title:   # as tall as the layout reserved: its lines and 6 pt
        _paragraph(document, [title], bold=True, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER,
                   paragraph=paragraph)
        paragraph.paragraph_format.space_after = Pt(6)
    else:
        _paragraph(document, [], size=1, paragraph=paragraph)


# --- identity page -----------------------------------------------------------------------------------

def _identity(document, sheet: Sheet) -> None:
    """The identity block as the seeds lay it out: agency on the left, key/value rows on the right,
    then the 2x3 grid from Dasar Hukum to Pencatatan dan Pendataan."""
    usable = _usable_width(document)
    rows: list[tuple[str, object]] = []
    for field in sheet.fields:
        if field.key == "nama" and not any(label == sheet.signer_label for label, _ in rows):
            rows.append((sheet.signer_label, sheet.signer))
        rows.append((field.label, field))
    if not any(label == sheet.signer_label for label, _ in rows):
        rows.append((sheet.signer_label, sheet.signer))

    widths = (usable * 0.42, usable * 0.18, usable * 0.40)
    table = _table(document, len(rows), widths)
    agency = table.cell(0, 0).merge(table.cell(len(rows) - 1, 0))
    _cell(agency, list(sheet.agency_lines), size=IDENTITY_SIZE + 1, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    agency.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for i, (label, value) in enumerate(rows):
        _cell(table.cell(i, 1), [label], size=IDENTITY_SIZE)
        target = table.cell(i, 2)
        if isinstance(value, Field):
            if value.key == "nama":
                _cell(target, list(value.items), size=IDENTITY_SIZE, bold=True)
            else:
                _cell(target, list(value.items), value.style, size=IDENTITY_SIZE)
        else:
            _signer(target, value)
        for column in (1, 2):
            table.cell(i, column).vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    document.add_paragraph()
    grid = _table(document, (len(sheet.grid) + 1) // 2, (usable / 2, usable / 2))
    for i, field in enumerate(sheet.grid):
        _cell(grid.cell(i // 2, i % 2), list(field.items), field.style, size=IDENTITY_SIZE, heading=field.label)
    if sheet.marked:
        _paragraph(document, [IDENTITY_NOTE], size=IDENTITY_SIZE).paragraph_format.space_before = Pt(6)


def _signer(cell, signer) -> None:
    """Disahkan oleh: the position, room to sign, the name, the NIP, centred as signed."""
    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(cell, [signer.position], bold=True, size=IDENTITY_SIZE, align=center, paragraph=cell.paragraphs[0])
    for _ in range(SIGNATURE_LINES):
        _paragraph(cell, [""], size=IDENTITY_SIZE)
    if signer.name:
        name = _paragraph(cell, [signer.name], bold=True, size=IDENTITY_SIZE, align=center)
        name.runs[0].underline = True
    if signer.nip:
        _paragraph(cell, [f"{signer.nip_label} {signer.nip}"], size=IDENTITY_SIZE, align=center)


# --- procedure table ---------------------------------------------------------------------------------

def _procedure_table(document, table: Table, page: tuple[LaidRow, ...], geometry: Geometry) -> None:
    """One printed page of a table: the two header rows (repeated should Word break the page
    itself), then a row per laid-out row with its band of the flowchart as a picture. A row is
    exactly its laid-out height and never split, so the bands meet; only a row taller than a page
    (the layout does not split rows) is at least its height and may split, else Word would cut it."""
    actors = max(1, len(table.actors))
    heading = table.headings
    tail = ["kelengkapan", "waktu", "output"] + (["keterangan"] if table.keterangan else [])
    widths = [geometry.no, geometry.kegiatan] + [geometry.actor] * actors + [getattr(geometry, key) for key in tail]
    grid = _table(document, 2 + len(page), widths, pad_x=PAD_X)
    first_actor, first_mutu = 2, 2 + actors
    center = WD_ALIGN_PARAGRAPH.CENTER

    def head(cell, text, width):
        _cell(cell, [text], size=heading_size(text, width), bold=True, align=center, pad=PAD_Y)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER

    head(grid.cell(0, 0).merge(grid.cell(1, 0)), heading["no"], geometry.no)
    head(grid.cell(0, 1).merge(grid.cell(1, 1)), heading["kegiatan"], geometry.kegiatan)
    head(grid.cell(0, first_actor).merge(grid.cell(0, first_mutu - 1)), heading["pelaksana"], geometry.actor * actors)
    for i, actor in enumerate(table.actors):
        head(grid.cell(1, first_actor + i), actor, geometry.actor)
    head(grid.cell(0, first_mutu).merge(grid.cell(0, first_mutu + 2)), heading["mutu_baku"],
         geometry.kelengkapan + geometry.waktu + geometry.output)
    for i, key in enumerate(tail[:3]):
        head(grid.cell(1, first_mutu + i), heading[key], getattr(geometry, key))
    if table.keterangan:
        last = first_mutu + 3
        head(grid.cell(0, last).merge(grid.cell(1, last)), heading["keterangan"], geometry.keterangan)
    headers = header_heights(table, geometry)
    page_room = CONTENT_H - sum(headers)
    for r, height in enumerate(headers[1:]):
        grid.rows[r].height = Pt(height)
        grid.rows[r].height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        _row_property(grid.rows[r], "w:tblHeader")
        _row_property(grid.rows[r], "w:cantSplit")

    for offset, laid in enumerate(page):
        index = 2 + offset
        row = grid.rows[index]
        row.height = Pt(laid.height)
        if laid.height > page_room:
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        else:
            row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
            _row_property(row, "w:cantSplit")
        data = laid.row
        cells = row.cells      # once per row: python-docx walks the whole table for each cell()
        _picture(cells[first_actor].merge(cells[first_mutu - 1]), laid.strip, row_description(table, data))
        _cell(cells[0], [data.no], align=center, pad=PAD_Y)
        _cell(cells[1], [data.kegiatan], pad=PAD_Y, width=geometry.kegiatan - 2 * PAD_X)
        for i, key in enumerate(tail):
            value: Cell = getattr(data, key)
            _cell(cells[first_mutu + i], list(value.items), value.style, pad=PAD_Y,
                  width=getattr(geometry, key) - 2 * PAD_X)


def _picture(cell, strip: Strip, description: str) -> None:
    """A strip's picture filling the cell edge to edge (a row's band of the flowchart), described
    in words as its alternative text."""
    _cell_margins(cell, 0, 0, 0, 0)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run()
    run.font.size = Pt(1)
    _mark_size(paragraph, 1)
    picture = run.add_picture(io.BytesIO(strip_png(strip)), width=Pt(strip.width), height=Pt(strip.height))
    for side in ("distT", "distB", "distL", "distR"):   # LibreOffice reads their absence as 9 pt
        picture._inline.set(side, "0")
    picture._inline.docPr.set("descr", description)


# --- legends -----------------------------------------------------------------------------------------

def _legends(document, sheet: Sheet) -> None:
    """After the last table: the flowchart symbols, then the marked interpretations (if any)."""
    title = _paragraph(document, [SYMBOLS_TITLE], bold=True)
    title.paragraph_format.space_before = Pt(6)
    title.paragraph_format.keep_with_next = True
    widths = (60.0, 120.0, 200.0)
    table = _table(document, 1 + len(SYMBOLS), widths, pad_x=PAD_X)
    for column, text in enumerate(SYMBOLS_HEAD):
        _cell(table.cell(0, column), [text], bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, pad=PAD_Y)
    for row, symbol in enumerate(SYMBOLS, start=1):
        _picture(table.cell(row, 0), symbol_strip(symbol, widths[0]), symbol.name)
        for column, value in ((1, symbol.name), (2, symbol.meaning)):
            cell = table.cell(row, column)
            _cell(cell, [value], pad=PAD_Y)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    for row in table.rows[:-1]:   # the little table stays on one page with its title
        for paragraph in row._tr.iter(qn("w:p")):
            Paragraph(paragraph, None).paragraph_format.keep_with_next = True
    if sheet.marked and not sheet.as_signed:
        _paragraph(document, [LEGEND_TITLE], bold=True).paragraph_format.space_before = Pt(6)
        _items(document, list(sheet.marked), "angka", TEXT_SIZE)
        _paragraph(document, [LEGEND_NOTE]).paragraph_format.space_before = Pt(3)
    else:
        _paragraph(document, [], size=1)   # Word wants a paragraph after the last table


# --- tables and the bits of OOXML python-docx does not write --------------------------------------

def _table(document, rows: int, widths, pad_x: float | None = None):
    """A bordered table of fixed column widths (points), its cells `pad_x` points in at the sides
    and none at the top and bottom (when given)."""
    table = document.add_table(rows=rows, cols=len(widths), style="Table Grid")
    table.autofit = False
    for i, width in enumerate(widths):
        table.columns[i].width = Pt(width)
        for cell in table.columns[i].cells:
            cell.width = Pt(width)
    if pad_x is not None:
        margins = OxmlElement("w:tblCellMar")
        for side, value in (("top", 0), ("left", pad_x), ("bottom", 0), ("right", pad_x)):
            margins.append(_width(side, value))
        table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    return table


def _width(side: str, points: float):
    element = OxmlElement(f"w:{side}")
    element.set(qn("w:w"), str(round(points * 20)))
    element.set(qn("w:type"), "dxa")
    return element


def _cell_margins(cell, top: float, left: float, bottom: float, right: float) -> None:
    margins = OxmlElement("w:tcMar")
    for side, value in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        margins.append(_width(side, value))
    cell._tc.get_or_add_tcPr().insert_element_before(
        margins, "w:textDirection", "w:tcFitText", "w:vAlign", "w:hideMark", "w:headers", "w:cellIns",
        "w:cellDel", "w:cellMerge", "w:tcPrChange")


_TR_PR_ORDER = ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
                "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden",
                "w:ins", "w:del", "w:trPrChange")


def _row_property(row, tag: str) -> None:
    """An on/off row property (w:cantSplit, w:tblHeader) in its schema place."""
    properties = row._tr.get_or_add_trPr()
    if properties.find(qn(tag)) is None:
        after = _TR_PR_ORDER[_TR_PR_ORDER.index(tag) + 1:]
        properties.insert_element_before(OxmlElement(tag), *after)


def _mark_size(paragraph, points: float) -> None:
    """The paragraph mark's font size, so that an empty-looking line adds no height of its own."""
    properties = paragraph._p.get_or_add_pPr()
    marks = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(round(points * 2)))
    marks.append(size)
    properties.insert_element_before(marks, "w:sectPr", "w:pPrChange")


def _usable_width(document) -> float:
    section = document.sections[0]
    return (section.page_width - section.left_margin - section.right_margin) / 12700
