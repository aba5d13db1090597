"""Layout invariants: every strip's items inside its band, lines meeting from band to band, pages
fitting A4 landscape, off-page connector pairs where a table breaks, no two lines on one track."""
from __future__ import annotations

import pytest

from server.sop.sheet import layout as L
from server.sop.sheet.model import sheet_of

from .diagrams import chain, seed

SEEDS = ["000", "001", "002_nomporejo_konten_media", "002_nomporejo_konten_web", "003", "004"]


def _long_sheet():
    """30 steps over four actors, row 25 deciding: "Tolak" back to row 2 (pages up), "Terima" on."""
    xml = chain("panjang", 30, actors=("A", "B", "C", "D"))
    xml = xml.replace('<bpmn:sequenceFlow id="f25" sourceRef="s25" targetRef="s26">',
                      '<bpmn:sequenceFlow id="f25" sourceRef="s25" targetRef="g25">'
                      '</bpmn:sequenceFlow><bpmn:exclusiveGateway id="g25"/>'
                      '<bpmn:sequenceFlow id="t25" sourceRef="g25" targetRef="s02" name="Tolak">'
                      '</bpmn:sequenceFlow><bpmn:sequenceFlow id="y25" sourceRef="g25" targetRef="s26" name="Terima">')
    sheet = sheet_of([(xml, "panjang")])
    assert sheet.tables[0].rows[25].kind == "decision"
    return sheet, None


def _laid(sheet):
    return L.lay_out(sheet)


def _bands(laid_table):
    return [row for page in laid_table.pages for row in page]


def _inside(item, strip):
    eps = 0.05
    if isinstance(item, L.Shape):
        return item.x >= -eps and item.y >= -eps and item.x + item.w <= strip.width + eps and item.y + item.h <= strip.height + eps
    if isinstance(item, L.Line):
        return all(-eps <= x <= strip.width + eps and -eps <= y <= strip.height + eps for x, y in item.points)
    return 0 <= item.x <= strip.width and L.LABEL_SIZE * 0.8 <= item.y + 0.01 and item.y <= strip.height


@pytest.mark.parametrize("name", SEEDS + ["long"])
def test_strip_items_lie_in_their_band_and_pages_fit(name):
    sheet = _long_sheet()[0] if name == "long" else sheet_of([seed(name)])
    geo, tables = _laid(sheet)
    width = geo.no + geo.kegiatan + geo.kelengkapan + geo.waktu + geo.output + geo.keterangan
    assert width + geo.actor * max(len(t.actors) for t in sheet.tables) <= L.CONTENT_W + 0.01
    for laid in tables:
        title, h1, h2 = L.header_heights(laid.table, geo)
        for page in laid.pages:
            assert title + h1 + h2 + sum(r.height for r in page) <= L.CONTENT_H - L.SLACK + 0.01
            for r in page:
                assert r.strip.height == r.height and r.strip.columns == max(1, len(laid.table.actors))
                assert r.strip.width == pytest.approx(geo.actor * r.strip.columns, abs=0.01)
                for item in r.strip.items:
                    assert _inside(item, r.strip), (r.row.no, item)
        assert [lr.row for lr in _bands(laid)] == list(laid.table.rows)


def _ends(strip, edge):
    """x of the line ends lying on the band's top (edge=0) or bottom (edge=height)."""
    y = 0.0 if edge == "top" else strip.height
    out = []
    for item in strip.items:
        if isinstance(item, L.Line):
            for point in (item.points[0], item.points[-1]):
                if abs(point[1] - y) < 0.02:
                    out.append(round(point[0], 1))
    return sorted(out)


@pytest.mark.parametrize("name", SEEDS + ["long"])
def test_lines_meet_across_bands_within_a_page(name):
    sheet = _long_sheet()[0] if name == "long" else sheet_of([seed(name)])
    _, tables = _laid(sheet)
    for laid in tables:
        for page in laid.pages:
            for upper, lower in zip(page, page[1:]):
                assert _ends(upper.strip, "bottom") == _ends(lower.strip, "top"), (upper.row.no, lower.row.no)
            assert _ends(page[0].strip, "top") == [] and _ends(page[-1].strip, "bottom") == []


