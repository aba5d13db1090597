"""The import report's lines, each saying where in the document (Indonesian and English)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..reading.model import Note, place


@dataclass
class DraftResult:
    """The drafts made of one document: one per procedure (key, name, BPMN text), and the report."""

    drafts: list[dict]               # {"key", "name", "xml", "table": n}
    read: list[Note]
    guessed: list[Note]
    unread: list[Note]
    summary: dict

    def report(self) -> dict:
        return {"read": [n.as_dict() for n in self.read], "guessed": [n.as_dict() for n in self.guessed],
                "unread": [n.as_dict() for n in self.unread], "summary": self.summary}


@dataclass
class Reason:
    """Why an element is where it is: the report's words, and whether it is a guess (then it is
    also the element's `alur.tafsiran`)."""

    id: str
    en: str
    guessed: bool = False


@dataclass
class Report:
    read: list[Note] = field(default_factory=list)
    guessed: list[Note] = field(default_factory=list)
    unread: list[Note] = field(default_factory=list)

    def add(self, kind: str, table: int | None, row: str | None, text_id: str, text_en: str) -> None:
        where, where_en = place(table, row)
        getattr(self, kind).append(Note(text_id, text_en, where, where_en))

    def reason(self, table: int, row: str | None, reason: Reason) -> None:
        self.add("guessed" if reason.guessed else "read", table, row, reason.id, reason.en)
