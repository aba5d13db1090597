"""The scheduler: monthly reports start themselves, pre-filled; timers fire exactly once with two
workers; what fell due while Alur was down fires when it comes back."""
from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from server.models import AuditEvent, HumanTask, ProcessInstance, ProcessModel, ProcessSchedule
from server import demo
from server.deadlines import scheduler, timers
from server.work.services import tasks
from server.kernel.actors import load_actor
from server.models import User

WIB = ZoneInfo("Asia/Jakarta")


def wib(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


def _schedule(alur, key):
    with alur.db.transaction() as s:
        return s.scalar(select(ProcessSchedule.next_at).join(ProcessModel).where(ProcessModel.key == key))


def test_the_monthly_report_starts_itself_in_week_one_prefilled(alur):
    alur.clock.set(wib(2026, 11, 2, 8, 0))  # deployed on Monday 2 November 2026
    demo.load(alur, with_instances=False)
    # December 2026 week 1: Tuesday 1 December is the first working day
    assert _schedule(alur, "nomporejo_laporan_media_sosial") == wib(2026, 12, 1, 7, 30)

    alur.clock.set(wib(2026, 11, 10, 9, 0))
    demo.drive(alur, "nomporejo_konten_media_sosial", steps=99, title="Posyandu Bayeman")
    demo.drive(alur, "nomporejo_konten_website", steps=99, title="Kerja bakti Sidorejo")
    assert scheduler.run_once(alur)["started"] == 0

    alur.clock.set(wib(2026, 12, 1, 7, 30, 1))
    assert scheduler.run_once(alur)["started"] == 2
    assert scheduler.run_once(alur)["started"] == 0  # once per period
    assert _schedule(alur, "nomporejo_laporan_media_sosial") == wib(2027, 1, 4, 7, 30)  # 1 Jan is a holiday...

    with alur.db.transaction() as s:
        report = s.scalars(select(HumanTask).where(HumanTask.element_id == "s06_laporkan_analitik")).one()
        admin = load_actor(s, s.scalar(select(User.id).where(User.username == "nomporejo.admin_medsos")))
    detail = tasks.get_task(alur, admin, report.id)
    assert detail["instance_title"].endswith("2026-11")
    prefilled = detail["draft"]
    assert prefilled["bulan"] == "2026-11"
    assert [item["judul"] for item in prefilled["daftar_konten"]] == ["Posyandu Bayeman"]
    assert prefilled["daftar_konten"][0]["tautan"].startswith("https://")


def test_timers_missed_while_down_fire_at_start(alur):
    alur.clock.set(wib(2026, 11, 2, 8, 0))
    demo.load(alur, with_instances=False)
    alur.clock.set(wib(2027, 2, 15, 9, 0))  # Alur was down from November to mid-February
    started = scheduler.run_once(alur)["started"]
    assert started == 2 * 3  # December, January and February, for both reports
    with alur.db.transaction() as s:
        titles = sorted(s.scalars(select(ProcessInstance.title)).all())
    assert titles[:3] == ["Laporan Bulanan Media Sosial 2026-11", "Laporan Bulanan Media Sosial 2026-12",
                          "Laporan Bulanan Media Sosial 2027-01"]


def test_two_workers_fire_each_of_500_timers_exactly_once(seeded):
    alur = seeded
    count = 500
    alur.clock.set(wib(2026, 11, 23, 9, 0))
    ids = [timers.start_scheduled(alur, "nomporejo_laporan_website", "nomporejo") for _ in range(count)]
    with alur.db.transaction() as s:
        alur.clock.set(s.scalar(select(func.max(ProcessInstance.next_due_at))))
    alur.clock.advance(seconds=1)
    barrier = threading.Barrier(2)
    fired = {"a": 0, "b": 0}

    def worker(name):
        barrier.wait()
        idle = 0
        while idle < 2:  # stop after two empty rounds: the other worker may still hold a batch
            moved = timers.fire_due(alur, limit=25)
            fired[name] += moved
            idle = idle + 1 if moved == 0 else 0

    threads = [threading.Thread(target=worker, args=(n,)) for n in fired]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fired["a"] + fired["b"] == count
    with alur.db.transaction() as s:
        per_instance = dict(s.execute(select(AuditEvent.instance_id, func.count())
                                      .where(AuditEvent.action == "timer.fired").group_by(AuditEvent.instance_id)).all())
        reports = s.scalar(select(func.count()).select_from(HumanTask)
                           .where(HumanTask.element_id == "s05_laporkan_analitik", HumanTask.state == "ready"))
    assert per_instance == {i: 1 for i in ids}
    assert reports == count


class _StopAtFirstPause(threading.Event):
    """Stands in for the stop signal: the loop ends at its first pause between rounds."""

    def wait(self, timeout=None):
        self.set()
        return True


def test_a_backlog_is_worked_off_back_to_back_then_the_loop_pauses(seeded):
    alur = seeded
    alur.clock.set(wib(2026, 11, 23, 9, 0))
    count = scheduler.TIMER_BATCH * 2 + 50
    for _ in range(count):
        timers.start_scheduled(alur, "nomporejo_laporan_website", "nomporejo")
    with alur.db.transaction() as s:
        alur.clock.set(s.scalar(select(func.max(ProcessInstance.next_due_at))))
    alur.clock.advance(seconds=1)

    first = scheduler.run_once(alur)
    assert first["timers"] == scheduler.TIMER_BATCH and scheduler.more_waiting(first)

    scheduler.run_forever(alur, interval=3600, stop=_StopAtFirstPause())
    with alur.db.transaction() as s:
        fired = s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "timer.fired"))
    assert fired == count  # the rounds of 100 and 50 ran back to back: a pause would have ended the loop
    assert not scheduler.more_waiting(scheduler.run_once(alur))
