"""Deploying a diagram: lint it, store it once as a new version, map its lanes to roles.

The SOP lint decides what is refused (every error, each with its element id, at once); the
operator's CLI deploys for any agency, a process owner (Pemilik Proses) only for their own.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select, update

from ...engine import load_diagram
from ...errors import DiagramRejected, NotFound
from ...models import Agency, LaneRole, ProcessModel, ProcessVersion
from ...sop import read_catalog
from ...kernel import access, audit
from ...kernel.actors import Actor
from .. import lint
from ..embedding import with_forms_embedded
from ...deadlines import timers
from ...kernel.accounts import ensure_role
from ...kernel.context import Alur
from ...kernel.versions import version_info


def deploy(alur: Alur, data: bytes, filename: str, *, agency_slug: str | None = None,
           actor: Actor | None = None, note: str | None = None) -> list[dict]:
    """Deploys every executable process of the file; an unchanged diagram is not deployed twice.
    `actor`: the process owner deploying (None: the operator, from the CLI or the demo);
    `note`: what changed and why, kept with the version.
    The version stores its forms: the files the diagram names are embedded first, so what is
    linted, stored and checksummed is the diagram with its forms."""
    data = with_forms_embedded(data, alur.forms)
    refuse_lint_errors(alur, data, filename, agency_given=bool(agency_slug))
    diagram = load_diagram(data, filename)
    checksum = hashlib.sha256(diagram.xml.encode("utf-8")).hexdigest()  # of the stored XML, forms embedded
    now = alur.clock.now()
    results = []
    with alur.db.transaction() as s:
        for process_id in diagram.process_ids:
            catalog = read_catalog(diagram.root, process_id)
            slug = agency_slug or catalog["identity"].get("alur.agency")
            agency = s.scalar(select(Agency).where(Agency.slug == slug)) if slug else None
            if agency is None:
                raise NotFound(f"Instansi '{slug}' tidak ditemukan.", f"Agency '{slug}' not found.")
            if actor is not None:
                access.require(actor, "model.edit", access.Facts(agency.id))
            model = s.scalar(select(ProcessModel).where(ProcessModel.agency_id == agency.id,
                                                        ProcessModel.key == process_id))
            if model is None:
                model = ProcessModel(agency_id=agency.id, key=process_id, name=catalog["name"], created_at=now)
                s.add(model)
                s.flush()
            latest = s.scalar(select(ProcessVersion).where(ProcessVersion.process_model_id == model.id)
                              .order_by(ProcessVersion.version.desc()).limit(1))
            if latest is not None and latest.checksum == checksum:
                results.append(_summary(model, latest, agency, created=False))
                continue
            model.name = catalog["name"]
            s.execute(update(ProcessVersion).where(ProcessVersion.process_model_id == model.id)
                      .values(active=False))
            number = (s.scalar(select(func.max(ProcessVersion.version))
                               .where(ProcessVersion.process_model_id == model.id)) or 0) + 1
            version = ProcessVersion(process_model_id=model.id, version=number, filename=filename,
                                     bpmn_xml=diagram.xml, checksum=checksum, catalog=catalog,
                                     active=True, deployed_by_id=actor.id if actor else None, deployed_at=now,
                                     note=note)
            s.add(version)
            s.flush()
            for lane in catalog["lanes"]:
                role = ensure_role(s, agency.id, lane)
                s.add(LaneRole(version_id=version.id, lane=lane, role_id=role.id))
            timers.plan_schedule(s, alur, model.id, version_info(s, version.id))
            audit.record(s, now, "process.deployed", actor_id=actor.id if actor else None, agency_id=agency.id,
                         after={"key": process_id, "version": number, "checksum": checksum, "note": note})
            results.append(_summary(model, version, agency, created=True))
    return results


def refuse_lint_errors(alur: Alur, data: bytes, filename: str, agency_given: bool = False) -> None:
    """Raises DiagramRejected listing every lint error (element id, code, message) of the file.
    With `agency_given` (deploy --agency), a diagram need not name its agency itself."""
    found = [f for f in lint.errors(lint.lint(data, filename, alur.forms))
             if not (agency_given and f.code == "agency-missing")]
    if not found:
        return
    first = "; ".join(f"{f.element_id or filename}: {f.message_id}" for f in found[:3])
    first_en = "; ".join(f"{f.element_id or filename}: {f.message_en}" for f in found[:3])
    more = f" (+{len(found) - 3})" if len(found) > 3 else ""
    raise DiagramRejected(f"Diagram ditolak, {len(found)} galat: {first}{more}",
                          f"Diagram rejected, {len(found)} error(s): {first_en}{more}",
                          findings=[f.as_dict() for f in found])


def _summary(model, version, agency, created: bool) -> dict:
    return {"key": model.key, "name": model.name, "agency": agency.slug, "version": version.version,
            "version_id": version.id, "created": created}
