"""Due dates from the SOP's Waktu on the working-day calendar; overdue tasks escalate once,
in the app and by e-mail (to a real SMTP server on loopback); the clock is moved, never waited for."""
from __future__ import annotations

import socket
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from server.models import AuditEvent, HumanTask, Notification, User
from server.kernel import notifications
from server.deadlines import scheduler

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def _task(alur, element_id):
    with alur.db.transaction() as s:
        return s.scalars(select(HumanTask).where(HumanTask.element_id == element_id)
                         .order_by(HumanTask.id.desc())).first()


def test_due_dates_follow_the_sops_waktu_on_working_days(seeded, login):
    # Friday 14 August 2026, 15.00 WIB; Monday 17 August is Independence Day.
    seeded.clock.set(wib(2026, 8, 14, 15, 0))
    admin = login("dki.admin")
    r = admin.post("/processes/dki_ksd_pengelolaan_media_sosial/instances", json={"data": {
        "judul": "Ucapan HUT RI", "jenis_konten": "Infografis ucapan", "tanggal_kegiatan": "2026-08-17"}})
    assert r.status_code == 201
    # "sebelum atau hari H" of a holiday: the end of the next working day
    assert _task(seeded, "s01_serahkan_konsep_dokumentasi").due_at == wib(2026, 8, 18, 16, 0)

    r = admin.post("/processes/dki_ksd_pengelolaan_media_sosial/instances", json={"data": {
        "judul": "Rencana rapat", "jenis_konten": "Infografis rencana kegiatan", "tanggal_kegiatan": "2026-08-24"}})
    # "minimal 3 hari sebelum kegiatan dimulai": 3 working days before Monday 24 August
    assert _task(seeded, "s01_serahkan_konsep_dokumentasi").due_at == wib(2026, 8, 19, 16, 0)

    karo = login("kemenpora.karo")
    doc = karo.upload(__import__("server.files.samples", fromlist=["pdf"]).pdf(), "surat.pdf")
    r = karo.post("/processes/kemenpora_publikasi_media_sosial/instances", json={"data": {
        "judul": "Publikasi HUT RI", "asal_permohonan": "Internal", "dokumen_permohonan": [doc]}})
    task = _task(seeded, "s01_disposisi_pembuatan_konten")
    assert task.due_at == wib(2026, 8, 14, 15, 10)  # "10 menit" of office time
    item = karo.get(f"/tasks/{task.id}").get_json()
    assert datetime.fromisoformat(item["due_at"]) == wib(2026, 8, 14, 15, 10)

    seeded.clock.set(wib(2026, 8, 14, 15, 55))
    from server.formschema.samples import sample_submission

    data = sample_submission(item["form"], files=lambda accept, n: [doc] * n)
    assert karo.post(f"/tasks/{task.id}/complete", json={"data": data}).status_code == 200
    # "10 menit" from 15.55 on Friday: 5 minutes today, 5 after the long weekend
    assert _task(seeded, "s02_perintahkan_pembahasan_konsep").due_at == wib(2026, 8, 18, 7, 35)


