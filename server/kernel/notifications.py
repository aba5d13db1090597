"""Telling people: in-app notifications, and e-mail when an SMTP server is configured."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage

from sqlalchemy import func, select, update

from ..models import Notification, Role, User, UserRole
from .actors import Actor
from .context import Alur


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
    """Mails the notifications not mailed yet, to users with an address; needs ALUR_SMTP_HOST."""
    settings = alur.settings
    if not settings.smtp_host:
        return 0
    with alur.db.transaction() as s:
        rows = s.execute(select(Notification.id, Notification.message_id, Notification.message_en, User.email,
                                User.display_name, User.locale)
                         .join(User, User.id == Notification.user_id)
                         .where(Notification.emailed_at.is_(None), User.email.is_not(None))
                         .order_by(Notification.id).limit(limit)).all()
    if not rows:
        return 0
    sent = []
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for row in rows:
            message = EmailMessage()
            message["From"] = settings.smtp_from
            message["To"] = row.email
            text = row.message_en if row.locale == "en" else row.message_id
            message["Subject"] = f"[Alur] {text[:120]}"
            message.set_content(f"{text}\n\n{settings.base_url}/\n")
            smtp.send_message(message)
            sent.append(row.id)
    with alur.db.transaction() as s:
        s.execute(update(Notification).where(Notification.id.in_(sent)).values(emailed_at=alur.clock.now()))
    return len(sent)
