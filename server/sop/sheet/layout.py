"""The sheet's geometry: column widths, row heights, pages, and the flowchart of each row band.

Everything is in points on A4 landscape with 12 mm margins. The flowchart is routed once over the
whole table (rows stacked; routing.py), cut where a page breaks (an off-page connector pair marks each cut) and
clipped per row band, so a band's Strip holds only what lies in it and bands stacked give the chart.
The HTML and the DOCX pictures draw exactly these primitives, at exactly these heights."""
from __future__ import annotations

from dataclasses import dataclass

from . import fonts
from .fonts import LEADING
from .model import Row, Sheet, SheetError, Table
# the drawing's vocabulary is routing's; the renderers read it from here, with the rest of the layout
from .routing import LABEL_SIZE, SHAPE_SIZE, Label, Line, Shape, chart, simplify, zone_need  # noqa: F401

PAGE_W, PAGE_H = 841.89, 595.28           # A4 landscape
MARGIN = 12 * 72 / 25.4                     # 12 mm
CONTENT_W, CONTENT_H = PAGE_W - 2 * MARGIN, PAGE_H - 2 * MARGIN

# type: the HTML's sizes, so that what is measured is what is printed
TEXT_SIZE = 7.5           # table cells
HEAD_SIZE = 7.5           # table headings (bold)
TITLE_SIZE = 9.5          # title above a table (bold)
PAD_X, PAD_Y = 3.0, 2.5   # cell padding
LIST_INDENT = 10.0        # room of a list's marker
SLACK = 16.0              # kept free at the foot of each page (rounding of the renderers)

ACTOR_MIN = 30.0          # narrowest actor column: a 16 pt box, "Mulai" unbroken in its capsule
WORD_ROOM = {"kegiatan": 160.0, "kelengkapan": 120.0, "waktu": 120.0, "output": 120.0, "keterangan": 120.0}

OFFPAGE_W, OFFPAGE_H = 16.0, 15.0
ROOM = 30.0               # band part holding off-page connectors at a page's top or foot


@dataclass(frozen=True)
class Strip:   # the flowchart part of one row band: all actor columns of that row
    width: float
    height: float
    columns: int
    items: tuple  # Shape | Line | Label, clipped to the band


@dataclass(frozen=True)
class LaidRow:   # one printed table row
    row: Row
    height: float
    strip: Strip


@dataclass(frozen=True)
class LaidTable:
    table: Table
    pages: tuple[tuple[LaidRow, ...], ...]  # rows per printed page; off-page connectors already in the strips


@dataclass(frozen=True)
class Geometry:   # column widths in pt for A4 landscape with 12 mm margins
    no: float
    kegiatan: float
    actor: float
    kelengkapan: float
    waktu: float
    output: float
    keterangan: float


# ---------------------------------------------------------------- widths and heights

