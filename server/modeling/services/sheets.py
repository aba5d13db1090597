"""The SOP AP sheet of a version or of the draft, as HTML, PDF or DOCX.

Every member of the SOP's agency may read a version's sheet (it is the agency's published
procedure); the draft's sheet is the process owners' (it is work in progress). A process that
shares its document with others (`sop.dokumen`, e.g. Nomporejo's one document of four processes)
is printed with them: each other process as its signed version, else its active one."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from ...errors import InvalidInput
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.process_models import model_for
from ...models import ProcessModel, ProcessVersion
from ...sop.sheet.docx import render_docx
from ...sop.sheet.html import render_html
from ...sop.sheet.model import document_key, sheet_of
from ...sop.sheet.pdf import render_pdf
from . import drafts
from .lookup import owned_model
from .versions import find_version

_MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf",
          "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
_RENDER = {"html": lambda sheet: render_html(sheet).encode("utf-8"), "pdf": render_pdf, "docx": render_docx}
FORMATS = tuple(_MEDIA)


@dataclass(frozen=True)
class Document:
    data: bytes
    mimetype: str
    filename: str


def describe(alur: Alur, actor: Actor, agency: str, key: str, number: int | None) -> dict:
    """{sop, version, official, owner}: what the sheet page says about the sheet it shows (a version's:
    any member; the draft's, `number` None: process owners)."""
    with alur.db.transaction() as s:
        model, found = model_for(s, actor, key, "model.edit" if number is None else "agency.work", agency)
        version = None if number is None else find_version(s, model.id, key, number)
        owner = access.can(actor, "model.edit", access.Facts(found.id))
    return {"sop": {"key": model.key, "name": model.name, "agency": found.slug, "agency_name": found.name},
            "version": number, "official": bool(version and version.official), "owner": owner}


def version_sheet(alur: Alur, actor: Actor, key: str, number: int, fmt: str, *, agency: str | None = None,
                  as_signed: bool = False) -> Document:
    """Version `number`'s sheet; any member of the agency may read it."""
    _check_format(fmt)
    with alur.db.transaction() as s:
        model, _ = model_for(s, actor, key, "agency.work", agency)
        version = find_version(s, model.id, key, number)
        process_id = version.catalog.get("process_id", key)
        diagrams = _document(s, model, version.bpmn_xml, process_id)
    return _render(diagrams, fmt, as_signed, f"SOP-{key}-v{number}")


def draft_sheet(alur: Alur, actor: Actor, key: str, fmt: str, *, agency: str | None = None,
                as_signed: bool = False) -> Document:
    """The draft's sheet (or the active version's, when nobody saved a draft): process owners only."""
    _check_format(fmt)
    with alur.db.transaction() as s:
        model, _ = owned_model(s, actor, key, agency)
        diagrams = _document(s, model, drafts.current(s, model.id)["xml"], key)
    return _render(diagrams, fmt, as_signed, f"SOP-{key}-draf")


def _check_format(fmt: str) -> None:
    if fmt not in _MEDIA:
        raise InvalidInput(f"Format lembar SOP '{fmt}' tidak dikenal; pilih salah satu: {', '.join(FORMATS)}.",
                           f"Unknown SOP sheet format '{fmt}'; choose one of: {', '.join(FORMATS)}.")


def _render(diagrams: list[tuple[str, str]], fmt: str, as_signed: bool, stem: str) -> Document:
    data = _RENDER[fmt](sheet_of(diagrams, as_signed=as_signed))
    return Document(data, _MEDIA[fmt], f"{_safe(stem)}{'-resmi' if as_signed else ''}.{fmt}")


def _document(s, model: ProcessModel, xml: str, process_id: str) -> list[tuple[str, str]]:
    """This diagram first, then the other processes of its document (same agency, same
    `sop.dokumen`), each as its signed version, else its active one."""
    key = document_key(xml, process_id)
    if key is None:
        return [(xml, process_id)]
    rows = s.execute(select(ProcessVersion.id, ProcessVersion.process_model_id, ProcessVersion.catalog)
                     .join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
                     .where(ProcessModel.agency_id == model.agency_id, ProcessModel.id != model.id,
                            (ProcessVersion.official.is_(True)) | (ProcessVersion.active.is_(True)))
                     .order_by(ProcessVersion.process_model_id, ProcessVersion.official.desc())).all()
    chosen = {}
    for row in rows:  # the signed version wins over the active one (sorted first)
        chosen.setdefault(row.process_model_id, row)
    wanted = {row.id: row.catalog.get("process_id", "") for row in chosen.values()
              if (row.catalog.get("identity") or {}).get("sop.dokumen", "").strip() == key[0]}
    if not wanted:
        return [(xml, process_id)]
    others = s.execute(select(ProcessVersion.id, ProcessVersion.bpmn_xml).where(ProcessVersion.id.in_(wanted))
                       .order_by(ProcessVersion.id)).all()
    return [(xml, process_id)] + [(row.bpmn_xml, wanted[row.id]) for row in others]


def _safe(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "SOP"
