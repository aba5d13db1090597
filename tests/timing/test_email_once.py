"""Escalation e-mail goes out at most once per notification, and exactly once when nothing
breaks: across workers running at the same time, and across a connection that dies after the
message went out but before the server said so (as a worker killed there would). A real SMTP
server on loopback (aiosmtpd) receives the mail and misbehaves on request."""
from __future__ import annotations

import email
import socket
import threading
from collections import Counter

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from server.deadlines import scheduler
from server.kernel import notifications
from server.models import Agency, AuditEvent, Notification, User


class Mailbox:
    """What the SMTP server received (recipient, subject), and how it should misbehave."""

    def __init__(self):
        self.received: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.drop_after_data: set[str] = set()  # subjects: keep the message, end the connection unanswered
        self.drop_at_rcpt: set[str] = set()  # addresses: end the connection before the message (once)
        self.refuse_rcpt: dict[str, str] = {}  # address -> the reply (once)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.drop_at_rcpt:
            self.drop_at_rcpt.discard(address)
            server.transport.abort()
            return "250 OK"  # never reaches the client
        if address in self.refuse_rcpt:
            return self.refuse_rcpt.pop(address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        subject = str(email.message_from_bytes(envelope.content)["Subject"])
        with self.lock:
            self.received.append((envelope.rcpt_tos[0], subject))
        if subject in self.drop_after_data:
            self.drop_after_data.discard(subject)
            server.transport.abort()  # the message is here; the client never hears so
        return "250 OK"

    def subjects(self) -> Counter:
        with self.lock:
            return Counter(subject for _, subject in self.received)


@pytest.fixture
def mailbox(seeded):
    box = Mailbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    seeded.settings.smtp_host, seeded.settings.smtp_port = "127.0.0.1", port
    with seeded.db.transaction() as s:
        s.execute(update(User).values(email=User.username + "@contoh.go.id"))
    yield box
    controller.stop()


def _pending(alur, count: int, users: int | None = None) -> list[str]:
    """`count` notifications, each with its own text, to demo users in turn; returns the subjects."""
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).order_by(Agency.id))
        user_ids = s.scalars(select(User.id).order_by(User.id)).all()[:users]
        for i in range(count):
            notifications.notify(s, alur.clock.now(), [user_ids[i % len(user_ids)]], agency_id=agency_id,
                                 kind="overdue", message_id=f"Terlambat: uji {i:03d}", message_en=f"Overdue: test {i:03d}")
    return [f"[Alur] Terlambat: uji {i:03d}" for i in range(count)]


def _address(alur, i: int) -> str:
    with alur.db.transaction() as s:
        return s.scalars(select(User.email).order_by(User.id)).all()[i]


def _audited(alur, action: str) -> list[dict]:
    with alur.db.transaction() as s:
        return s.scalars(select(AuditEvent.after).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()


def _notification_ids(alur) -> list[int]:
    with alur.db.transaction() as s:
        return s.scalars(select(Notification.id).order_by(Notification.id)).all()


def test_two_workers_at_once_send_each_email_exactly_once(seeded, mailbox):
    subjects = _pending(seeded, 200)
    start, sent = threading.Barrier(2), []

    def worker():
        start.wait()
        total = 0
        while (n := notifications.send_pending_email(seeded, limit=100)) > 0:
            total += n
        sent.append(total)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sum(sent) == 200
    received = mailbox.subjects()
    assert set(received) == set(subjects) and set(received.values()) == {1}
    assert notifications.send_pending_email(seeded) == 0


def test_a_connection_lost_after_the_message_went_out_never_sends_it_again(seeded, mailbox):
    """As a worker killed between sending and marking: the message may have arrived, so it stays
    claimed, is recorded, and no later round sends it again."""
    subjects = _pending(seeded, 5, users=5)
    mailbox.drop_after_data.add(subjects[2])
    assert notifications.send_pending_email(seeded) == 2  # the third went out unconfirmed; the round ends
    assert list(mailbox.subjects()) == subjects[:3]
    assert [e["notification_id"] for e in _audited(seeded, "notification.email_unconfirmed")] == \
        [_notification_ids(seeded)[2]]

    assert notifications.send_pending_email(seeded) == 2
    assert notifications.send_pending_email(seeded) == 0
    assert mailbox.subjects() == Counter(subjects)  # every one once, the third included


def test_a_connection_lost_before_the_message_sends_it_in_the_next_round(seeded, mailbox):
    subjects = _pending(seeded, 5, users=5)
    mailbox.drop_at_rcpt.add(_address(seeded, 2))
    assert notifications.send_pending_email(seeded) == 2
    assert list(mailbox.subjects()) == subjects[:2]
    assert notifications.send_pending_email(seeded) == 3  # the third was given back, not lost
    assert mailbox.subjects() == Counter(subjects)
    assert _audited(seeded, "notification.email_unconfirmed") == []


def test_a_refusal_for_now_is_retried_and_a_refusal_for_good_is_recorded(seeded, mailbox):
    subjects = _pending(seeded, 5, users=5)
    mailbox.refuse_rcpt[_address(seeded, 1)] = "450 Kotak surat sibuk"
    mailbox.refuse_rcpt[_address(seeded, 3)] = "550 Tidak ada pengguna ini"
    assert notifications.send_pending_email(seeded) == 3  # the round goes on past both
    assert notifications.send_pending_email(seeded) == 1  # the second, refused for now, goes out
    assert notifications.send_pending_email(seeded) == 0  # the fourth, refused for good, is not retried
    assert mailbox.subjects() == Counter(s for i, s in enumerate(subjects) if i != 3)
    refused = _audited(seeded, "notification.email_refused")
    assert [(e["notification_id"], e["code"]) for e in refused] == [(_notification_ids(seeded)[3], 550)]


def test_a_mail_server_that_is_down_claims_nothing(seeded, mailbox):
    _pending(seeded, 3)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        seeded.settings.smtp_port = probe.getsockname()[1]
    assert scheduler.run_once(seeded)["emails"] == 0  # logged; the round goes on
    with seeded.db.transaction() as s:
        assert s.scalars(select(Notification.emailed_at)).all() == [None] * 3