def geometry_of(tables: tuple[Table, ...]) -> Geometry:
    """Column widths shared by a document's tables, never wider than the page: actor columns
    between 50 and 80 pt, the text columns sharing the rest by how much they hold (each at least
    its minimum, widened for its longest word up to WORD_ROOM: a longer word is cut), so that no one
    column makes every row tall. Many actors narrow their columns (their headings set smaller)
    down to ACTOR_MIN; more than fit then are a SheetError."""
    n = max([1] + [len(t.actors) for t in tables])
    keterangan = any(t.keterangan for t in tables)
    no = 22.0
    base = {"kegiatan": 110.0, "kelengkapan": 60.0, "waktu": 44.0, "output": 60.0,
            "keterangan": 60.0 if keterangan else 0.0}
    minimum = dict(base)
    demand = dict.fromkeys(minimum, 0.0)

    def word_room(text: str, style: str, key: str) -> float:
        """The width a cell needs so that no word of it is broken, up to the column's cap."""
        longest = max((fonts.text_width(w, TEXT_SIZE) for w in text.split()), default=0.0)
        return min(WORD_ROOM[key], longest / 0.96 + 2 * PAD_X + (LIST_INDENT if style else 0.0) + 1)

    for table in tables:
        for row in table.rows:
            demand["kegiatan"] += fonts.text_width(row.kegiatan, TEXT_SIZE)
            minimum["kegiatan"] = max(minimum["kegiatan"], word_room(row.kegiatan, "", "kegiatan"))
            for key in ("kelengkapan", "waktu", "output", "keterangan"):
                cell = getattr(row, key)
                demand[key] += sum(fonts.text_width(item, TEXT_SIZE) for item in cell.items)
                if minimum[key]:
                    minimum[key] = max([minimum[key]] + [word_room(i, cell.style, key) for i in cell.items])
    ideal = min(80.0, max(50.0, CONTENT_W * 0.4 / n))
    actor = min(ideal, (CONTENT_W - no - sum(minimum.values())) / n)
    if actor < ACTOR_MIN:   # long words give way before the actors do: they are cut
        minimum = base
        actor = min(ideal, (CONTENT_W - no - sum(minimum.values())) / n)
    if actor < ACTOR_MIN:
        most = int((CONTENT_W - no - sum(base.values())) // ACTOR_MIN)
        raise SheetError(f"Terlalu banyak kolom pelaksana untuk satu halaman A4 mendatar: {n} "
                         f"(paling banyak {most}); gabungkan pelaksana atau bagi prosesnya.",
                         f"Too many actor columns for one A4 landscape page: {n} (at most {most}); "
                         "merge actors or split the process.")
    weight = {k: (max(demand[k], 1.0) ** 0.5 if minimum[k] else 0.0) for k in minimum}
    weight["kegiatan"] *= 1.3   # the activity is what the reader reads first
    share = dict.fromkeys(minimum, 0.0)
    free = set(k for k in minimum if minimum[k])
    budget = CONTENT_W - no - n * actor
    while free:   # give each its minimum where its share would fall short, then share the rest
        total = sum(weight[k] for k in free)
        short = [k for k in free if budget * weight[k] / total < minimum[k]]
        if not short:
            for k in free:
                share[k] = budget * weight[k] / total
            break
        for k in short:
            share[k] = minimum[k]
            budget -= minimum[k]
            free.discard(k)
    return Geometry(no, share["kegiatan"], actor, share["kelengkapan"], share["waktu"], share["output"],
                    share["keterangan"])


def _lines_height(count: int, size: float) -> float:
    return count * size * LEADING


def text_height(items, width: float, size: float = TEXT_SIZE, style: str = "", bold: bool = False) -> float:
    """Height of a cell's items set at `size` in a column `width` wide (padding included)."""
    inner = width - 2 * PAD_X - (LIST_INDENT if style else 0.0)
    inner *= 0.96   # the renderers break a little earlier than a pure measure
    count = sum(len(fonts.wrap(item, inner, size, bold)) for item in items if item)
    return _lines_height(count, size) + 2 * PAD_Y


def heading_size(text: str, width: float) -> float:
    """The heading's font size: HEAD_SIZE, smaller where its longest word would not fit the column
    (an actor's "Penanggungjawab" in a narrow column), never below 5.5 pt."""
    room = width - 2 * PAD_X - 1
    longest = max((fonts.text_width(word, HEAD_SIZE, True) for word in (text or "").split()), default=0.0)
    return HEAD_SIZE if longest <= room else max(5.5, round(HEAD_SIZE * room / longest, 2))


def _head(text: str, width: float) -> float:
    return text_height([text], width, heading_size(text, width), bold=True)


def header_heights(table: Table, geo: Geometry) -> tuple[float, float, float]:
    """Heights of the title line, of the group heading row (Pelaksana, Mutu Baku) and of the
    heading row under it (actor names, Kelengkapan, Waktu, Output)."""
    title = _lines_height(len(fonts.wrap(table.title, CONTENT_W, TITLE_SIZE, True)), TITLE_SIZE) + 6 if table.title else 0.0
    h = table.headings
    first = max(_head(h["pelaksana"], geo.actor * max(1, len(table.actors))),
                _head(h["mutu_baku"], geo.kelengkapan + geo.waktu + geo.output))
    second = max([_head(a, geo.actor) for a in table.actors] +
                 [_head(h["kelengkapan"], geo.kelengkapan), _head(h["waktu"], geo.waktu), _head(h["output"], geo.output)])
    # No, Kegiatan, Keterangan span both rows
    spanning = max(_head(h["no"], geo.no), _head(h["kegiatan"], geo.kegiatan),
                   _head(h["keterangan"], geo.keterangan) if table.keterangan else 0)
    if spanning > first + second:
        second += spanning - first - second
    return title, first, second


def marker(style: str, index: int) -> str:
    """The printed marker of item `index` (0-based) of a list in `style`."""
    if style == "angka":
        return f"{index + 1}."
    if style == "huruf":
        return f"{chr(ord('a') + index % 26)}."
    if style == "strip":
        return "-"
    return ""


def _text_need(row: Row, geo: Geometry, table: Table) -> float:
    need = [text_height([row.no], geo.no), text_height([row.kegiatan], geo.kegiatan),
            text_height(row.kelengkapan.items, geo.kelengkapan, style=row.kelengkapan.style),
            text_height(row.waktu.items, geo.waktu, style=row.waktu.style),
            text_height(row.output.items, geo.output, style=row.output.style)]
    if table.keterangan:
        need.append(text_height(row.keterangan.items, geo.keterangan, style=row.keterangan.style))
    return max(need)


# ---------------------------------------------------------------- pages and bands

def _paginate(heights: list[float], available: float, rows) -> list[list[int]]:
    """Rows onto pages, greedily; a start terminator row stays with the row after it and an end
    terminator row with the row before it, so no capsule stands alone on a page."""
    units: list[list[int]] = []
    for r, row in enumerate(rows):
        glued = units and (rows[r - 1].kind == "terminator" and any(c.kind == "start" for c in rows[r - 1].terminators)
                           or row.kind == "terminator" and all(c.kind == "end" for c in row.terminators))
        if glued:
            units[-1].append(r)
        else:
            units.append([r])
    pages: list[list[int]] = [[]]
    used = 0.0
    for unit in units:
        h = sum(heights[r] for r in unit)
        last = unit[-1] == len(heights) - 1
        top = ROOM if len(pages) > 1 and not pages[-1] else 0.0
        if pages[-1] and used + h + (0.0 if last else ROOM) > available:
            pages.append([])
            used = 0.0
            top = ROOM
        pages[-1].extend(unit)
        used += h + top
    return pages


def _place_connectors(lines, breaks, width: float) -> dict:
    """Where each crossing of a page break gets its connector pair: at the line's x, pushed apart
    where lines cross close together and kept inside the strip. Key (line index, break y, x)."""
    spots: dict[float, list] = {}
    for n, (points, _, _) in enumerate(lines):
        for a, b in zip(points, points[1:]):
            if a[0] == b[0]:
                for y in breaks:
                    if min(a[1], b[1]) < y < max(a[1], b[1]):
                        spots.setdefault(y, []).append((a[0], n))
    half, gap = OFFPAGE_W / 2, OFFPAGE_W + 4
    placed = {}
    for y, crossings in spots.items():
        crossings.sort()
        xs = []
        for x, _ in crossings:
            xs.append(max(x, half + 1, xs[-1] + gap if xs else 0.0))
        overflow = xs[-1] - (width - half - 1) if xs else 0
        if overflow > 0:
            xs = [max(half + 1, x - overflow) for x in xs]
        for (x, n), xc in zip(crossings, xs):
            placed[(n, y, x)] = xc
    return placed


def _cut(n, points, breaks, placed, letters, connectors, arrow=True):
    """Split line `n` where it crosses a page break: the part above ends with its arrow in an
    off-page connector at the foot of the page, the part below leaves its twin at the top of the
    next page (a line going up: the other way round). Returns the pieces as (points, arrow)."""
    pieces = []
    current = [points[0]]
    for a, b in zip(points, points[1:]):
        crossing = [y for y in breaks if min(a[1], b[1]) < y < max(a[1], b[1])] if a[0] == b[0] else []
        crossing.sort(reverse=b[1] < a[1])
        for y in crossing:
            x, xc = a[0], placed[(n, y, a[0])]
            letter = next(letters)
            upper = (xc, y - ROOM + 8, y - 4)        # the connector at the foot of the page above
            lower = (xc, y + 4, y + ROOM - 8)        # its twin at the top of the page below
            connectors.append((letter, upper, lower))
            if b[1] > a[1]:   # down
                current += [(x, y - ROOM + 4), (xc, y - ROOM + 4), (xc, upper[1])]
                pieces.append((simplify(current), True))
                current = [(xc, lower[2]), (xc, y + ROOM - 4), (x, y + ROOM - 4)]
            else:             # up
                current += [(x, y + ROOM - 4), (xc, y + ROOM - 4), (xc, lower[2])]
                pieces.append((simplify(current), True))
                current = [(xc, upper[1]), (xc, y - ROOM + 4), (x, y - ROOM + 4)]
        current.append(b)
    pieces.append((simplify(current), arrow))
    return pieces


def _clip(points, top: float, bottom: float):
    """The parts of a polyline inside the band [top, bottom], each as a list of points."""
    parts, current = [], []
    for a, b in zip(points, points[1:]):
        if a[1] == b[1]:
            if top <= a[1] <= bottom:
                seg = (a, b)
            else:
                seg = None
        else:
            y0, y1 = max(top, min(a[1], b[1])), min(bottom, max(a[1], b[1]))
            if y1 - y0 > 0.01:
                ya, yb = (y0, y1) if b[1] > a[1] else (y1, y0)
                seg = ((a[0], ya), (b[0], yb))
            else:
                seg = None
        if seg is None:
            if current:
                parts.append(current)
                current = []
            continue
        if current and current[-1] == seg[0]:
            current.append(seg[1])
        else:
            if current:
                parts.append(current)
            current = [seg[0], seg[1]]
    if current:
        parts.append(current)
    return parts


def _letters():
    n = 0
    while True:
        n += 1
        text, k = "", n
        while k:
            k, rem = divmod(k - 1, 26)
            text = chr(ord("A") + rem) + text
        yield text


def lay_out(sheet: Sheet) -> tuple[Geometry, tuple[LaidTable, ...]]:
    """The column widths shared by the sheet's tables and each table's rows on their pages, with
    their flowchart strips."""
    geo = geometry_of(sheet.tables)
    return geo, tuple(_lay_table(table, geo) for table in sheet.tables)


def _lay_table(table: Table, geo: Geometry) -> LaidTable:
    rows = table.rows
    if not rows:
        return LaidTable(table, ())
    base = [max(_text_need(r, geo, table), zone_need(r, geo.actor)) for r in rows]
    title_h, h1, h2 = header_heights(table, geo)
    available = CONTENT_H - title_h - h1 - h2 - SLACK
    pages = _paginate(base, available, rows)
    room_top = [0.0] * len(rows)
    room_bottom = [0.0] * len(rows)
    for p, page in enumerate(pages):
        if p > 0:
            room_top[page[0]] = ROOM
        if p < len(pages) - 1:
            room_bottom[page[-1]] = ROOM
    heights = [b + t + bt for b, t, bt in zip(base, room_top, room_bottom)]
    tops, y = [], 0.0
    for h in heights:
        tops.append(y)
        y += h
    breaks = [tops[page[0]] for page in pages[1:]]
    shapes, lines, labels = chart(table, geo.actor, tops, heights, room_top, room_bottom)

    width = geo.actor * max(1, len(table.actors))
    letters = _letters()
    connectors: list = []
    pieces = []
    placed = _place_connectors(lines, breaks, width)
    for n, (points, marked, _) in enumerate(lines):
        for part, arrow in _cut(n, list(points), breaks, placed, letters, connectors):
            pieces.append((tuple(part), arrow, marked))
    for letter, upper, lower in connectors:
        x = upper[0]
        shapes.append(Shape("offpage", x - OFFPAGE_W / 2, upper[1], OFFPAGE_W, upper[2] - upper[1], letter))
        shapes.append(Shape("offpage", x - OFFPAGE_W / 2, lower[1], OFFPAGE_W, lower[2] - lower[1], letter))

    laid_pages = []
    for page in pages:
        laid_rows = []
        for r in page:
            top, bottom = tops[r], tops[r] + heights[r]
            items: list = []
            for s in shapes:
                if s.y >= top - 0.01 and s.y + s.h <= bottom + 0.01:
                    items.append(Shape(s.kind, round(s.x, 2), round(s.y - top, 2), round(s.w, 2), round(s.h, 2),
                                       s.text, s.marked))
            for points, arrow, marked in pieces:
                for part in _clip(points, top, bottom):
                    has_end = arrow and part[-1] == points[-1]
                    items.append(Line(tuple((round(x, 2), round(y - top, 2)) for x, y in part), has_end, marked))
            for lab in labels:
                if top <= lab.y - LABEL_SIZE and lab.y <= bottom:
                    items.append(Label(round(lab.x, 2), round(lab.y - top, 2), lab.text, lab.anchor, lab.marked))
            laid_rows.append(LaidRow(rows[r], round(heights[r], 2),
                                     Strip(round(width, 2), round(heights[r], 2), max(1, len(table.actors)),
                                           tuple(items))))
        laid_pages.append(tuple(laid_rows))
    return LaidTable(table, tuple(laid_pages))
