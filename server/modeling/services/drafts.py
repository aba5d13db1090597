"""An SOP's draft: one working copy per process model, saved as its owners edit it.

A save names the revision it started from (the ETag the owner's modeler read); the revision
moves in ONE compare-and-set statement (`UPDATE ... WHERE revision = :expected`, or the first
INSERT keyed by the model), so of two saves from the same revision exactly one wins on SQLite
and on PostgreSQL, and the other learns who saved first and when. Draft saves write no audit
event: the modeler saves as the owner works (every few seconds), the draft row itself keeps who
and when, and only what becomes effective (deploy, activation, a new SOP) is audited.
"""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from ...errors import DraftConflict, NotFound, PreconditionRequired
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import ProcessDraft, ProcessVersion, User
from . import diagrams, versions
from .lookup import owned_model

_ETAG = re.compile(r'^\s*(?:W/)?"(\d+)\.(\d+)"\s*$')


def etag_of(model_id: int, revision: int) -> str:
    """Quoted, as HTTP wants it; revision 0 is the draft made from the active version."""
    return f'"{model_id}.{revision}"'


def get(alur: Alur, actor: Actor, key: str, agency: str | None = None) -> dict:
    """{xml, etag, revision, saved_by {id, name} | None, saved_at}: the draft, or one made
    from the active version (revision 0) when nobody saved one yet."""
    with alur.db.transaction() as s:
        model, _ = owned_model(s, actor, key, agency)
        return current(s, model.id)


def current(s, model_id: int) -> dict:
    """The model's draft, or one made from its active version (revision 0), read in the caller's
    transaction after the caller asked the access policy (the draft's sheet reads it this way)."""
    row = s.execute(select(ProcessDraft, User.display_name).outerjoin(User, User.id == ProcessDraft.saved_by_id)
                    .where(ProcessDraft.process_model_id == model_id)).one_or_none()
    if row is not None:
        draft = row.ProcessDraft
        return {"xml": draft.xml, "revision": draft.revision, "etag": etag_of(model_id, draft.revision),
                "saved_by": _person(draft.saved_by_id, row.display_name), "saved_at": draft.saved_at}
    version = s.execute(select(ProcessVersion, User.display_name)
                        .outerjoin(User, User.id == ProcessVersion.deployed_by_id)
                        .where(ProcessVersion.process_model_id == model_id, ProcessVersion.active.is_(True))
                        ).one_or_none()
    if version is None:
        raise NotFound("SOP ini belum memiliki draf maupun versi aktif.",
                       "This SOP has neither a draft nor an active version.")
    v = version.ProcessVersion
    return {"xml": v.bpmn_xml, "revision": 0, "etag": etag_of(model_id, 0),
            "saved_by": _person(v.deployed_by_id, version.display_name), "saved_at": v.deployed_at}


def _person(user_id: int | None, name: str | None) -> dict | None:
    return {"id": user_id, "name": name} if user_id is not None else None


def save(alur: Alur, actor: Actor, key: str, data: bytes | str, if_match: str | None,
         agency: str | None = None) -> dict:
    """Stores `data` as the draft if `if_match` is the current draft's ETag: {etag, revision,
    saved_at, saved_by}. 428 without `if_match`, 412 (DraftConflict: who, when, the ETag now)
    when another save came first, 422 for a diagram that is not this SOP's."""
    with alur.db.transaction() as s:
        model, found_agency = owned_model(s, actor, key, agency)
        model_id, tz = model.id, found_agency.timezone
    if not (if_match or "").strip():
        raise PreconditionRequired(
            "Sertakan header If-Match berisi ETag draf yang Anda buka; tanpa itu simpanan orang lain "
            "dapat tertimpa.",
            "Send the If-Match header with the ETag of the draft you opened; without it another "
            "person's save could be overwritten.")
    root = diagrams.parse(data)
    diagrams.require_process(root, key)
    text = diagrams.as_text(data, root)
    expected = _revision(if_match, model_id)
    now = alur.clock.now()
    if expected is not None:
        try:
            with alur.db.transaction() as s:
                if _compare_and_set(s, model_id, expected, text, actor.id, now):
                    return {"etag": etag_of(model_id, expected + 1), "revision": expected + 1,
                            "saved_at": now, "saved_by": {"id": actor.id, "name": actor.display_name}}
        except IntegrityError:  # the first save of this draft, made by someone else just now
            pass
    with alur.db.transaction() as s:
        latest = current(s, model_id)
    raise _conflict(latest, tz)


def start_from_version(alur: Alur, actor: Actor, key: str, number: int, if_match: str | None,
                       agency: str | None = None) -> dict:
    """The draft becomes version `number`'s diagram (to go on from an earlier version, or to drop
    the draft's changes): a save like any other, refused as one when the draft moved since the
    owner looked at it (`if_match`), so nobody's newer work goes unnoticed."""
    with alur.db.transaction() as s:
        model, _ = owned_model(s, actor, key, agency)
        xml = versions.find_version(s, model.id, key, number).bpmn_xml
    return save(alur, actor, key, xml, if_match, agency)


def _compare_and_set(s, model_id: int, expected: int, text: str, user_id: int, now) -> bool:
    """One statement: the draft moves from `expected` to the next revision, or nothing happens."""
    values = {"xml": text, "revision": expected + 1, "saved_by_id": user_id, "saved_at": now}
    if expected == 0:  # no draft yet: the primary key lets only one first save in
        s.execute(insert(ProcessDraft).values(process_model_id=model_id, **values))
        return True
    done = s.execute(update(ProcessDraft).where(ProcessDraft.process_model_id == model_id,
                                                ProcessDraft.revision == expected).values(**values))
    return done.rowcount == 1


def _revision(if_match: str, model_id: int) -> int | None:
    """The revision an If-Match names, or None when it names no revision of this draft."""
    match = _ETAG.match(if_match or "")
    if match is None or int(match[1]) != model_id:
        return None
    return int(match[2])


def _conflict(current: dict, tz: str) -> DraftConflict:
    who = current["saved_by"]["name"] if current["saved_by"] else "-"
    when = current["saved_at"].astimezone(ZoneInfo(tz)).strftime("%d-%m-%Y %H.%M %Z")
    return DraftConflict(
        f"Draf sudah disimpan oleh {who} pada {when}, setelah Anda membukanya; muat ulang draf itu lalu "
        "ulangi perubahan Anda. Simpanan Anda tidak disimpan.",
        f"The draft was saved by {who} at {when}, after you opened it; reload that draft and redo your "
        "change. Your save was not stored.",
        saved_by=current["saved_by"], saved_at=current["saved_at"].isoformat(), etag=current["etag"])
