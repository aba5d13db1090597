"""A row's band of the flowchart in words, for those who cannot see the picture: the alternative
text of the DOCX's pictures and the label of the HTML's drawings (screen readers, text search,
and a check that every decision label is in the document)."""
from __future__ import annotations

from .model import Row, Table

_SYMBOL = {"process": "proses", "decision": "keputusan"}


def row_description(table: Table, row: Row) -> str:
    """E.g. "Baris 6: keputusan di kolom Kepala Biro; Ya ke baris 7; Tidak ke baris 5"."""
    parts = []
    if row.kind in _SYMBOL:
        parts.append(f"{_SYMBOL[row.kind]} di kolom {_actor(table, row.column)}")
    for capsule in row.terminators:
        parts.append(f"{'mulai' if capsule.kind == 'start' else 'selesai'} \"{capsule.text}\" di kolom "
                     f"{_actor(table, capsule.column)}")
    for exit_ in row.exits + tuple(e for c in row.terminators for e in c.exits):
        parts.append(" ".join(filter(None, [exit_.label, "ke", _target(table, exit_)])))
    head = "Terminator" if row.kind == "terminator" else f"Baris {row.no}"
    return f"{head}: {'; '.join(parts)}" if parts else head


def _actor(table: Table, column: int) -> str:
    return table.actors[column] if 0 <= column < len(table.actors) else "?"


def _target(table: Table, exit_) -> str:
    target = table.rows[exit_.target] if 0 <= exit_.target < len(table.rows) else None
    if target is None:
        return "?"
    if exit_.capsule is not None and exit_.capsule < len(target.terminators):
        return f"\"{target.terminators[exit_.capsule].text}\""
    return "terminator" if target.kind == "terminator" else f"baris {target.no}"
