"""An Admin Instansi adds users to their agency and decides their lanes and agency roles.

Adding is all or nothing: the user, their membership, lanes and roles are one transaction, and
every problem of the form is reported at once, per field. Lanes are the agency's roles that came
from deployed SOP lanes; taking one away gives the user's claimed tasks of it back to the team.
An admin cannot take their own Admin Instansi role away: the agency would lose the only person
who can see it done (another admin can).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...errors import InvalidInput
from ...formschema.messages import msg
from ...kernel.access import ADMIN, AGENCY_ROLES
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import Agency, AgencyGrant, Role, UserRole
from . import people, scope
from .staff import member_of


def add(alur: Alur, actor: Actor, slug: str, username: str, display_name: str, *, email: str | None = None,
        lanes: list[str] = (), agency_roles: list[str] = ()) -> dict:
    """Creates the user as a member of the agency; returns their username and the generated
    password, to be shown once and handed over."""
    username = (username or "").strip()
    email = (email or "").strip() or None
    now = alur.clock.now()
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        fields = people.user_problems(s, username, display_name, email)
        fields.update(_choice_problems(s, agency, lanes, agency_roles))
        if fields:
            raise InvalidInput("Pengguna belum ditambahkan; periksa isian yang ditandai.",
                               "The user was not added; check the marked fields.", fields=fields)
        user, password = people.new_user(s, now, username, display_name, email=email, actor_id=actor.id)
        people.give(s, now, user, agency, _unique(lanes), _unique(agency_roles), actor_id=actor.id)
    return {"username": username, "password": password}


def set_roles(alur: Alur, actor: Actor, slug: str, username: str, lanes: list[str],
              agency_roles: list[str]) -> dict:
    """Makes the member hold exactly these lanes and agency roles (keys) in the agency; returns what
    was added and removed and how many claimed tasks went back to the team."""
    lanes, agency_roles = _unique(lanes), _unique(agency_roles)
    now = alur.clock.now()
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        user = member_of(s, agency, username)
        fields = _choice_problems(s, agency, lanes, agency_roles)
        held_lanes = set(s.scalars(select(Role.name).join(UserRole, UserRole.role_id == Role.id)
                                   .where(UserRole.user_id == user.id, Role.agency_id == agency.id)).all())
        held_keys = set(s.scalars(select(AgencyGrant.role).where(AgencyGrant.user_id == user.id,
                                                                 AgencyGrant.agency_id == agency.id)).all())
        if user.id == actor.id and ADMIN in held_keys and ADMIN not in agency_roles:
            fields.setdefault("agency_roles", []).append(msg(
                "Anda tidak dapat mencabut peran Admin Instansi Anda sendiri; minta Admin Instansi lain "
                "melakukannya.",
                "You cannot take away your own Admin Instansi role; ask another agency administrator."))
        if fields:
            first = next(iter(fields.values()))[0]
            raise InvalidInput(first["id"], first["en"], fields=fields)
        add_lanes = [n for n in lanes if n not in held_lanes]
        add_keys = [k for k in agency_roles if k not in held_keys]
        drop_lanes = sorted(held_lanes - set(lanes))
        drop_keys = [k for k in AGENCY_ROLES if k in held_keys and k not in agency_roles]
        if add_lanes or add_keys:
            people.give(s, now, user, agency, add_lanes, add_keys, actor_id=actor.id)
        released = 0
        if drop_lanes or drop_keys:
            released = people.take(s, now, user, agency, drop_lanes, drop_keys, actor_id=actor.id)
    return {"added": {"lanes": add_lanes, "agency_roles": add_keys},
            "removed": {"lanes": drop_lanes, "agency_roles": drop_keys}, "released_tasks": released}


def _choice_problems(s: Session, agency: Agency, lanes: list[str], agency_roles: list[str]) -> dict:
    """Lanes that are not the agency's, or agency roles that do not exist (a tampered form)."""
    fields = {}
    known = set(s.scalars(select(Role.name).where(Role.agency_id == agency.id)).all())
    unknown = [n for n in lanes if n not in known]
    if unknown:
        fields["lanes"] = [msg(f"Jabatan tidak ada di instansi ini: {'; '.join(unknown)}.",
                               f"No such lane in this agency: {'; '.join(unknown)}.")]
    wrong = [k for k in agency_roles if k not in AGENCY_ROLES]
    if wrong:
        fields["agency_roles"] = [msg(f"Peran instansi tidak dikenal: {'; '.join(wrong)}.",
                                      f"Unknown agency role: {'; '.join(wrong)}.")]
    return fields


def _unique(names) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names if n and n.strip()))
