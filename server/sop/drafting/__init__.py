"""Turning a read SOP AP document into draft diagrams that open in the modeler, with a report.

`draft_sop` interprets each table (procedure.py: actors, decisions, loops, terminators, Waktu,
each guess with its evidence), writes one BPMN draft per procedure (bpmn.py), and reports what
was read, what was guessed and why, and what could not be read."""
from __future__ import annotations

import re
from dataclasses import replace

from ...engine.safe_xml import DEFAULT_MAX_BYTES
from ..identity import NAME_MAX
from ..reading.model import ImportRefused, SopDocument, SopTable
from ..slugs import fresh, key_of
from .bpmn import write
from .identity import document_id, process_properties
from .procedure import Procedure, from_table
from .report import DraftResult, Report
from .words import readable

__all__ = ["draft_sop"]

MAX_TABLES = 20            # SOP tables of one document
MAX_ROWS = 300             # step rows of one table: its draft stays well under a BPMN file's 5 MB
MAX_ACTORS = 30            # actor columns of one table: as a new SOP's lanes (modeling/services/creation.py)
ACTOR_MAX = 300            # characters of an actor's name: as a lane's name there


def draft_sop(doc: SopDocument, agency_slug: str, agency_name: str, taken_keys: set[str]) -> DraftResult:
    """One draft per procedure of `doc` ({"key", "name", "xml", "table"}), keys new to the agency
    (not in `taken_keys`), and the import report."""
    report = Report(read=[], guessed=[], unread=list(doc.unread))
    for note in doc.notes:
        report.read.append(note)
    nama = readable(doc.identity.get("sop.nama", "").strip()) or "SOP"
    tables = [t for t in doc.tables if t.rows and t.actors]
    _check_bounds(tables)
    tables = [_distinct_actors(table, number, report) for number, table in enumerate(tables, 1)]
    procs: list[Procedure] = []
    for number, table in enumerate(tables, 1):
        title = _title(table.title)
        name = (title or (nama if len(tables) == 1 else f"{nama} (Tabel {number})"))[:NAME_MAX].strip()
        procs.extend(from_table(table, number, name))
    _report_document(doc, tables, procs, report)
    several = len(procs) > 1
    dokumen = document_id(agency_slug, nama) if several else ""
    used = set(taken_keys)
    drafts = []
    for proc in procs:
        key = _key(proc.name, used)
        props = process_properties(doc, proc, agency_slug, agency_name, dokumen, report)
        xml = write(proc, key, props)
        if len(xml.encode("utf-8")) > DEFAULT_MAX_BYTES:
            raise _refused(f"diagram \"{proc.name}\" akan melebihi {DEFAULT_MAX_BYTES // (1024 * 1024)} MB, batas "
                           "berkas BPMN. Pisahkan tabel menjadi beberapa SOP.",
                           f"the diagram \"{proc.name}\" would exceed {DEFAULT_MAX_BYTES // (1024 * 1024)} MB, the "
                           "limit of a BPMN file. Split the table into several SOPs.")
        drafts.append({"key": key, "name": proc.name, "xml": xml, "table": proc.table_no})
        _report(proc, report)
    decided = [s.decision for p in procs for s in p.steps if s.decision]
    loops = sum(1 for d in decided if 0 <= d.target <= d.row)   # a rejection sent back up the table
    summary = {"tables": len(tables), "rows": sum(len(t.rows) for t in tables),
               "actors": sum(len(t.actors) for t in tables), "decisions": len(decided), "loops": loops}
    return DraftResult(drafts, report.read, report.guessed, report.unread, summary)


def _refused(detail_id: str, detail_en: str) -> ImportRefused:
    return ImportRefused(f"Berkas ditolak: {detail_id}", f"File refused: {detail_en}")


def _check_bounds(tables: list[SopTable]) -> None:
    """Refuse a document whose drafts the modeler would refuse or could not open: the bounds of a new
    SOP (modeling/services/creation.py) and of a BPMN file (engine/safe_xml.py)."""
    if len(tables) > MAX_TABLES:
        raise _refused(f"dokumen berisi {len(tables)} tabel SOP, lebih dari {MAX_TABLES}. Pisahkan dokumen.",
                       f"the document holds {len(tables)} SOP tables, more than {MAX_TABLES}. Split the document.")
    for number, table in enumerate(tables, 1):
        if len(table.actors) > MAX_ACTORS:
            raise _refused(f"tabel {number} memiliki {len(table.actors)} kolom pelaksana, lebih dari {MAX_ACTORS}.",
                           f"table {number} has {len(table.actors)} actor columns, more than {MAX_ACTORS}.")
        long = next((a for a in table.actors if len(a) > ACTOR_MAX), None)
        if long is not None:
            raise _refused(f"nama pelaksana di tabel {number} lebih dari {ACTOR_MAX} karakter: \"{long[:60]}...\".",
                           f"an actor's name in table {number} is over {ACTOR_MAX} characters: \"{long[:60]}...\".")
        if len(table.rows) > MAX_ROWS:
            raise _refused(f"tabel {number} memiliki {len(table.rows)} baris langkah, lebih dari {MAX_ROWS}. "
                           "Pisahkan menjadi beberapa SOP.",
                           f"table {number} has {len(table.rows)} step rows, more than {MAX_ROWS}. "
                           "Split it into several SOPs.")


