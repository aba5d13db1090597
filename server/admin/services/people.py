"""Bringing an agency and its staff into Alur: the operations behind `alur agencies` and
`alur users` (demo data aside, this is how agencies, users and their lanes come to be).

A grant names agency roles (Pemilik Proses, Pengawas, Auditor, Admin Instansi) or lanes. Lanes
come from the deployed SOPs (deploying creates a role per lane), so a lane grant names an existing
one: a typo is refused with the list of roles there are, instead of creating a
role no lane uses. Taking a role away, or deactivating a user, gives their claimed open tasks
back to the team, so no task waits on someone who can no longer do it.

The session-level steps (`new_user`, `give`, `take`, `switch_active`) are shared with the Admin Instansi's
operations (members.py, account_control.py), which ask the access policy first and pass who
acted, for the audit trail.
"""
from __future__ import annotations

import re
import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...errors import Conflict, InvalidInput, NotFound
from ...formschema.messages import msg
from ...models import Agency, AgencyGrant, ApiToken, HumanTask, Membership, Role, User, UserRole
from ...timeplan import ZONE_ABBREVIATIONS
from ...kernel import accounts, audit
from ...kernel.access import AGENCY_ROLES, agency_role_key
from ...kernel.context import Alur

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{1,63}")
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{2,99}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
MAX_NAME = 200
MAX_EMAIL = 300


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
    now = alur.clock.now()
    with alur.db.transaction() as s:
        user, password = new_user(s, now, username, display_name, email=email, password=password)
        if agency:
            _grant(s, now, user, _agency(s, agency), list(roles))
    return password


def user_problems(s: Session, username: str, display_name: str, email: str | None) -> dict[str, list[dict]]:
    """What is wrong with a new user's details, per field ("username", "display_name", "email"),
    all at once so that a form can mark every field; empty when nothing is."""
    fields: dict[str, list[dict]] = {}
    if not USERNAME.fullmatch(username or ""):
        fields["username"] = [msg("Nama pengguna: 3-100 huruf kecil, angka, titik, garis bawah atau tanda hubung.",
                                  "Username: 3-100 lowercase letters, digits, dots, underscores or hyphens.")]
    elif s.scalar(select(User.id).where(User.username == username)) is not None:
        fields["username"] = [msg(f"Nama pengguna '{username}' sudah dipakai.", f"Username '{username}' is taken.")]
    name = (display_name or "").strip()
    if not name:
        fields["display_name"] = [msg("Nama lengkap wajib diisi.", "The full name is required.")]
    elif len(name) > MAX_NAME:
        fields["display_name"] = [msg(f"Paling banyak {MAX_NAME} karakter.", f"At most {MAX_NAME} characters.")]
    if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)):
        fields["email"] = [msg("Alamat surel tidak sah (contoh: nama@instansi.go.id).",
                               "Not a valid e-mail address (e.g. name@agency.go.id).")]
    return fields


def new_user(s: Session, now, username: str, display_name: str, *, email: str | None = None,
             password: str | None = None, actor_id: int | None = None) -> tuple[User, str]:
    """Checks and creates a user in the session; returns it with its password (the one given, or
    a generated one). The first problem is the error's message, every problem is in its fields."""
    email = (email or "").strip() or None
    fields = user_problems(s, username, display_name, email)
    if fields:
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first["id"], first["en"], fields=fields)
    password = password or generated_password(username)
    problem = accounts.password_problem(password, username)
    if problem is not None:
        raise InvalidInput(problem["id"], problem["en"], fields={"password": [problem]})
    user = accounts.create_user(s, now, username, display_name.strip(), password=password, email=email)
    audit.record(s, now, "user.added", actor_id=actor_id, after={"user_id": user.id, "username": username})
    return user, password


# Letters and digits that cannot be mistaken for each other when read out or copied from paper
# (no 0/o, 1/l/i); 16 of them carry about 79 bits.
HANDOVER_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def generated_password(username: str) -> str:
    """A random password to hand over, like "k7pm-3vdq-9wah-4tzx", never one the password rules
    would refuse."""
    while True:
        chars = "".join(secrets.choice(HANDOVER_ALPHABET) for _ in range(16))
        password = "-".join(chars[i:i + 4] for i in range(0, 16, 4))
        if accounts.password_problem(password, username) is None:
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
    give(s, now, user, agency, lanes, agency_roles)


