"""A supervisor's actions on an instance: suspend, resume, cancel, retry, assign. Each is audited
with its reason; a refused one changes nothing (the rows, the engine state and the audit trail are
compared before and after); the clock is moved, never waited for."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.deadlines import scheduler, timers
from server.errors import Conflict
from server.files import samples
from server.formschema.samples import sample_submission
from server.kernel import accounts
from server.kernel.actors import load_actor
from server.models import Agency, AuditEvent, HumanTask, Notification, ProcessInstance, User
from server.modeling.services import deployment
from server.monitoring.services import steering
from server.work.services import attachments, instances, tasks

from ..services.test_deployment import _diagram

KEY = "kemenpora_publikasi_media_sosial"
LANE = "Penanggungjawab Bidang Kehumasan"
WHY = {"reason": "Menunggu surat dari Biro Hukum"}


def _actor(alur, username):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def _case(alur, title="Publikasi Hari Olahraga Nasional") -> tuple[int, int]:
    """A Kemenpora instance waiting at step 2 (lane: Penanggungjawab); its id and its open task's id."""
    karo = _actor(alur, "kemenpora.karo")
    document = attachments.upload(alur, karo, io.BytesIO(samples.pdf()), "permohonan.pdf", agency="kemenpora")
    started = instances.start(alur, karo, KEY, {"judul": title, "asal_permohonan": "Internal",
                                                "dokumen_permohonan": [document["id"]]})
    first = started["open_tasks"][0]
    form = tasks.get_task(alur, karo, first["id"])["form"]
    tasks.complete(alur, karo, first["id"], sample_submission(form, files=lambda accept, n: [], today=None))
    task = instances.get(alur, karo, started["id"])["open_tasks"][0]
    assert task["lane"] == LANE
    return started["id"], task["id"]


def _snapshot(alur, instance_id: int) -> dict:
    """Everything an action on the instance could change: its row (engine state included), its
    task rows, its audit events and notifications. (A refused request may still leave an
    access-denied event of its own, outside the instance; other instances the scheduler starts
    are not counted.)"""
    with alur.db.transaction() as s:
        row = s.execute(select(ProcessInstance.__table__).where(ProcessInstance.id == instance_id)).one()
        rows = s.execute(select(HumanTask.__table__).where(HumanTask.instance_id == instance_id)
                         .order_by(HumanTask.id)).all()
        return {"instance": tuple(row), "tasks": [tuple(r) for r in rows],
                "audit": s.scalar(select(func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.instance_id == instance_id)),
                "notifications": s.scalar(select(func.count()).select_from(Notification)
                                          .where(Notification.instance_id == instance_id))}


def _status(alur, instance_id):
    with alur.db.transaction() as s:
        return s.execute(select(ProcessInstance.status, ProcessInstance.next_due_at, ProcessInstance.ended_at,
                                ProcessInstance.error_message).where(ProcessInstance.id == instance_id)).one()


def _audit(alur, instance_id, action):
    with alur.db.transaction() as s:
        return s.scalars(select(AuditEvent).where(AuditEvent.instance_id == instance_id, AuditEvent.action == action)
                         .order_by(AuditEvent.id)).all()


def _second_lane_holder(alur, username="kemenpora.pj2"):
    with alur.db.transaction() as s:
        kemenpora = s.scalar(select(Agency.id).where(Agency.slug == "kemenpora"))
        user = accounts.create_user(s, alur.clock.now(), username, "PJ Kedua", password_hash="x")
        accounts.add_member(s, user.id, kemenpora, [LANE])
        return user.id


