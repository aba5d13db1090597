"""Agencies, users, roles and sign-in: passwords, the sign-in throttle, browser sessions, bearer tokens."""
from __future__ import annotations

import hashlib
import math
import secrets
from datetime import timedelta

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import InvalidInput, Unauthenticated
from ..formschema.messages import msg
from ..models import Agency, AgencyGrant, ApiToken, Membership, Role, User, UserRole
from ..models.accounts import SignInFailure, UserSession
from . import audit
from .access import AGENCY_ROLES
from .actors import Actor, actor_from, actor_query, load_actor
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


# The sign-in throttle. Wrong passwords slow down where they come from; they never lock the
# account, so nobody can lock a colleague out by typing their name with wrong passwords.
# - Per name and address: after MAX_FAILED_LOGINS wrong passwords for one username from one
#   address within THROTTLE_WINDOW, that address waits before it may try that name again.
# - Per address: after ADDRESS_MAX_FAILED_LOGINS wrong passwords from one address (any names)
#   within the window, that address waits before it may try any name.
# Each failure beyond an allowance doubles the wait, from FIRST_WAIT up to LONGEST_WAIT; failures
# older than the window are forgotten (a sliding window). While an address waits, its attempts are
# refused without looking at the password and are not counted. A right password clears that
# name's failures from that address; a new password (`alur users set-password`, the account page)
# clears the name's failures from every address. Guessing one name from many addresses is slowed
# per address only (kept simple on purpose; long passwords are the defence there).
# Unknown names are counted like known ones, so the throttle does not tell which names exist.
# The address is what the web layer passes: request.remote_addr, so behind a reverse proxy
# ALUR_TRUSTED_PROXIES must be set (server/config.py), or every user shares the proxy's address.
MAX_FAILED_LOGINS = 5
ADDRESS_MAX_FAILED_LOGINS = 30
THROTTLE_WINDOW = timedelta(hours=1)
FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(minutes=15)
# Where wrong current passwords on the account page are counted: per user whatever the address,
# since only the user's own session reaches that page.
ACCOUNT_PAGE = "(account page)"


def authenticate(alur: Alur, username: str, password: str, address: str = "") -> Actor:
    """Checks a password, unless wrong ones from this address must first wait (then Locked,
    saying how long). `address` is the client's network address; callers without one share ""."""
    now = alur.clock.now()
    name, address = _name_key(username), _address(address)
    failure = None
    with alur.db.transaction() as s:
        if (locked := _throttled(s, now, name, address)) is not None:
            raise locked
        user = s.scalar(select(User).where(User.username == username))
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
        if user and ok and user.active:
            s.execute(delete(SignInFailure).where(SignInFailure.username_key == name,
                                                  SignInFailure.address == address))
            return load_actor(s, user.id)
        _record_failure(s, now, name, address)
        if user is not None:
            audit.record(s, now, "auth.failed", actor_id=user.id)
        failure = Unauthenticated("Nama pengguna atau kata sandi salah.", "Wrong username or password.")
    raise failure  # after the commit, so the failure is counted


def _name_key(username: str) -> str:
    """A digest of the name typed: what people type there (passwords too, by mistake) is not stored."""
    return hashlib.sha256((username or "").encode("utf-8", "surrogatepass")).hexdigest()


def _address(address: str | None) -> str:
    return (address or "")[:64]


def _throttled(s: Session, now, name: str, address: str, *, per_address: bool = True) -> Locked | None:
    """Locked when this name from this address (or this address at all) must still wait."""
    since = now - THROTTLE_WINDOW
    rules = [(and_(SignInFailure.username_key == name, SignInFailure.address == address), MAX_FAILED_LOGINS)]
    if per_address:
        rules.append((SignInFailure.address == address, ADDRESS_MAX_FAILED_LOGINS))
    wait = timedelta(0)
    for where, allowed in rules:
        count, last = s.execute(select(func.count(), func.max(SignInFailure.at))
                                .where(where, SignInFailure.at > since)).one()
        if count >= allowed:
            wait = max(wait, last + min(FIRST_WAIT * 2 ** min(count - allowed, 16), LONGEST_WAIT) - now)
    return _locked_for(wait) if wait > timedelta(0) else None


