"""One row band's flowchart as a PNG picture, for the DOCX: Word tables cannot hold drawings that
cross rows, so each row carries its band of the chart as a picture exactly the band's size, and the
bands stack into one chart.

Drawn with Pillow at a multiple of the wanted resolution and scaled down, which gives the lines and
shapes smooth edges (Pillow draws them without antialiasing)."""
from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw

from . import fonts
from .layout import LABEL_SIZE, LEADING, SHAPE_SIZE, Label, Line, Shape, Strip

STROKE = 0.8            # pt, lines and outlines
SEPARATOR = 0.5         # pt, the actor column boundaries, as thin as Word's table borders
DASH = (3.0, 2.0)       # pt on, pt off: marked (interpretation) lines and outlines
ARROW = (4.0, 1.6)      # pt: arrow head length and half width
MIN_TEXT_SIZE = 4.5     # pt, the smallest text inside a shape is set to fit it
INK = (0, 0, 0, 255)
PAPER = (255, 255, 255, 255)
CLEAR = (255, 255, 255, 0)      # the background: the Word table's own borders show through
_SUPERSAMPLE = 3


def strip_png(strip: Strip, scale: float = 4.0) -> bytes:
    """The strip painted on a transparent ground (shapes filled white), `scale` pixels per point,
    its DPI set so that its natural size is the strip's size in points."""
    width = max(1, round(strip.width * scale))
    height = max(1, round(strip.height * scale))
    big = Image.new("RGBA", (width * _SUPERSAMPLE, height * _SUPERSAMPLE), CLEAR)
    pen = _Pen(ImageDraw.Draw(big), big.width / strip.width if strip.width else 1,
               big.height / strip.height if strip.height else 1)
    for i in range(1, max(1, strip.columns)):
        x = strip.width * i / strip.columns
        pen.polyline(((x, 0), (x, strip.height)), SEPARATOR)
    lines = [item for item in strip.items if isinstance(item, Line)]
    for line in lines:
        pen.line(line)
    for item in strip.items:
        if isinstance(item, Shape):
            pen.shape(item)
    for line in lines:
        if line.arrow:
            pen.arrow_head(line.points)
    for item in strip.items:
        if isinstance(item, Label):
            pen.label(item)
    image = big.reduce(_SUPERSAMPLE)   # box average: each pixel the mean of its 3 x 3
    out = io.BytesIO()
    dpi = 72 * scale
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def outline(shape: Shape) -> list[tuple[float, float]]:
    """The shape's outline as a closed polygon (first point not repeated), in points."""
    x, y, w, h = shape.x, shape.y, shape.w, shape.h
    cx, cy = x + w / 2, y + h / 2
    if shape.kind == "decision":
        return [(cx, y), (x + w, cy), (cx, y + h), (x, cy)]
    if shape.kind == "offpage":
        return [(x, y), (x + w, y), (x + w, y + h * 0.6), (cx, y + h), (x, y + h * 0.6)]
    if shape.kind == "terminator":   # two half circles joined by straight sides
        r, quarter = min(w, h) / 2, math.pi / 2
        if w >= h:
            return _arc(x + w - r, cy, r, r, -quarter, quarter) + _arc(x + r, cy, r, r, quarter, 3 * quarter)
        return _arc(cx, y + h - r, r, r, 0, math.pi) + _arc(cx, y + r, r, r, math.pi, 2 * math.pi)
    return [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, stop: float, steps: int = 16):
    """Points along an elliptic arc from angle `start` to `stop` (radians, y downwards)."""
    angles = (start + (stop - start) * i / steps for i in range(steps + 1))
    return [(cx + rx * math.cos(a), cy + ry * math.sin(a)) for a in angles]


def dashes(points, on: float = DASH[0], off: float = DASH[1]) -> list[list[tuple[float, float]]]:
    """The drawn pieces of a dashed polyline; the pattern runs on across its corners."""
    pieces: list[list[tuple[float, float]]] = []
    drawing, left = True, on
    current: list[tuple[float, float]] = [points[0]] if points else []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        done = 0.0
        while length - done > left:
            done += left
            point = (x0 + (x1 - x0) * done / length, y0 + (y1 - y0) * done / length)
            if drawing:
                current.append(point)
                pieces.append(current)
            else:
                current = [point]
            drawing = not drawing
            left = on if drawing else off
        left -= length - done
        if drawing:
            current.append((x1, y1))
    if drawing and len(current) > 1:
        pieces.append(current)
    return pieces


