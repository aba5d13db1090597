"""The flowchart of a table: its symbols placed in their rows' bands and the orthogonal lines
between them, routed once over the whole table (rows stacked) so that no line crosses a symbol
and no two sources share a track. layout.py cuts the result into pages and bands."""
from __future__ import annotations

from dataclasses import dataclass

from . import fonts
from .fonts import LEADING
from .model import Row, Table

SHAPE_SIZE = 6.0          # text in a capsule or an off-page connector
LABEL_SIZE = 6.0          # decision labels beside the lines
BOX_W, BOX_H = 44.0, 20.0
DIAMOND_W, DIAMOND_H = 34.0, 24.0
CAPSULE_H = 15.0
STEP = 7.0                # spacing of parallel lines


@dataclass(frozen=True)
class Shape:   # kind: "terminator" | "process" | "decision" | "offpage" (pentagon pointing down)
    kind: str
    x: float
    y: float
    w: float
    h: float
    text: str = ""        # lines separated by "\n", set in SHAPE_SIZE
    marked: bool = False


@dataclass(frozen=True)
class Line:    # a polyline; arrow head at the last point when arrow=True; marked = dashed
    points: tuple[tuple[float, float], ...]
    arrow: bool = True
    marked: bool = False


@dataclass(frozen=True)
class Label:   # small text beside a line (decision labels); anchor "start" | "middle" | "end"; y = baseline
    x: float
    y: float
    text: str
    anchor: str = "start"
    marked: bool = False


# ---------------------------------------------------------------- symbols

def _capsule_size(text: str, actor: float) -> tuple[float, float, str]:
    """A capsule's width, height and text broken into at most three lines, inside its column."""
    longest = max((fonts.text_width(w, SHAPE_SIZE) for w in text.split()), default=0.0)
    limit = min(actor - 4, max(30.0, actor - 12, longest + 9))
    lines = fonts.wrap(text, limit - 8, SHAPE_SIZE)[:3]
    width = min(limit, max(36.0, max(fonts.text_width(x, SHAPE_SIZE) for x in lines) + 10))
    height = max(CAPSULE_H, len(lines) * SHAPE_SIZE * LEADING + 5)
    return width, height, "\n".join(lines)


def _symbol_size(row: Row, actor: float) -> tuple[float, float]:
    """The box or diamond of a step row, narrower in a narrow column; none in a terminator row."""
    if row.kind == "decision":
        return min(DIAMOND_W, actor - 14), DIAMOND_H
    if row.kind == "process":
        return min(BOX_W, actor - 14), BOX_H
    return 0.0, 0.0


def zone_need(row: Row, actor: float) -> float:
    """Height the flowchart needs in a band: the symbol (and capsules stacked in its column) with
    room above and below for the lines that leave and enter it."""
    _, sym_h = _symbol_size(row, actor)
    stack = sym_h
    for cap in row.terminators:
        _, ch, _ = _capsule_size(cap.text, actor)
        if row.kind == "terminator" or cap.column != row.column:
            stack = max(stack, ch)
        else:
            stack += ch + 14
    return stack + (30 if row.kind == "terminator" else 42)


# ---------------------------------------------------------------- lines

class _Router:
    """Orthogonal lines between symbols, avoiding symbols and running no two lines on one track."""

    def __init__(self, rects: dict):
        self.rects = rects                 # node key -> (x0, y0, x1, y1)
        self.h: list[tuple[float, float, float, object]] = []   # (y, x0, x1, source)
        self.v: list[tuple[float, float, float, object]] = []   # (x, y0, y1, source)

    def clear(self, points, ends, owner=None) -> bool:
        """No symbol in the way and no other source's line on the same track (lines of one
        source may share their first legs: they fan out as flowcharts draw them)."""
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            x0, x1, y0, y1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
            for key, (rx0, ry0, rx1, ry1) in self.rects.items():
                if key in ends:
                    continue
                if x0 < rx1 + 2 and x1 > rx0 - 2 and y0 < ry1 + 2 and y1 > ry0 - 2:
                    return False
            if ay == by:
                if any(abs(y - ay) < 3 and x0 < sx1 - 0.5 and x1 > sx0 + 0.5 and (o != owner or y != ay)
                       for y, sx0, sx1, o in self.h):
                    return False
            else:
                if any(abs(x - ax) < 3 and y0 < sy1 - 0.5 and y1 > sy0 + 0.5 and (o != owner or x != ax)
                       for x, sy0, sy1, o in self.v):
                    return False
        return True

    def take(self, points, owner=None) -> None:
        for (ax, ay), (bx, by) in zip(points, points[1:]):
            if ay == by:
                self.h.append((ay, min(ax, bx), max(ax, bx), owner))
            else:
                self.v.append((ax, min(ay, by), max(ay, by), owner))


