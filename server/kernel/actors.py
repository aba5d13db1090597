"""Who is asking: a user with the agencies they belong to and the roles they hold there."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import and_, join, select
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


def actor_query():
    """The user with, per agency they belong to, the lanes and agency roles they hold there: one
    statement of a few rows (every request needs it). A lane or grant counts only inside an
    agency the user still belongs to."""
    lanes = join(UserRole, Role, Role.id == UserRole.role_id)
    return (select(User.id, User.username, User.display_name, User.locale, User.active, User.password_hash,
                   Agency.id.label("agency_id"), Agency.slug, Role.id.label("role_id"), Role.name.label("role_name"),
                   AgencyGrant.role.label("grant"))
            .select_from(User)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(Agency, Agency.id == Membership.agency_id)
            .outerjoin(lanes, and_(UserRole.user_id == User.id, Role.agency_id == Agency.id))
            .outerjoin(AgencyGrant, and_(AgencyGrant.user_id == User.id, AgencyGrant.agency_id == Agency.id)))


def actor_from(rows) -> Actor | None:
    """The Actor of `actor_query`'s rows; None for no rows or an inactive user."""
    if not rows or not rows[0].active:
        return None
    user = rows[0]
    slug = {r.agency_id: r.slug for r in rows if r.agency_id is not None}
    roles: dict[str, set] = {name: set() for name in slug.values()}
    role_ids, grants = set(), set()
    for r in rows:
        if r.role_id is not None:
            role_ids.add(r.role_id)
            roles[r.slug].add(r.role_name)
        if r.grant is not None:
            grants.add((r.agency_id, r.grant))
    return Actor(
        id=user.id, username=user.username, display_name=user.display_name, locale=user.locale,
        agency_ids=frozenset(slug), role_ids=frozenset(role_ids),
        roles={k: sorted(v) for k, v in roles.items()}, grants=frozenset(grants),
        agency_roles={slug[a]: sorted(k for g, k in grants if g == a) for a in slug},
        session_key=hashlib.sha256(user.password_hash.encode()).hexdigest()[:16],
    )


def load_actor(session: Session, user_id: int) -> Actor | None:
    return actor_from(session.execute(actor_query().where(User.id == user_id)).all())
