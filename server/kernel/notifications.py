"""Telling people: in-app notifications, and e-mail when an SMTP server is configured.

E-mail goes out at most once per notification, however many workers run and wherever one dies
(see `send_pending_email`): a copy of a notification the user also sees in the app may be lost
to a crash, never sent twice.
"""
from __future__ import annotations

import email.policy
import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy import func, select, update

from ..models import Notification, Role, User, UserRole
from . import audit
from .actors import Actor
from .context import Alur

log = logging.getLogger(__name__)


def users_of_lane(db, agency_id: int, lane: str) -> list[int]:
    return list(db.execute(select(UserRole.user_id).join(Role, Role.id == UserRole.role_id)
                           .join(User, User.id == UserRole.user_id)
                           .where(Role.agency_id == agency_id, Role.name == lane, User.active.is_(True))).scalars())


def notify(db, now, user_ids, *, agency_id: int, kind: str, message_id: str, message_en: str,
           instance_id: int | None = None, task_id: int | None = None) -> int:
    """One notification per user (a user in two of the lanes concerned is told once)."""
    ids = sorted(set(user_ids))
    for user_id in ids:
        db.add(Notification(user_id=user_id, agency_id=agency_id, instance_id=instance_id, task_id=task_id,
                            kind=kind, message_id=message_id, message_en=message_en, created_at=now))
    return len(ids)


def unread(alur: Alur, actor: Actor, limit: int = 50, locale: str | None = None) -> dict:
    """The user's latest notifications (read or not) and how many are unread."""
    locale = locale or actor.locale
    with alur.db.transaction() as s:
        total = s.scalar(select(func.count()).select_from(Notification)
                         .where(Notification.user_id == actor.id, Notification.read_at.is_(None)))
        rows = s.scalars(select(Notification).where(Notification.user_id == actor.id)
                         .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)).all()
        items = [{"id": n.id, "kind": n.kind, "message": n.message_en if locale == "en" else n.message_id,
                  "message_id": n.message_id, "message_en": n.message_en, "task_id": n.task_id,
                  "instance_id": n.instance_id, "created_at": n.created_at.isoformat(),
                  "read": n.read_at is not None} for n in rows]
    return {"unread": total, "items": items}


def unread_count(alur: Alur, actor: Actor) -> int:
    with alur.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(Notification)
                        .where(Notification.user_id == actor.id, Notification.read_at.is_(None)))


def mark_read(alur: Alur, actor: Actor) -> None:
    with alur.db.transaction() as s:
        s.execute(update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
                  .values(read_at=alur.clock.now()))


def send_pending_email(alur: Alur, limit: int = 100) -> int:
    """Mails the notifications not mailed yet to users with an address (needs ALUR_SMTP_HOST);
    returns how many the mail server accepted.

    Each notification is claimed before it is sent: one short transaction sets its `emailed_at`
    (on PostgreSQL the pick skips rows another worker is claiming, FOR UPDATE SKIP LOCKED; SQLite
    runs one writer at a time) and commits. Only the worker that claimed it sends it, so several
    workers never send the same one. `emailed_at` therefore means "claimed for e-mail": set
    before the mail server has it, and kept unless the server surely did not take it:

    - the server refused it (4xx: the claim is given back and the next round tries again; 5xx:
      it is kept, never retried, and an audit event `notification.email_refused` says why), or
      the connection failed before the message itself was sent (given back);
    - the connection failed while the message was being sent or before the server confirmed
      it: it may have gone out, so it stays claimed and is never sent again; an audit event
      `notification.email_unconfirmed` records it for whoever looks after the mail server.

    One notification is claimed at a time, so a worker killed between a claim and its answer
    loses at most that one e-mail (the notification itself is still in the app), and it never
    duplicates one. A failure ends the round; the rest wait, unclaimed, for the next.
    """
    settings = alur.settings
    if not settings.smtp_host or not _email_waiting(alur):
        return 0
    sent, tried = 0, []
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:  # down: OSError, nothing claimed
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        while len(tried) < limit:
            mail = _claim_next(alur, tried)
            if mail is None:
                break
            tried.append(mail.id)
            try:
                _deliver(smtp, settings, mail)
            except _NotTaken as refusal:
                _not_taken(alur, mail, refusal)
                if refusal.connection_lost:
                    break
                continue
            except BaseException as exc:  # while the message itself was on its way: it may have arrived
                _unconfirmed(alur, mail, exc)
                if not isinstance(exc, Exception):
                    raise
                break
            sent += 1
    return sent


