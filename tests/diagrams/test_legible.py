"""Every seed diagram reads at 100% zoom in bpmn-js, checked on its DI with real font metrics.

bpmn-js draws names in 'Arial, sans-serif', which Chromium on Debian renders as Liberation Sans:
12 px inside tasks and lanes, 11 px for the external labels of events, gateways and flows, with a
line height of 1.2. `liberation_sans.json` holds that font's advance widths and kerning pairs (how
it was made: its "note"). `wrap` lays text out as diagram-js's Text.layoutText does (the same
shortening steps, so the same line breaks), which is how a name can end up cut mid-word.

Checked per diagram: each task name wraps word-wise inside its box (7 px padding) clear of the
user-task icon and of the due-time marker on the box's edge; every external label and lane name
wraps word-wise in its box; shapes do not overlap; labels overlap no shape and no other label; flows
are orthogonal, pass through no shape but their own ends, and cross no other flow (CROSSINGS lists
a diagram that cannot avoid one, with the reason).
"""
from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from pathlib import Path

import pytest
from lxml import etree

REPO = Path(__file__).resolve().parents[2]
BPMN_FILES = sorted((REPO / "bpmn").glob("*.bpmn"))
METRICS = json.loads((Path(__file__).parent / "liberation_sans.json").read_text(encoding="utf-8"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
}
TASK_FONT, LABEL_FONT, LINE_HEIGHT = 12, 11, 1.2  # bpmn-js TextRenderer: default and external style
TASK_PADDING = 7  # bpmn-js BpmnRenderer.renderEmbeddedLabel
LANE_BAND = 30  # the band a lane's or pool's name is written in, across its height
USER_ICON = (3, 3, 23, 25)  # the user-task icon's box (x0, y0, x1, y1) in the task, 1 px margin around it
SLACK = 0.5  # Chromium measures up to 0.22 px wider than the table (its kerning): keep this much free
CROSSINGS: dict[str, int] = {}  # file name -> crossings it cannot avoid (none so far)


# -- text: measure and wrap as diagram-js does --------------------------------------------------

def text_width(text: str, size: float) -> float:
    """Width in px of one line, as canvas measureText gives it (advances plus kerning)."""
    advances, kerning = METRICS["advances"], METRICS["kerning"]
    units = sum(advances.get(c, advances["M"]) for c in text)
    units += sum(kerning.get(a + b, 0) for a, b in zip(text, text[1:]))
    return units * size / METRICS["units_per_em"]


def _measure(line: str, size: float, extra: float) -> float:
    return 0.0 if line == "" else text_width(line.rstrip(), size) + extra


def _semantic_shorten(line: str, max_length: float) -> str:
    parts, kept, length = re.split(r"(\s|-|\u00AD)", line), [], 0
    if len(parts) > 1:
        while parts:
            part = parts.pop(0)
            if not part:
                break
            if len(part) + length < max_length:
                kept.append(part)
                length += len(part)
            else:
                if part in ("-", "\u00AD") and kept:
                    kept.pop()
                break
    if kept and kept[-1] == "\u00AD":
        kept[-1] = "-"
    return "".join(kept)


def _shorten(line: str, width: float, max_width: float) -> str:
    length = max(len(line) * (max_width / width), 1)
    return _semantic_shorten(line, length) or line[:max(math.floor(length - 1 + 0.5), 1)]


def wrap(text: str, max_width: float, size: float, extra: float = 0.0) -> list[tuple[str, float]]:
    """The lines (text, width) diagram-js makes of `text` in `max_width` px (Text.layoutNext)."""
    lines, out = re.split(r"\u00AD?\r?\n", text), []
    while lines:
        original = fit = lines.pop(0)
        while True:
            width = _measure(fit, size, extra)
            if fit in (" ", "") or width <= max_width or len(fit) < 2:
                break
            fit = _shorten(fit, width, max_width)
        if len(fit) < len(original):
            lines.insert(0, original[len(fit):].strip())
        out.append((fit, width))
    return out


def wrap_problems(text: str, max_width: float, size: float, max_lines: int | None = None) -> list[str]:
    """What is wrong with `text` wrapped in `max_width`: a word cut, a line too wide, too many lines."""
    lines = wrap(text, max_width, size)
    problems = []
    if [w for line, _ in lines for w in line.split()] != text.split():
        problems.append(f"{text!r} breaks inside a word: {[line for line, _ in lines]}")
    if any(width > max_width - SLACK for _, width in lines):
        problems.append(f"{text!r} has a line wider than {max_width} px")
    if [line for line, _ in wrap(text, max_width, size, SLACK)] != [line for line, _ in lines]:
        problems.append(f"{text!r} wraps differently half a pixel wider: too close to the edge")
    if max_lines is not None and len(lines) > max_lines:
        problems.append(f"{text!r} needs {len(lines)} lines, more than {max_lines}")
    return problems


def task_text_boxes(name: str, box) -> list[tuple[float, float, float, float]]:
    """The box (x0, y0, x1, y1) of each line of a task's name: centred, middle, as bpmn-js draws it."""
    x, y, w, h = box
    lines = wrap(name, w - 2 * TASK_PADDING, TASK_FONT)
    line_height = LINE_HEIGHT * TASK_FONT
    ascent = METRICS["ascent"] * TASK_FONT / METRICS["units_per_em"]
    descent = METRICS["descent"] * TASK_FONT / METRICS["units_per_em"]
    baseline = y + (h - line_height * len(lines)) / 2 - line_height / 4
    out = []
    for _, width in lines:
        baseline += line_height
        out.append((x + (w - width) / 2, baseline - ascent, x + (w + width) / 2, baseline + descent))
    return out


def task_problems(name: str, box, markers=()) -> list[str]:
    """A task's name must wrap word-wise in its box, clear of the user icon and of its markers."""
    x, y, w, h = box
    problems = wrap_problems(name, w - 2 * TASK_PADDING, TASK_FONT)
    icon = (x + USER_ICON[0], y + USER_ICON[1], x + USER_ICON[2], y + USER_ICON[3])
    for line in task_text_boxes(name, box):
        if line[1] < y + 1 or line[3] > y + h - 1:
            problems.append(f"{name!r} runs out of its box's height {h}")
        if _meets(line, icon):
            problems.append(f"{name!r} reaches the user-task icon")
        for mx, my, mw, mh in markers:
            if _meets(line, (mx, my, mx + mw, my + mh)):
                problems.append(f"{name!r} runs into the due-time marker on its edge")
    return problems


def label_box(text: str, bounds) -> tuple[float, float, float, float]:
    """Where bpmn-js draws an external label: its DI bounds, height from the wrapped lines."""
    x, y, w, _ = bounds
    lines = wrap(text, w, LABEL_FONT)
    return (x, y, x + w, y + math.ceil(len(lines) * LINE_HEIGHT * LABEL_FONT))


# -- geometry ------------------------------------------------------------------------------------

def _meets(a, b) -> bool:
    """Two (x0, y0, x1, y1) boxes share more than an edge."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _rect(bounds) -> tuple[float, float, float, float]:
    x, y, w, h = bounds
    return (x, y, x + w, y + h)


def segment_hits_box(p, q, box, inset: float = 1.0) -> bool:
    """An axis-parallel segment passes through the inside of a box (touching its edge is fine)."""
    x0, y0, x1, y1 = box[0] + inset, box[1] + inset, box[2] - inset, box[3] - inset
    sx0, sx1, sy0, sy1 = min(p[0], q[0]), max(p[0], q[0]), min(p[1], q[1]), max(p[1], q[1])
    return sx0 < x1 and x0 < sx1 and sy0 < y1 and y0 < sy1 or \
        (sx0 == sx1 and x0 < sx0 < x1 and sy0 < y1 and y0 < sy1) or \
        (sy0 == sy1 and y0 < sy0 < y1 and sx0 < x1 and x0 < sx1)


def segments_cross(a, b) -> bool:
    """Two axis-parallel segments cross or run along each other (meeting at an end point is fine)."""
    (p, q), (r, s) = a, b
    if p[1] == q[1] and r[0] == s[0]:  # a horizontal, b vertical
        return min(p[0], q[0]) < r[0] < max(p[0], q[0]) and min(r[1], s[1]) < p[1] < max(r[1], s[1])
    if p[0] == q[0] and r[1] == s[1]:
        return segments_cross(b, a)
    if p[1] == q[1] == r[1] == s[1]:  # both horizontal on one line: overlapping is running along
        return max(min(p[0], q[0]), min(r[0], s[0])) < min(max(p[0], q[0]), max(r[0], s[0]))
    if p[0] == q[0] == r[0] == s[0]:
        return max(min(p[1], q[1]), min(r[1], s[1])) < min(max(p[1], q[1]), max(r[1], s[1]))
    return False


# -- the diagram as bpmn-js sees it -----------------------------------------------------------------

class Drawing:
    """Shapes, labels and flows of one file's DI."""

    def __init__(self, path: Path):
        self.root = etree.parse(str(path)).getroot()
        self.elements = {el.get("id"): el for el in self.root.iter() if isinstance(el.tag, str) and el.get("id")}
        self.shapes, self.labels, self.edges = {}, {}, {}
        for di in self.root.iterfind(".//bpmndi:BPMNShape", NS):
            ref = di.get("bpmnElement")
            self.shapes[ref] = _bounds(di.find("dc:Bounds", NS))
            label = di.find("bpmndi:BPMNLabel/dc:Bounds", NS)
            if label is not None:
                self.labels[ref] = _bounds(label)
        for di in self.root.iterfind(".//bpmndi:BPMNEdge", NS):
            ref = di.get("bpmnElement")
            self.edges[ref] = [(float(p.get("x")), float(p.get("y"))) for p in di.findall("di:waypoint", NS)]
            label = di.find("bpmndi:BPMNLabel/dc:Bounds", NS)
            if label is not None:
                self.labels[ref] = _bounds(label)

    def kind(self, element_id: str) -> str:
        return etree.QName(self.elements[element_id]).localname

    def name(self, element_id: str) -> str:
        return " ".join((self.elements[element_id].get("name") or "").split())

    def nodes(self) -> dict:
        """Flow-node shapes (not pools and lanes)."""
        return {k: v for k, v in self.shapes.items() if self.kind(k) not in ("participant", "lane")}

    def markers(self, task_id: str) -> list:
        return [self.shapes[k] for k, el in self.elements.items()
                if etree.QName(el).localname == "boundaryEvent" and el.get("attachedToRef") == task_id]

    def label_boxes(self) -> dict:
        return {k: label_box(self.name(k), b) for k, b in self.labels.items() if self.name(k)}


def _bounds(el) -> tuple[float, float, float, float]:
    return tuple(float(el.get(k)) for k in ("x", "y", "width", "height"))


@lru_cache(maxsize=None)
def drawing(path: Path) -> Drawing:
    return Drawing(path)


def legibility_problems(d: Drawing) -> list[str]:
    """Every name fits its box word-wise; every named event, gateway and flow has its label."""
    problems = []
    for node_id, box in d.nodes().items():
        kind, name = d.kind(node_id), d.name(node_id)
        if kind.endswith("Task") and name:
            problems += [f"{node_id}: {p}" for p in task_problems(name, box, d.markers(node_id))]
        elif name and node_id not in d.labels:
            problems.append(f"{node_id}: its name has no label bounds in the DI")
    for flow_id in d.edges:
        if d.name(flow_id) and flow_id not in d.labels:
            problems.append(f"{flow_id}: its name has no label bounds in the DI")
    for element_id, bounds in d.labels.items():
        if d.name(element_id):
            problems += [f"{element_id} label: {p}" for p in wrap_problems(d.name(element_id), bounds[2], LABEL_FONT)]
    band_lines = int(LANE_BAND // (LINE_HEIGHT * TASK_FONT))  # a lane's name is written across its height
    for element_id, box in d.shapes.items():
        if d.kind(element_id) in ("participant", "lane") and d.name(element_id):
            name = d.name(element_id)
            problems += [f"{element_id}: {p}" for p in wrap_problems(name, box[3], TASK_FONT, max_lines=band_lines)]
    return problems


def layout_problems(d: Drawing) -> list[str]:
    """Shapes apart; labels clear of shapes and of each other; flows orthogonal and round shapes."""
    problems, nodes = [], d.nodes()
    attached = {(k, el.get("attachedToRef")) for k, el in d.elements.items()
                if etree.QName(el).localname == "boundaryEvent"}
    items = sorted(nodes.items())
    for i, (a, box_a) in enumerate(items):
        for b, box_b in items[i + 1:]:
            if (a, b) not in attached and (b, a) not in attached and _meets(_rect(box_a), _rect(box_b)):
                problems.append(f"{a} overlaps {b}")
    labels = sorted(d.label_boxes().items())
    for i, (a, box_a) in enumerate(labels):
        for node_id, box in nodes.items():
            if _meets(box_a, _rect(box)):
                problems.append(f"the label of {a} overlaps {node_id}")
        for b, box_b in labels[i + 1:]:
            if _meets(box_a, box_b):
                problems.append(f"the label of {a} overlaps the label of {b}")
    for flow_id, points in d.edges.items():
        flow = d.elements[flow_id]
        ends = (flow.get("sourceRef"), flow.get("targetRef"))
        segments = list(zip(points, points[1:]))
        if any(p[0] != q[0] and p[1] != q[1] for p, q in segments):
            problems.append(f"{flow_id} has a slanted segment")
        for node_id, box in nodes.items():
            for n, (p, q) in enumerate(segments):
                own_end = (node_id == ends[0] and n == 0) or (node_id == ends[1] and n == len(segments) - 1)
                if not own_end and segment_hits_box(p, q, _rect(box)):
                    problems.append(f"{flow_id} passes through {node_id}")
                    break
    return problems


def crossings(d: Drawing) -> list[tuple[str, str]]:
    """Pairs of flows whose lines cross (or run along each other)."""
    out, flows = [], sorted(d.edges.items())
    for i, (a, points_a) in enumerate(flows):
        for b, points_b in flows[i + 1:]:
            if any(segments_cross(s, t) for s in zip(points_a, points_a[1:]) for t in zip(points_b, points_b[1:])):
                out.append((a, b))
    return out


# -- the tests -------------------------------------------------------------------------------------

params = pytest.mark.parametrize("path", BPMN_FILES, ids=[p.name for p in BPMN_FILES])


@params
def test_every_name_reads_in_its_box(path):
    assert legibility_problems(drawing(path)) == []


@params
def test_nothing_overlaps_and_flows_go_round_shapes(path):
    assert layout_problems(drawing(path)) == []


@params
def test_flows_do_not_cross(path):
    assert len(crossings(drawing(path))) == CROSSINGS.get(path.name, 0), crossings(drawing(path))


def test_wrap_breaks_as_bpmn_js():
    """bpmn-js's layout of a 100x80 task cuts a long word (the old seeds' "Mengidentifi|kasi");
    the check sees that, and a box wide enough takes the name word-wise."""
    name = "Mengidentifikasi kebutuhan dan memproduksi konten"
    assert [line for line, _ in wrap(name, 100 - 2 * TASK_PADDING, TASK_FONT)][0] != "Mengidentifikasi"
    assert any("inside a word" in p for p in task_problems(name, (0, 0, 100, 80)))
    assert task_problems(name, (0, 0, 150, 80)) == []
    assert any("icon" in p for p in task_problems("Menyerahkan dokumentasi kegiatan", (0, 0, 150, 40)))


def test_the_metrics_match_the_font():
    """A few widths of Liberation Sans 12 px, as Chromium's canvas measured them (to 0.25 px)."""
    assert text_width("Mengidentifikasi", 12) == pytest.approx(86.04, abs=0.25)
    assert text_width("a", 12) == pytest.approx(6.67, abs=0.01)