def test_suspend_holds_the_case_and_resume_lets_it_go_on(seeded, login):
    instance_id, task_id = _case(seeded)
    with seeded.db.transaction() as s:
        due_at = s.scalar(select(HumanTask.due_at).where(HumanTask.id == task_id))
    pengawas, pj = login("kemenpora.pengawas"), login("kemenpora.pj")

    r = pengawas.post(f"/instances/{instance_id}/suspend", json=WHY)
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"id": instance_id, "status": "suspended"}
    [event] = _audit(seeded, instance_id, "instance.suspended")
    assert event.before == {"status": "running"}
    assert event.after == {"status": "suspended", "reason": WHY["reason"]}

    # staff: the task stays listed (and readable) but cannot be claimed or completed
    frozen = _snapshot(seeded, instance_id)
    [listed] = [t for t in pj.get("/tasks?scope=claimable").get_json()["items"] if t["id"] == task_id]
    assert listed["instance_status"] == "suspended"  # the inbox says why it cannot be taken
    view = pj.get(f"/tasks/{task_id}").get_json()
    assert view["instance_status"] == "suspended" and view["may_act"] is False
    for path, body in ((f"/tasks/{task_id}/claim", None), (f"/tasks/{task_id}/complete", {"data": {}})):
        r = pj.post(path, json=body)
        assert r.status_code == 409, (path, r.get_json())
        assert "ditangguhkan" in r.get_json()["message_id"]
    assert _snapshot(seeded, instance_id) == frozen

    # its task's due time passes: the scheduler escalates nothing
    seeded.clock.set(due_at + timedelta(days=3))
    assert scheduler.run_once(seeded)["escalated"] == 0
    assert _snapshot(seeded, instance_id) == frozen

    # (the API's tokens have expired by now: the services themselves)
    answer = steering.resume(seeded, _actor(seeded, "kemenpora.pengawas"), instance_id, "Surat sudah ada")
    assert answer == {"id": instance_id, "status": "running"}
    [event] = _audit(seeded, instance_id, "instance.resumed")
    assert (event.before, event.after) == ({"status": "suspended"}, {"status": "running", "reason": "Surat sudah ada"})
    with seeded.db.transaction() as s:  # due times are kept, not shifted by the suspension
        assert s.scalar(select(HumanTask.due_at).where(HumanTask.id == task_id)) == due_at
    assert scheduler.run_once(seeded)["escalated"] == 1  # the next round: the overdue task escalates
    assert tasks.claim(seeded, _actor(seeded, "kemenpora.pj"), task_id)["assignee_id"] is not None


def test_no_timer_fires_while_suspended_and_a_due_one_fires_after_resume(seeded):
    alur = seeded
    instance_id = timers.start_scheduled(alur, "nomporejo_laporan_website", "nomporejo")  # its start timer waits
    due = _status(alur, instance_id).next_due_at
    assert due is not None
    pengawas = _actor(alur, "nomporejo.pengawas")
    steering.suspend(alur, pengawas, instance_id, "Data belum lengkap")
    frozen = _snapshot(alur, instance_id)
    alur.clock.set(due + timedelta(hours=1))
    assert scheduler.run_once(alur)["timers"] == 0
    assert _snapshot(alur, instance_id) == frozen
    assert not _audit(alur, instance_id, "timer.fired")

    steering.resume(alur, pengawas, instance_id, "Data lengkap")
    assert _status(alur, instance_id).next_due_at == due  # kept: due at the next round
    assert scheduler.run_once(alur)["timers"] == 1
    assert len(_audit(alur, instance_id, "timer.fired")) == 1
    _engine_agrees_with_rows(alur, instance_id)


