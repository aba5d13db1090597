"""Cases a review of the sheet found: each test failed before its fix."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from server.formschema import FormCatalog
from server.modeling import lint_sheet
from server.modeling.lint import lint
from server.sop.sheet import layout, model
from server.sop.sheet.describe import row_description
from server.sop.sheet.docx import render_docx
from server.sop.sheet.html import render_html
from server.sop.sheet.model import Cell, Exit, Row, Sheet, SheetError, Signer, Table, sheet_of
from server.sop.identity import HEADINGS
from tests.sop.sheet.diagrams import chain, diagram

REPO = Path(__file__).resolve().parents[3]


def _sheet_of_rows(actors: tuple[str, ...], rows: tuple[Row, ...]) -> Sheet:
    table = Table("", actors, rows, dict(HEADINGS), False)
    return Sheet((), (), Signer("", "", ""), "Disahkan oleh", (), (table,))


# 1 ------------------------------------------------------------------------------------------------

def test_as_signed_follows_through_a_dropped_marked_task():
    lanes = {"A": ["a", "b", "c"]}
    nodes = [("userTask", "a", "Satu", {"sop.no": "1"}),
             ("userTask", "b", "Dua", {"sop.no": "2", "alur.tafsiran": "ditebak"}),
             ("userTask", "c", "Tiga", {"sop.no": "3"})]
    flows = [("a", "b", "", None), ("b", "c", "", None)]
    table = sheet_of([(diagram("p", lanes, nodes, flows), "p")], as_signed=True).tables[0]
    assert [r.kegiatan for r in table.rows] == ["Satu", "Tiga"]
    assert [e.target for e in table.rows[0].exits] == [1]


# 2 ------------------------------------------------------------------------------------------------

def test_unnumbered_steps_of_a_partly_numbered_draft_are_numbered_after_the_others():
    lanes = {"A": ["t1", "t2", "t3", "t4"]}
    nodes = [("userTask", "t3", "Baru", None), ("userTask", "t1", "Satu", {"sop.no": "1"}),
             ("userTask", "t4", "Baru lagi", None), ("userTask", "t2", "Dua", {"sop.no": "2a"})]
    flows = [("t1", "t2", "", None), ("t2", "t3", "", None), ("t3", "t4", "", None)]
    table = sheet_of([(diagram("p", lanes, nodes, flows), "p")]).tables[0]
    assert [(r.no, r.kegiatan) for r in table.rows] == [("1", "Satu"), ("2a", "Dua"), ("3", "Baru"),
                                                        ("4", "Baru lagi")]
    assert row_description(table, table.rows[1]) == "Baris 2a: proses di kolom A; ke baris 3"


def test_description_goes_by_the_row_kind_not_by_its_number():
    rows = (Row("process", "", "Tanpa nomor", 0, (Exit(1),)), Row("process", "", "Juga", 0))
    table = _sheet_of_rows(("A",), rows).tables[0]
    text = row_description(table, rows[0])
    assert not text.startswith("Terminator") and "ke terminator" not in text


# 3 ------------------------------------------------------------------------------------------------

def test_kegiatan_is_never_a_list_as_the_lint_says():
    assert "kegiatan_style" not in {f.name for f in fields(Row)}
    assert "kegiatan" not in lint_sheet.ROW_LISTS
    task = {"sop.no": "1", "sop.daftar.kegiatan": "angka"}
    html = render_html(sheet_of([(chain("p", 1, task_props={1: task}), "p")]))
    assert '<span class="m">1.</span>Langkah 1' not in html


# 4 ------------------------------------------------------------------------------------------------

def _width(geo: layout.Geometry, actors: int) -> float:
    return geo.no + geo.kegiatan + actors * geo.actor + geo.kelengkapan + geo.waktu + geo.output + geo.keterangan


def test_a_long_unbroken_word_does_not_widen_the_table_past_the_page():
    rows = (Row("process", "1", "x" * 6000, 0, keterangan=Cell(("y" * 3000,))),)
    geo = layout.geometry_of(_sheet_of_rows(("A", "B"), rows).tables)
    assert _width(geo, 2) <= layout.CONTENT_W + 0.01


def test_many_actor_columns_shrink_to_the_page_or_are_refused():
    actors = tuple(f"Pelaksana Nomor {i}" for i in range(12))
    sheet = _sheet_of_rows(actors, (Row("process", "1", "Kegiatan", 0),))
    geo = layout.geometry_of(sheet.tables)
    assert _width(geo, 12) <= layout.CONTENT_W + 0.01
    assert geo.actor >= layout.ACTOR_MIN
    assert all(layout.heading_size(a, geo.actor) >= 5.5 for a in actors)
    layout.lay_out(sheet)
    too_many = tuple(f"P{i}" for i in range(30))
    with pytest.raises(SheetError) as caught:
        layout.geometry_of(_sheet_of_rows(too_many, (Row("process", "1", "Kegiatan", 0),)).tables)
    assert "Terlalu banyak kolom pelaksana" in caught.value.message_id and "30" in caught.value.message_id
    assert "Too many actor columns" in caught.value.message_en


def test_a_docx_row_taller_than_a_page_may_grow_and_split():
    rows = (Row("process", "1", " ".join(["kegiatan panjang sekali"] * 700), 0), Row("process", "2", "Pendek", 0))
    document = Document(__import__("io").BytesIO(render_docx(_sheet_of_rows(("A",), rows))))
    rules = []
    for table in document.tables:
        for tr in table._tbl.tr_lst:
            cells = [c for c in tr.iter(qn("w:t"))]
            height = tr.find(f"{qn('w:trPr')}/{qn('w:trHeight')}")
            if height is not None and any(t.text in ("1", "2") for t in cells):
                rules.append(height.get(qn("w:hRule")))
    assert rules == ["atLeast", "exact"]


# 5 ------------------------------------------------------------------------------------------------

def test_the_diagram_is_read_by_the_engines_safe_parser():
    xml = chain("p", 1).replace('<?xml version="1.0" encoding="UTF-8"?>',
                                '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE d [<!ENTITY e "Langkah">]>')
    xml = xml.replace('name="Langkah 1"', 'name="&e; 1"')
    with pytest.raises(SheetError) as caught:
        sheet_of([(xml, "p")])
    assert "DOCTYPE" in caught.value.message_id and "DOCTYPE" in caught.value.message_en
    with pytest.raises(SheetError):
        sheet_of([("<x/>", "p")])


# 6 ------------------------------------------------------------------------------------------------

def test_one_list_of_task_tags_for_the_sheet_and_its_lint():
    assert lint_sheet.TASKS is model.TASKS
    assert "documentation" in {f.name for f in fields(model._Node)}


def test_the_lint_counts_a_call_activity_s_number_as_a_row():
    xml = diagram("p", {"A": ["mulai", "c1", "selesai"]},
                  [("startEvent", "mulai", "Mulai", None), ("callActivity", "c1", "Panggil", {"sop.no": "1"}),
                   ("endEvent", "selesai", "Selesai", {"sop.baris": "1"})],
                  [("mulai", "c1", "", None), ("c1", "selesai", "", None)])
    findings = lint(xml.encode(), "p.bpmn", FormCatalog(REPO / "forms"))
    assert "baris-unknown" not in {f.code for f in findings}


def test_no_shape_kind_is_drawn_that_the_layout_never_makes():
    for name in ("svg.py", "png.py", "layout.py", "routing.py"):
        assert '"connector"' not in (REPO / "server/sop/sheet" / name).read_text()


# 7 ------------------------------------------------------------------------------------------------

def test_the_css_uses_the_standard_hyphens_property():
    css = (REPO / "server/sop/sheet/templates/sheet.css").read_text()
    assert "-weasy-" not in css and "hyphens: manual" in css


# 8 ------------------------------------------------------------------------------------------------

def test_routing_is_a_module_of_its_own_importable_first():
    done = subprocess.run([sys.executable, "-c", "import server.sop.sheet.routing as r; r.chart"],
                          cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not hasattr(layout, "_Router")


def test_a_long_word_is_cut_with_few_measurements_where_it_was_cut_before(monkeypatch):
    from server.sop.sheet import fonts

    def linear(word: str, width: float) -> list[str]:   # the cut as it was made before, one character at a time
        out = []
        while fonts.text_width(word, 7.5) > width and len(word) > 1:
            cut = len(word) - 1
            while cut > 1 and fonts.text_width(word[:cut], 7.5) > width:
                cut -= 1
            out.append(word[:cut])
            word = word[cut:]
        return out + [word]

    word = "Dokumentasikegiatanpelaksanaan" * 4
    assert fonts.wrap(word, 40.0, 7.5) == linear(word, 40.0)
    calls = []
    measure = fonts.text_width
    monkeypatch.setattr(fonts, "text_width", lambda *a, **k: calls.append(1) or measure(*a, **k))
    lines = fonts.wrap("x" * 6000, 150.0, 7.5)
    assert "".join(lines) == "x" * 6000 and len(calls) < 20 * len(lines)