def _email_waiting(alur: Alur) -> bool:
    with alur.db.transaction() as s:
        return s.scalar(select(_waiting(select(Notification.id)).exists())) or False


def _waiting(query):
    return (query.join(User, User.id == Notification.user_id)
            .where(Notification.emailed_at.is_(None), User.email.is_not(None), User.email != ""))


def _claim_next(alur: Alur, tried: list[int]):
    """Claims the oldest notification waiting for e-mail (not one tried in this round)."""
    with alur.db.transaction() as s:
        query = (_waiting(select(Notification.id, Notification.agency_id, Notification.instance_id,
                                 Notification.task_id, Notification.message_id, Notification.message_en,
                                 User.email, User.locale))
                 .where(Notification.id.not_in(tried)).order_by(Notification.id).limit(1))
        if alur.db.is_postgres:
            query = query.with_for_update(of=Notification, skip_locked=True)
        mail = s.execute(query).first()
        if mail is not None:
            s.execute(update(Notification).where(Notification.id == mail.id).values(emailed_at=alur.clock.now()))
        return mail


def _message(settings, mail) -> bytes:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = mail.email
    text = mail.message_en if mail.locale == "en" else mail.message_id
    message["Subject"] = f"[Alur] {text[:120]}"
    message.set_content(f"{text}\n\n{settings.base_url}/\n")
    return message.as_bytes(policy=email.policy.SMTP)


class _NotTaken(Exception):
    """The mail server surely does not have the message: it refused it (`code`), or the connection
    failed before the message itself was sent (`connection_lost`)."""

    def __init__(self, code: int | None, reason: str, *, connection_lost: bool = False, permanent: bool = False):
        super().__init__(reason)
        self.code, self.reason, self.connection_lost = code, reason, connection_lost
        self.permanent = permanent or (code is not None and code >= 500)


def _deliver(smtp: smtplib.SMTP, settings, mail) -> None:
    """One message, in the SMTP steps that tell "not sent" (`_NotTaken`) from "maybe sent" (any
    other exception: raised only once the message itself may be on its way)."""
    try:
        body = _message(settings, mail)
    except (ValueError, TypeError) as exc:  # an address no message can carry (e.g. a line break in it)
        raise _NotTaken(None, str(exc), permanent=True) from exc
    try:
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(settings.smtp_from)
        if code == 250:
            code, reply = smtp.rcpt(mail.email)
        if code not in (250, 251):
            _reset(smtp)
            raise _NotTaken(code, _text(reply))
    except (OSError, smtplib.SMTPException) as exc:  # before the message: it was not sent
        raise _NotTaken(getattr(exc, "smtp_code", None), str(exc), connection_lost=True) from exc
    try:
        code, reply = smtp.data(body)
    except smtplib.SMTPDataError as exc:  # the server would not take a message: none was sent
        _reset(smtp)
        raise _NotTaken(exc.smtp_code, _text(exc.smtp_error)) from exc
    if code != 250:  # the server has read it and said no
        raise _NotTaken(code, _text(reply))


def _reset(smtp: smtplib.SMTP) -> None:
    try:
        smtp.rset()
    except (OSError, smtplib.SMTPException):
        pass  # the next message's MAIL says whether the connection still works


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _not_taken(alur: Alur, mail, refusal: _NotTaken) -> None:
    with alur.db.transaction() as s:
        if refusal.permanent:
            audit.record(s, alur.clock.now(), "notification.email_refused", agency_id=mail.agency_id,
                         instance_id=mail.instance_id, task_id=mail.task_id,
                         after={"notification_id": mail.id, "code": refusal.code, "reason": refusal.reason[:500]})
        else:  # the next round tries again
            s.execute(update(Notification).where(Notification.id == mail.id).values(emailed_at=None))
    log.warning("e-mail for notification %s not sent (%s): %s", mail.id,
                "refused for good" if refusal.permanent else "will be retried", refusal.reason)


def _unconfirmed(alur: Alur, mail, exc: BaseException) -> None:
    with alur.db.transaction() as s:
        audit.record(s, alur.clock.now(), "notification.email_unconfirmed", agency_id=mail.agency_id,
                     instance_id=mail.instance_id, task_id=mail.task_id,
                     after={"notification_id": mail.id, "error": f"{type(exc).__name__}: {exc}"[:500]})
    log.warning("e-mail for notification %s may or may not have gone out (%s); it is not sent again",
                mail.id, exc)
