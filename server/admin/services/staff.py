"""An agency's staff as its Admin Instansi sees them: who works there, in which lanes (jabatan)
and with which agency roles, active or not.

Only members of the agency are listed or shown, with their lanes and roles in that agency
alone: what a user does in another agency is that agency's business.
"""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...errors import NotFound
from ...kernel import access
from ...kernel.access import AGENCY_ROLES
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import Agency, AgencyGrant, Membership, Role, User, UserRole
from . import scope

MAX_SEARCH = 100


def agency_roles() -> list[dict]:
    """The agency roles an Admin Instansi grants: key with its Indonesian and English names."""
    return [{"key": key, "id": name_id, "en": name_en} for key, (name_id, name_en) in AGENCY_ROLES.items()]


def overview(alur: Alur, actor: Actor, slug: str, search: str | None = None) -> dict:
    """The agency's users (active or not) with their lanes and agency roles there, by name;
    `search` matches part of the username, the name or the e-mail address."""
    search = (search or "").strip()[:MAX_SEARCH]
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        query = (select(User).join(Membership, Membership.user_id == User.id)
                 .where(Membership.agency_id == agency.id).order_by(User.display_name, User.username))
        if search:
            query = query.where(or_(User.username.icontains(search, autoescape=True),
                                    User.display_name.icontains(search, autoescape=True),
                                    User.email.icontains(search, autoescape=True)))
        users = s.scalars(query).all()
        lanes, grants = _lanes_and_grants(s, agency.id, [u.id for u in users])
        everyone = _member_count(s, agency.id)
        return {"agency": scope.describe(agency), "search": search, "members": everyone,
                "users": [_row(u, lanes, grants) for u in users]}


def member(alur: Alur, actor: Actor, slug: str, username: str) -> dict:
    """One member of the agency with what the admin may change: the agency's lanes to choose from,
    and whether the account itself (active, password) is theirs to control."""
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        user = member_of(s, agency, username)
        lanes, grants = _lanes_and_grants(s, agency.id, [user.id])
        elsewhere = other_agencies(s, actor, user.id)
        return {"agency": scope.describe(agency), "user": _row(user, lanes, grants),
                "all_lanes": _all_lanes(s, agency.id), "is_self": user.id == actor.id,
                "works_elsewhere": bool(elsewhere)}


def lane_choices(alur: Alur, actor: Actor, slug: str) -> dict:
    """The agency and its lanes (roles from deployed SOP lanes), for a new user's form."""
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        return {"agency": scope.describe(agency), "all_lanes": _all_lanes(s, agency.id)}


def member_of(s: Session, agency: Agency, username: str) -> User:
    """The user `username` if they belong to the agency; NotFound otherwise (whether or not the
    name exists elsewhere)."""
    user = s.scalar(select(User).join(Membership, Membership.user_id == User.id)
                    .where(User.username == username, Membership.agency_id == agency.id))
    if user is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan di instansi ini.",
                       f"User '{username}' not found in this agency.")
    return user


def other_agencies(s: Session, actor: Actor, user_id: int) -> set[int]:
    """The agencies of the user that the actor does not administer: their account (active,
    password) is shared with those, so the actor may not switch it off or reset it."""
    theirs = set(s.scalars(select(Membership.agency_id).where(Membership.user_id == user_id)).all())
    return theirs - access.agencies_where(actor, access.ADMIN)


def _lanes_and_grants(s: Session, agency_id: int, user_ids: list[int]) -> tuple[dict, dict]:
    lanes: dict[int, list[str]] = {}
    grants: dict[int, list[str]] = {}
    if not user_ids:
        return lanes, grants
    for user_id, name in s.execute(select(UserRole.user_id, Role.name).join(Role, Role.id == UserRole.role_id)
                                   .where(Role.agency_id == agency_id, UserRole.user_id.in_(user_ids))
                                   .order_by(Role.name)):
        lanes.setdefault(user_id, []).append(name)
    order = list(AGENCY_ROLES)
    for user_id, key in s.execute(select(AgencyGrant.user_id, AgencyGrant.role)
                                  .where(AgencyGrant.agency_id == agency_id, AgencyGrant.user_id.in_(user_ids))):
        if key in AGENCY_ROLES:
            grants.setdefault(user_id, []).append(key)
    return lanes, {u: sorted(keys, key=order.index) for u, keys in grants.items()}


def _all_lanes(s: Session, agency_id: int) -> list[str]:
    return list(s.scalars(select(Role.name).where(Role.agency_id == agency_id).order_by(Role.name)).all())


def _member_count(s: Session, agency_id: int) -> int:
    return s.scalar(select(func.count()).select_from(Membership).where(Membership.agency_id == agency_id))


def _row(user: User, lanes: dict, grants: dict) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name, "email": user.email,
            "active": user.active, "lanes": lanes.get(user.id, []), "agency_roles": grants.get(user.id, [])}
