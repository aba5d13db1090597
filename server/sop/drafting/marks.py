"""What a mark in an actor cell is: the row's own symbol, or a line, a label or a terminator that
only stands in that column.

Extracted SOP tables keep what was printed in the flowchart's cells: a symbol (or its remnant "."),
an "x", arrows of lines running between the boxes, the labels printed on those lines (Ya/Tidak,
Terima/Tolak) and the words of the terminators (mulai/selesai). Only a symbol says "this actor
does the row"; the rest are read by their own rules (drafting/actors.py, decisions.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Decision labels, by family: (acceptance, rejection). Matching ignores case; the printed case is kept.
PAIRS = (("Ya", "Tidak"), ("Terima", "Tolak"), ("Setuju", "Tidak setuju"), ("Disetujui", "Tidak disetujui"),
         ("Diterima", "Ditolak"), ("Sesuai", "Tidak sesuai"), ("Lengkap", "Tidak lengkap"))
ACCEPT = {a.lower(): i for i, (a, _) in enumerate(PAIRS)}
REJECT = {r.lower(): i for i, (_, r) in enumerate(PAIRS)}

_LEFT, _RIGHT, _DOWN, _UP = "←◀⬅<", "→▶➡>", "↓▼⬇", "↑▲⬆"


@dataclass(frozen=True)
class Mark:
    kind: str      # symbol | arrow | loop | line | label | start | end | empty
    text: str      # as printed
    column: int
    points: int = 0          # arrows: -1 the box is to the left, +1 to the right, 0 in this column
    accept: bool = False     # labels: an acceptance word (else a rejection)
    family: int = -1         # labels: index in PAIRS
    attached_line: bool = False  # terminators: printed with a line or arrowhead ("selesai)◀")


def label_of(word: str) -> tuple[bool, int] | None:
    """(is acceptance, family) of a printed decision word, or None."""
    key = " ".join(word.lower().split())
    if key in ACCEPT:
        return True, ACCEPT[key]
    if key in REJECT:
        return False, REJECT[key]
    return None


def classify(text: str, column: int) -> Mark:
    raw = " ".join((text or "").split())
    if not raw:
        return Mark("empty", raw, column)
    letters = re.sub(r"[^A-Za-z ]", "", raw).strip()
    word = letters.lower()
    if word in ("mulai", "start"):
        return Mark("start", raw, column)
    if word in ("selesai", "end", "akhir"):
        return Mark("end", raw, column, attached_line=len(letters) < len(raw.replace(" ", "")) and
                    any(c in raw for c in _LEFT + _RIGHT + "-—"))
    found = label_of(letters) if letters else None
    if found is not None:
        return Mark("label", raw, column, accept=found[0], family=found[1])
    if letters:
        return Mark("symbol", raw, column)      # a word or an "x": the actor's own mark
    stripped = raw.replace(" ", "")
    if all(c in _UP for c in stripped):
        return Mark("loop", raw, column)
    if any(c in _LEFT for c in stripped) and not any(c in _RIGHT for c in stripped):
        return Mark("arrow", raw, column, points=-1)
    if any(c in _RIGHT for c in stripped) and not any(c in _LEFT for c in stripped):
        return Mark("arrow", raw, column, points=1)
    if any(c in _DOWN for c in stripped):
        return Mark("arrow", raw, column, points=0)
    if set(stripped) <= set("-—–_|"):
        return Mark("line", raw, column)
    return Mark("symbol", raw, column)          # ".", "o", "✓", a drawing's remnant


def row_marks(cells: list[str]) -> list[Mark]:
    return [classify(text, i) for i, text in enumerate(cells)]
