"""A row's Waktu as a machine code (`sop.waktu.kode`) and the date an H-form counts from.

The words are read by `server.timeplan.parse_words`, the one reader of Waktu; what it cannot read
is left to the owner (an empty code, noted in the report, which the lint then flags). "Hari H
setelah kegiatan berlangsung" counts from the activity's date (the start form's `tanggal_kegiatan`);
"Hari H setelah pengumpulan dokumentasi" from the completion of the earlier row that hands the
documentation in (`selesai:<its id>`)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ...timeplan import parse_clauses, parse_kode, parse_words
from ..slugs import tokens
from .report import Reason

EVENT_DATE = "tanggal_kegiatan"
KIND_FIELD = "jenis_konten"
_RECURRING = re.compile(r"\b(?:tiap|setiap)\s+(?:\d+\s+)?bulan,?(?:\s+pada)?\s+minggu\s+"
                        r"(?:ke-?\s?\d|pertama|kedua|ketiga|keempat)", re.IGNORECASE)
_ACTIVITY = {"kegiatan", "acara", "agenda", "peristiwa"}
_SKIP = {"dan", "atau", "yang", "dari", "kepada", "untuk", "dengan", "hari", "setelah", "sebelum", "hasil"}


@dataclass
class Waktu:
    words: str                 # as printed, one item per line
    kode: str = ""
    acuan: str = ""            # tanggal_kegiatan | selesai:<row index, resolved to an id later>
    acuan_row: int = -1        # index of the row whose completion is the reference
    kinds: tuple[str, ...] = ()   # values of jenis_konten for a Waktu of clauses
    reason: Reason | None = None  # a guess about the reference
    error: str = ""


def read(text: str, kegiatan: list[str], numbers: list[str], index: int) -> Waktu:
    """The Waktu of row `index` (kegiatan, numbers: every row of its procedure, in order)."""
    words = "\n".join(line.strip() for line in (text or "").split("\n") if line.strip())
    out = Waktu(words)
    if not words:
        return out
    joined = "; ".join(words.split("\n"))
    try:
        if joined.lower().startswith("untuk "):
            clauses = parse_clauses(joined)
            out.kinds = tuple(kind[:1].upper() + kind[1:] for kind, _ in clauses)
            out.kode = parse_words(joined, KIND_FIELD, out.kinds)
        else:
            out.kode = parse_words(joined)
    except ValueError as exc:
        out.error = str(exc)
        return out
    if parse_kode(out.kode).needs_acuan:
        _reference(out, joined, kegiatan, numbers, index)
    return out


def _reference(out: Waktu, words: str, kegiatan: list[str], numbers: list[str], index: int) -> None:
    after = re.search(r"\b(?:setelah|sesudah|sebelum)\s+(.+)$", words, re.IGNORECASE)
    event = [w for w in tokens(after[1]) if w not in _SKIP] if after else []
    if not event or _ACTIVITY & set(event):
        out.acuan = EVENT_DATE
        return
    nouns = [w for w in event[1:] if len(w) >= 4] or event
    best, score = -1, 0
    for j in range(index):
        hits = len(set(nouns) & set(tokens(kegiatan[j])))
        if hits > score:
            best, score = j, hits
    if best < 0:
        out.acuan = EVENT_DATE
        out.reason = Reason(f"Waktu \"{words}\" dihitung dari tanggal kegiatan: tidak ada langkah sebelumnya yang "
                            f"cocok dengan \"{after[1]}\".", f"Waktu \"{words}\" counts from the activity's date: "
                            f"no earlier step matches \"{after[1]}\".", guessed=True)
        return
    out.acuan_row = best
    out.reason = Reason(f"Waktu \"{words}\" dihitung dari selesainya baris {numbers[best]}, yang cocok dengan "
                        f"\"{after[1]}\".", f"Waktu \"{words}\" counts from the completion of row {numbers[best]}, "
                        f"which matches \"{after[1]}\".", guessed=True)


def recurrence(kegiatan: str, waktu: str) -> tuple[str, str] | None:
    """(the words, the kode) of a row that recurs on the calendar ("tiap bulan minggu ke-1")."""
    for text in (kegiatan, waktu):
        m = _RECURRING.search(" ".join((text or "").split()))
        if m:
            try:
                return m[0], parse_words(m[0])
            except ValueError:
                return None
    return None
