"""The process owner's catalogue: the SOPs of the agencies they own, each with its active
version, its last deploy and its draft; one SOP with its versions."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from ...errors import Forbidden
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import ProcessDraft, ProcessModel, ProcessVersion, User
from ..lint_rules import properties
from . import diagrams, drafts, versions
from .lookup import owned_agencies, owned_model


def overview(alur: Alur, actor: Actor) -> list[dict]:
    """[{slug, name, timezone, sops: [...]}] for each agency the actor owns, SOPs by name."""
    with alur.db.transaction() as s:
        agencies = owned_agencies(s, actor)
        if not agencies:
            raise Forbidden(*access.RULES["model.edit"][1:])
        ids = [a.id for a in agencies]
        models = s.scalars(select(ProcessModel).where(ProcessModel.agency_id.in_(ids))
                           .order_by(ProcessModel.name, ProcessModel.key)).all()
        model_ids = [m.id for m in models]
        active = {r.process_model_id: r for r in s.execute(
            select(ProcessVersion.process_model_id, ProcessVersion.version, ProcessVersion.catalog)
            .where(ProcessVersion.process_model_id.in_(model_ids), ProcessVersion.active.is_(True)))}
        newest = select(ProcessVersion.process_model_id, func.max(ProcessVersion.version).label("version")) \
            .where(ProcessVersion.process_model_id.in_(model_ids)).group_by(ProcessVersion.process_model_id) \
            .subquery()
        deployer = aliased(User)
        latest = {r.process_model_id: r for r in s.execute(
            select(ProcessVersion.process_model_id, ProcessVersion.version, ProcessVersion.deployed_at,
                   ProcessVersion.note, deployer.display_name)
            .join(newest, (newest.c.process_model_id == ProcessVersion.process_model_id)
                  & (newest.c.version == ProcessVersion.version))
            .outerjoin(deployer, deployer.id == ProcessVersion.deployed_by_id))}
        drafts = {r.process_model_id: r for r in s.execute(
            select(ProcessDraft.process_model_id, ProcessDraft.saved_at, User.display_name,
                   *([ProcessDraft.xml] if len(active) < len(models) else []))
            .outerjoin(User, User.id == ProcessDraft.saved_by_id)
            .where(ProcessDraft.process_model_id.in_(model_ids)))}
    out = []
    for agency in agencies:
        sops = []
        for model in (m for m in models if m.agency_id == agency.id):
            on, last, draft = active.get(model.id), latest.get(model.id), drafts.get(model.id)
            sops.append({
                "key": model.key, "name": model.name, "agency": agency.slug,
                "nomor": _nomor(on, draft, model.key),
                "active_version": on.version if on else None,
                "last_deploy": {"version": last.version, "at": last.deployed_at, "by": last.display_name,
                                "note": last.note} if last else None,
                "draft": {"at": draft.saved_at, "by": draft.display_name} if draft else None})
        out.append({"slug": agency.slug, "name": agency.name, "timezone": agency.timezone, "sops": sops})
    return out


def _nomor(active, draft, key: str) -> str:
    """The SOP number: the active version's, or (never deployed) the draft's identity block."""
    if active is not None:
        return (active.catalog or {}).get("identity", {}).get("sop.nomor", "")
    xml = getattr(draft, "xml", None) if draft is not None else None
    if not xml:
        return ""
    try:
        process = diagrams.require_process(diagrams.parse(xml), key)
    except Exception:  # noqa: BLE001 - a draft that does not read shows no number, the list still shows
        return ""
    return properties(process).get("sop.nomor", "")


def sop_versions(alur: Alur, actor: Actor, agency: str, key: str) -> dict:
    """{sop: {key, name, agency, agency_name, timezone}, versions: newest first, draft: {etag,
    saved_by, saved_at} (the one a "start the draft from this version" replaces)}."""
    items = versions.list_versions(alur, actor, key, agency)
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        sop = {"key": model.key, "name": model.name, "agency": found.slug, "agency_name": found.name,
               "timezone": found.timezone}
    draft = drafts.get(alur, actor, key, agency) if items else None
    return {"sop": sop, "versions": items,
            "draft": {k: draft[k] for k in ("etag", "saved_by", "saved_at", "revision")} if draft else None}

