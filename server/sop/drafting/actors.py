"""Whose row is whose: each row's actor column, with the evidence for it, strongest first.

1. The row's own mark: a symbol (or its remnant ".", an "x", a word) in a column; "mulai" (the
   start capsule beside the first box); an arrow "←" in column c, the line entering the box from
   the right (the box is in c-1; "→" the other way, "↓" from above); a rejection word in a deciding
   row where the table prints labels in the decider's column.
2. The words: the actor named as the Kegiatan's subject; the one the previous row hands the work
   to ("kepada X", "memerintahkan X"); the only column left once the row's own "dari X" and
   "kepada X", its line marks "-" and a detached "selesai" rule columns out.
3. The neighbours: the next row's arrow (the line leaving this row's box); an end capsule standing
   alone in the row (the box beside it); the first row in the leftmost column.
4. What is left: columns without any row, in order, to the rows still without an actor (an SOP
   table gives every actor column a step); then the previous row's actor, or after a decision the
   actor whose work was decided on.

Only (1) is read; the rest is reported as a guess and kept on the task as `alur.tafsiran`."""
from __future__ import annotations

from dataclasses import dataclass

from ..reading.model import SopTable
from .marks import Mark
from .report import Reason
from .words import leading_actor, named_after

GIVES_TO = "kepada|memerintahkan|menugaskan|mendisposisi(?:kan)?\\s+kepada"
COMES_FROM = "dari"


@dataclass
class Assigned:
    column: int
    reason: Reason


def assign(table: SopTable, marks: list[list[Mark]], cues: list[int], style: str) -> list[Assigned]:
    actors, rows = table.actors, table.rows
    n = len(actors)
    found: list[Assigned | None] = [None] * len(rows)
    excluded = [_excluded(table, i, marks[i]) for i in range(len(rows))]

    def name(col: int) -> str:
        return actors[col]

    # 1. the row's own mark
    for i, row_marks in enumerate(marks):
        for m in row_marks:
            col, how = _own_mark(m, cues[i], style, n)
            if col is not None:
                found[i] = Assigned(col, Reason(
                    f"Pelaksana {name(col)}: {how[0]} \"{m.text}\" di kolom {actors[m.column]}.",
                    f"Actor {name(col)}: {how[1]} \"{m.text}\" in the column {actors[m.column]}."))
                break
    # 2. the words
    for i, row in enumerate(rows):
        if found[i] is not None:
            continue
        subject = leading_actor(row.kegiatan, actors)
        if subject and subject.column not in excluded[i][0]:
            found[i] = _guess(subject.column, f"Kegiatan menyebut pelakunya: \"{subject.quote}\"",
                              f"the Kegiatan names its doer: \"{subject.quote}\"", actors)
            continue
        given = named_after(rows[i - 1].kegiatan, GIVES_TO, actors) if i else []
        if given and given[0][0] not in excluded[i][0]:
            found[i] = _guess(given[0][0], f"baris {rows[i - 1].no} menyerahkan pekerjaan: \"{given[0][1]}\"",
                              f"row {rows[i - 1].no} hands the work over: \"{given[0][1]}\"", actors)
            continue
        left = [c for c in range(n) if c not in excluded[i][0]]
        if len(left) == 1 and excluded[i][1]:
            found[i] = _guess(left[0], f"satu-satunya kolom tersisa ({'; '.join(excluded[i][1])})",
                              f"the only column left ({'; '.join(excluded[i][1])})", actors)
    # 3. the neighbours
    for i, row in enumerate(rows):
        if found[i] is not None:
            continue
        after = [m for m in marks[i + 1] if m.kind == "arrow" and m.points == -1] if i + 1 < len(rows) else []
        ends = [m for m in marks[i] if m.kind == "end" and not m.attached_line]
        lines = [m for m in marks[i] if m.kind in ("line", "arrow", "loop")]
        if after and after[0].column not in excluded[i][0]:
            col = after[0].column
            found[i] = _guess(col, f"garis ke baris {rows[i + 1].no} berangkat dari kolom ini (\"{after[0].text}\" "
                              f"di baris {rows[i + 1].no})", f"the line to row {rows[i + 1].no} leaves this "
                              f"column (\"{after[0].text}\" in row {rows[i + 1].no})", actors)
        elif ends and not lines and ends[0].column not in excluded[i][0]:
            found[i] = _guess(ends[0].column, f"terminator \"{ends[0].text}\" berdiri di kolom ini, tanpa garis "
                              "ke kolom lain", f"the terminator \"{ends[0].text}\" stands in this column, with no "
                              "line to another column", actors)
        elif i == 0:
            col = next((c for c in range(n) if c not in excluded[i][0]), 0)
            found[i] = _guess(col, "baris pertama tanpa tanda: kolom pelaksana paling kiri",
                              "first row without a mark: the leftmost actor column", actors)
    # 4. what is left
    terminals = {m.column for row_marks in marks for m in row_marks if m.kind in ("start", "end")}
    used = {a.column for a in found if a is not None} | terminals
    spare = [c for c in range(n) if c not in used]
    for i in range(len(rows)):
        if found[i] is None and spare:
            fits = [c for c in spare if c not in excluded[i][0]]
            if fits:
                spare.remove(fits[0])
                found[i] = _guess(fits[0], "kolom pelaksana yang belum memiliki langkah, menurut urutan kolom",
                                  "an actor column without a step yet, in column order", actors)
    for i in range(len(rows)):
        if found[i] is None:
            j = i - 1
            while j > 0 and cues[j]:
                j -= 1
            col = found[j].column
            if cues[i - 1]:
                found[i] = _guess(col, f"sesudah keputusan baris {rows[i - 1].no}, pekerjaan kembali ke "
                                  f"pelaksana baris {rows[j].no}", f"after the decision of row {rows[i - 1].no}, "
                                  f"the work goes back to the actor of row {rows[j].no}", actors)
            else:
                found[i] = _guess(col, f"tanpa tanda: pelaksana baris {rows[i - 1].no} melanjutkan",
                                  f"no mark: the actor of row {rows[i - 1].no} carries on", actors)
    return found  # type: ignore[return-value]