def give(s: Session, now, user: User, agency: Agency, lanes: list[str], agency_roles: list[str],
         actor_id: int | None = None) -> None:
    """Makes the user a member of the agency holding these lanes (existing roles, by name) and
    agency roles (keys of access.AGENCY_ROLES)."""
    known = set(s.scalars(select(Role.name).where(Role.agency_id == agency.id)).all())
    unknown = [r for r in lanes if r not in known]
    if unknown:
        there = "; ".join([label for label, _ in AGENCY_ROLES.values()] + sorted(known))
        problem = msg(f"Peran tidak ada di {agency.slug}: {'; '.join(unknown)}. Peran yang ada: {there}.",
                      f"No such role in {agency.slug}: {'; '.join(unknown)}. Roles there: {there}.")
        raise InvalidInput(problem["id"], problem["en"], fields={"lanes": [problem]})
    accounts.add_member(s, user.id, agency.id, lanes)
    for key in agency_roles:
        accounts.grant_agency_role(s, user.id, agency.id, key)
    audit.record(s, now, "user.granted", actor_id=actor_id, agency_id=agency.id,
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
        if roles:
            agency_roles, lanes = _split(roles)
            released = take(s, now, user, agency, lanes, agency_roles, audited_as=roles)
        else:
            s.execute(delete(UserRole).where(UserRole.user_id == user.id,
                                             UserRole.role_id.in_(select(Role.id).where(Role.agency_id == agency.id))))
            s.execute(delete(AgencyGrant).where(AgencyGrant.user_id == user.id, AgencyGrant.agency_id == agency.id))
            s.execute(delete(Membership).where(Membership.user_id == user.id, Membership.agency_id == agency.id))
            audit.record(s, now, "user.revoked", agency_id=agency.id, after={"user_id": user.id, "roles": roles})
            released = _release_what_they_can_no_longer_do(s, now, user)
        return {"username": username, "agency": agency.slug, "roles": _roles_in(s, user.id, agency.id),
                "released_tasks": released}


def take(s: Session, now, user: User, agency: Agency, lanes: list[str], agency_roles: list[str],
         actor_id: int | None = None, audited_as: list[str] | None = None) -> int:
    """Takes these lanes (by name) and agency roles (keys) away, staying a member; returns how many
    claimed tasks went back to the team because the user no longer holds their lane."""
    role_ids = select(Role.id).where(Role.agency_id == agency.id, Role.name.in_(lanes))
    s.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role_id.in_(role_ids)))
    s.execute(delete(AgencyGrant).where(AgencyGrant.user_id == user.id, AgencyGrant.agency_id == agency.id,
                                        AgencyGrant.role.in_(agency_roles)))
    roles = audited_as if audited_as is not None else list(lanes) + [AGENCY_ROLES[k][0] for k in agency_roles]
    audit.record(s, now, "user.revoked", actor_id=actor_id, agency_id=agency.id,
                 after={"user_id": user.id, "roles": roles})
    return _release_what_they_can_no_longer_do(s, now, user)


def set_active(alur: Alur, username: str, active: bool, actor_id: int | None = None) -> dict:
    """A deactivated user cannot sign in, their tokens end and their claimed tasks go back."""
    with alur.db.transaction() as s:
        released = switch_active(s, alur.clock.now(), _user(s, username), active, actor_id)
        return {"username": username, "active": active, "released_tasks": released}


def switch_active(s: Session, now, user: User, active: bool, actor_id: int | None = None) -> int:
    """Activates or deactivates the user in the session; returns how many claimed tasks went back."""
    user.active = active
    released = 0
    if not active:
        s.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
        released = _release_what_they_can_no_longer_do(s, now, user)
    audit.record(s, now, "user.activated" if active else "user.deactivated", actor_id=actor_id,
                 after={"user_id": user.id})
    return released


def reset_password(alur: Alur, username: str, new: str, actor_id: int | None = None) -> None:
    """An administrator's reset (`alur users set-password`): also lifts a sign-in lock."""
    problem = accounts.password_problem(new, username)
    if problem is not None:
        raise InvalidInput(problem["id"], problem["en"])
    with alur.db.transaction() as s:
        accounts.set_password(s, alur.clock.now(), _user(s, username), new, actor_id)


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