def simplify(points) -> tuple:
    out = []
    for p in points:
        p = (round(p[0], 2), round(p[1], 2))
        if out and out[-1] == p:
            continue
        if len(out) >= 2 and (out[-2][0] == out[-1][0] == p[0] or out[-2][1] == out[-1][1] == p[1]):
            out[-1] = p
            continue
        out.append(p)
    return tuple(out)


def _routes(src, dst, rs, rd, gutters, low_first=False):
    """Candidate polylines from node src to node dst, best first. src/dst: dicts with the rect,
    the centre, the shape kind and the side ports already used."""
    sx0, sy0, sx1, sy1 = src["rect"]
    dx0, dy0, dx1, dy1 = dst["rect"]
    scx, scy, dcx, dcy = src["cx"], src["cy"], dst["cx"], dst["cy"]
    cands = []
    toward = "right" if dcx > scx else "left"
    away = "left" if toward == "right" else "right"

    def side(node, which, dy=0.0):
        x0, y0, x1, y1 = node["rect"]
        return (x1 if which == "right" else x0, node["cy"] + dy)

    lows = [sy1 + 7 + 7 * k for k in range(3)]
    if rd > rs or (rd == rs and dcy > scy + 1 and abs(dcx - scx) < 1):
        # forward, or down to a capsule stacked under the symbol
        if abs(dcx - scx) < 1:
            cands.append(((scx, sy1), (dcx, dy0)))
        else:
            if rd == rs and abs(dcy - scy) < 1:
                cands.append((side(src, toward), side(dst, away)))
            sideways = [(side(src, toward), (dcx, scy), (dcx, dy0))]
            below = [((scx, sy1), (scx, y), (dcx, y), (dcx, dy0)) for y in lows]
            cands += below + sideways if low_first else sideways + below
    elif rd == rs and abs(dcx - scx) >= 1:
        cands.append((side(src, toward), side(dst, away)))
        for y in lows:
            cands.append(((scx, sy1), (scx, y), (dcx, y), (dcx, dy1)))
    else:
        # back up: into the target's foot beside its centre, the source's side first
        sign = 1 if dcx < scx else -1
        offsets = [sign * STEP, sign * 2 * STEP, -sign * STEP, -sign * 2 * STEP]
        if abs(dcx - scx) >= 1:
            for off in offsets:
                cands.append((side(src, toward), (dcx + off, scy), (dcx + off, dy1)))
        for y in lows:
            for off in offsets:
                cands.append(((scx, sy1), (scx, y), (dcx + off, y), (dcx + off, dy1)))
    # channels in the columns' gutters, entering the target from a side
    starts = [(side(src, toward), scy), (side(src, away), scy)] + [(None, y) for y in lows]
    for gx, gside in gutters:
        enter = "left" if gx < dcx else "right"
        for first, y in starts:
            head = (first,) if first else ((scx, sy1), (scx, y))
            if first and (first[0] - scx) * (gx - scx) < 0:
                continue
            for dy in (0.0, -6.0, 6.0) if dst["kind"] == "process" else (0.0,):
                cands.append(head + ((gx, y), (gx, dcy + dy), side(dst, enter, dy)))
    return cands


