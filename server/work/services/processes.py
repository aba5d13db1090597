"""What SOPs a user can see and start."""
from __future__ import annotations

from sqlalchemy import select

from ...models import ProcessModel, ProcessVersion
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from .forms import schema_of
from ...kernel.versions import version_info


def list_processes(alur: Alur, actor: Actor) -> list[dict]:
    with alur.db.transaction() as s:
        ids = s.scalars(select(ProcessVersion.id).join(ProcessModel)
                        .where(ProcessVersion.active.is_(True), ProcessModel.agency_id.in_(actor.agency_ids))
                        .order_by(ProcessModel.key)).all()
        infos = [version_info(s, i) for i in ids]
    out = []
    for info in infos:
        start = info.manual_start()
        out.append({
            "key": info.key, "name": info.name, "agency": info.agency_slug, "version": info.version,
            "sop_nomor": info.catalog["identity"].get("sop.nomor", ""),
            "lanes": info.catalog["lanes"],
            "startable": bool(start) and access.can(actor, "process.start",
                                                    access.Facts(info.agency_id, info.lane_roles.get(start["lane"]))),
            "start_lane": start["lane"] if start else None,
            "scheduled": any(s["timer"] for s in info.catalog["starts"]),
            "start_form": schema_of(info.forms(alur.forms), start.get("form")) if start else None,
        })
    return out
