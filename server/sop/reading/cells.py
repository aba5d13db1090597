"""A cell's printed text: HTML and markdown fragments to plain lines, and lists to items.

Agencies' documents come to us with their cells' formatting half-kept (the seeds carry <p>, <b>,
<ol>/<li>, <br>, markdown ** and ##); every reader turns a cell into lines here, and every list
(numbered, dashed, lettered, run together on one line or not) becomes one item per line with its
style, so the drafts and the regenerated sheet print it as the agency did."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "ol", "ul", "table",
           "blockquote", "hr"}
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
# Characters XML 1.0 cannot hold (C0 controls but tab and line breaks, lone surrogates, U+FFFE/U+FFFF):
# dropped where a cell's text is made, so a draft's BPMN can always be written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A list marker printed at the start of an item ("1.", "a)", "-", "•"): kept as printed, not added again.
PRINTED_MARKER = re.compile(r"^\s*(\d{1,2}[.)]|[a-z][.)]|[-\u2022])\s")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(.+?)(\*\*|__)\s*$|^\s*<(b|strong)\b[^>]*>(.+?)</(b|strong)>\s*$",
                        re.S | re.I)


class _Text(HTMLParser):
    """Collects text, a new line at each block; list items get their printed marker normalised."""

    def __init__(self, keep_gaps: bool):
        super().__init__(convert_charrefs=True)
        self.keep_gaps = keep_gaps
        self.out: list[str] = []
        self.lists: list[dict] = []       # open <ol>/<ul>: {"kind", "n", "none"}
        self.in_pre = 0

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS:
            self.out.append("\n")
        if tag in ("ol", "ul"):
            style = (dict(attrs).get("style") or "").replace(" ", "").lower()
            self.lists.append({"kind": tag, "n": 0, "none": "list-style-type:none" in style})
        elif tag == "li" and self.lists:
            self.lists[-1]["n"] += 1
            self.out.append(_LiMarker(self.lists[-1]))
        elif tag == "pre":
            self.in_pre += 1

    def handle_endtag(self, tag):
        if tag in _BLOCKS:
            self.out.append("\n")
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        elif tag == "pre" and self.in_pre:
            self.in_pre -= 1

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if self.keep_gaps and not self.in_pre:
            data = re.sub(r"[ \t\u00a0]{2,}", "\n", data)
        self.out.append(data)

    def text(self) -> str:
        out = list(self.out)
        for i, piece in enumerate(out):
            if not isinstance(piece, _LiMarker):
                continue
            j = next((k for k in range(i + 1, len(out)) if isinstance(out[k], str) and out[k].strip()), None)
            following = out[j].lstrip() if j is not None else ""
            if j is not None and re.match(r"^\d{1,2}\s+\S", following):
                # "<li>1 Undang-Undang": the item's own number printed without its dot
                out[j] = re.sub(r"^(\d{1,2})\s+", r"\1. ", following)
                following = out[j]
            out[i] = piece.marker(following)
        return "".join(out)


class _LiMarker:
    """Where an <li> starts: the marker to print unless the item prints its own number."""

    def __init__(self, state: dict):
        self.kind, self.n, self.none = state["kind"], state["n"], state["none"]

    def marker(self, following: str) -> str:
        if PRINTED_MARKER.match(following):
            return ""                     # printed marker kept, normalised by _normal_marker below
        if self.none:
            return ""
        return f"{self.n}. " if self.kind == "ol" else "- "


def to_text(raw: str | None, keep_gaps: bool = False) -> str:
    """Plain lines from a cell as extracted: HTML blocks and <br> to line breaks, tags and markdown
    emphasis dropped, spaces collapsed within a line. keep_gaps: a run of 2+ spaces is a line
    break too (a signature block printed on several lines and extracted as one)."""
    if raw is None:
        return ""
    text = str(raw).replace("\r\n", "\n").replace("\r", "\n")
    if "<" in text and _TAG.search(text):
        parser = _Text(keep_gaps)
        parser.feed(text)
        parser.close()
        text = parser.text()
    else:
        text = html.unescape(text)
        if keep_gaps:
            text = re.sub(r"[ \t\u00a0]{2,}", "\n", text)
    text = _NOT_XML.sub("", text)
    lines = []
    for line in text.split("\n"):
        line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)            # markdown heading
        line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)           # markdown bold
        line = re.sub(r"[ \t\u00a0\u200b]+", " ", line).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def is_bold(raw: str | None) -> bool:
    """The whole cell printed bold (markdown ** or <b>): a heading or a title."""
    return bool(raw and _BOLD_ONLY.match(str(raw).strip()))


# -- lists ---------------------------------------------------------------------------------------

_NUM = re.compile(r"^(\d{1,2})[.)]\s+(.*)$")
_LETTER = re.compile(r"^([a-z])[.)]\s+(.*)$")
_DASH = re.compile(r"^[-\u2022\u2013]\s+(.*)$")


def split_list(text: str) -> tuple[list[str], str]:
    """A cell's items and list style: ("angka" 1. 2., "strip" - -, "huruf" a. b.) or "" for plain
    lines. Items printed one per line or run together on one line ("1. a 2. b", "- a - b"); a line
    without a marker continues the item before it. Ordinary sentences are left alone: a list starts
    with its first marker (1., a., -) at the start of the cell."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        return [], ""
    for style, first in (("angka", _NUM), ("huruf", _LETTER), ("strip", _DASH)):
        if first.match(lines[0]):
            items = _items(lines, style)
            if items is not None:
                return ([_unpunctuated(i) for i in items] if len(items) > 1 else items), style
    return lines, ""


