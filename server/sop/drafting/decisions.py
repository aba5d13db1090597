"""Which rows decide, their labels, and where a rejection sends the work back.

Deciding rows, strongest evidence first: a flowchart written as text (a mermaid graph: its
decision nodes follow the rows' nodes in order); the rejection words printed in the cells (each
one decision: in the decider's own row and column, or where the table prints them at the
rejection's target, the next deciding row after that target); rejection words printed after the
table (as many decisions, the rows with the strongest cues); else every row whose Kegiatan decides.

Labels: the graph's or the printed pair in the document's case; else from the Kegiatan
("jika disetujui" -> Disetujui / Tidak disetujui).

Where a rejection goes: what the text says ("memerintahkan X untuk merevisi", "dikembalikan kepada
X", "kembali ke langkah 2"); the graph's target; the row in whose column the printed rejection
word stands; a loop line "↑"; the row whose work was decided on ("Menerima ... dari X": X's row);
otherwise the step before. The last two are guesses."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..reading.model import SopTable
from .cues import rejection_labels
from .marks import PAIRS, Mark, label_of
from .report import Reason
from .words import named_after


@dataclass
class Ending:
    """A rejection that can also end the case ("informasi penolakan ... apabila ...")."""

    field: str
    question: str
    end_name: str
    column: int
    reason: Reason


@dataclass
class Decision:
    row: int                     # index of the deciding row
    accept: str
    reject: str
    why: Reason
    target: int = -1             # index of the row a rejection returns to
    target_reason: Reason | None = None
    accept_printed: bool = False
    reject_printed: bool = False
    ending: Ending | None = None


@dataclass
class Decisions:
    by_row: dict[int, Decision] = field(default_factory=dict)
    flow_labels: dict[int, str] = field(default_factory=dict)   # row index -> label of its incoming flow
    notes: list[tuple[str, str | None, str, str]] = field(default_factory=list)  # (kind, row no, id, en)


# -- the mermaid graph -------------------------------------------------------------------------

_SHAPE = r"(?:\[[^\]]*\]|\{[^}]*\}|\([^)]*\))?"
_EDGE = re.compile(rf"(\w+)({_SHAPE})\s*(?:--\s*([^->|]+?)\s*-->|-->\s*(?:\|([^|]*)\|)?|---)\s*(\w+)({_SHAPE})")


def read_graph(graph: str) -> tuple[list[str], set[str], list[tuple[str, str, str]]]:
    """(nodes in order of appearance, decision nodes, edges (from, label, to))."""
    text = re.sub(r"^\s*(?:graph|flowchart)\s+\w+", " ", graph.replace("\n", " "))
    order: list[str] = []
    decisions: set[str] = set()
    edges = []
    pos = 0
    while (m := _EDGE.search(text, pos)) is not None:
        a, a_shape, label1, label2, b, b_shape = m.groups()
        for node, shape in ((a, a_shape), (b, b_shape)):
            if node not in order:
                order.append(node)
            if shape.startswith("{"):
                decisions.add(node)
        edges.append((a, (label1 or label2 or "").strip(), b))
        pos = m.end(5)
    return order, decisions, edges


# -- the decisions -----------------------------------------------------------------------------

def find(table: SopTable, marks: list[list[Mark]], cues: list[tuple[int, str]], style: str,
         columns: list[int]) -> Decisions:
    out = Decisions()
    rows = table.rows
    if table.graph and _from_graph(table, out):
        pass
    elif rejection_labels(marks):
        _from_printed(table, marks, cues, style, columns, out)
    elif _trailing_labels(table):
        _from_trailing(table, cues, out)
    else:
        for i, (strength, words) in enumerate(cues):
            if strength:
                accept, reject = _labels_from_text(rows[i].kegiatan)
                out.by_row[i] = Decision(i, accept, reject, Reason(
                    f"Baris {rows[i].no} memutuskan: \"{words}\"; label \"{accept}\"/\"{reject}\" dari kata-katanya "
                    "(tabel tidak mencetak label).",
                    f"Row {rows[i].no} decides: \"{words}\"; labels \"{accept}\"/\"{reject}\" from its words "
                    "(the table prints no labels).", guessed=True))
    for i, d in out.by_row.items():
        if d.target < 0:
            _target(table, marks, columns, d)
        d.ending = _ending(table, i)
    for i, (strength, words) in enumerate(cues):
        if strength and i not in out.by_row:
            out.notes.append(("guessed", rows[i].no,
                              f"Baris {rows[i].no} (\"{words}\") tidak dibaca sebagai keputusan: tabel mencetak label "
                              "keputusan untuk baris lain.",
                              f"Row {rows[i].no} (\"{words}\") is not read as a decision: the table prints decision "
                              "labels for other rows."))
    return out


def _from_graph(table: SopTable, out: Decisions) -> bool:
    order, deciding, edges = read_graph(table.graph)
    steps = [n for n in order if n not in deciding]
    row_of = {node: i for i, node in enumerate(steps) if i < len(table.rows)}
    if not deciding or not row_of:
        return False
    for node in order:
        if node not in deciding:
            continue
        before = [a for a, _, b in edges if b == node and a in row_of]
        if not before:
            continue
        i = row_of[before[0]]
        outs = [(label, b) for a, label, b in edges if a == node and label]
        back = [(label, b) for label, b in outs if b in row_of and row_of[b] <= i]
        forward = [(label, b) for label, b in outs if (label, b) not in back]
        if not back or not forward:
            continue
        d = Decision(i, forward[0][0], back[0][0], Reason(
            f"Bagan teks tabel: keputusan {node} sesudah baris {table.rows[i].no}, "
            f"\"{node} -- {back[0][0]} --> {back[0][1]}\".",
            f"The table's text flowchart: decision {node} after row {table.rows[i].no}, "
            f"\"{node} -- {back[0][0]} --> {back[0][1]}\"."), accept_printed=True, reject_printed=True)
        d.target = row_of[back[0][1]]
        d.target_reason = Reason(f"Penolakan kembali ke baris {table.rows[d.target].no} menurut bagan teks "
                                 f"(\"{node} -- {back[0][0]} --> {back[0][1]}\").",
                                 f"The rejection returns to row {table.rows[d.target].no} by the text flowchart "
                                 f"(\"{node} -- {back[0][0]} --> {back[0][1]}\").")
        out.by_row[i] = d
    return bool(out.by_row)


def _pair(reject: str, printed_accepts: list[str], family: int) -> str:
    same = [a for a in printed_accepts if label_of(a) == (True, family)]
    if same:
        return same[0]
    accept = PAIRS[family][0]
    return accept.upper() if reject.isupper() else accept


def _from_printed(table, marks, cues, style, columns, out: Decisions) -> None:
    rows = table.rows
    accepts = [(i, m) for i, row in enumerate(marks) for m in row if m.kind == "label" and m.accept]
    printed_accepts = [m.text for _, m in accepts] + [w for w, ok in _trailing_labels(table) if ok]
    for r, m in rejection_labels(marks):
        accept = _pair(m.text, printed_accepts, m.family)
        if style == "decider":
            i, target = r, -1
            why = (f"\"{m.text}\" tercetak di baris {rows[r].no}, kolom {table.actors[m.column]} (pengambil keputusan)",
                   f"\"{m.text}\" printed in row {rows[r].no}, column {table.actors[m.column]} (the decider)")
        else:
            earlier = [t for t in range(r + 1) if columns[t] == m.column]
            if not earlier:
                out.notes.append(("unread", rows[r].no, f"Label \"{m.text}\" di kolom {table.actors[m.column]} tidak "
                                  "menunjuk langkah mana pun.", f"The label \"{m.text}\" in the column "
                                  f"{table.actors[m.column]} points to no step."))
                continue
            target = earlier[-1]
            later = [j for j in range(target + 1, len(rows)) if cues[j][0] and j not in out.by_row]
            i = later[0] if later else target + 1
            if i >= len(rows) or i in out.by_row:
                continue
            why = (f"\"{m.text}\" tercetak di kolom {table.actors[m.column]} (baris {rows[r].no}), tujuan penolakan; "
                   f"keputusan oleh baris berikutnya yang memutuskan",
                   f"\"{m.text}\" printed in the column {table.actors[m.column]} (row {rows[r].no}), the rejection's "
                   f"target; decided by the next deciding row")
        d = Decision(i, accept, m.text, Reason(f"Baris {rows[i].no} memutuskan: {why[0]}.",
                                               f"Row {rows[i].no} decides: {why[1]}."), reject_printed=True)
        if target >= 0:
            d.target = target
            d.target_reason = Reason(
                f"Penolakan kembali ke baris {rows[target].no}: \"{m.text}\" berdiri di kolom {table.actors[m.column]}.",
                f"The rejection returns to row {rows[target].no}: \"{m.text}\" stands in the column "
                f"{table.actors[m.column]}.")
        out.by_row[i] = d
    for r, m in accepts:
        if style == "decider":
            owners = [i for i in sorted(out.by_row) if i <= r and columns[i] == m.column]
        else:
            owners = [r - 1] if r - 1 in out.by_row else []
        if owners and not out.by_row[owners[-1]].accept_printed:
            out.by_row[owners[-1]].accept_printed = True
        elif not owners and style == "target":
            out.flow_labels[r] = m.text


def _trailing_labels(table: SopTable) -> list[tuple[str, bool]]:
    """(word, is acceptance) of the decision words printed after the table ("ITOLAK": a line's
    glyph read as "I" before "TOLAK")."""
    out = []
    for word in table.trailing:
        letters = re.sub(r"[^A-Za-z ]", "", word).strip()
        found = label_of(letters)
        if found is None and len(letters) > 3 and letters[0] in "IlJ|":
            letters = letters[1:]
            found = label_of(letters)
        if found is not None:
            out.append((letters, found[0]))
    return out


def _from_trailing(table: SopTable, cues, out: Decisions) -> None:
    rows = table.rows
    words = _trailing_labels(table)
    rejects = [w for w, ok in words if not ok]
    accepts = [w for w, ok in words if ok]
    ranked = sorted((i for i, (s, _) in enumerate(cues) if s), key=lambda i: (-cues[i][0], i))
    chosen = sorted(ranked[:len(rejects)])
    for n, i in enumerate(chosen):
        reject = rejects[n]
        accept = _pair(reject, accepts, label_of(reject)[1])
        out.by_row[i] = Decision(i, accept, reject, Reason(
            f"Baris {rows[i].no} memutuskan: \"{cues[i][1]}\"; sesudah tabel tercetak {len(rejects)} label "
            f"\"{reject}\" tanpa garisnya.",
            f"Row {rows[i].no} decides: \"{cues[i][1]}\"; {len(rejects)} labels \"{reject}\" are printed after the "
            "table without their lines.", guessed=True), reject_printed=True)
    for n, i in enumerate(reversed(chosen)):
        if n < len(accepts):
            out.by_row[i].accept_printed = True
    if len(rejects) > len(chosen):
        out.notes.append(("unread", None, f"{len(rejects) - len(chosen)} label penolakan sesudah tabel tidak cocok "
                          "dengan baris yang memutuskan.", f"{len(rejects) - len(chosen)} rejection labels after the "
                          "table match no deciding row."))


def _labels_from_text(kegiatan: str) -> tuple[str, str]:
    text = kegiatan.lower()
    for stem, pair in (("diterima", ("Diterima", "Ditolak")), ("sesuai", ("Sesuai", "Tidak sesuai")),
                       ("lengkap", ("Lengkap", "Tidak lengkap"))):
        if re.search(rf"\b(?:apabila|jika|bila)\s+{stem}\b", text):
            return pair
    return "Disetujui", "Tidak disetujui"


# -- where a rejection goes --------------------------------------------------------------------

_BACK_TO_ROW = re.compile(r"\bkembali(?:kan)?\s+ke\s+(?:langkah|baris|nomor|no\.?|kegiatan)\s*(\d+)", re.IGNORECASE)
_BACK_TO_ACTOR = "dikembalikan\\s+(?:kepada|ke)|kembali\\s+kepada|memerintahkan|meminta|menugaskan"
_REDO = re.compile(r"\b(?:revisi|merevisi|memperbaiki|perbaikan|diperbaiki|mengulang|dikembalikan|kembali)\b",
                   re.IGNORECASE)


def _latest(columns: list[int], col: int, before: int) -> int | None:
    found = [t for t in range(before) if columns[t] == col]
    return found[-1] if found else None


def _target(table: SopTable, marks: list[list[Mark]], columns: list[int], d: Decision) -> None:
    rows, i = table.rows, d.row
    text = rows[i].kegiatan
    if (m := _BACK_TO_ROW.search(text)) is not None:
        hit = [t for t, r in enumerate(rows[:i + 1]) if r.no.rstrip(".") == m[1]]
        if hit:
            d.target = hit[0]
            d.target_reason = Reason(f"Penolakan kembali ke baris {m[1]}: \"{m[0]}\".",
                                     f"The rejection returns to row {m[1]}: \"{m[0]}\".")
            return
    if _REDO.search(text):
        for col, quote in named_after(text, _BACK_TO_ACTOR, table.actors):
            t = _latest(columns, col, i)
            if t is not None:
                d.target = t
                d.target_reason = Reason(
                    f"Penolakan kembali ke baris {rows[t].no} ({table.actors[col]}): \"{quote}\".",
                    f"The rejection returns to row {rows[t].no} ({table.actors[col]}): \"{quote}\".")
                return
    loops = [m for m in marks[i] if m.kind == "loop"]
    if loops and (t := _latest(columns, loops[0].column, i)) is not None:
        d.target = t
        d.target_reason = Reason(f"Penolakan kembali ke baris {rows[t].no}: garis \"{loops[0].text}\" di kolom "
                                 f"{table.actors[loops[0].column]}.", f"The rejection returns to row {rows[t].no}: "
                                 f"the line \"{loops[0].text}\" in the column {table.actors[loops[0].column]}.")
        return
    for j in range(i, -1, -1):
        origin = named_after(rows[j].kegiatan, "dari", table.actors)
        if origin and (t := _latest(columns, origin[0][0], j)) is not None:
            d.target = t
            d.target_reason = Reason(
                f"SOP tidak menggambar ke mana penolakan kembali; ditafsirkan ke baris {rows[t].no}, asal pekerjaan "
                f"yang diputuskan (baris {rows[j].no}: \"{origin[0][1]}\").",
                f"The SOP does not draw where a rejection returns; interpreted as row {rows[t].no}, where the decided "
                f"work came from (row {rows[j].no}: \"{origin[0][1]}\").", guessed=True)
            return
    d.target = max(i - 1, 0)
    d.target_reason = Reason(
        f"SOP tidak menggambar ke mana penolakan kembali; ditafsirkan ke langkah sebelumnya, baris {rows[d.target].no}.",
        f"The SOP does not draw where a rejection returns; interpreted as the step before, row {rows[d.target].no}.",
        guessed=True)


_ENDS = re.compile(r"\bpenolakan\b(.{0,80}?)\b(?:apabila|jika|bila)\b\s+([^.;]+)", re.IGNORECASE)


def _ending(table: SopTable, i: int) -> Ending | None:
    """A rejection that may end the case, where the deciding row says when ("informasi penolakan
    kepada X apabila kegiatan bersifat tidak untuk dipublikasikan ...")."""
    row = table.rows[i]
    m = _ENDS.search(" ".join(row.kegiatan.split()))
    if m is None:
        return None
    to = named_after(m[1], "kepada", table.actors)
    column = to[0][0] if to else -1
    condition = m[2].strip()
    if re.search(r"tidak\s+untuk\s+dipublikasikan|tidak\s+dipublikasikan", condition, re.IGNORECASE):
        field_name, question, end_name = "tidak_dipublikasikan", "Tidak untuk dipublikasikan?", "Tidak dipublikasikan"
    else:
        field_name, question, end_name = "dihentikan", "Kasus dihentikan?", "Dihentikan"
    quote = " ".join(m[0].split()[:14])
    reason = Reason(f"Penolakan dapat mengakhiri kasus: \"{quote} ...\"; bagan SOP tidak menggambar gerbang dan akhir ini.",
                    f"A rejection can end the case: \"{quote} ...\"; the SOP's chart does not draw this gateway and end.",
                    guessed=True)
    return Ending(field_name, question, end_name, column, reason)
