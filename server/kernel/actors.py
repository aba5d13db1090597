"""Who is asking: a user with the agencies they belong to and the roles they hold there."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Agency, AgencyGrant, Membership, Role, User, UserRole


@dataclass(frozen=True)
class Actor:
    id: int
    username: str
    display_name: str
    locale: str
    agency_ids: frozenset[int]
    role_ids: frozenset[int]
    roles: dict = field(default_factory=dict)  # agency slug -> sorted role names, for display
    # Agency roles beside the lanes: (agency id, key) pairs, keys as in kernel/access.AGENCY_ROLES.
    grants: frozenset[tuple[int, str]] = frozenset()
    agency_roles: dict = field(default_factory=dict)  # agency slug -> sorted keys, for display
    # A digest of the password hash: a browser session carries it, so changing the password
    # ends every other session of the user.
    session_key: str = ""

    # flask-login reads these; they cost nothing here and keep the web layer thin.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key}"

    def member_of(self, agency_id: int) -> bool:
        return agency_id in self.agency_ids

    def holds(self, role_id: int | None) -> bool:
        return role_id is not None and role_id in self.role_ids

    def has(self, agency_id: int, agency_role: str) -> bool:
        return (agency_id, agency_role) in self.grants


def load_actor(session: Session, user_id: int) -> Actor | None:
    user = session.get(User, user_id)
    if user is None or not user.active:
        return None
    agency_rows = session.execute(
        select(Agency.id, Agency.slug).join(Membership, Membership.agency_id == Agency.id)
        .where(Membership.user_id == user_id)).all()
    agency_ids = {a.id for a in agency_rows}
    role_rows = session.execute(
        select(Role.id, Role.name, Role.agency_id).join(UserRole, UserRole.role_id == Role.id)
        .where(UserRole.user_id == user_id)).all()
    # A role counts only inside an agency the user still belongs to.
    role_rows = [r for r in role_rows if r.agency_id in agency_ids]
    slug = {a.id: a.slug for a in agency_rows}
    grants = {(g.agency_id, g.role) for g in session.execute(
        select(AgencyGrant.agency_id, AgencyGrant.role).where(AgencyGrant.user_id == user_id)).all()
        if g.agency_id in agency_ids}
    roles: dict[str, list[str]] = {slug[a]: [] for a in agency_ids}
    for r in role_rows:
        roles[slug[r.agency_id]].append(r.name)
    return Actor(
        id=user.id, username=user.username, display_name=user.display_name, locale=user.locale,
        agency_ids=frozenset(agency_ids), role_ids=frozenset(r.id for r in role_rows),
        roles={k: sorted(v) for k, v in roles.items()},
        grants=frozenset(grants),
        agency_roles={slug[a]: sorted(k for g, k in grants if g == a) for a in agency_ids},
        session_key=hashlib.sha256(user.password_hash.encode()).hexdigest()[:16],
    )
