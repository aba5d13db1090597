"""Agencies, users, roles and sign-in (passwords and bearer tokens)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import InvalidInput, Unauthenticated
from ..formschema.messages import msg
from ..models import Agency, AgencyGrant, ApiToken, Membership, Role, User, UserRole
from . import audit
from .access import AGENCY_ROLES
from .actors import Actor, load_actor
from .context import Alur

# Checked against when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("alur-dummy-password")


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # Werkzeug's current default (scrypt)


def ensure_agency(session: Session, slug: str, name: str, timezone: str = "Asia/Jakarta") -> Agency:
    agency = session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        agency = Agency(slug=slug, name=name, timezone=timezone)
        session.add(agency)
        session.flush()
    return agency


def ensure_role(session: Session, agency_id: int, name: str) -> Role:
    role = session.scalar(select(Role).where(Role.agency_id == agency_id, Role.name == name))
    if role is None:
        role = Role(agency_id=agency_id, name=name)
        session.add(role)
        session.flush()
    return role


def create_user(session: Session, now, username: str, display_name: str, *, password: str | None = None,
                password_hash: str | None = None, email: str | None = None, locale: str = "id") -> User:
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise InvalidInput(f"Nama pengguna '{username}' sudah dipakai.", f"Username '{username}' is taken.")
    user = User(username=username, display_name=display_name, email=email, locale=locale,
                password_hash=password_hash or hash_password(password or secrets.token_urlsafe(16)),
                created_at=now)
    session.add(user)
    session.flush()
    return user


def add_member(session: Session, user_id: int, agency_id: int, roles: list[str] = ()) -> None:
    if session.scalar(select(Membership.id).where(Membership.user_id == user_id,
                                                  Membership.agency_id == agency_id)) is None:
        session.add(Membership(user_id=user_id, agency_id=agency_id))
    for name in roles:
        role = ensure_role(session, agency_id, name)
        if session.get(UserRole, (user_id, role.id)) is None:
            session.add(UserRole(user_id=user_id, role_id=role.id))
    session.flush()


def grant_agency_role(session: Session, user_id: int, agency_id: int, key: str) -> bool:
    """Grants an agency role (a key of access.AGENCY_ROLES), joining the agency if needed;
    False when the user already held it."""
    add_member(session, user_id, agency_id)
    if session.get(AgencyGrant, (user_id, agency_id, key)) is not None:
        return False
    session.add(AgencyGrant(user_id=user_id, agency_id=agency_id, role=key))
    session.flush()
    return True


MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


def authenticate(alur: Alur, username: str, password: str) -> Actor:
    """Checks a password; after MAX_FAILED_LOGINS wrong ones the account waits LOCK_MINUTES."""
    now = alur.clock.now()
    failure = None
    with alur.db.transaction() as s:
        user = s.scalar(select(User).where(User.username == username))
        if user is not None and (locked := _locked(user, now)) is not None:
            raise locked
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
        if user and ok and user.active:
            user.failed_logins, user.locked_until = 0, None
            return load_actor(s, user.id)
        if user is not None:
            _count_failure(s, now, user)
        failure = Unauthenticated("Nama pengguna atau kata sandi salah.", "Wrong username or password.")
    raise failure


def _count_failure(s: Session, now, user: User) -> None:
    user.failed_logins = (user.failed_logins or 0) + 1
    if user.failed_logins >= MAX_FAILED_LOGINS:
        user.failed_logins, user.locked_until = 0, now + timedelta(minutes=LOCK_MINUTES)
    audit.record(s, now, "auth.failed", actor_id=user.id)


def _locked(user: User, now) -> Locked | None:
    if user.locked_until is not None and user.locked_until > now:
        return Locked(f"Terlalu banyak percobaan masuk yang gagal; coba lagi setelah {LOCK_MINUTES} menit.",
                      f"Too many failed sign-in attempts; try again in {LOCK_MINUTES} minutes.")
    return None


MIN_PASSWORD_LENGTH = 10


def change_password(alur: Alur, actor: Actor, current: str, new: str, repeated: str) -> None:
    """A user's change of their own password. The current one proves it is them (a wrong one
    counts towards the sign-in lock, so a left-open session cannot be used to guess it). Every
    other session and API token of the user ends with the old password."""
    now = alur.clock.now()
    failure = None
    with alur.db.transaction() as s:
        user = s.get(User, actor.id)
        if (locked := _locked(user, now)) is not None:
            raise locked
        fields = {}
        if not check_password_hash(user.password_hash, current or ""):
            fields["current"] = [msg("Kata sandi saat ini salah.", "The current password is wrong.")]
        problem = password_problem(new, user.username)
        if problem is None and new == current:
            problem = msg("Kata sandi baru harus berbeda dari yang sekarang.",
                          "The new password must differ from the current one.")
        if problem is not None:
            fields["new"] = [problem]
        elif new != repeated:
            fields["repeated"] = [msg("Tidak sama dengan kata sandi baru.", "Does not match the new password.")]
        if not fields:
            set_password(s, now, user, new, actor.id)
            return
        if "current" in fields:
            _count_failure(s, now, user)
        failure = InvalidInput("Kata sandi belum diganti; periksa isian yang ditandai.",
                               "The password was not changed; check the marked fields.", fields=fields)
    raise failure  # after the commit, so the failed attempt is counted


def password_problem(password: str, username: str) -> dict | None:
    """What is wrong with a new password, or None."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return msg(f"Paling sedikit {MIN_PASSWORD_LENGTH} karakter.", f"At least {MIN_PASSWORD_LENGTH} characters.")
    if username.lower() in password.lower():
        return msg("Kata sandi tidak boleh memuat nama pengguna.", "The password must not contain the username.")
    return None


