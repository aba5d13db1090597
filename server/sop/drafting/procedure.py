"""The interpreted procedure of one SOP table: steps in their actors' lanes, decisions, loops,
terminators, each with the evidence it rests on. Everything the BPMN writer needs, nothing about
XML or layout.

A table's trailing rows that recur on the calendar ("tiap bulan minggu ke-1") are not steps of
each case: each becomes a procedure of its own, started by a timer (bpmn/README.md, Nomporejo)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..identity import NAME_MAX
from ..reading.model import SopRow, SopTable
from ..slugs import fresh, slug, tokens
from . import actors, cues, decisions, marks, waktu
from .report import Reason
from .words import leading_actor, readable, short_name

_STOP = {"dan", "atau", "yang", "di", "ke", "dari", "kepada", "untuk", "dengan", "terhadap", "serta", "beserta",
         "melakukan", "apabila", "jika", "akan", "telah", "para", "pada", "dalam", "oleh"}


@dataclass
class Step:
    row: SopRow
    index: int                 # in the table
    no: str                    # unique sop.no
    printed: str               # the printed number where it differs, else ""
    column: int
    actor: Reason
    waktu: waktu.Waktu
    id: str = ""
    name: str = ""
    decision: decisions.Decision | None = None
    flow_label: str = ""       # a label printed on the line into this step, with no decision of its own


@dataclass
class Terminal:
    id: str
    name: str
    column: int
    baris: str = ""            # sop.no of the row whose band holds the capsule
    reason: Reason | None = None
    timer: tuple[str, str] | None = None   # (words, kode) of a timer start


@dataclass
class Procedure:
    table_no: int
    name: str
    table: SopTable
    steps: list[Step]
    start: Terminal
    end: Terminal
    recurring: bool = False
    notes: list[tuple[str, str | None, Reason]] = field(default_factory=list)  # (kind, row no, reason)

    def step_of(self, index: int) -> Step | None:
        return next((s for s in self.steps if s.index == index), None)


def from_table(table: SopTable, table_no: int, name: str) -> list[Procedure]:
    """The procedures of one table: the per-case one, then one per recurring trailing row."""
    rows = table.rows
    row_marks = [marks.row_marks(list(r.marks) + [""] * (len(table.actors) - len(r.marks)))[:len(table.actors)]
                 for r in rows]
    row_cues = [cues.cue(r.kegiatan) for r in rows]
    style = cues.label_style(row_marks, [c[0] for c in row_cues])
    assigned = actors.assign(table, row_marks, [c[0] for c in row_cues], style)
    columns = [a.column for a in assigned]
    found = decisions.find(table, row_marks, row_cues, style, columns)
    numbers = _numbers(rows)
    recurring = _recurring(rows, found)
    main_rows = [i for i in range(len(rows)) if i not in recurring]
    out = []
    if main_rows:
        out.append(_procedure(table, table_no, name, main_rows, row_marks, assigned, found, numbers, None))
    for i in recurring:
        words, kode = recurring[i]
        title = readable(rows[i].output.split("\n")[0]) if rows[i].output.strip() else f"{name} (baris {rows[i].no})"
        title = (title[:1].upper() + title[1:])[:NAME_MAX].strip()     # an Output may be any length
        out.append(_procedure(table, table_no, title, [i], row_marks, assigned, found, numbers, (words, kode)))
    for kind, no, text_id, text_en in found.notes:
        out[0].notes.append((kind, no, Reason(text_id, text_en)))
    return out


def _numbers(rows: list[SopRow]) -> list[tuple[str, str]]:
    """(sop.no, printed number or "") per row: a repeated or missing number gets the next free one."""
    used: set[str] = set()
    out = []
    for r in rows:
        printed = r.no.strip().rstrip(".")
        if printed and printed not in used:
            out.append((printed, ""))
            used.add(printed)
            continue
        top = max((int(u) for u in used if u.isdigit()), default=0)
        no = str(top + 1)
        while no in used:
            no = str(int(no) + 1)
        used.add(no)
        out.append((no, printed))
    return out


def _recurring(rows: list[SopRow], found: decisions.Decisions) -> dict[int, tuple[str, str]]:
    """The trailing rows that recur on the calendar, neither deciding nor decided back to."""
    targets = {d.target for d in found.by_row.values()}
    out: dict[int, tuple[str, str]] = {}
    for i in range(len(rows) - 1, 0, -1):
        rec = waktu.recurrence(rows[i].kegiatan, rows[i].waktu)
        if rec is None or i in found.by_row or i in targets:
            break
        out[i] = rec
    return dict(sorted(out.items()))


def _procedure(table, table_no, name, indexes, row_marks, assigned, found, numbers, timer) -> Procedure:
    rows = table.rows
    kegiatan = [rows[i].kegiatan for i in indexes]
    nos = [numbers[i][0] for i in indexes]
    steps = []
    for k, i in enumerate(indexes):
        no, printed = numbers[i]
        steps.append(Step(rows[i], i, no, printed, assigned[i].column, assigned[i].reason,
                          waktu.read(rows[i].waktu, kegiatan, nos, k), decision=found.by_row.get(i),
                          flow_label=found.flow_labels.get(i, "")))
    taken: set[str] = set()
    for s in steps:
        s.id = fresh(f"s{_nn(s.no)}_{_step_slug(s.row.kegiatan, table.actors)}", taken)
        s.name = short_name(s.row.kegiatan)
    proc = Procedure(table_no, name, table, steps, None, None, recurring=timer is not None)  # type: ignore[arg-type]
    for s in steps:
        d = s.decision
        if d is not None and proc.step_of(d.target) is None:
            s.decision = None
            proc.notes.append(("unread", s.no, Reason(
                f"Keputusan baris {s.no} kembali ke baris di luar prosedur ini; keputusan tidak digambar.",
                f"The decision of row {s.no} returns to a row outside this procedure; it is not drawn.")))
    proc.start, proc.end = _terminals(proc, [row_marks[i] for i in indexes], timer, taken)
    return proc


def _nn(no: str) -> str:
    m = re.match(r"^(\d+)(.*)$", no)
    return f"{int(m[1]):02d}{slug(m[2])}" if m else slug(no) or "xx"


def _step_slug(kegiatan: str, actor_names: list[str]) -> str:
    """Up to three words of the Kegiatan after the actor it names as its subject ("Admin membuat
    laporan bulanan" -> "membuat_laporan_bulanan")."""
    words = tokens(kegiatan)
    subject = leading_actor(kegiatan, actor_names)
    if subject:
        words = words[subject.words:]
    picked = [w for w in words if w not in _STOP and w.isalpha()][:3]
    return "_".join(picked) or "langkah"


def _terminals(proc: Procedure, row_marks, timer, taken: set[str]) -> tuple[Terminal, Terminal]:
    steps, actor_names = proc.steps, proc.table.actors
    first, last = steps[0], steps[-1]
    if timer is not None:
        start = Terminal(fresh(f"mulai_{slug(timer[0], 2)}", taken), timer[0][:1].upper() + timer[0][1:],
                         first.column, reason=Reason(
                             f"Baris {first.no} berulang (\"{timer[0]}\"): dijalankan sebagai proses sendiri yang dimulai "
                             "timer, bukan langkah setiap kasus.",
                             f"Row {first.no} recurs (\"{timer[0]}\"): it runs as a process of its own started by a "
                             "timer, not as a step of every case.", guessed=True), timer=timer)
    else:
        start = _printed(steps, row_marks, "start", taken) or Terminal(
            fresh(f"mulai_{_term_slug(first.row.kelengkapan)}", taken), "Mulai", first.column, reason=Reason(
                f"SOP tidak menggambar terminator mulai; peristiwa mulai diletakkan sebelum baris {first.no} di lajur "
                f"{actor_names[first.column]}.", f"The SOP draws no start terminator; the start event is placed before "
                f"row {first.no} in the lane {actor_names[first.column]}.", guessed=True))
    end = _printed(steps, row_marks, "end", taken) or Terminal(
        fresh(f"selesai_{_term_slug(last.row.output)}", taken), "Selesai", last.column, reason=Reason(
            f"SOP tidak menggambar terminator selesai; peristiwa selesai diletakkan sesudah baris {last.no} di lajur "
            f"{actor_names[last.column]}.", f"The SOP draws no end terminator; the end event is placed after row "
            f"{last.no} in the lane {actor_names[last.column]}.", guessed=True))
    return start, end


def _printed(steps, row_marks, kind: str, taken: set[str]) -> Terminal | None:
    for step, cells in zip(steps, row_marks):
        for m in cells:
            if m.kind == kind:
                word = re.sub(r"[^A-Za-z ]", "", m.text).strip()
                prefix = "mulai" if kind == "start" else "selesai"
                source = steps[0].row.kelengkapan if kind == "start" else steps[-1].row.output
                return Terminal(fresh(f"{prefix}_{_term_slug(source)}", taken), word[:1].upper() + word[1:].lower(),
                                m.column, baris=step.no)
    return None


def _term_slug(text: str) -> str:
    first = (text or "").split("\n")[0]
    picked = [w for w in tokens(first) if w not in _STOP and w.isalpha()][:2]
    return "_".join(picked) or "proses"
