"""What an SOP AP document holds once read from a file, before anything is interpreted.

The readers (XLSX, DOCX, CSV, the seeds' tab-separated text) all end here, so the drafting that
turns a document into diagrams never knows which format it came from."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import InvalidInput


class ImportRefused(InvalidInput):
    """A file that cannot be imported (unsafe, not an SOP table): 422, nothing stored."""

    def __init__(self, message_id: str, message_en: str):
        super().__init__(message_id, message_en, fields={"file": [{"id": message_id, "en": message_en}]})


def place(table: int | None = None, row: str | None = None, line: int | None = None) -> tuple[str, str]:
    """Where a note points (Indonesian, English): a table's row by its printed number, else the source
    line; outside any table, the identity block's source line."""
    if table is None:
        return (f"Identitas, baris sumber {line}", f"Identity, source line {line}") if line else ("", "")
    if row:
        return f"Tabel {table}, baris {row}", f"Table {table}, row {row}"
    if line:
        return f"Tabel {table}, baris sumber {line}", f"Table {table}, source line {line}"
    return f"Tabel {table}", f"Table {table}"


@dataclass
class Note:
    """One line of the import report: where in the document, and what happened there."""

    id: str
    en: str
    where: str = ""
    where_en: str = ""

    def as_dict(self) -> dict:
        return {"where": self.where, "where_en": self.where_en, "id": self.id, "en": self.en}


@dataclass
class SopRow:
    """One numbered row of the table, as printed. Multi-item cells keep one item per line, their
    list markers dropped and their style in `lists` (field -> "angka" | "strip" | "huruf")."""

    no: str
    kegiatan: str
    marks: list[str]                 # one cell per actor column, stripped text ("" = empty)
    kelengkapan: str = ""
    waktu: str = ""
    output: str = ""
    keterangan: str = ""
    lists: dict[str, str] = field(default_factory=dict)
    line: int | None = None          # where in the source (row of the sheet, line of the text)


@dataclass
class SopTable:
    """The procedure table: its printed headings (key in sop.identity.COLUMNS -> heading; a missing key means the
    column is absent, e.g. no Keterangan), its actor columns in order, its rows."""

    headings: dict[str, str]
    actors: list[str]
    rows: list[SopRow]
    title: str = ""
    trailing: list[str] = field(default_factory=list)   # words printed after the table (lost labels)
    graph: str = ""                  # a flowchart written as text in a cell (mermaid "graph TD ...")


@dataclass
class SopDocument:
    """A whole document: its identity block (sop.* property name -> value, lists one item per line),
    the labels as printed where they differ (field -> label), list styles, and its tables."""

    identity: dict[str, str]
    labels: dict[str, str]
    identity_lists: dict[str, str]
    tables: list[SopTable]
    source_format: str               # "xlsx" | "docx" | "csv" | "text"
    notes: list[Note] = field(default_factory=list)     # what reading found worth reporting
    unread: list[Note] = field(default_factory=list)    # what could not be read
    title: str = ""                  # the document's heading lines ("STANDAR OPERASIONAL PROSEDUR (SOP)\n...")
