"""Where an SOP row decides, read from its Kegiatan, and where the table prints its decision labels.

A row decides when its words say so: a condition on the outcome ("apabila disetujui", "jika
tidak"), a decision given ("memberikan keputusan", "memberikan persetujuan") or a check that can
fail ("memeriksa", "mengoreksi", "mengontrol"). Asking for an approval ("untuk mendapat
persetujuan") or doing what was approved ("yang telah disetujui") is no decision."""
from __future__ import annotations

import re

from .marks import Mark

_CONDITION = re.compile(r"\b(?:apabila|jika|bila|kalau)\s+(?:tidak\b|di(?:setujui|terima|tolak)|"
                        r"ditolak|sesuai|lengkap|setuju)", re.IGNORECASE)
_GIVES = re.compile(r"\b(?:memberikan|memberi)\b[^.;]{0,60}?\b(?:keputusan|persetujuan)\b|"
                    r"\b(?:memutuskan|menyetujui|mengesahkan)\b", re.IGNORECASE)
_CHECKS = re.compile(r"\b(?:memeriksa|mengoreksi|mengkoreksi|mengontrol|memverifikasi|meneliti|"
                     r"memvalidasi|koreksi)\b", re.IGNORECASE)
_ASKS = re.compile(r"\b(?:untuk|guna)\s+(?:mendapat(?:kan)?|memperoleh|meminta)\s+(?:persetujuan|keputusan)|"
                   r"\btelah\s+(?:mendapat(?:kan)?\s+)?(?:persetujuan|disetujui)", re.IGNORECASE)

STRENGTH_WORDS = {3: "syarat hasil", 2: "keputusan atau persetujuan", 1: "pemeriksaan"}


def cue(kegiatan: str) -> tuple[int, str]:
    """(strength 0-3, the words that show it): 3 a condition on the outcome, 2 a decision or
    approval given, 1 a check; 0 no decision."""
    text = " ".join(kegiatan.split())
    for strength, pattern in ((3, _CONDITION), (2, _GIVES), (1, _CHECKS)):
        for match in pattern.finditer(text):
            if strength > 1 and _ASKS.search(text[max(0, match.start() - 40):match.end() + 5]):
                continue
            return strength, match[0]
    return 0, ""


def rejection_labels(marks: list[list[Mark]]) -> list[tuple[int, Mark]]:
    """(row index, mark) of every rejection word printed in an actor cell."""
    return [(i, m) for i, row in enumerate(marks) for m in row if m.kind == "label" and not m.accept]


def label_style(marks: list[list[Mark]], cues: list[int]) -> str:
    """Where this table prints a rejection word: "decider" (in the deciding row, in the decider's
    column, as Kemenpora does) or "target" (in the column of the row the rejection returns to, as
    DKI does). A rejection word in a row that decides nothing can only stand at its target."""
    found = rejection_labels(marks)
    if not found:
        return ""
    return "target" if any(cues[i] == 0 for i, _ in found) else "decider"