def _unpunctuated(item: str) -> str:
    """An item without the ';' or '.' that ends list items in print ("... Kemenpora;")."""
    return item[:-1].rstrip() if item.endswith((";", ".")) and not item.endswith("..") else item


def _items(lines: list[str], style: str) -> list[str] | None:
    items: list[str] = []
    expected = 1
    for line in lines:
        found = _marker(line, style, expected)
        if found is None:
            if not items:
                return None
            items[-1] = f"{items[-1]} {line}"
            continue
        expected += 1
        items.append(found)
    out: list[str] = []
    for item in items:
        run = _run_together(item, style, len(out) + 1)
        out.extend(run)
    return out


def _marker(line: str, style: str, expected: int) -> str | None:
    """The line's text after its marker, when the line starts the expected item."""
    if style == "angka":
        m = _NUM.match(line)
        return m.group(2) if m and int(m.group(1)) == expected else None
    if style == "huruf":
        m = _LETTER.match(line)
        return m.group(2) if m and ord(m.group(1)) - ord("a") + 1 == expected else None
    m = _DASH.match(line)
    return m.group(1) if m else None


def _run_together(item: str, style: str, number: int) -> list[str]:
    """Items printed on one line: "a 2. b 3. c" (after item 1), "a - b - c", "a b. b c. c"."""
    parts: list[str] = []
    rest = item
    if style == "strip":
        pieces = re.split(r"\s+[-\u2022\u2013]\s+", rest)
        merged: list[str] = []
        for piece in pieces:
            # "Undang - Undang", "program - program": a reduplicated word, not a new item
            if merged and merged[-1].split() and piece.split() and \
                    merged[-1].split()[-1].lower() == piece.split()[0].lower():
                merged[-1] = f"{merged[-1]} - {piece}"
            else:
                merged.append(piece)
        return [p.strip() for p in merged if p.strip()]
    while True:
        nxt = number + 1
        marker = str(nxt) if style == "angka" else chr(ord("a") + nxt - 1)
        m = re.search(rf"\s{re.escape(marker)}[.)]\s+", rest)
        if not m:
            break
        head = rest[:m.start()].strip()
        parts.append(head[:-1].rstrip() if head.endswith(";") else head)
        rest = rest[m.end():]
        number = nxt
    parts.append(rest.strip())
    return [p for p in parts if p]


def list_value(text: str) -> tuple[str, str]:
    """A cell's value as items one per line, and its style ("" for plain lines)."""
    items, style = split_list(text)
    return "\n".join(items), style
