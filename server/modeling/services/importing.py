"""Importing an SOP table an agency already keeps (XLSX, DOCX, CSV, the seeds' text) as draft
diagrams that open in the modeler, with a report of what was read, guessed and left unread.

The file is read and every draft is made before anything is written: a refused file, or a
failure anywhere, stores nothing. The drafts of one document are created in one transaction,
with one audit event each."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...errors import Conflict
from ...kernel import audit
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import ProcessDraft, ProcessModel
from ...sop.drafting import draft_sop
from ...sop.reading import read_sop
from .. import lint
from .creation import refused_fields, target_agency


def import_table(alur: Alur, actor: Actor, data: bytes, filename: str, agency: str | None = None) -> dict:
    """{draft_key, drafts: [{key, name, table, errors, warnings}], report}: the first draft's key
    (the API's shape), every draft made, and the import report."""
    errors: dict = {}
    with alur.db.transaction() as s:
        target = target_agency(s, actor, agency, errors)
        if errors:
            raise refused_fields(errors)
        taken = set(s.scalars(select(ProcessModel.key).where(ProcessModel.agency_id == target.id)))
        slug, name, agency_id = target.slug, target.name, target.id
    result = draft_sop(read_sop(data, filename or ""), slug, name, taken)
    drafts = [{"key": d["key"], "name": d["name"], "table": d.get("table"), **_lint_counts(d["xml"], alur)}
              for d in result.drafts]
    now = alur.clock.now()
    try:
        with alur.db.transaction() as s:
            for draft in result.drafts:
                model = ProcessModel(agency_id=agency_id, key=draft["key"], name=draft["name"], created_at=now)
                s.add(model)
                s.flush()
                s.add(ProcessDraft(process_model_id=model.id, xml=draft["xml"], revision=1, saved_by_id=actor.id,
                                   saved_at=now))
                audit.record(s, now, "process.imported", actor_id=actor.id, agency_id=agency_id,
                             after={"key": draft["key"], "name": draft["name"], "file": filename or "",
                                    "summary": result.summary})
    except IntegrityError:  # another owner created one of the keys at the same moment
        raise Conflict("SOP dengan nama yang sama baru saja dibuat; impor lagi.",
                       "An SOP with the same name was created just now; import again.") from None
    return {"draft_key": drafts[0]["key"], "agency": slug, "drafts": drafts, "report": result.report()}


def _lint_counts(xml: str, alur: Alur) -> dict:
    """What the SOP lint says of the draft now: the report's promise that only a person's
    decisions are left (warnings), and no error."""
    found = lint.lint(xml.encode("utf-8"), "impor.bpmn", alur.forms)
    return {"errors": len(lint.errors(found)), "warnings": len(found) - len(lint.errors(found)),
            "findings": [f.as_dict() for f in found]}
