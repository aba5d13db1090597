"""Bringing a new agency and its staff into Alur, and taking roles away again, without leaving
a task waiting on someone who can no longer do it."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from server.models import ApiToken, AuditEvent, HumanTask, User
from server.kernel import accounts
from server.modeling.services import deployment
from server.work.services import inbox, instances, processes, tasks
from server.admin.services import people

from .test_deployment import _diagram

KOMINFO = "diskominfo-balikpapan"


@pytest.fixture
def agency_with_sop(seeded):
    people.add_agency(seeded, KOMINFO, "Dinas Komunikasi dan Informatika Kota Balikpapan", "Asia/Makassar")
    deployment.deploy(seeded, _diagram(), "uji.bpmn", agency_slug=KOMINFO)  # one lane: "Admin Medsos"
    return seeded


def _claimed_task(alur, password):
    me = accounts.authenticate(alur, "sari", password)
    started = instances.start(alur, me, "uji", {})
    task_id = started["open_tasks"][0]["id"]
    tasks.claim(alur, me, task_id)
    return me, task_id


def _assignee(alur, task_id):
    with alur.db.transaction() as s:
        return s.scalar(select(HumanTask.assignee_id).where(HumanTask.id == task_id))


def test_a_new_agency_and_its_first_user_work_from_the_start(agency_with_sop):
    alur = agency_with_sop
    assert [a for a in people.list_agencies(alur) if a["slug"] == KOMINFO] == [
        {"slug": KOMINFO, "name": "Dinas Komunikasi dan Informatika Kota Balikpapan", "timezone": "Asia/Makassar",
         "roles": ["Admin Medsos"]}]
    password = people.add_user(alur, "sari", "Sari Wulandari", agency=KOMINFO, roles=["Admin Medsos"])
    sari = accounts.authenticate(alur, "sari", password)
    assert [p["key"] for p in processes.list_processes(alur, sari)] == ["uji"]
    me, task_id = _claimed_task(alur, password)
    assert _assignee(alur, task_id) == me.id
    assert inbox.list_tasks(alur, me, "mine")["total"] == 1


def test_a_role_no_lane_uses_is_refused_and_nothing_is_created(agency_with_sop):
    alur = agency_with_sop
    with pytest.raises(InvalidInput) as refused:
        people.add_user(alur, "sari", "Sari Wulandari", agency=KOMINFO, roles=["Admin Medsoss"])
    assert "Peran yang ada: Pemilik Proses; Pengawas; Auditor; Admin Instansi; Admin Medsos." in refused.value.message_id
    with alur.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(User).where(User.username == "sari")) == 0


@pytest.mark.parametrize("slug,name,zone,error", [
    ("Dinas Kominfo", "Dinas", "Asia/Jakarta", InvalidInput),
    ("diskominfo-x", "Dinas", "Europe/Berlin", InvalidInput),
    ("diskominfo-x", " ", "Asia/Jakarta", InvalidInput),
    ("bsip", "Lagi", "Asia/Jakarta", Conflict),
])
def test_bad_agencies_are_refused(seeded, slug, name, zone, error):
    with pytest.raises(error):
        people.add_agency(seeded, slug, name, zone)


def test_bad_users_and_unknown_names_are_refused(agency_with_sop):
    alur = agency_with_sop
    for username in ("Sari", "s", "sari wulan"):
        with pytest.raises(InvalidInput):
            people.add_user(alur, username, "Sari")
    with pytest.raises(InvalidInput):
        people.add_user(alur, "bsip.staf", "Sudah ada")
    with pytest.raises(NotFound):
        people.grant(alur, "tidak.ada", KOMINFO, ["Admin Medsos"])
    with pytest.raises(NotFound):
        people.add_user(alur, "sari", "Sari", agency="tidak-ada")


def test_taking_the_role_away_gives_the_claimed_task_back_to_the_team(agency_with_sop):
    alur = agency_with_sop
    password = people.add_user(alur, "sari", "Sari Wulandari", agency=KOMINFO, roles=["Admin Medsos"])
    _, task_id = _claimed_task(alur, password)
    done = people.revoke(alur, "sari", KOMINFO, ["Admin Medsos"])
    assert done["roles"] == [] and done["released_tasks"] == 1
    assert _assignee(alur, task_id) is None
    sari = accounts.authenticate(alur, "sari", password)
    assert processes.list_processes(alur, sari)[0]["startable"] is False  # still a member, no lane

    people.revoke(alur, "sari", KOMINFO)  # leaves the agency altogether
    assert processes.list_processes(alur, accounts.authenticate(alur, "sari", password)) == []


def test_a_deactivated_user_cannot_sign_in_and_their_work_goes_back(agency_with_sop):
    alur = agency_with_sop
    password = people.add_user(alur, "sari", "Sari Wulandari", agency=KOMINFO, roles=["Admin Medsos"])
    me, task_id = _claimed_task(alur, password)
    accounts.issue_token(alur, me)
    assert people.set_active(alur, "sari", False)["released_tasks"] == 1
    with pytest.raises(Unauthenticated):
        accounts.authenticate(alur, "sari", password)
    assert accounts.actor_by_id(alur, me.id) is None  # open browser sessions end too
    with alur.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.user_id == me.id)) == 0
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["task.released", "user.deactivated", "auth.failed"]
    people.set_active(alur, "sari", True)
    assert accounts.authenticate(alur, "sari", password).username == "sari"
