"""The issue's promise for the sheet: generated from the seed diagrams in bpmn/, it holds every row,
actor column, decision label, Mutu Baku value and identity field of the seed document.

The seed side is the seed's text as the import's reader gives it, held to an oracle the reader
does not write (the README's count of steps and its actor columns), so a reader that lost a row
or a column fails here too. The sheet side is compared cell by cell: each printed row (by its
number and Kegiatan, in order) holds exactly the seed's Kelengkapan, Waktu, Output and
Keterangan items in their own columns; each table's header holds the seed's actor columns in order
and the headings as printed; the decision labels are counted in the drawings' descriptions; the
identity page holds every identity value under the labels the seed prints. HTML and DOCX are
compared by cell; the PDF, whose text has no cells, by content."""
from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from docx import Document
from lxml import html as lxml_html
from pypdf import PdfReader

from server.sop.reading import read_sop
from server.sop.sheet.docx import render_docx
from server.sop.sheet.html import render_html
from server.sop.sheet.model import sheet_of
from server.sop.sheet.pdf import render_pdf

from .seeds import PREFIXES, seed_diagrams, seed_path, seed_text

LABEL_WORDS = {"ya", "tidak", "terima", "tolak"}
MUTU = ("kelengkapan", "waktu", "output", "keterangan")
# ../shared/seeds/README.md: the steps of each table and its actor columns, in order.
README = {
    "000": [(8, ["Anggota Tim Publikasi", "Ketua Tim Publikasi", "Penanggungjawab Bidang Kehumasan",
                 "Kepala Biro Humas dan Umum"])],
    "001": [(5, ["Ketua Kelompok Hukum, Kerja Sama, dan Humas", "Ketua Tim Kerja Humas", "Pelaksana/Staf"])],
    "002": [(6, ["Pelaksana Teknis Kegiatan", "Admin Media Sosial", "PPID Pelaksana"]),
            (5, ["Pelaksana Teknis Kegiatan", "Admin Website", "PPID Pelaksana"])],
    "003": [(5, ["Tim Pelaksanaan", "Tim Pertimbangan Pelayanan Informasi", "Sekretaris PPID Pembantu",
                 "Atasan PPID Pembantu", "Admin Medsos"])],
    "004": [(6, ["Admin Medsos", "Tim Pengelola Media Sosial (Perwakilan Bagian)", "Kepala Subbagian Tata Usaha",
                 "Kepala Bagian Perjalanan Dinas", "Kepala Biro"])],
}
_MARKERS = re.compile(r"^(?:\s|\d+\.|[a-z]\.|-|•|–)*$")


def norm(text: str) -> str:
    """Text compared as a reader compares it: case, spacing and spaces around / - , ; . aside."""
    return re.sub(r"\s*([/,;:.()-])\s*", r"\1", " ".join(text.split())).casefold()


def _seed(prefix: str):
    doc = read_sop(seed_text(prefix), seed_path(prefix).name)
    assert [(len(t.rows), [norm(a) for a in t.actors]) for t in doc.tables] == \
        [(n, [norm(a) for a in actors]) for n, actors in README[prefix]]
    return doc


# ------------------------------------------------------------------ the sheet, as rows of cells

def _html_tables(root) -> list[dict]:
    """Per printed page: its header cells and its rows as [no, kegiatan, drawing's words, mutu...]."""
    out = []
    for table in root.iterfind(".//table[@class='sop']"):
        heads = [th.text_content() for th in table.iterfind("./thead/tr/th")]
        actors = [th.text_content() for th in table.iterfind("./thead/tr[2]/th")][:-3]
        rows = []
        for tr in table.iterfind("./tbody/tr"):
            cells = tr.findall("./td")
            drawing = cells[2].find(".//{*}svg")
            if drawing is None:
                drawing = next((el for el in cells[2].iter() if el.get("aria-label")), None)
            rows.append([cells[0].text_content(), cells[1].text_content(),
                         drawing.get("aria-label", "") if drawing is not None else "",
                         *[c.text_content() for c in cells[3:]]])
        out.append({"heads": heads, "actors": actors, "rows": rows})
    return out


