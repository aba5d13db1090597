"""The lint rules for what a diagram keeps for its printed SOP sheet (docs/authoring-sops.md,
"The SOP sheet"): headings, labels, list styles, documents of several processes, printed row
numbers and the terminators' rows.

The engine never reads these properties, so a slip in one is a warning: the sheet falls back to
its default. Only a value that cannot be used at all (a table number that is no number) is an
error, since the sheet could not place the process's table in its document.
"""
from __future__ import annotations

import re

from server.sop.identity import COLUMNS, FIELDS
from server.sop.sheet.model import TASKS

from .lint_rules import View, local, properties

STYLES = ("angka", "strip", "huruf", "")
ROW_LISTS = ("kelengkapan", "output", "waktu", "keterangan")
PROCESS_ONLY = ("sop.kolom.", "sop.label.", "sop.judul_tabel", "sop.dokumen")
_WHOLE = re.compile(r"[1-9][0-9]*")


def rule_sheet(v: View) -> None:
    """The sheet's properties on the process, its tasks and its terminators."""
    _process(v)
    rows = {properties(t).get("sop.no", "").strip() for t in v.nodes.values() if local(t) in TASKS}
    rows.discard("")
    for el in v.nodes.values():
        props, kind = properties(el), local(el)
        _styles(v, el, props, ROW_LISTS if kind in TASKS else ())
        misplaced = sorted(n for n in props if n.startswith(PROCESS_ONLY)
                           or (n == "sop.no.cetak" and kind not in TASKS)
                           or (n == "sop.baris" and kind not in ("startEvent", "endEvent")))
        if misplaced:
            names = ", ".join(misplaced)
            v.report.warning(el, "sheet-property-misplaced",
                             f"memuat {names}, yang tidak berarti pada elemen ini dan diabaikan lembar SOP.",
                             f"carries {names}, which means nothing on this element; the SOP sheet ignores it.")
        baris = props.get("sop.baris", "").strip()
        if kind in ("startEvent", "endEvent") and "sop.baris" in props and baris not in rows:
            v.report.warning(el, "baris-unknown",
                             f": sop.baris \"{baris}\" bukan sop.no baris mana pun di proses ini; "
                             "terminatornya dicetak di baris tersendiri.",
                             f": sop.baris \"{baris}\" is not the sop.no of any row of this process; "
                             "its terminator is printed in a row of its own.")


def _process(v: View) -> None:
    props, pid = properties(v.process), v.pid
    _styles(v, pid, props, FIELDS)
    unknown = sorted(name for name in props
                     if (name.startswith("sop.kolom.") and name[len("sop.kolom."):] not in COLUMNS)
                     or (name.startswith("sop.label.") and name[len("sop.label."):] not in FIELDS + ("nip",)))
    if unknown:
        names = ", ".join(unknown)
        v.report.warning(pid, "sheet-property-unknown",
                         f"Proses memuat {names}: bukan kolom tabel SOP atau isian identitas; lembar SOP "
                         "mengabaikannya.",
                         f"The process carries {names}: no column of the SOP table or identity field; "
                         "the SOP sheet ignores it.")
    if "sop.dokumen.tabel" not in props:
        return
    tabel = props["sop.dokumen.tabel"].strip()
    if not _WHOLE.fullmatch(tabel):
        v.report.error(pid, "dokumen-tabel-invalid",
                       f"sop.dokumen.tabel \"{tabel}\" bukan nomor tabel (bilangan bulat positif, mis. 1 atau 2); "
                       "lembar SOP tidak dapat menempatkan tabel proses ini dalam dokumennya.",
                       f"sop.dokumen.tabel \"{tabel}\" is not a table number (a positive whole number, e.g. 1 "
                       "or 2); the SOP sheet cannot place this process's table in its document.")
    if not props.get("sop.dokumen", "").strip():
        v.report.warning(pid, "dokumen-missing",
                         "sop.dokumen.tabel tanpa sop.dokumen: nomor tabel tidak berarti tanpa dokumennya; "
                         "isi sop.dokumen dengan id dokumen yang sama pada setiap prosesnya.",
                         "sop.dokumen.tabel without sop.dokumen: a table number means nothing without its "
                         "document; set sop.dokumen to the same document id on each of its processes.")


def _styles(v: View, where, props: dict, fields: tuple) -> None:
    """`sop.daftar.<field>`: a known style, on a field that can be a list on this element."""
    for name, value in props.items():
        if not name.startswith("sop.daftar."):
            continue
        field, style = name[len("sop.daftar."):], value.strip()
        if field not in fields:
            v.report.warning(where, "daftar-field-unknown",
                             f"{_lead(where)}{name} menata isian yang tidak dapat berupa daftar di sini; "
                             "lembar SOP mengabaikannya.",
                             f"{_lead(where, 'en')}{name} styles a field that cannot be a list here; "
                             "the SOP sheet ignores it.")
        elif style not in STYLES:
            v.report.warning(where, "daftar-style-unknown",
                             f"{_lead(where)}{name} \"{style}\" bukan gaya daftar (angka, strip, huruf, atau "
                             "kosong); butirnya dicetak tanpa penanda.",
                             f"{_lead(where, 'en')}{name} \"{style}\" is not a list style (angka, strip, huruf, "
                             "or empty); its items are printed without markers.")


def _lead(where, lang: str = "id") -> str:
    """Findings on an element open with its words (Report adds them); on the process, with this."""
    if isinstance(where, str):
        return "Proses: " if lang == "id" else "Process: "
    return ": "