def set_password(s: Session, now, user: User, new: str, actor_id: int | None) -> None:
    """Stores a new password; the old one's sign-in lock, browser sessions and API tokens end."""
    user.password_hash = hash_password(new)  # also changes the key that signed-in sessions carry
    user.failed_logins, user.locked_until = 0, None
    s.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    audit.record(s, now, "auth.password_changed", actor_id=actor_id, after={"user_id": user.id})


class Locked(Unauthenticated):
    status = 429
    code = "locked"


def set_locale(alur: Alur, actor: Actor, locale: str) -> None:
    if locale not in ("id", "en"):
        raise InvalidInput("Bahasa tidak dikenal.", "Unknown language.")
    with alur.db.transaction() as s:
        s.get(User, actor.id).locale = locale


def issue_token(alur: Alur, actor: Actor) -> tuple[str, object]:
    token = secrets.token_urlsafe(32)
    now = alur.clock.now()
    expires = now + timedelta(hours=alur.settings.token_hours)
    with alur.db.transaction() as s:
        s.execute(delete(ApiToken).where(ApiToken.user_id == actor.id, ApiToken.expires_at < now))
        s.add(ApiToken(user_id=actor.id, token_hash=_digest(token), created_at=now, expires_at=expires))
        audit.record(s, now, "auth.token_issued", actor_id=actor.id)
    return token, expires


def actor_for_token(alur: Alur, token: str) -> Actor:
    with alur.db.transaction() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(token)))
        if row is None or row.expires_at <= alur.clock.now():
            raise Unauthenticated("Token tidak sah atau kedaluwarsa.", "Invalid or expired token.")
        actor = load_actor(s, row.user_id)
    if actor is None:
        raise Unauthenticated("Akun tidak aktif.", "Account is not active.")
    return actor


def actor_by_id(alur: Alur, user_id: int) -> Actor | None:
    with alur.db.transaction() as s:
        return load_actor(s, user_id)


def list_users(alur: Alur) -> list[dict]:
    """Every user with their agencies, their lanes there and their agency roles (Indonesian names)."""
    with alur.db.transaction() as s:
        users = s.scalars(select(User).order_by(User.username)).all()
        rows = s.execute(select(Membership.user_id, Agency.slug).join(Agency)).all()
        roles = s.execute(select(UserRole.user_id, Role.name, Agency.slug)
                          .join(Role, Role.id == UserRole.role_id).join(Agency, Agency.id == Role.agency_id)).all()
        grants = s.execute(select(AgencyGrant.user_id, AgencyGrant.role, Agency.slug)
                           .join(Agency, Agency.id == AgencyGrant.agency_id)).all()
    out = []
    for u in users:
        agencies = sorted(slug for uid, slug in rows if uid == u.id)
        out.append({
            "username": u.username, "display_name": u.display_name, "active": u.active, "agencies": agencies,
            "roles": {a: sorted(name for uid, name, slug in roles if uid == u.id and slug == a) for a in agencies},
            "agency_roles": {a: sorted(AGENCY_ROLES[key][0] for uid, key, slug in grants if uid == u.id and slug == a)
                             for a in agencies},
        })
    return out


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
