"""What the modeler page needs to open an SOP: its name, its lanes and the agency's lanes, once
the access policy agreed (`model.edit`: Pemilik Proses of the SOP's agency)."""
from __future__ import annotations

from sqlalchemy import select

from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import ProcessVersion, Role
from .lookup import owned_model


def modeler_context(alur: Alur, actor: Actor, agency: str, key: str) -> dict:
    """The SOP `key` of `agency` for its modeler; NotFound (404) for an SOP that agency does not
    have, Forbidden (403) for a user who does not own the agency's processes."""
    with alur.db.transaction() as s:
        model, found = owned_model(s, actor, key, agency)
        latest = s.scalar(select(ProcessVersion).where(ProcessVersion.process_model_id == model.id)
                          .order_by(ProcessVersion.active.desc(), ProcessVersion.version.desc()).limit(1))
        agency_lanes = list(s.scalars(select(Role.name).where(Role.agency_id == found.id).order_by(Role.name)))
        lanes = list((latest.catalog or {}).get("lanes", [])) if latest is not None else []
        return {"key": model.key, "name": model.name, "agency": found.slug, "agency_name": found.name,
                "timezone": found.timezone, "lanes": lanes, "agency_lanes": agency_lanes,
                "version": latest.version if latest is not None else None}