@pytest.fixture
def smtp_server():
    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            received.append(envelope)
            return "250 OK"

    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def test_an_overdue_task_escalates_once_in_app_and_by_email(seeded, login, smtp_server):
    port, received = smtp_server
    seeded.settings.smtp_host, seeded.settings.smtp_port = "127.0.0.1", port
    with seeded.db.transaction() as s:
        s.execute(update(User).values(email=User.username + "@contoh.go.id"))
    seeded.clock.set(wib(2026, 11, 23, 9, 0))  # Monday
    staf = login("bsip.staf")
    r = staf.post("/processes/bsip_informasi_media_sosial/instances", json={"data": {"judul": "Hari Tani"}})
    task_id = r.get_json()["open_tasks"][0]["id"]
    task = _task(seeded, "s01_rencanakan_materi")
    assert task.due_at == wib(2026, 11, 23, 11, 0)  # "120 menit"

    assert scheduler.run_once(seeded) == {"started": 0, "timers": 0, "escalated": 0, "emails": 0}  # not yet
    seeded.clock.set(wib(2026, 11, 23, 11, 1))
    # the task's tenggat marker is Alur's, not the engine's: the due-time sweep escalates it
    assert scheduler.run_once(seeded) == {"started": 0, "timers": 0, "escalated": 1, "emails": 2}
    assert scheduler.run_once(seeded) == {"started": 0, "timers": 0, "escalated": 0, "emails": 0}  # once only
    item = staf.get("/tasks?scope=claimable").get_json()["items"][0]
    assert item["id"] == task_id and item["overdue"] is True
    seeded.clock.advance(days=3)
    assert scheduler.run_once(seeded)["escalated"] == 0
    seeded.clock.set(wib(2026, 11, 23, 11, 5))

    with seeded.db.transaction() as s:
        told = s.execute(select(User.username, Notification.message_id).join(User)
                         .where(Notification.task_id == task_id)).all()
        escalations = s.scalars(select(AuditEvent.after)
                                .where(AuditEvent.action == "task.escalated", AuditEvent.task_id == task_id)).all()
    assert sorted(u for u, _ in told) == ["bsip.katim", "bsip.staf"]  # the lane, and the approver's lane
    assert [e["by"] for e in escalations] == ["due_at"]
    assert "melewati tenggat 23-11-2026 11.00 WIB" in told[0][1]
    assert sorted(e.rcpt_tos[0] for e in received) == ["bsip.katim@contoh.go.id", "bsip.staf@contoh.go.id"]
    assert "Terlambat" in received[0].content.decode()

    assert notifications.unread(seeded, _actor(seeded, "bsip.staf"))["unread"] == 1
    seeded.clock.set(wib(2026, 11, 23, 11, 5))  # the API token is still valid
    listed = staf.get("/notifications").get_json()
    assert listed["unread"] == 1 and listed["items"][0]["message"].startswith("Terlambat: langkah 1")


def test_a_task_past_its_stored_due_time_is_swept_up_once(seeded, login):
    """The sweep goes by the stored due time (a due time moved earlier counts), and tells once."""
    seeded.clock.set(wib(2026, 11, 23, 9, 0))
    staf = login("bsip.staf")
    task_id = staf.post("/processes/bsip_informasi_media_sosial/instances",
                        json={"data": {"judul": "Hari Tani"}}).get_json()["open_tasks"][0]["id"]
    with seeded.db.transaction() as s:
        s.execute(update(HumanTask).where(HumanTask.id == task_id).values(due_at=wib(2026, 11, 23, 8, 0)))
    assert scheduler.run_once(seeded)["escalated"] == 1
    assert scheduler.run_once(seeded)["escalated"] == 0
    seeded.clock.set(wib(2026, 11, 23, 11, 1))  # past the Waktu's own due time too: nothing more
    assert scheduler.run_once(seeded) == {"started": 0, "timers": 0, "escalated": 0, "emails": 0}
    with seeded.db.transaction() as s:
        causes = s.scalars(select(AuditEvent.after).where(AuditEvent.action == "task.escalated")).all()
    assert [c["by"] for c in causes] == ["due_at"]


def test_an_assigned_task_tells_its_assignee_not_the_whole_lane(seeded, login):
    seeded.clock.set(wib(2026, 11, 23, 9, 0))
    staf = login("bsip.staf")
    task_id = staf.post("/processes/bsip_informasi_media_sosial/instances",
                        json={"data": {"judul": "Hari Tani"}}).get_json()["open_tasks"][0]["id"]
    assert staf.post(f"/tasks/{task_id}/claim").status_code == 200
    seeded.clock.set(wib(2026, 11, 24, 9, 0))
    scheduler.run_once(seeded)
    with seeded.db.transaction() as s:
        told = s.scalars(select(User.username).join(Notification).where(Notification.task_id == task_id)).all()
    assert sorted(told) == ["bsip.katim", "bsip.staf"]


def _actor(alur, username):
    from server.kernel.actors import load_actor

    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))
