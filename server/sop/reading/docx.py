"""DOCX: the body in order, paragraphs as rows (a tab splits cells) and every table's rows, merged
cells as Word keeps them (gridSpan, vMerge), Word's own list numbering written out as markers."""
from __future__ import annotations

import docx
from docx.oxml.ns import qn

from .cells import PRINTED_MARKER
from .grid import Row
from .limits import MAX_SPAN
from .zipped import rebuilt, refuse

_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_FORMATS = {"decimal": "angka", "bullet": "strip", "lowerLetter": "huruf", "upperLetter": "huruf",
            "lowerRoman": "angka", "upperRoman": "angka", "decimalZero": "angka"}


def docx_rows(parts: dict[str, bytes]) -> list[Row]:
    """Rows of the whole body; a blank row after each table, from the archive's checked parts (zipped.py)."""
    try:
        document = docx.Document(rebuilt(parts))
    except Exception as exc:      # python-docx raises many kinds on a damaged document
        raise refuse(f"dokumen Word tidak dapat dibaca ({type(exc).__name__}).",
                     f"the Word document cannot be read ({type(exc).__name__}).") from None
    formats = _numbering(document)
    rows: list[Row] = []
    counters: dict = {}                 # Word numbering continues across the body's paragraphs
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            text, bold = _paragraph(child, formats, counters)
            cells = text.split("\t")
            if bold and len(cells) == 1 and text.strip():
                cells = [f"**{text.strip()}**"]
            rows.append(Row(cells, len(rows) + 1))
        elif child.tag == qn("w:tbl"):
            rows.extend(_table(child, formats, len(rows) + 1))
            rows.append(Row([""], len(rows) + 1))
    return rows


def _table(tbl, formats, start: int) -> list[Row]:
    out: list[Row] = []
    above: dict[int, str] = {}          # grid column -> the text of the cell a vMerge continues
    for n, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        raw: list[str] = []
        full: list[str] = []
        for tc in tr.iterchildren(qn("w:tc")):
            props = tc.find(qn("w:tcPr"))
            span = 1
            merge = None
            if props is not None:
                gs = props.find(qn("w:gridSpan"))
                span = _span(gs.get(qn("w:val"), "1")) if gs is not None else 1
                vm = props.find(qn("w:vMerge"))
                if vm is not None:
                    merge = vm.get(qn("w:val"), "continue")
            col = len(raw)
            if merge == "continue":
                text = above.get(col, "")
                raw.extend([""] * span)
                full.extend([text] * span)
                continue
            text = _cell_text(tc, formats)
            raw.extend([text] + [""] * (span - 1))
            full.extend([text] * span)
            for c in range(col, col + span):
                above[c] = text
        out.append(Row(raw or [""], start + n, header_raw=full or [""]))
    return out


def _span(value: str) -> int:
    """A cell's gridSpan, 1..63 (Word's own bound): a crafted "2000000" must not make two million
    cells, and a word where a number belongs is one column."""
    try:
        return min(max(int(value), 1), MAX_SPAN)
    except (TypeError, ValueError):
        return 1


def _cell_text(tc, formats) -> str:
    counters: dict = {}
    lines = []
    for p in tc.iterchildren(qn("w:p")):
        text, _ = _paragraph(p, formats, counters)
        lines.append(text.replace("\t", " "))
    return "\n".join(line for line in lines if line.strip())


def _paragraph(p, formats, counters: dict) -> tuple[str, bool]:
    """The paragraph's text with its list marker, and whether every run is bold."""
    parts, bold_runs, runs = [], 0, 0
    for r in p.iter(qn("w:r")):
        if any(a.tag == _FALLBACK for a in r.iterancestors()):
            continue                    # a shape's text box, given twice (DrawingML and its VML fallback)
        run_text = []
        for el in r.iterchildren():
            if el.tag == qn("w:t"):
                run_text.append(el.text or "")
            elif el.tag == qn("w:tab"):
                run_text.append("\t")
            elif el.tag in (qn("w:br"), qn("w:cr")):
                run_text.append("\n")
        if "".join(run_text).strip():
            runs += 1
            rpr = r.find(qn("w:rPr"))
            b = rpr.find(qn("w:b")) if rpr is not None else None
            if b is not None and b.get(qn("w:val"), "true") not in ("0", "false"):
                bold_runs += 1
        parts.extend(run_text)
    text = "".join(parts)
    num = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
    pstyle = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    style_name = (pstyle.get(qn("w:val")) or "").replace(" ", "").lower() if pstyle is not None else ""
    listed = style_name.startswith(("listnumber", "listbullet"))
    if (num is not None or listed) and text.strip():
        num_id = num.find(qn("w:numId")) if num is not None else None
        ilvl = num.find(qn("w:ilvl")) if num is not None else None
        key = (num_id.get(qn("w:val")) if num_id is not None else style_name,
               ilvl.get(qn("w:val")) if ilvl is not None else "0")
        style = formats.get(key) or ("strip" if style_name.startswith("listbullet") else "angka")
        counters[key] = counters.get(key, 0) + 1
        n = counters[key]
        marker = {"angka": f"{n}. ", "strip": "- ", "huruf": f"{chr(ord('a') + (n - 1) % 26)}. "}[style]
        if not PRINTED_MARKER.match(text):
            text = marker + text.lstrip()
    elif text.strip():
        counters.clear()                # a list ends at the next ordinary paragraph (its heading)
    return text, runs > 0 and bold_runs == runs


def _numbering(document) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> list style, from the numbering part (absent: every list numbered)."""
    try:
        numbering = document.part.numbering_part.element
    except (NotImplementedError, KeyError, AttributeError):
        return {}
    abstract = {}
    for an in numbering.iterchildren(qn("w:abstractNum")):
        levels = {}
        for lvl in an.iterchildren(qn("w:lvl")):
            fmt = lvl.find(qn("w:numFmt"))
            levels[lvl.get(qn("w:ilvl"), "0")] = _FORMATS.get(fmt.get(qn("w:val")) if fmt is not None else "", "angka")
        abstract[an.get(qn("w:abstractNumId"))] = levels
    out = {}
    for num in numbering.iterchildren(qn("w:num")):
        ref = num.find(qn("w:abstractNumId"))
        levels = abstract.get(ref.get(qn("w:val")) if ref is not None else None, {})
        for ilvl, style in levels.items():
            out[(num.get(qn("w:numId")), ilvl)] = style
    return out
