"""Which agencies an Admin Instansi looks after, and the one check every admin operation makes.

An agency is named by its slug in the admin pages' addresses; `managed` turns it into the agency's
row only after the access policy agreed (`agency.manage`: Admin Instansi of that agency), so no
operation can reach another agency's users by changing the address.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import Forbidden, NotFound
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import Agency


def administers_any(actor: Actor) -> bool:
    """Whether the actor is Admin Instansi somewhere (their grants are loaded with them: no query)."""
    return bool(access.agencies_where(actor, access.ADMIN))


def agencies(alur: Alur, actor: Actor) -> list[dict]:
    """The agencies the actor administers, by name; Forbidden (403) for someone who administers none."""
    ids = access.agencies_where(actor, access.ADMIN)
    if not ids:
        raise Forbidden(*access.RULES["agency.manage"][1:])
    with alur.db.transaction() as s:
        rows = s.execute(select(Agency.slug, Agency.name).where(Agency.id.in_(ids)).order_by(Agency.name)).all()
    return [{"slug": r.slug, "name": r.name} for r in rows]


def managed(s: Session, actor: Actor, slug: str) -> Agency:
    """The agency `slug`, once the actor may manage it; NotFound (404) or Forbidden (403) otherwise."""
    agency = s.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFound(f"Instansi '{slug}' tidak ditemukan.", f"Agency '{slug}' not found.")
    access.require(actor, "agency.manage", access.Facts(agency_id=agency.id))
    return agency


def describe(agency: Agency) -> dict:
    return {"id": agency.id, "slug": agency.slug, "name": agency.name, "timezone": agency.timezone}