def test_cancel_ends_the_case_and_its_tasks(seeded, login):
    instance_id, task_id = _case(seeded)
    pengawas, pj = login("kemenpora.pengawas"), login("kemenpora.pj")
    r = pengawas.post(f"/instances/{instance_id}/cancel", json={"reason": "Permohonan ditarik"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"id": instance_id, "status": "cancelled", "cancelled_tasks": [task_id]}
    state = _status(seeded, instance_id)
    assert state.status == "cancelled" and state.ended_at == seeded.clock.now() and state.next_due_at is None
    with seeded.db.transaction() as s:
        assert s.execute(select(HumanTask.state, HumanTask.completed_at).where(HumanTask.id == task_id)).one() \
            == ("cancelled", seeded.clock.now())
    [event] = _audit(seeded, instance_id, "instance.cancelled")
    assert event.before == {"status": "running"}
    assert event.after["status"] == "cancelled" and event.after["reason"] == "Permohonan ditarik"
    assert event.after["cancelled_tasks"] == [task_id]
    assert not _audit(seeded, instance_id, "instance.completed")
    _engine_agrees_with_rows(seeded, instance_id)

    # nothing can be done on it afterwards, and trying changes nothing
    ended = _snapshot(seeded, instance_id)
    r = pj.post(f"/tasks/{task_id}/complete", json={"data": {}})
    assert r.status_code == 409 and "dibatalkan" in r.get_json()["message_id"]
    assert pj.post(f"/tasks/{task_id}/claim").status_code == 409
    for action in ("suspend", "resume", "cancel", "retry"):
        assert pengawas.post(f"/instances/{instance_id}/{action}", json=WHY).status_code == 409, action
    assert pengawas.post(f"/tasks/{task_id}/assign", json={"username": None, **WHY}).status_code == 409
    seeded.clock.advance(days=30)
    assert scheduler.run_once(seeded)["timers"] == 0
    assert _snapshot(seeded, instance_id) == ended
    assert instances.get(seeded, _actor(seeded, "kemenpora.karo"), instance_id)["status"] == "cancelled"


def _engine_agrees_with_rows(alur, instance_id):
    """The engine's ready user tasks are exactly the open task rows; an ended instance has none."""
    from server.kernel.versions import version_info, xml_loader
    with alur.db.transaction() as s:
        instance = s.get(ProcessInstance, instance_id)
        info = version_info(s, instance.version_id)
        run = alur.engine.resume(info.id, info.process_id, xml_loader(s, info.id), instance.engine_state)
        open_rows = set(s.scalars(select(HumanTask.engine_task_id).where(HumanTask.instance_id == instance_id,
                                                                          HumanTask.state == "ready")))
        status = instance.status
    assert {t.id for t in run.ready_user_tasks()} == open_rows
    if status in ("cancelled", "completed"):
        assert run.completed and not open_rows and run.next_timer_due() is None
    return status


def test_assign_to_another_lane_holder_and_release_to_the_lane(seeded, login):
    instance_id, task_id = _case(seeded)
    other_id = _second_lane_holder(seeded)
    pengawas, pj = login("kemenpora.pengawas"), login("kemenpora.pj")
    assert pj.post(f"/tasks/{task_id}/claim").status_code == 200

    r = pengawas.post(f"/tasks/{task_id}/assign", json={"username": "kemenpora.pj2", "reason": "PJ sedang cuti"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"id": task_id, "state": "ready", "assignee_id": other_id, "assignee": "kemenpora.pj2"}
    [event] = _audit(seeded, instance_id, "task.assigned")
    pj_id = _actor(seeded, "kemenpora.pj").id
    assert (event.task_id, event.before, event.after) == (
        task_id, {"assignee": pj_id}, {"assignee": other_id, "reason": "PJ sedang cuti"})
    other = _actor(seeded, "kemenpora.pj2")
    from server.work.services import inbox
    assert [t["id"] for t in inbox.list_tasks(seeded, other, "mine")["items"]] == [task_id]  # "Tugas saya"
    assert task_id not in [t["id"] for t in pj.get("/tasks?scope=mine").get_json()["items"]]
    with seeded.db.transaction() as s:
        told = s.scalars(select(Notification).where(Notification.user_id == other_id)).all()
    assert [n.kind for n in told] == ["assigned"] and "PJ sedang cuti" in told[0].message_id
    # the former holder can no longer complete it
    assert pj.post(f"/tasks/{task_id}/complete", json={"data": {}}).status_code == 409

    r = pengawas.post(f"/tasks/{task_id}/assign", json={"username": None, "reason": "Siapa pun yang sempat"})
    assert r.status_code == 200 and r.get_json()["assignee_id"] is None
    assert len(_audit(seeded, instance_id, "task.unassigned")) == 1
    assert task_id in [t["id"] for t in pj.get("/tasks?scope=claimable").get_json()["items"]]
    assert inbox.list_tasks(seeded, other, "mine")["items"] == []


@pytest.mark.parametrize("who,setup,action,body,status", [
    ("kemenpora.pengawas", None, "resume", WHY, 409),                       # not suspended
    ("kemenpora.pengawas", None, "retry", WHY, 409),                        # not in error
    ("kemenpora.pengawas", "suspend", "suspend", WHY, 409),                 # already suspended
    ("kemenpora.pengawas", "cancel", "suspend", WHY, 409),                  # cancelled
    ("kemenpora.pengawas", "cancel", "resume", WHY, 409),
    ("kemenpora.pengawas", "cancel", "cancel", WHY, 409),
    ("kemenpora.pengawas", "cancel", "retry", WHY, 409),
    ("kemenpora.pengawas", None, "suspend", {"reason": "   "}, 422),        # blank reason
    ("kemenpora.pengawas", None, "cancel", {}, 422),                        # no reason
    ("kemenpora.pengawas", None, "cancel", {"reason": "x" * 1001}, 422),    # too long
    ("kemenpora.pengawas", None, "cancel", {"reason": 5}, 422),
    ("kemenpora.pj", None, "cancel", WHY, 403),                             # staff of the lane
    ("kemenpora.karo", None, "suspend", WHY, 403),                          # the starter
    ("kemenpora.auditor", None, "cancel", WHY, 403),                        # reads, never steers
    ("bsip.pengawas", None, "cancel", WHY, 403),                            # another agency's Pengawas
    ("kemenpora.pengawas", None, "assign:kemenpora.anggota", WHY, 422),     # does not hold the lane
    ("kemenpora.pengawas", None, "assign:nobody.here", WHY, 422),           # no such user
    ("kemenpora.pengawas", None, "assign:bsip.pengawas", WHY, 422),         # another agency's user
    ("kemenpora.pengawas", None, "assign:", WHY, 422),                      # no username key
    ("kemenpora.pengawas", None, "assign:null", WHY, 409),                  # nobody to release it from
    ("kemenpora.pengawas", "cancel", "assign:kemenpora.pj", WHY, 409),      # the task was cancelled
    ("kemenpora.pengawas", "complete", "assign:kemenpora.pj", WHY, 409),    # a done task (step 1)
    ("kemenpora.auditor", None, "assign:kemenpora.pj", WHY, 403),
    ("kemenpora.pj", None, "assign:kemenpora.pj", WHY, 403),
])
def test_a_refused_action_changes_nothing(seeded, login, who, setup, action, body, status):
    instance_id, task_id = _case(seeded)
    pengawas = login("kemenpora.pengawas")
    if setup in ("suspend", "cancel"):
        assert pengawas.post(f"/instances/{instance_id}/{setup}", json=WHY).status_code == 200
    if setup == "complete":  # step 1's task, done before the scene began
        with seeded.db.transaction() as s:
            task_id = s.scalar(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                          HumanTask.state == "completed"))
    before = _snapshot(seeded, instance_id)
    if action.startswith("assign:"):
        username = action.split(":", 1)[1]
        payload = dict(body) if username == "" else {**body, "username": None if username == "null" else username}
        r = login(who).post(f"/tasks/{task_id}/assign", json=payload)
    else:
        r = login(who).post(f"/instances/{instance_id}/{action}", json=body)
    assert r.status_code == status, r.get_json()
    answer = r.get_json()
    assert answer["message_id"] and answer["message_en"] and answer["message_id"] != answer["message_en"]
    assert _snapshot(seeded, instance_id) == before


def test_unknown_ids_are_404(seeded, login):
    pengawas = login("kemenpora.pengawas")
    for action in ("suspend", "resume", "cancel", "retry"):
        assert pengawas.post(f"/instances/999999/{action}", json=WHY).status_code == 404
    assert pengawas.post("/tasks/999999/assign", json={"username": None, **WHY}).status_code == 404


def test_retry_runs_an_instance_in_error_again_from_its_last_good_state(seeded):
    # the gateway after the decision reads `catatan`, which the form does not require: a decision
    # sent without it stops the instance (the completion is rolled back)
    deployment.deploy(seeded, _diagram(condition='keputusan == "Terima" and catatan != ""'), "uji.bpmn",
                      agency_slug="dki-ksd")
    admin, pengawas = _actor(seeded, "dki.admin"), _actor(seeded, "dki.pengawas")
    started = instances.start(seeded, admin, "uji", {})
    task_id = started["open_tasks"][0]["id"]
    with pytest.raises(Conflict):
        tasks.complete(seeded, admin, task_id, {"keputusan": "Terima"})
    state = _status(seeded, started["id"])
    assert state.status == "error" and "catatan" in state.error_message
    with pytest.raises(Conflict, match="on an error"):  # staff cannot go on while it is in error
        tasks.complete(seeded, admin, task_id, {"keputusan": "Terima", "catatan": "lengkap"})

    # a redeploy does not move it: retry stays on the instance's own version
    deployment.deploy(seeded, _diagram(), "uji.bpmn", agency_slug="dki-ksd")
    answer = steering.retry(seeded, pengawas, started["id"], "Data dilengkapi")
    assert answer["status"] == "running" and answer["open_tasks"] == []  # its task was still open
    state = _status(seeded, started["id"])
    assert state.status == "running" and state.error_message is None
    [event] = _audit(seeded, started["id"], "instance.retried")
    assert event.before["status"] == "error" and "catatan" in event.before["error"]
    assert event.after["reason"] == "Data dilengkapi"
    _engine_agrees_with_rows(seeded, started["id"])
    # the corrected data goes through on the old version's condition
    done = tasks.complete(seeded, admin, task_id, {"keputusan": "Terima", "catatan": "lengkap"})
    assert done["instance"]["status"] == "completed"
    # a completed instance is not retried
    with pytest.raises(Conflict):
        steering.retry(seeded, pengawas, started["id"], "lagi")


def test_the_instance_page_and_my_requests_say_suspended_and_cancelled(app, seeded):
    from ..web.test_pages import Browser
    instance_id, _ = _case(seeded)
    other_id, _ = _case(seeded, "Publikasi kedua")
    pengawas = _actor(seeded, "kemenpora.pengawas")
    steering.suspend(seeded, pengawas, instance_id, "Menunggu surat")
    steering.cancel(seeded, pengawas, other_id, "Ditarik")
    karo = Browser(app, "kemenpora.karo")
    assert "Ditangguhkan oleh Pengawas" in karo.get(f"/instans/{instance_id}").get_data(as_text=True)
    assert "Dibatalkan oleh Pengawas" in karo.get(f"/instans/{other_id}").get_data(as_text=True)
    listed = karo.get("/permohonan").get_data(as_text=True)
    assert "Ditangguhkan oleh Pengawas" in listed and "Dibatalkan oleh Pengawas" in listed
