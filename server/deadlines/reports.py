"""Reports that fill themselves from Alur's own records (Nomporejo's monthly reports).

A report process names, in its diagram, the process whose results it lists
(`alur.laporan.sumber`) and the form field that holds the list (`alur.laporan.daftar`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..models import HumanTask, ProcessInstance, ProcessModel, ProcessVersion


def published_in(db, agency_id: int, source_key: str, start: datetime, end: datetime) -> list[dict]:
    """The instances of `source_key` that ended published between start and end, with the
    platforms and links their last steps recorded."""
    instances = db.execute(
        select(ProcessInstance.id, ProcessInstance.title, ProcessInstance.ended_at)
        .join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
        .join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
        .where(ProcessModel.key == source_key, ProcessInstance.agency_id == agency_id,
               ProcessInstance.status == "completed", ProcessInstance.end_event.like("selesai_dipublikasikan%"),
               ProcessInstance.ended_at >= start, ProcessInstance.ended_at < end)
        .order_by(ProcessInstance.ended_at)).all()
    items = []
    for instance_id, title, ended_at in instances:
        facts = {}
        for data, done_at in db.execute(select(HumanTask.data, HumanTask.completed_at)
                                        .where(HumanTask.instance_id == instance_id, HumanTask.state == "completed")
                                        .order_by(HumanTask.completed_at)).all():
            for key in ("platform", "tautan"):
                if (data or {}).get(key):
                    facts[key] = data[key]
                    facts["tanggal_unggah"] = done_at.date().isoformat()
        links = facts.get("tautan") or [None]
        platforms = facts.get("platform") or [None]
        links = links if isinstance(links, list) else [links]
        platforms = platforms if isinstance(platforms, list) else [platforms]
        for n, link in enumerate(links):
            platform = platforms[n] if n < len(platforms) and len(platforms) == len(links) else platforms[0]
            items.append({"judul": title, "platform": platform, "tautan": link,
                          "tanggal_unggah": facts.get("tanggal_unggah", ended_at.date().isoformat())})
    return items


def prefill(db, agency_id: int, catalog: dict, item_schema: dict, start: datetime, end: datetime) -> dict:
    """The report's starting data: its month and the list of what was published in it."""
    identity = catalog["identity"]
    source, field = identity.get("alur.laporan.sumber"), identity.get("alur.laporan.daftar")
    data = {"bulan": start.strftime("%Y-%m")}
    if source and field:
        allowed = set(item_schema.get("properties", {}))
        data[field] = [{k: v for k, v in item.items() if k in allowed and v is not None}
                       for item in published_in(db, agency_id, source, start, end)]
    return data
