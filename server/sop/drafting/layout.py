"""Where each shape and line of a draft is drawn (BPMN DI), like the seed diagrams: a horizontal
pool, lanes stacked in column order, one column per element left to right in row order, each
shape centred in its lane; lines orthogonal, touching their shapes; lines going back (rejections)
leave the gateway's top or bottom and run in a channel along the top (or bottom) band of the lane
they return to, above (below) every shape there.

Pure geometry: nodes and flows in, boxes and waypoints out, so the SOP lint's layout checks
(shapes inside their lanes, no overlaps, edges on their shapes) hold by construction."""
from __future__ import annotations

from dataclasses import dataclass, field

POOL_X, POOL_Y, BAND, LANE_H, GAP, MARGIN = 160, 80, 30, 200, 60, 50
SIZES = {"task": (140, 90), "gateway": (50, 50), "event": (36, 36)}
CHANNEL, CHANNEL_STEP = 12, 9
MARKER = 36


@dataclass
class Node:
    id: str
    kind: str          # task | gateway | event
    lane: int


@dataclass
class Flow:
    id: str
    source: str
    target: str


@dataclass
class Drawing:
    pool: tuple[float, float, float, float]
    lanes: list[tuple[float, float, float, float]]
    shapes: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)


def lay_out(nodes: list[Node], flows: list[Flow], lane_count: int, markers: dict[str, str]) -> Drawing:
    """`nodes` in column order; `markers`: boundary event id -> its task's id."""
    lane_x = POOL_X + BAND
    column, x = {}, lane_x + MARGIN
    shapes: dict[str, tuple[float, float, float, float]] = {}
    for index, node in enumerate(nodes):
        w, h = SIZES[node.kind]
        middle = POOL_Y + node.lane * LANE_H + LANE_H / 2
        shapes[node.id] = (x, middle - h / 2, w, h)
        column[node.id] = index
        x += w + GAP
    width = x - GAP + MARGIN - POOL_X
    drawing = Drawing((POOL_X, POOL_Y, width, LANE_H * lane_count),
                      [(lane_x, POOL_Y + i * LANE_H, width - BAND, LANE_H) for i in range(lane_count)], shapes)
    for marker, task in markers.items():
        tx, ty, tw, th = shapes[task]
        shapes[marker] = (tx + tw * 0.72 - MARKER / 2, ty + th - MARKER / 2, MARKER, MARKER)
    router = _Router(nodes, shapes, column)
    for flow in flows:
        drawing.edges[flow.id] = router.route(flow)
    return drawing


class _Router:
    def __init__(self, nodes: list[Node], shapes, column):
        self.nodes = {n.id: n for n in nodes}
        self.order = nodes
        self.shapes, self.column = shapes, column
        self.channels: dict[tuple[int, str], int] = {}
        self.entries: dict[str, int] = {}

    def route(self, flow: Flow) -> list[tuple[float, float]]:
        a, b = self.nodes[flow.source], self.nodes[flow.target]
        if self.column[b.id] > self.column[a.id]:
            return self._forward(a, b)
        return self._back(a, b)

    def _box(self, node: Node):
        return self.shapes[node.id]

    def _between(self, a: Node, b: Node, lane: int) -> bool:
        lo, hi = sorted((self.column[a.id], self.column[b.id]))
        return any(n.lane == lane for n in self.order[lo + 1:hi])

    def _channel(self, lane: int, side: str) -> float:
        k = self.channels.get((lane, side), 0)
        self.channels[(lane, side)] = k + 1
        top = POOL_Y + lane * LANE_H
        return top + CHANNEL + CHANNEL_STEP * k if side == "top" else top + LANE_H - CHANNEL - CHANNEL_STEP * k

    def _forward(self, a: Node, b: Node):
        ax, ay, aw, ah = self._box(a)
        bx, by, bw, bh = self._box(b)
        sy, ty = ay + ah / 2, by + bh / 2
        if not self._between(a, b, a.lane):
            if sy == ty:
                return [(ax + aw, sy), (bx, ty)]
            mid = bx - GAP / 2
            return [(ax + aw, sy), (mid, sy), (mid, ty), (bx, ty)]
        cx = ax + aw / 2
        if a.lane != b.lane and not self._between(a, b, b.lane):
            start = (cx, ay) if b.lane < a.lane else (cx, ay + ah)
            return [start, (cx, ty), (bx, ty)]
        side = "top" if b.lane <= a.lane else "bottom"
        y = self._channel(b.lane, side)
        start = (cx, ay) if side == "top" else (cx, ay + ah)
        end_x = bx + bw / 2 - 12 * self._entry(b.id)
        return [start, (cx, y), (end_x, y), (end_x, by if side == "top" else by + bh)]

    def _back(self, a: Node, b: Node):
        ax, ay, aw, ah = self._box(a)
        bx, by, bw, bh = self._box(b)
        cx = ax + aw / 2
        side = "top" if b.lane <= a.lane else "bottom"
        y = self._channel(b.lane, side)
        start = (cx, ay) if side == "top" else (cx, ay + ah)
        end_x = bx + bw / 2 - 12 * self._entry(b.id)
        return [start, (cx, y), (end_x, y), (end_x, by if side == "top" else by + bh)]

    def _entry(self, target: str) -> int:
        k = self.entries.get(target, 0)
        self.entries[target] = k + 1
        return k