def test_every_exit_is_drawn_with_an_arrow_and_every_symbol_once():
    sheet = sheet_of([seed("004")])
    _, (laid,) = _laid(sheet)
    shapes = [i for r in _bands(laid) for i in r.strip.items if isinstance(i, L.Shape)]
    kinds = [s.kind for s in shapes if s.kind != "offpage"]
    rows = laid.table.rows
    assert kinds.count("process") == sum(r.kind == "process" for r in rows)
    assert kinds.count("decision") == sum(r.kind == "decision" for r in rows)
    assert kinds.count("terminator") == sum(len(r.terminators) for r in rows)
    arrows = [i for r in _bands(laid) for i in r.strip.items if isinstance(i, L.Line) and i.arrow]
    exits = sum(len(r.exits) + sum(len(c.exits) for c in r.terminators) for r in rows)
    offpage = sum(s.kind == "offpage" for s in shapes) // 2
    assert len(arrows) == exits + offpage
    labels = sorted(i.text for r in _bands(laid) for i in r.strip.items if isinstance(i, L.Label))
    assert labels == sorted(e.label for r in rows for e in r.exits if e.label)


def test_a_long_table_breaks_with_off_page_connector_pairs():
    sheet, _ = _long_sheet()
    _, (laid,) = _laid(sheet)
    assert len(laid.pages) >= 3
    for before, after in zip(laid.pages, laid.pages[1:]):
        foot = [s for s in before[-1].strip.items if isinstance(s, L.Shape) and s.kind == "offpage"]
        head = [s for s in after[0].strip.items if isinstance(s, L.Shape) and s.kind == "offpage"]
        assert foot and sorted(s.text for s in foot) == sorted(s.text for s in head)
        for s in foot:
            assert s.y + s.h > before[-1].strip.height - L.ROOM
        for s in head:
            assert s.y < L.ROOM
        for s in foot + head:   # each connector touches its line, at its top or its foot
            strip = (before if s in foot else after)[-1 if s in foot else 0].strip
            assert _touching(s, strip)
        for s in foot:          # of a pair, one receives the arrow: down into the foot's, up into the head's
            twin = next(h for h in head if h.text == s.text)
            arrived = [_touching(s, before[-1].strip, arrow=True), _touching(twin, after[0].strip, arrow=True)]
            assert sorted(arrived) == [False, True]
    # the loop of row 25 climbs over every break between its row and row 2: each one a pair
    assert all(len([s for s in page[-1].strip.items if isinstance(s, L.Shape) and s.kind == "offpage"]) == 2
               for page in laid.pages[:-1])
    letters = [s.text for page in laid.pages for s in page[-1].strip.items if isinstance(s, L.Shape) and s.kind == "offpage"]
    assert len(letters) == len(set(letters))


def _touching(shape, strip, arrow=None) -> bool:
    ends = {(shape.x + shape.w / 2, shape.y), (shape.x + shape.w / 2, shape.y + shape.h)}
    for item in strip.items:
        if isinstance(item, L.Line):
            if arrow is None and (item.points[0] in ends or item.points[-1] in ends):
                return True
            if arrow and item.arrow and item.points[-1] in ends:
                return True
    return False


def _segments(laid):
    """Every line segment in table coordinates, with the line it belongs to."""
    out, top = [], 0.0
    for page in laid.pages:
        for r in page:
            for n, item in enumerate(r.strip.items):
                if isinstance(item, L.Line):
                    for (ax, ay), (bx, by) in zip(item.points, item.points[1:]):
                        out.append(((ax, ay + top), (bx, by + top), id(item)))
            top += r.height
    return out


@pytest.mark.parametrize("name", ["000", "003", "004"])
def test_no_two_lines_run_on_one_track(name):
    _, (laid,) = _laid(sheet_of([seed(name)]))
    segs = _segments(laid)
    for i, (a1, b1, o1) in enumerate(segs):
        for a2, b2, o2 in segs[i + 1:]:
            if a1[1] == b1[1] == a2[1] == b2[1]:       # both horizontal on one y
                lo, hi = max(min(a1[0], b1[0]), min(a2[0], b2[0])), min(max(a1[0], b1[0]), max(a2[0], b2[0]))
                assert hi - lo < 1, (a1, b1, a2, b2)
            if a1[0] == b1[0] == a2[0] == b2[0]:       # both vertical on one x
                lo, hi = max(min(a1[1], b1[1]), min(a2[1], b2[1])), min(max(a1[1], b1[1]), max(a2[1], b2[1]))
                assert hi - lo < 1 or o1 == o2, (a1, b1, a2, b2)


def test_loops_enter_their_target_from_below_in_the_targets_column():
    _, (laid,) = _laid(sheet_of([seed("004")]))
    rows = _bands(laid)
    one = next(r for r in rows if r.row.no == "1")
    box = next(s for s in one.strip.items if isinstance(s, L.Shape) and s.kind == "process")
    arrivals = [i for i in one.strip.items if isinstance(i, L.Line) and i.arrow
                and i.points[-1][1] == pytest.approx(box.y + box.h) and box.x < i.points[-1][0] < box.x + box.w]
    assert arrivals, "the Tolak of row 2 comes back up into row 1's box"