class _Pen:
    """Draws in points on the supersampled canvas."""

    def __init__(self, draw: ImageDraw.ImageDraw, kx: float, ky: float):
        self.draw, self.kx, self.ky = draw, kx, ky

    def _px(self, points) -> list[tuple[float, float]]:
        return [(x * self.kx, y * self.ky) for x, y in points]

    def polyline(self, points, width: float = STROKE, colour=INK, marked: bool = False) -> None:
        pieces = dashes(list(points)) if marked else [list(points)]
        px_width = max(1, round(width * self.kx))
        for piece in pieces:
            if len(piece) > 1:
                self.draw.line(self._px(piece), fill=colour, width=px_width, joint="curve")

    def line(self, line: Line) -> None:
        points = list(line.points)
        if len(points) < 2:
            return
        if line.arrow:   # stop short of the tip so the stroke does not blunt the arrow head
            (x0, y0), (x1, y1) = _last_segment(points)
            length = math.hypot(x1 - x0, y1 - y0)
            cut = min(ARROW[0] * 0.7, length)
            if length:
                points[-1] = (x1 - (x1 - x0) * cut / length, y1 - (y1 - y0) * cut / length)
        self.polyline(points, marked=line.marked)

    def arrow_head(self, points) -> None:
        if len(points) < 2:
            return
        (x0, y0), (x1, y1) = _last_segment(list(points))
        length = math.hypot(x1 - x0, y1 - y0)
        if not length:
            return
        dx, dy = (x1 - x0) / length, (y1 - y0) / length
        back = (x1 - dx * ARROW[0], y1 - dy * ARROW[0])
        head = [(x1, y1), (back[0] - dy * ARROW[1], back[1] + dx * ARROW[1]),
                (back[0] + dy * ARROW[1], back[1] - dx * ARROW[1])]
        self.draw.polygon(self._px(head), fill=INK)

    def shape(self, shape: Shape) -> None:
        points = outline(shape)
        self.draw.polygon(self._px(points), fill=PAPER)
        self.polyline(points + points[:2] if not shape.marked else points + points[:1], marked=shape.marked)
        if shape.text:
            if shape.kind == "decision":
                room = (shape.w * 0.55, shape.h * 0.55)
            elif shape.kind == "offpage":   # a letter
                room = (shape.w - 2, shape.h * 0.7)
            else:
                room = (shape.w - 6, shape.h - 2)
            centre = shape.y + shape.h * (0.42 if shape.kind == "offpage" else 0.5)   # as the SVG
            self.text(shape.text, shape.x + shape.w / 2, centre, SHAPE_SIZE, *room)

    def text(self, text: str, cx: float, cy: float, size: float, width: float, height: float) -> None:
        """Centred lines, set smaller (down to MIN_TEXT_SIZE) while they overflow the shape."""
        while True:
            lines = fonts.wrap(text, max(width, 1.0), size)
            step = size * LEADING
            if step * len(lines) <= height or size <= MIN_TEXT_SIZE:
                break
            size = max(MIN_TEXT_SIZE, size - 0.5)
        top = cy - step * len(lines) / 2
        face = fonts.font(size * self.ky)
        for i, line in enumerate(lines):
            self.draw.text((cx * self.kx, (top + step * (i + 0.5)) * self.ky), line, font=face,
                           fill=INK, anchor="mm")

    def label(self, label: Label) -> None:
        face = fonts.font(LABEL_SIZE * self.ky)
        anchor = {"middle": "ms", "end": "rs"}.get(label.anchor, "ls")
        self.draw.text((label.x * self.kx, label.y * self.ky), label.text, font=face, fill=INK,
                       anchor=anchor)


def _last_segment(points) -> tuple[tuple[float, float], tuple[float, float]]:
    """The last segment of non-zero length (a polyline may repeat its last point)."""
    end = points[-1]
    for point in reversed(points[:-1]):
        if point != end:
            return point, end
    return end, end