def _is_procedure(table) -> bool:
    """A page of the procedure table: row bands of the flowchart under two header rows (the identity
    page has no pictures; the symbol legend has pictures in three columns only)."""
    return len(table.columns) > 3 and bool(table._tbl.xpath("./w:tr[position() > 2]//wp:docPr"))


def _docx_tables(document) -> list[dict]:
    out = []
    for table in filter(_is_procedure, document.tables):
        grid = [_unique_cells(row) for row in table.rows]
        heads = [c.text for c in grid[0] + grid[1]]
        merged_down = grid[1][-1]._tc is grid[0][-1]._tc   # Keterangan spans both header rows
        actors = [c.text for c in grid[1][2:]][:-4 if merged_down else -3]
        rows = [[row[0].text, row[1].text, " ".join(row[2]._tc.xpath(".//wp:docPr/@descr")),
                 *[c.text for c in row[3:]]] for row in grid[2:]]
        out.append({"heads": heads, "actors": actors, "rows": rows})
    return out


def _unique_cells(row) -> list:
    seen, cells = set(), []
    for cell in row.cells:   # a merged cell is listed once per grid column it spans
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell)
    return cells


# ------------------------------------------------------------------ the comparison

def _missing(doc, pages: list[dict], identity_text: str) -> list[str]:
    """Everything of the seed document the sheet's pages do not hold where they should."""
    missing = []
    printed = [row for page in pages for row in page["rows"] if row[0].strip()]
    seed_rows = [(table, row) for table in doc.tables for row in table.rows]
    got = [(norm(r[0]), norm(r[1])) for r in printed]
    want = [(norm(row.no), norm(row.kegiatan)) for _, row in seed_rows]
    if got != want:
        missing.append(f"rows: {want} != {got}")
    for (table, row), cells in zip(seed_rows, printed):
        columns = dict(zip(MUTU, cells[3:]))
        for key in MUTU:
            if key == "keterangan" and "keterangan" not in table.headings:
                continue
            items = [norm(i) for i in getattr(row, key).splitlines() if i.strip()]
            cell = norm(columns.get(key, ""))
            rest = cell
            for item in items:
                if item not in rest:
                    missing.append(f"row {row.no} {key}: {item!r} not in {cell!r}")
                rest = rest.replace(item, " ", 1)
            if not _MARKERS.match(rest):
                missing.append(f"row {row.no} {key}: {cell!r} holds more than the seed's {items!r}")
    heads = {norm(h) for page in pages for h in page["heads"]}
    seed_actors = [[norm(a) for a in table.actors] for table in doc.tables]
    page_actors = [[norm(a) for a in page["actors"]] for page in pages]
    missing += [f"a page's actor columns {actors!r}" for actors in page_actors if actors not in seed_actors]
    missing += [f"actor columns {actors!r} on no page" for actors in seed_actors if actors not in page_actors]
    for table in doc.tables:
        missing += [f"heading {h!r}" for h in table.headings.values() if norm(h) not in heads]
    drawn = Counter(norm(label.split("·")[0]) for page in pages for row in page["rows"]
                    for label in re.findall(r";\s*([^;]+?) ke ", row[2]))
    wanted = Counter(norm(m) for table in doc.tables for row in table.rows for m in row.marks
                     if norm(m) in LABEL_WORDS)
    wanted += Counter(norm(w) for table in doc.tables for w in table.trailing if norm(w) in LABEL_WORDS)
    wanted += Counter(norm(w) for table in doc.tables for w in re.findall(r"--\s*(\w+)\s*-->", table.graph))
    missing += [f"label {label!r} x{n}, drawn x{drawn[label]}" for label, n in wanted.items() if drawn[label] < n]
    found = norm(identity_text)
    for key, value in doc.identity.items():
        missing += [f"identity {key}: {line!r}" for line in value.splitlines() if line.strip() and norm(line) not in found]
    missing += [f"label {label!r}" for label in doc.labels.values() if norm(label) not in found]
    return missing


