"""A row band's flowchart (a layout Strip) as inline SVG, in points, for the HTML and the PDF."""
from __future__ import annotations

from html import escape

from .fonts import FAMILY
from .layout import LABEL_SIZE, LEADING, SHAPE_SIZE, Label, Line, Shape, Strip

STROKE = 0.7
DASH = "2.5 1.8"
ARROW = 4.2


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _dash(marked: bool) -> str:
    return f' stroke-dasharray="{DASH}"' if marked else ""


def _shape(s: Shape) -> str:
    x, y, w, h = s.x, s.y, s.w, s.h
    common = f'fill="#fff" stroke="#000" stroke-width="{STROKE}"{_dash(s.marked)}'
    if s.kind == "process":
        body = f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" {common}/>'
    elif s.kind == "decision":
        pts = ((x + w / 2, y), (x + w, y + h / 2), (x + w / 2, y + h), (x, y + h / 2))
        body = f'<polygon points="{" ".join(f"{_num(a)},{_num(b)}" for a, b in pts)}" {common}/>'
    elif s.kind == "terminator":
        r = min(h / 2, w / 2)
        body = (f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" rx="{_num(r)}" '
                f'ry="{_num(r)}" {common}/>')
    else:   # offpage
        shoulder = y + h * 0.6
        pts = ((x, y), (x + w, y), (x + w, shoulder), (x + w / 2, y + h), (x, shoulder))
        body = f'<polygon points="{" ".join(f"{_num(a)},{_num(b)}" for a, b in pts)}" {common}/>'
    if not s.text:
        return body
    lines = s.text.split("\n")
    step = SHAPE_SIZE * LEADING
    centre = y + (h * 0.42 if s.kind == "offpage" else h / 2)
    first = centre - step * (len(lines) - 1) / 2 + SHAPE_SIZE * 0.36
    spans = "".join(f'<tspan x="{_num(x + w / 2)}" y="{_num(first + i * step)}">{escape(t)}</tspan>'
                    for i, t in enumerate(lines))
    return body + f'<text font-size="{_num(SHAPE_SIZE)}" text-anchor="middle">{spans}</text>'


def _line(item: Line) -> str:
    pts = list(item.points)
    out = ""
    if item.arrow and len(pts) >= 2:
        (ax, ay), (bx, by) = pts[-2], pts[-1]
        dx, dy = (bx > ax) - (bx < ax), (by > ay) - (by < ay)
        # the stroke stops where the head begins, so the head's point stays sharp
        pts[-1] = (bx - dx * ARROW * 0.8, by - dy * ARROW * 0.8)
        half = ARROW * 0.45
        head = ((bx, by), (bx - dx * ARROW - dy * half, by - dy * ARROW - dx * half),
                (bx - dx * ARROW + dy * half, by - dy * ARROW + dx * half))
        out = f'<polygon points="{" ".join(f"{_num(a)},{_num(b)}" for a, b in head)}" fill="#000"/>'
    path = " ".join(f"{_num(x)},{_num(y)}" for x, y in pts)
    return (f'<polyline points="{path}" fill="none" stroke="#000" stroke-width="{STROKE}" '
            f'stroke-linejoin="miter"{_dash(item.marked)}/>') + out


def _label(item: Label) -> str:
    style = ' font-style="italic"' if item.marked else ""
    return (f'<text x="{_num(item.x)}" y="{_num(item.y)}" font-size="{_num(LABEL_SIZE)}" '
            f'text-anchor="{item.anchor}"{style}>{escape(item.text)}</text>')


def strip_svg(strip: Strip, separators: bool = True, description: str = "") -> str:
    """The strip as one <svg> element sized in points; the actor columns' separators drawn thin
    when `separators` (the HTML draws the band as one cell spanning the actor columns); with
    `description`, the drawing in words (its accessible name)."""
    named = f' role="img" aria-label="{escape(description)}"' if description else ""
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(strip.width)}pt" height="{_num(strip.height)}pt" '
             f'viewBox="0 0 {_num(strip.width)} {_num(strip.height)}" font-family="{FAMILY}"{named}>']
    if separators and strip.columns > 1:
        step = strip.width / strip.columns
        for i in range(1, strip.columns):
            parts.append(f'<line x1="{_num(step * i)}" y1="0" x2="{_num(step * i)}" y2="{_num(strip.height)}" '
                         f'stroke="#000" stroke-width="0.5"/>')
    # lines under shapes, so a symbol covers the end of a line that touches it
    for item in strip.items:
        if isinstance(item, Line):
            parts.append(_line(item))
    for item in strip.items:
        if isinstance(item, Shape):
            parts.append(_shape(item))
    for item in strip.items:
        if isinstance(item, Label):
            parts.append(_label(item))
    parts.append("</svg>")
    return "".join(parts)