def _record_failure(s: Session, now, name: str, address: str) -> None:
    s.execute(delete(SignInFailure).where(SignInFailure.at <= now - THROTTLE_WINDOW))  # forgotten
    s.add(SignInFailure(username_key=name, address=address, at=now))


def _locked_for(wait: timedelta) -> Locked:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 120:
        when_id, when_en = f"{seconds} detik", f"{seconds} seconds"
    else:
        minutes = math.ceil(seconds / 60)
        when_id, when_en = f"{minutes} menit", f"{minutes} minutes"
    return Locked(f"Terlalu banyak percobaan masuk yang gagal; tunggu {when_id} lalu coba lagi.",
                  f"Too many failed sign-in attempts; wait {when_en}, then try again.", retry_after=seconds)


MIN_PASSWORD_LENGTH = 10


def change_password(alur: Alur, actor: Actor, current: str, new: str, repeated: str) -> None:
    """A user's change of their own password. The current one proves it is them; wrong ones are
    throttled like sign-ins but per user whatever the address (ACCOUNT_PAGE), so a left-open
    session cannot be used to guess it, and they do not slow the user's own sign-ins. Every
    other session and API token of the user ends with the old password."""
    now = alur.clock.now()
    failure = None
    with alur.db.transaction() as s:
        user = s.get(User, actor.id)
        name = _name_key(user.username)
        if (locked := _throttled(s, now, name, ACCOUNT_PAGE, per_address=False)) is not None:
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
            _record_failure(s, now, name, ACCOUNT_PAGE)
            audit.record(s, now, "auth.failed", actor_id=user.id)
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
    """Stores a new password; the name's sign-in failures are forgotten, and the old password's
    browser sessions and API tokens end."""
    user.password_hash = hash_password(new)  # also changes the key that signed-in sessions carry
    s.execute(delete(SignInFailure).where(SignInFailure.username_key == _name_key(user.username)))
    s.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    audit.record(s, now, "auth.password_changed", actor_id=actor_id, after={"user_id": user.id})


class Locked(Unauthenticated):
    """Too many wrong passwords from where this attempt comes: wait `detail["retry_after"]`
    seconds (the web and API layers send it as Retry-After)."""

    status = 429
    code = "locked"


# Browser sessions live on the server (UserSession), so signing out ends them for good: a copy of
# the session cookie taken before is worth nothing after. A session unused for SESSION_IDLE ends.
SESSION_IDLE = timedelta(days=30)
_SEEN_EVERY = timedelta(minutes=5)  # last_seen_at is written at most this often


def start_session(alur: Alur, actor: Actor) -> str:
    """A new browser session for a user who just signed in: the token for the session cookie."""
    token = secrets.token_urlsafe(32)
    now = alur.clock.now()
    with alur.db.transaction() as s:
        s.execute(delete(UserSession).where(UserSession.user_id == actor.id, or_(
            UserSession.revoked_at.is_not(None), UserSession.last_seen_at <= now - SESSION_IDLE)))
        s.add(UserSession(id=_digest(token), user_id=actor.id, created_at=now, last_seen_at=now))
    return token


def actor_for_session(alur: Alur, token: str, user_id: int) -> Actor | None:
    """The user of a live browser session; None once it was signed out or idle too long."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        row = s.get(UserSession, _digest(token))
        if row is None or row.user_id != user_id or row.revoked_at is not None \
                or row.last_seen_at <= now - SESSION_IDLE:
            return None
        if now - row.last_seen_at >= _SEEN_EVERY:
            row.last_seen_at = now
        return load_actor(s, user_id)


def end_session(alur: Alur, token: str) -> None:
    """Signing out: the session's token stops working, wherever a copy of the cookie is."""
    with alur.db.transaction() as s:
        row = s.get(UserSession, _digest(token))
        if row is not None and row.revoked_at is None:
            row.revoked_at = alur.clock.now()


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
    """The token's user in one statement (it runs on every API request)."""
    with alur.db.transaction() as s:
        rows = s.execute(actor_query().add_columns(ApiToken.expires_at)
                         .join(ApiToken, ApiToken.user_id == User.id)
                         .where(ApiToken.token_hash == _digest(token))).all()
    if not rows or rows[0].expires_at <= alur.clock.now():
        raise Unauthenticated("Token tidak sah atau kedaluwarsa.", "Invalid or expired token.")
    actor = actor_from(rows)
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
