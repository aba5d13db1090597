"""Bringing an agency and its staff into Alur: the operations behind `alur agencies` and
`alur users` (demo data aside, this is how agencies, users and their lanes come to be).

A grant names agency roles (Pemilik Proses, Pengawas, Auditor, Admin Instansi) or lanes. Lanes
come from the deployed SOPs (deploying creates a role per lane), so a lane grant names an existing
one: a typo is refused with the list of roles there are, instead of creating a
role no lane uses. Taking a role away, or deactivating a user, gives their claimed open tasks
back to the team, so no task waits on someone who can no longer do it.
"""
from __future__ import annotations

import re
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput, NotFound
from ...models import Agency, AgencyGrant, ApiToken, HumanTask, Membership, Role, User, UserRole
from ...timeplan import ZONE_ABBREVIATIONS
from ...kernel import accounts, audit
from ...kernel.access import AGENCY_ROLES, agency_role_key
from ...kernel.context import Alur

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,99}")


def list_agencies(alur: Alur) -> list[dict]:
    with alur.db.transaction() as s:
        return [{"slug": a.slug, "name": a.name, "timezone": a.timezone,
                 "roles": sorted(s.scalars(select(Role.name).where(Role.agency_id == a.id)).all())}
                for a in s.scalars(select(Agency).order_by(Agency.slug))]


def add_agency(alur: Alur, slug: str, name: str, timezone: str = "Asia/Jakarta") -> dict:
    if not SLUG.fullmatch(slug or ""):
        raise InvalidInput("Kode instansi: 2-64 huruf kecil, angka atau tanda hubung.",
                           "Agency slug: 2-64 lowercase letters, digits or hyphens.")
    if timezone not in ZONE_ABBREVIATIONS:
        zones = ", ".join(f"{z} ({a})" for z, a in ZONE_ABBREVIATIONS.items())
        raise InvalidInput(f"Zona waktu harus salah satu dari: {zones}.", f"The time zone must be one of: {zones}.")
    if not (name or "").strip():
        raise InvalidInput("Nama instansi wajib diisi.", "The agency's name is required.")
    with alur.db.transaction() as s:
        if s.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
            raise Conflict(f"Instansi '{slug}' sudah ada.", f"Agency '{slug}' already exists.")
        agency = accounts.ensure_agency(s, slug, name.strip()[:300], timezone)
        audit.record(s, alur.clock.now(), "agency.added", agency_id=agency.id,
                     after={"slug": slug, "name": agency.name, "timezone": timezone})
        return {"slug": slug, "name": agency.name, "timezone": timezone}


def add_user(alur: Alur, username: str, display_name: str, *, email: str | None = None,
             password: str | None = None, agency: str | None = None, roles: list[str] = ()) -> str:
    """Creates a user, with a membership and roles when `agency` is given (all or nothing);
    returns the password (the one given, or a generated one to hand over)."""
    if not USERNAME.fullmatch(username or ""):
        raise InvalidInput("Nama pengguna: 3-100 huruf kecil, angka, titik, garis bawah atau tanda hubung.",
                           "Username: 3-100 lowercase letters, digits, dots, underscores or hyphens.")
    if not (display_name or "").strip():
        raise InvalidInput("Nama lengkap wajib diisi.", "The full name is required.")
    password = password or secrets.token_urlsafe(12)
    problem = accounts.password_problem(password, username)
    if problem is not None:
        raise InvalidInput(problem["id"], problem["en"])
    now = alur.clock.now()
    with alur.db.transaction() as s:
        user = accounts.create_user(s, now, username, display_name.strip()[:200], password=password, email=email)
        audit.record(s, now, "user.added", after={"user_id": user.id, "username": username})
        if agency:
            _grant(s, now, user, _agency(s, agency), list(roles))
    return password


def grant(alur: Alur, username: str, agency_slug: str, roles: list[str]) -> dict:
    """Makes the user a member of the agency holding `roles` there (each an existing role)."""
    with alur.db.transaction() as s:
        user, agency = _user(s, username), _agency(s, agency_slug)
        _grant(s, alur.clock.now(), user, agency, roles)
        return {"username": username, "agency": agency.slug, "roles": _roles_in(s, user.id, agency.id)}