def _html_root(prefix: str):
    return lxml_html.fromstring(render_html(sheet_of(seed_diagrams(prefix))))


def _html_missing(doc, root) -> list[str]:
    identity = root.find(".//section").text_content()   # the identity page
    return _missing(doc, _html_tables(root), identity)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_html_sheet_holds_everything_of_the_seed(prefix):
    assert _html_missing(_seed(prefix), _html_root(prefix)) == []


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_docx_sheet_holds_everything_of_the_seed(prefix):
    document = Document(io.BytesIO(render_docx(sheet_of(seed_diagrams(prefix)))))
    first_page = []
    for table in document.tables:   # the identity page: the tables before the procedure's
        if _is_procedure(table):
            break
        first_page += [cell.text for row in table.rows for cell in _unique_cells(row)]
    identity = "\n".join(first_page + [p.text for p in document.paragraphs])
    assert _missing(_seed(prefix), _docx_tables(document), identity) == []


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_pdf_sheet_holds_everything_of_the_seed(prefix):
    """The PDF's text has no cells: every seed value is looked for in it, the labels in the
    drawings' text as laid out on the page."""
    reader = PdfReader(io.BytesIO(render_pdf(sheet_of(seed_diagrams(prefix)))))
    assert all(float(p.mediabox.width) > float(p.mediabox.height) for p in reader.pages)  # A4 landscape
    text = norm("\n".join(page.extract_text() for page in reader.pages))
    laid_out = set(re.findall(r"\w+", norm("\n".join(p.extract_text(extraction_mode="layout") for p in reader.pages))))
    doc = _seed(prefix)
    values = [v for t in doc.tables for v in t.actors]
    values += [getattr(r, k) for t in doc.tables for r in t.rows for k in ("kegiatan", *MUTU)]
    values += list(doc.identity.values())
    missing = [line for v in values for line in v.splitlines() if line.strip() and norm(line) not in text]
    missing += [m for t in doc.tables for r in t.rows for m in r.marks if norm(m) in LABEL_WORDS
                and norm(m) not in laid_out]
    assert missing == []


def test_the_comparison_can_fail():
    """A sheet that lost a row, an actor column, a Mutu Baku value, a decision label or an identity
    value is caught, and so is a value put in the wrong column."""
    doc = _seed("004")

    def broken(change) -> list[str]:
        root = _html_root("004")
        change(root)
        return _html_missing(doc, root)

    def first(root, path):
        return next(root.iterfind(path))

    def clear(element):
        for child in list(element):
            element.remove(child)
        element.text = ""

    assert broken(lambda r: None) == []
    assert broken(lambda r: first(r, ".//table[@class='sop']/tbody/tr[2]").getparent().remove(
        first(r, ".//table[@class='sop']/tbody/tr[2]")))
    assert broken(lambda r: clear(first(r, ".//table[@class='sop']/thead/tr[2]/th[5]")))       # Kepala Biro
    assert broken(lambda r: clear(list(r.iterfind(".//table[@class='sop']/tbody/tr"))[-1].findall("td")[4]))
    assert broken(lambda r: [s.set("aria-label", s.get("aria-label").replace("Tolak", "Ya"))
                             for s in r.iter() if s.get("aria-label")])
    assert broken(lambda r: clear(first(r, ".//section//td[.='1 / OT. 05. 00']")))
    # Waktu and Output swapped in one row: each value is in the sheet, in the wrong column
    def swap(root):
        cells = list(root.iterfind(".//table[@class='sop']/tbody/tr"))[-1].findall("td")
        cells[4].text, cells[5].text = cells[5].text_content(), cells[4].text_content()
        for cell in cells[4:6]:
            for child in list(cell):
                cell.remove(child)
    assert broken(swap)