def _own_mark(m: Mark, cue: int, style: str, n: int) -> tuple[int | None, tuple[str, str]]:
    if m.kind == "symbol":
        return m.column, ("simbol", "symbol")
    if m.kind == "start":
        return m.column, ("terminator mulai", "start terminator")
    if m.kind == "arrow":
        col = m.column + m.points
        if 0 <= col < n:
            return col, ("panah garis yang masuk ke kotak langkah", "the arrow of the line entering the step's box")
    if m.kind == "label" and not m.accept and cue and style == "decider":
        return m.column, ("label keputusan di kolom pengambil keputusan", "decision label in the decider's column")
    return None, ("", "")


def _excluded(table: SopTable, i: int, row_marks: list[Mark]) -> tuple[set[int], list[str]]:
    """Columns that cannot be the row's own, and why (quoted)."""
    cols: set[int] = set()
    why: list[str] = []
    for col, quote in named_after(table.rows[i].kegiatan, f"{GIVES_TO}|{COMES_FROM}", table.actors):
        cols.add(col)
        why.append(f"\"{quote}\"")
    for m in row_marks:
        if m.kind == "line" or (m.kind == "end" and m.attached_line):
            cols.add(m.column)
            why.append(f"\"{m.text}\" di kolom {table.actors[m.column]}")
    return cols, why


def _guess(col: int, why_id: str, why_en: str, actors: list[str]) -> Assigned:
    return Assigned(col, Reason(f"Pelaksana {actors[col]} ditafsirkan: {why_id}.",
                                f"Actor {actors[col]} interpreted: {why_en}.", guessed=True))