def _distinct_actors(table: SopTable, number: int, report: Report) -> SopTable:
    """The table with each actor named once: a name printed again (the lint refuses two lanes of one
    name) becomes "Admin (2)", reported as a guess."""
    seen: set[str] = set()
    names = []
    for column, actor in enumerate(table.actors, 1):
        name, n = actor, 2
        while name.casefold() in seen:
            name, n = f"{actor} ({n})", n + 1
        seen.add(name.casefold())
        names.append(name)
        if name != actor:
            report.add("guessed", number, None,
                       f"Pelaksana \"{actor}\" tertulis lebih dari sekali; kolom ke-{column} dinamai \"{name}\".",
                       f"The actor \"{actor}\" is printed more than once; column {column} is named \"{name}\".")
    return table if names == table.actors else replace(table, actors=names)


def _title(text: str) -> str:
    """A table's printed title as a process name, without a leading "SOP" / "Standar Operasional
    Prosedur": the procedure's own name, as the seed diagrams take it."""
    text = re.sub(r"^\s*(?:standar operasional prosedur|sop)\b\s*(?:\(sop\))?\s*", "", text or "", flags=re.I)
    return readable(text.strip(" :-"))


def _key(name: str, used: set[str]) -> str:
    return fresh(key_of(name), used)


def _report(proc: Procedure, report: Report) -> None:
    t = proc.table_no
    for step in proc.steps:
        report.reason(t, step.no, step.actor)
        if step.printed:
            report.add("read", t, step.no, f"Nomor baris tercetak \"{step.printed}\" sudah dipakai; disimpan sebagai "
                       f"sop.no \"{step.no}\" dengan sop.no.cetak \"{step.printed}\".",
                       f"The printed row number \"{step.printed}\" is taken; kept as sop.no \"{step.no}\" with "
                       f"sop.no.cetak \"{step.printed}\".")
        w = step.waktu
        if w.error:
            report.add("unread", t, step.no, f"Waktu \"{w.words}\" tidak terbaca sebagai kode; isi sop.waktu.kode "
                       "langkah ini.", f"The Waktu \"{w.words}\" cannot be read as a code; set the step's "
                       "sop.waktu.kode.")
        elif w.kode:
            report.add("read", t, step.no, f"Waktu \"{' / '.join(w.words.split(chr(10)))}\" → {w.kode}.",
                       f"Waktu \"{' / '.join(w.words.split(chr(10)))}\" → {w.kode}.")
        if w.reason is not None:
            report.reason(t, step.no, w.reason)
        d = step.decision
        if d is None:
            continue
        report.reason(t, step.no, d.why)
        if d.target_reason is not None:
            report.reason(t, step.no, d.target_reason)
        if not d.accept_printed:
            report.add("guessed", t, step.no, f"Label \"{d.accept}\" tidak tercetak; diambil sebagai pasangan "
                       f"\"{d.reject}\".", f"The label \"{d.accept}\" is not printed; taken as the pair of "
                       f"\"{d.reject}\".")
        if d.ending is not None:
            report.reason(t, step.no, d.ending.reason)
    for term in (proc.start, proc.end):
        if term.reason is not None:
            report.reason(t, term.baris or None, term.reason)
    for kind, no, reason in proc.notes:
        report.add(kind, t, no, reason.id, reason.en)


def _report_document(doc: SopDocument, tables, procs: list[Procedure], report: Report) -> None:
    found = [k for k, v in doc.identity.items() if v.strip()]
    report.add("read", None, None, f"Identitas SOP: {len(found)} isian terbaca ({', '.join(found)}).",
               f"SOP identity: {len(found)} fields read ({', '.join(found)}).")
    for number, table in enumerate(tables, 1):
        report.add("read", number, None, f"{len(table.rows)} baris, {len(table.actors)} pelaksana: "
                   f"{'; '.join(table.actors)}.", f"{len(table.rows)} rows, {len(table.actors)} actors: "
                   f"{'; '.join(table.actors)}.")
    for number, table in enumerate(doc.tables, 1):
        if not table.rows or not table.actors:
            report.add("unread", number, None, "Tabel tanpa baris bernomor atau tanpa kolom pelaksana dilewati.",
                       "A table without numbered rows or actor columns was skipped.")
    if len(procs) > len(tables):
        report.add("guessed", None, None, f"Dokumen menjadi {len(procs)} proses (baris berulang menjadi proses "
                   "sendiri); semuanya memakai sop.dokumen yang sama.", f"The document became {len(procs)} "
                   "processes (recurring rows as processes of their own), all sharing one sop.dokumen.")