def _grant(s: Session, now, user: User, agency: Agency, roles: list[str]) -> None:
    """Each name is an agency role (Pemilik Proses, Pengawas, Auditor, Admin Instansi) or a lane."""
    agency_roles, lanes = _split(roles)
    known = set(s.scalars(select(Role.name).where(Role.agency_id == agency.id)).all())
    unknown = [r for r in lanes if r not in known]
    if unknown:
        there = "; ".join([label for label, _ in AGENCY_ROLES.values()] + sorted(known))
        raise InvalidInput(f"Peran tidak ada di {agency.slug}: {'; '.join(unknown)}. Peran yang ada: {there}.",
                           f"No such role in {agency.slug}: {'; '.join(unknown)}. Roles there: {there}.")
    accounts.add_member(s, user.id, agency.id, lanes)
    for key in agency_roles:
        accounts.grant_agency_role(s, user.id, agency.id, key)
    audit.record(s, now, "user.granted", agency_id=agency.id,
                 after={"user_id": user.id, "roles": lanes, "agency_roles": agency_roles})


def _split(names: list[str]) -> tuple[list[str], list[str]]:
    """(agency role keys, lane names) of what an administrator typed."""
    keys = [agency_role_key(n) for n in names]
    return [k for k in keys if k], [n for n, k in zip(names, keys) if not k]


def revoke(alur: Alur, username: str, agency_slug: str, roles: list[str] | None = None) -> dict:
    """Takes `roles` away, or, without roles, the whole membership of the agency."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        user, agency = _user(s, username), _agency(s, agency_slug)
        agency_roles, lanes = _split(roles or [])
        role_ids = select(Role.id).where(Role.agency_id == agency.id)
        grants = delete(AgencyGrant).where(AgencyGrant.user_id == user.id, AgencyGrant.agency_id == agency.id)
        if roles:
            role_ids = role_ids.where(Role.name.in_(lanes))
            grants = grants.where(AgencyGrant.role.in_(agency_roles))
        s.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role_id.in_(role_ids)))
        s.execute(grants)
        if not roles:
            s.execute(delete(Membership).where(Membership.user_id == user.id, Membership.agency_id == agency.id))
        audit.record(s, now, "user.revoked", agency_id=agency.id, after={"user_id": user.id, "roles": roles})
        released = _release_what_they_can_no_longer_do(s, now, user)
        return {"username": username, "agency": agency.slug, "roles": _roles_in(s, user.id, agency.id),
                "released_tasks": released}


def set_active(alur: Alur, username: str, active: bool) -> dict:
    """A deactivated user cannot sign in, their tokens end and their claimed tasks go back."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        user = _user(s, username)
        user.active = active
        released = 0
        if not active:
            s.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
            released = _release_what_they_can_no_longer_do(s, now, user)
        audit.record(s, now, "user.activated" if active else "user.deactivated", after={"user_id": user.id})
        return {"username": username, "active": active, "released_tasks": released}


def reset_password(alur: Alur, username: str, new: str) -> None:
    """An administrator's reset (`alur users set-password`): also lifts a sign-in lock."""
    problem = accounts.password_problem(new, username)
    if problem is not None:
        raise InvalidInput(problem["id"], problem["en"])
    with alur.db.transaction() as s:
        accounts.set_password(s, alur.clock.now(), _user(s, username), new, None)


def _release_what_they_can_no_longer_do(s: Session, now, user: User) -> int:
    held = set(s.scalars(select(UserRole.role_id).where(UserRole.user_id == user.id))) if user.active else set()
    released = 0
    for task in s.scalars(select(HumanTask).where(HumanTask.assignee_id == user.id, HumanTask.state == "ready")):
        if task.role_id not in held:
            task.assignee_id, task.claimed_at = None, None
            audit.record(s, now, "task.released", agency_id=task.agency_id, instance_id=task.instance_id,
                         task_id=task.id, before={"assignee": user.id}, after={"assignee": None})
            released += 1
    return released


def _user(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"Pengguna '{username}' tidak ditemukan.", f"User '{username}' not found.")
    return user


def _agency(s: Session, slug: str) -> Agency:
    agency = s.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFound(f"Instansi '{slug}' tidak ditemukan.", f"Agency '{slug}' not found.")
    return agency


def _roles_in(s: Session, user_id: int, agency_id: int) -> list[str]:
    """The user's agency roles (by name) then lanes in the agency."""
    keys = s.scalars(select(AgencyGrant.role).where(AgencyGrant.user_id == user_id,
                                                    AgencyGrant.agency_id == agency_id)).all()
    lanes = s.scalars(select(Role.name).join(UserRole, UserRole.role_id == Role.id)
                      .where(UserRole.user_id == user_id, Role.agency_id == agency_id)).all()
    return sorted(AGENCY_ROLES[k][0] for k in keys) + sorted(lanes)
