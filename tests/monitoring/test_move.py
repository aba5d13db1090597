"""A supervisor moves a running case to another step (POST /instances/{id}/move): back to redo a
step, forward past one done outside Alur. One audited engine step: the open task row of the step
left is cancelled, the target's row opens with a fresh due time from its Waktu, the engine state
and the task rows agree, and the case runs on to its end. A refused move changes nothing (the
instance row with its engine state, its task rows, audit events and notifications are compared
before and after). The clock is moved, never waited for."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.deadlines import scheduler
from server.errors import Conflict, Forbidden, InvalidInput
from server.kernel import trail
from server.kernel.due_times import due_time
from server.kernel.versions import version_info
from server.models import HumanTask, Notification, ProcessInstance
from server.monitoring.services import moving, steering
from server.sop.ordering import sop_order
from server.work.services import instances

from ..walking import actor, do_open_task, open_task, start_kemenpora
from .test_steering import _audit, _engine_agrees_with_rows, _snapshot, _status

S = {n: f"s0{n}_" + rest for n, rest in enumerate(
    ["", "disposisi_pembuatan_konten", "perintahkan_pembahasan_konsep", "bahas_konsep_konten", "produksi_konten",
     "sampaikan_hasil_produksi", "putuskan_persetujuan", "perintahkan_publikasi", "publikasi_dan_laporan"])}
WHY = "Konsep perlu dibahas ulang bersama Biro Hukum"


def _at_step(alur, n: int) -> int:
    """A Kemenpora case whose steps before n are done; waiting at step n."""
    instance_id = start_kemenpora(alur)
    for _ in range(n - 1):
        do_open_task(alur, instance_id)
    assert open_task(alur, instance_id).element_id == S[n]
    return instance_id


def _rows(alur, instance_id):
    with alur.db.transaction() as s:
        return s.execute(select(HumanTask.id, HumanTask.element_id, HumanTask.state, HumanTask.created_at,
                                HumanTask.completed_at, HumanTask.due_at, HumanTask.completed_by_id)
                         .where(HumanTask.instance_id == instance_id).order_by(HumanTask.id)).all()


def _run_to_the_end(alur, instance_id, limit=20) -> list[str]:
    done = []
    for _ in range(limit):
        if _status(alur, instance_id).status != "running":
            return done
        done.append(do_open_task(alur, instance_id))
    raise AssertionError(done)


def _fresh_due(alur, instance_id, element_id):
    """The due time a task of `element_id` opened now would get from its SOP Waktu."""
    with alur.db.transaction() as s:
        instance = s.get(ProcessInstance, instance_id)
        info = version_info(s, instance.version_id)
        return due_time(s, alur.clock.now(), instance.agency_id, instance_id, info.step(element_id), {})


def test_pengawas_moves_a_case_back_to_step_3_and_it_runs_to_the_end(seeded, login):
    instance_id = _at_step(seeded, 6)
    old = open_task(seeded, instance_id)
    step3_doer = next(r.completed_by_id for r in _rows(seeded, instance_id) if r.element_id == S[3])
    seeded.clock.advance(hours=2)
    data_before = instances.get(seeded, actor(seeded, "kemenpora.karo"), instance_id)["data"]

    r = login("kemenpora.pengawas").post(f"/instances/{instance_id}/move",
                                         json={"to_element": S[3], "reason": WHY})
    assert r.status_code == 200, r.get_json()
    answer = r.get_json()
    [opened] = answer["open_tasks"]
    assert answer["id"] == instance_id and answer["status"] == "running"
    assert opened["element_id"] == S[3] and opened["name"] == "Melakukan pembahasan konsep konten"

    rows = {row.id: row for row in _rows(seeded, instance_id)}
    now = seeded.clock.now()
    assert (rows[old.id].state, rows[old.id].completed_at, rows[old.id].completed_by_id) == ("cancelled", now, None)
    new = rows[opened["id"]]
    assert (new.element_id, new.state, new.created_at) == (S[3], "ready", now)
    assert new.due_at is not None and new.due_at > now and new.due_at == _fresh_due(seeded, instance_id, S[3])
    assert [r.element_id for r in rows.values() if r.state == "ready"] == [S[3]]

    [event] = _audit(seeded, instance_id, "instance.moved")
    assert event.before == {"status": "running", "at": [S[6]]}
    assert event.after == {"to": S[3], "reason": WHY, "opened": [S[3]]}
    assert event.actor_id == actor(seeded, "kemenpora.pengawas").id
    _engine_agrees_with_rows(seeded, instance_id)
    # the instance keeps what it knew; whoever did step 3 is told it is theirs again
    assert instances.get(seeded, actor(seeded, "kemenpora.karo"), instance_id)["data"] == data_before
    with seeded.db.transaction() as s:
        told = s.scalars(select(Notification).where(Notification.instance_id == instance_id,
                                                    Notification.kind == "moved")).all()
    assert [(n.user_id, n.task_id) for n in told] == [(step3_doer, opened["id"])]
    assert WHY in told[0].message_id and WHY in told[0].message_en
    # Alur's own record of the path: step 3 reached again, by no flow
    with seeded.db.transaction() as s:
        assert trail.passages(s, instance_id)[-1]["element_id"] == S[3]
        assert trail.passages(s, instance_id)[-1]["flow_id"] is None
        assert trail.visits(s, instance_id)[S[3]] == 2

    assert _run_to_the_end(seeded, instance_id) == [S[3], S[4], S[5], S[6], S[7], S[8]]
    state = _status(seeded, instance_id)
    assert state.status == "completed"
    assert _engine_agrees_with_rows(seeded, instance_id) == "completed"


def test_forward_past_a_step_done_outside_alur(seeded):
    instance_id = _at_step(seeded, 2)
    pengawas = actor(seeded, "kemenpora.pengawas")
    answer = moving.move(seeded, pengawas, instance_id, S[4], "Langkah 2 dan 3 sudah dilakukan lewat surat")
    assert [t["element_id"] for t in answer["open_tasks"]] == [S[4]]
    [event] = _audit(seeded, instance_id, "instance.moved")
    assert event.before == {"status": "running", "at": [S[2]]}
    with seeded.db.transaction() as s:  # nobody did step 4 before: nobody is told
        assert not s.scalars(select(Notification).where(Notification.kind == "moved")).all()
    _engine_agrees_with_rows(seeded, instance_id)
    assert _run_to_the_end(seeded, instance_id) == [S[4], S[5], S[6], S[7], S[8]]


def test_the_moved_case_gets_a_fresh_due_time_and_the_overdue_sweep_follows_it(seeded):
    instance_id = _at_step(seeded, 2)
    old = open_task(seeded, instance_id)
    seeded.clock.set(old.due_at + timedelta(hours=1))  # step 2 is overdue, not yet swept
    answer = moving.move(seeded, actor(seeded, "kemenpora.pengawas"), instance_id, S[3], "Lanjut")
    [opened] = answer["open_tasks"]
    with seeded.db.transaction() as s:
        new_due = s.scalar(select(HumanTask.due_at).where(HumanTask.id == opened["id"]))
        assert s.scalar(select(HumanTask.state).where(HumanTask.id == old.id)) == "cancelled"
    assert new_due == _fresh_due(seeded, instance_id, S[3]) and new_due > seeded.clock.now()
    assert scheduler.run_once(seeded)["escalated"] == 0  # the cancelled task is not escalated, the new one is not due
    seeded.clock.set(new_due + timedelta(minutes=1))
    assert scheduler.run_once(seeded)["escalated"] == 1
    [event] = _audit(seeded, instance_id, "task.escalated")
    assert event.task_id == opened["id"]


def test_targets_are_the_other_steps_in_sop_order(seeded):
    instance_id = _at_step(seeded, 6)
    listed = moving.targets(seeded, actor(seeded, "kemenpora.pengawas"), instance_id)
    assert [t["element_id"] for t in listed] == [S[n] for n in (1, 2, 3, 4, 5, 7, 8)]
    assert [t["sop_no"] for t in listed] == ["1", "2", "3", "4", "5", "7", "8"]
    assert listed[2] == {"element_id": S[3], "name": "Melakukan pembahasan konsep konten", "sop_no": "3",
                         "lane": "Ketua Tim Publikasi"}
    assert moving.targets(seeded, actor(seeded, "kemenpora.auditor"), instance_id) == listed  # reads
    with pytest.raises(Forbidden):
        moving.targets(seeded, actor(seeded, "bsip.pengawas"), instance_id)
    steering.suspend(seeded, actor(seeded, "kemenpora.pengawas"), instance_id, "Tunggu")
    assert moving.targets(seeded, actor(seeded, "kemenpora.pengawas"), instance_id) == []


def test_sop_order_sorts_numbers_by_value():
    assert sorted(["10", "2", "", "3a", "3", "1"], key=sop_order) == ["1", "2", "3", "3a", "10", ""]


@pytest.mark.parametrize("who,setup,body,status", [
    ("kemenpora.auditor", None, {"to_element": S[3], "reason": WHY}, 403),       # reads, never steers
    ("kemenpora.pj", None, {"to_element": S[3], "reason": WHY}, 403),            # staff holding the lane
    ("kemenpora.karo", None, {"to_element": S[3], "reason": WHY}, 403),          # the starter
    ("bsip.pengawas", None, {"to_element": S[3], "reason": WHY}, 403),           # another agency's Pengawas
    ("kemenpora.pengawas", "suspend", {"to_element": S[3], "reason": WHY}, 409),
    ("kemenpora.pengawas", "cancel", {"to_element": S[3], "reason": WHY}, 409),
    ("kemenpora.pengawas", None, {"to_element": S[2], "reason": WHY}, 409),      # the step it is at
    ("kemenpora.pengawas", None, {"to_element": "tidak_ada", "reason": WHY}, 422),
    ("kemenpora.pengawas", None, {"to_element": "g06_disetujui", "reason": WHY}, 422),  # a gateway
    ("kemenpora.pengawas", None, {"to_element": "selesai_dipublikasikan", "reason": WHY}, 422),
    ("kemenpora.pengawas", None, {"to_element": "   ", "reason": WHY}, 422),
    ("kemenpora.pengawas", None, {"to_element": 3, "reason": WHY}, 422),
    ("kemenpora.pengawas", None, {"reason": WHY}, 422),                          # no target
    ("kemenpora.pengawas", None, {"to_element": S[3], "reason": "  "}, 422),     # blank reason
    ("kemenpora.pengawas", None, {"to_element": S[3]}, 422),                     # no reason
])
def test_a_refused_move_changes_nothing(seeded, login, who, setup, body, status):
    instance_id = _at_step(seeded, 2)
    if setup:
        getattr(steering, setup)(seeded, actor(seeded, "kemenpora.pengawas"), instance_id, "Persiapan")
    before = _snapshot(seeded, instance_id)
    r = login(who).post(f"/instances/{instance_id}/move", json=body)
    assert r.status_code == status, r.get_json()
    answer = r.get_json()
    assert answer["message_id"] and answer["message_en"] and answer["message_id"] != answer["message_en"]
    if setup == "suspend":
        assert "ditangguhkan" in answer["message_id"]
    assert _snapshot(seeded, instance_id) == before
    assert _status(seeded, instance_id).status == ({"suspend": "suspended", "cancel": "cancelled"}.get(setup)
                                                   or "running")


def test_a_completed_case_is_not_moved_and_unknown_ids_are_404(seeded, login):
    instance_id = _at_step(seeded, 2)
    pengawas = actor(seeded, "kemenpora.pengawas")
    moving.move(seeded, pengawas, instance_id, S[8], "Sudah dipublikasikan lewat jalur lain")
    _run_to_the_end(seeded, instance_id)
    before = _snapshot(seeded, instance_id)
    with pytest.raises(Conflict, match="already completed"):
        moving.move(seeded, pengawas, instance_id, S[3], WHY)
    assert _snapshot(seeded, instance_id) == before
    r = login("kemenpora.pengawas").post("/instances/999999/move", json={"to_element": S[3], "reason": WHY})
    assert r.status_code == 404
    with pytest.raises(InvalidInput):
        moving.move(seeded, pengawas, instance_id, None, WHY)


def test_a_case_moved_back_and_forth_stays_consistent(seeded):
    instance_id = _at_step(seeded, 3)
    pengawas = actor(seeded, "kemenpora.pengawas")
    for target in (S[1], S[7], S[5]):
        moving.move(seeded, pengawas, instance_id, target, f"ke {target}")
        _engine_agrees_with_rows(seeded, instance_id)
        assert [r.element_id for r in _rows(seeded, instance_id) if r.state == "ready"] == [target]
    assert len(_audit(seeded, instance_id, "instance.moved")) == 3
    assert _run_to_the_end(seeded, instance_id) == [S[5], S[6], S[7], S[8]]
