"""Deploying a diagram: check it, store it once as a new version, map its lanes to roles."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select, update

from ...engine import load_diagram
from ...errors import AlurError, DiagramRejected, NotFound
from ...models import Agency, LaneRole, ProcessModel, ProcessVersion
from ...sop import read_catalog
from ...kernel import audit
from ...deadlines import timers
from ...kernel.accounts import ensure_role
from ...kernel.context import Alur
from ...kernel.versions import version_info


def deploy(alur: Alur, data: bytes, filename: str, *, agency_slug: str | None = None,
           actor_id: int | None = None) -> list[dict]:
    """Deploys every executable process of the file; an unchanged diagram is not deployed twice."""
    diagram = load_diagram(data, filename)
    checksum = hashlib.sha256(data).hexdigest()
    now = alur.clock.now()
    results = []
    with alur.db.transaction() as s:
        for process_id in diagram.process_ids:
            catalog = read_catalog(diagram.root, process_id)
            _check_forms(alur, catalog)
            slug = agency_slug or catalog["identity"].get("alur.agency")
            agency = s.scalar(select(Agency).where(Agency.slug == slug)) if slug else None
            if agency is None:
                raise NotFound(f"Instansi '{slug}' tidak ditemukan.", f"Agency '{slug}' not found.")
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
                                     active=True, deployed_by_id=actor_id, deployed_at=now)
            s.add(version)
            s.flush()
            for lane in catalog["lanes"]:
                role = ensure_role(s, agency.id, lane)
                s.add(LaneRole(version_id=version.id, lane=lane, role_id=role.id))
            timers.plan_schedule(s, alur, model.id, version_info(s, version.id))
            audit.record(s, now, "process.deployed", actor_id=actor_id, agency_id=agency.id,
                         after={"key": process_id, "version": number, "checksum": checksum})
            results.append(_summary(model, version, agency, created=True))
    return results


def _check_forms(alur: Alur, catalog: dict) -> None:
    referenced = [s["form"] for s in catalog["steps"].values() if s.get("form")]
    referenced += [s["form"] for s in catalog["starts"] if s.get("form")]
    for path in referenced:
        try:
            alur.forms.get(path)
        except (AlurError, OSError, ValueError, KeyError) as exc:
            raise DiagramRejected(
                f"Diagram ditolak: formulir '{path}' tidak ada atau tidak sah.",
                f"Diagram rejected: form '{path}' is missing or invalid.",
            ) from exc


def _summary(model, version, agency, created: bool) -> dict:
    return {"key": model.key, "name": model.name, "agency": agency.slug, "version": version.version,
            "version_id": version.id, "created": created}