def chart(table: Table, actor: float, tops: list[float], heights: list[float],
          room_top: list[float], room_bottom: list[float]):
    """Shapes, lines (points, marked, label) and labels of the whole table in table coordinates
    (x from the first actor column), rows stacked from `tops`, each band `heights` tall."""
    ncol = max(1, len(table.actors))

    def cx(col: int) -> float:
        return actor * (min(max(col, 0), ncol - 1) + 0.5)

    nodes: dict = {}
    shapes: list[Shape] = []
    for r, row in enumerate(table.rows):
        zone_top = tops[r] + room_top[r]
        zone_bottom = tops[r] + heights[r] - room_bottom[r]
        # the symbol beside the start of the row's text, not lost in the middle of a tall row
        mid = zone_top + min(zone_bottom - zone_top, max(zone_need(row, actor), 64.0)) / 2
        sw, sh = _symbol_size(row, actor)
        stacked_above = [k for k, c in enumerate(row.terminators) if row.kind != "terminator"
                         and c.column == row.column and c.kind == "start"]
        stacked_below = [k for k, c in enumerate(row.terminators) if row.kind != "terminator"
                         and c.column == row.column and c.kind != "start"]
        sizes = {k: _capsule_size(c.text, actor) for k, c in enumerate(row.terminators)}
        if row.kind != "terminator":
            above = sum(sizes[k][1] + 14 for k in stacked_above)
            below = sum(sizes[k][1] + 14 for k in stacked_below)
            cy = mid + (above - below) / 2
            x = cx(row.column)
            rect = (x - sw / 2, cy - sh / 2, x + sw / 2, cy + sh / 2)
            nodes[(r, None)] = {"rect": rect, "cx": x, "cy": cy, "kind": row.kind}
            shapes.append(Shape(row.kind, rect[0], rect[1], sw, sh, "", row.marked))
            y_up, y_down = rect[1], rect[3]
        else:
            cy = mid
        for k, cap in enumerate(row.terminators):
            w, h, text = sizes[k]
            x = cx(cap.column)
            if k in stacked_above:
                y_up -= 14 + h
                y = y_up
            elif k in stacked_below:
                y = y_down + 14
                y_down = y + h
            else:
                y = cy - h / 2
            nodes[(r, k)] = {"rect": (x - w / 2, y, x + w / 2, y + h), "cx": x, "cy": y + h / 2, "kind": "terminator"}
            shapes.append(Shape("terminator", x - w / 2, y, w, h, text, cap.marked))

    gutters = []
    for col in range(ncol):
        for k in range(2):
            gutters.append((actor * col + 4 + STEP * k, "left"))
            gutters.append((actor * (col + 1) - 4 - STEP * k, "right"))
    router = _Router({key: node["rect"] for key, node in nodes.items()})
    lines: list[tuple[tuple, bool, str]] = []   # (points, marked, label)
    labels: list[Label] = []
    edges = []
    for r, row in enumerate(table.rows):
        if (r, None) in nodes:
            edges += [((r, None), e) for e in row.exits]
        for k, cap in enumerate(row.terminators):
            edges += [((r, k), e) for e in cap.exits]
    # loops leaving a decision sideways first, then forward lines, nearest first (they take the
    # straight tracks), then the other loops
    def rank(item):
        (r, k), e = item
        back = e.target < r
        return (0 if back and k is None and table.rows[r].kind == "decision" else 1 if not back else 2,
                abs(e.target - r))
    edges.sort(key=rank)
    for key, exit_ in edges:
        dst_key = (exit_.target, exit_.capsule)
        if key not in nodes or dst_key not in nodes:
            continue
        src, dst = nodes[key], nodes[dst_key]
        chosen = None
        # a decision whose loop leaves on the side its way forward would take: the loop keeps the
        # side corner (it runs up), the way forward leaves from the foot (it runs down)
        low_first = exit_.target > key[0] and any(
            e.target < key[0] and (nodes[(e.target, e.capsule)]["cx"] - src["cx"]) * (dst["cx"] - src["cx"]) > 0
            for e in _exits_of(table, key) if (e.target, e.capsule) in nodes)
        routes = _routes(src, dst, key[0], exit_.target, gutters, low_first)
        for cand in routes:
            cand = simplify(cand)
            if len(cand) >= 2 and router.clear(cand, {key, dst_key}, key):
                chosen = cand
                break
        if chosen is None:   # nothing clear: the straightest line, even across others
            chosen = simplify(routes[0])
        router.take(chosen, key)
        lines.append((chosen, exit_.marked, exit_.label))
        if exit_.label:
            labels.append(_label_for(chosen, exit_.label, exit_.marked, actor * ncol))
    return shapes, lines, labels


def _exits_of(table: Table, key) -> tuple:
    r, k = key
    return table.rows[r].exits if k is None else table.rows[r].terminators[k].exits


def _label_for(points, text: str, marked: bool, width: float) -> Label:
    """The label beside the first leg of its line, on the side its line does not turn to, kept
    inside the strip."""
    (ax, ay), (bx, by) = points[0], points[1]
    size = fonts.text_width(text, LABEL_SIZE)
    if ay == by:
        if bx < ax:
            x, anchor = max(ax - 3, size + 1), "end"
        else:
            x, anchor = min(ax + 3, width - size - 1), "start"
        # on the side of the leg away from where the line turns (a loop turns up: label below)
        up = len(points) > 2 and points[2][1] < by
        return Label(x, ay + LABEL_SIZE + 1.5 if up else ay - 2.5, text, anchor, marked)
    turn = points[2][0] - bx if len(points) > 2 else 0
    if by > ay and len(points) > 3 and abs(by - ay) < 30 and turn:
        # leaving from the foot and turning: above the turn's leg, beside its far end, where
        # the lines fanning out of one foot have parted
        (cx_, cy_) = points[2]
        if turn < 0:
            return Label(min(cx_ + 3, width - size - 1), cy_ - 2, text, "start", marked)
        return Label(max(cx_ - 3, size + 1), cy_ - 2, text, "end", marked)
    y = ay + LABEL_SIZE + 1 if by > ay else ay - 3
    if turn > 0 or ax + 3 + size > width:
        return Label(max(ax - 3, size + 1), y, text, "end", marked)
    return Label(ax + 3, y, text, "start", marked)
