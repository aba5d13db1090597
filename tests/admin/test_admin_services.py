"""The Admin Instansi's operations: only their own agency, its users' lanes and agency roles,
their accounts, and its calendar; never another agency's, never their own way out."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from server import demo
from server.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from server.kernel import accounts, calendars
from server.models import AuditEvent, HumanTask, User
from server.admin.services import account_control, calendar_days, members, scope, staff
from server.work.services import inbox, tasks

from ..conftest import DEMO_PASSWORD

KEMENPORA_SOP = "kemenpora_publikasi_media_sosial"


def _actor(alur, username, password=DEMO_PASSWORD):
    return accounts.authenticate(alur, username, password)


@pytest.fixture
def admin(seeded):
    return _actor(seeded, "kemenpora.admin_instansi")


def _task_claimed_by_anggota(alur):
    """A kemenpora instance at step 4 (the Anggota Tim Publikasi lane), claimed by kemenpora.anggota."""
    demo.drive(alur, KEMENPORA_SOP, 3)
    anggota = _actor(alur, "kemenpora.anggota")
    task_id = inbox.list_tasks(alur, anggota, "claimable")["items"][0]["id"]
    tasks.claim(alur, anggota, task_id)
    return task_id


def _assignee(alur, task_id):
    with alur.db.transaction() as s:
        return s.scalar(select(HumanTask.assignee_id).where(HumanTask.id == task_id))


# --- one agency only ------------------------------------------------------------------------------

def test_an_admin_of_kemenpora_can_neither_list_nor_change_bsip(seeded, admin):
    alur = seeded
    refused = [
        lambda: staff.overview(alur, admin, "bsip"),
        lambda: staff.member(alur, admin, "bsip", "bsip.staf"),
        lambda: staff.lane_choices(alur, admin, "bsip"),
        lambda: members.add(alur, admin, "bsip", "sari", "Sari", lanes=["Pelaksana/Staf"]),
        lambda: members.set_roles(alur, admin, "bsip", "bsip.staf", ["Pelaksana/Staf", "Ketua Tim Kerja Humas"], []),
        lambda: account_control.set_active(alur, admin, "bsip", "bsip.staf", False),
        lambda: account_control.reset_password(alur, admin, "bsip", "bsip.staf"),
        lambda: calendar_days.overview(alur, admin, "bsip"),
        lambda: calendar_days.add_day(alur, admin, "bsip", "2026-11-27", "off"),
        lambda: calendar_days.set_week(alur, admin, "bsip", ["0", "1"], "08:00", "15:00"),
    ]
    for attempt in refused:
        with pytest.raises(Forbidden):
            attempt()
    assert staff.member(alur, _actor(alur, "bsip.admin_instansi"), "bsip", "bsip.staf")["user"]["lanes"] == [
        "Pelaksana/Staf"]  # unchanged
    assert _actor(alur, "bsip.staf").username == "bsip.staf"  # still active, same password


def test_another_agencys_user_is_not_found_through_ones_own_agency(seeded, admin):
    with pytest.raises(NotFound):
        staff.member(seeded, admin, "kemenpora", "bsip.staf")
    with pytest.raises(NotFound):
        members.set_roles(seeded, admin, "kemenpora", "bsip.staf", ["Anggota Tim Publikasi"], [])
    with pytest.raises(NotFound):
        account_control.reset_password(seeded, admin, "kemenpora", "bsip.staf")
    with pytest.raises(NotFound):
        staff.overview(seeded, admin, "tidak-ada")
    assert "kemenpora" not in _actor(seeded, "bsip.staf").roles  # the failed grant did not make them a member


def test_only_the_admin_instansi_manages_the_agency(seeded):
    for username in ("kemenpora.karo", "kemenpora.pengawas", "kemenpora.pemilik", "inspektorat"):
        with pytest.raises(Forbidden):
            staff.overview(seeded, _actor(seeded, username), "kemenpora")
    assert not scope.administers_any(_actor(seeded, "kemenpora.karo"))
    with pytest.raises(Forbidden):
        scope.agencies(seeded, _actor(seeded, "kemenpora.karo"))
    admin = _actor(seeded, "kemenpora.admin_instansi")
    assert scope.administers_any(admin)
    assert scope.agencies(seeded, admin) == [{"slug": "kemenpora", "name": demo.AGENCIES[0][1]}]


# --- the list -------------------------------------------------------------------------------------

def test_the_overview_lists_the_agencys_users_with_lanes_and_agency_roles(seeded, admin):
    listing = staff.overview(seeded, admin, "kemenpora")
    by_name = {u["username"]: u for u in listing["users"]}
    assert set(by_name) == {"kemenpora.anggota", "kemenpora.ketua", "kemenpora.pj", "kemenpora.karo",
                            "kemenpora.pemilik", "kemenpora.pengawas", "kemenpora.auditor",
                            "kemenpora.admin_instansi", "inspektorat"}
    assert listing["members"] == 9
    assert by_name["kemenpora.anggota"]["lanes"] == ["Anggota Tim Publikasi"]
    assert by_name["kemenpora.admin_instansi"]["agency_roles"] == ["admin_instansi"]
    assert by_name["inspektorat"]["agency_roles"] == ["auditor"]  # only what they are in kemenpora
    assert all(u["active"] for u in listing["users"])

    found = staff.overview(seeded, admin, "kemenpora", "ANGGOTA")
    assert [u["username"] for u in found["users"]] == ["kemenpora.anggota"] and found["members"] == 9
    assert staff.overview(seeded, admin, "kemenpora", "%")["users"] == []  # a wildcard is a plain character


# --- adding users ---------------------------------------------------------------------------------

def test_adding_a_user_with_lanes_and_roles_hands_out_a_working_password(seeded, admin):
    added = members.add(seeded, admin, "kemenpora", "sari.wulandari", " Sari Wulandari ", email="sari@kemenpora.go.id",
                        lanes=["Anggota Tim Publikasi"], agency_roles=["pengawas"])
    sari = _actor(seeded, "sari.wulandari", added["password"])
    assert sari.display_name == "Sari Wulandari"
    assert sari.roles == {"kemenpora": ["Anggota Tim Publikasi"]}
    assert sari.agency_roles == {"kemenpora": ["pengawas"]}
    with seeded.db.transaction() as s:
        actors = s.scalars(select(AuditEvent.actor_id).where(AuditEvent.action.in_(["user.added", "user.granted"]))
                           .order_by(AuditEvent.id.desc()).limit(2)).all()
    assert actors == [admin.id, admin.id]


def test_every_problem_of_a_new_user_is_reported_at_once_and_nothing_is_created(seeded, admin):
    with pytest.raises(InvalidInput) as refused:
        members.add(seeded, admin, "kemenpora", "Sari Wulan", " ", email="bukan-surel",
                    lanes=["Ketua Tim Kerja Humas"], agency_roles=["raja"])  # a lane of bsip, a made-up role
    assert set(refused.value.fields) == {"username", "display_name", "email", "lanes", "agency_roles"}
    with pytest.raises(InvalidInput) as taken:
        members.add(seeded, admin, "kemenpora", "bsip.staf", "Sudah Ada")
    assert set(taken.value.fields) == {"username"}
    with seeded.db.transaction() as s:
        assert s.scalar(select(User.id).where(User.username.in_(["Sari Wulan", "sari wulan"]))) is None
    assert staff.overview(seeded, admin, "kemenpora")["members"] == 9


# --- lanes and agency roles -----------------------------------------------------------------------

def test_granting_and_revoking_lanes_and_agency_roles(seeded, admin):
    done = members.set_roles(seeded, admin, "kemenpora", "kemenpora.anggota",
                             ["Anggota Tim Publikasi", "Ketua Tim Publikasi"], ["auditor"])
    assert done["added"] == {"lanes": ["Ketua Tim Publikasi"], "agency_roles": ["auditor"]}
    assert done["removed"] == {"lanes": [], "agency_roles": []}
    anggota = _actor(seeded, "kemenpora.anggota")
    assert anggota.roles["kemenpora"] == ["Anggota Tim Publikasi", "Ketua Tim Publikasi"]
    assert anggota.agency_roles["kemenpora"] == ["auditor"]

    done = members.set_roles(seeded, admin, "kemenpora", "kemenpora.anggota", ["Ketua Tim Publikasi"], [])
    assert done["removed"] == {"lanes": ["Anggota Tim Publikasi"], "agency_roles": ["auditor"]}
    member = staff.member(seeded, admin, "kemenpora", "kemenpora.anggota")["user"]
    assert member["lanes"] == ["Ketua Tim Publikasi"] and member["agency_roles"] == []
    assert members.set_roles(seeded, admin, "kemenpora", "kemenpora.anggota", ["Ketua Tim Publikasi"], [])[
        "added"] == {"lanes": [], "agency_roles": []}


def test_revoking_a_lane_gives_its_claimed_task_back_to_the_team(seeded, admin):
    task_id = _task_claimed_by_anggota(seeded)
    assert _assignee(seeded, task_id) is not None
    done = members.set_roles(seeded, admin, "kemenpora", "kemenpora.anggota", [], [])
    assert done["released_tasks"] == 1
    assert _assignee(seeded, task_id) is None


def test_a_lane_that_is_not_the_agencys_is_refused(seeded, admin):
    with pytest.raises(InvalidInput) as refused:
        members.set_roles(seeded, admin, "kemenpora", "kemenpora.anggota", ["Pelaksana/Staf"], [])
    assert "lanes" in refused.value.fields
    assert staff.member(seeded, admin, "kemenpora", "kemenpora.anggota")["user"]["lanes"] == ["Anggota Tim Publikasi"]


# --- accounts -------------------------------------------------------------------------------------

def test_deactivating_ends_sign_in_and_gives_claimed_tasks_back(seeded, admin):
    task_id = _task_claimed_by_anggota(seeded)
    done = account_control.set_active(seeded, admin, "kemenpora", "kemenpora.anggota", False)
    assert done["released_tasks"] == 1 and _assignee(seeded, task_id) is None
    with pytest.raises(Unauthenticated):
        _actor(seeded, "kemenpora.anggota")
    listed = {u["username"]: u for u in staff.overview(seeded, admin, "kemenpora")["users"]}
    assert listed["kemenpora.anggota"]["active"] is False  # still listed, as deactivated
    account_control.set_active(seeded, admin, "kemenpora", "kemenpora.anggota", True)
    assert _actor(seeded, "kemenpora.anggota").username == "kemenpora.anggota"


def test_a_password_reset_hands_out_a_new_password(seeded, admin):
    ketua = _actor(seeded, "kemenpora.ketua")
    token, _ = accounts.issue_token(seeded, ketua)
    password = account_control.reset_password(seeded, admin, "kemenpora", "kemenpora.ketua")
    assert _actor(seeded, "kemenpora.ketua", password).username == "kemenpora.ketua"
    with pytest.raises(Unauthenticated):
        _actor(seeded, "kemenpora.ketua")  # the old password is gone
    with pytest.raises(Unauthenticated):
        accounts.actor_for_token(seeded, token)  # and the API tokens with it
    with seeded.db.transaction() as s:
        event = s.execute(select(AuditEvent.actor_id, AuditEvent.after)
                          .where(AuditEvent.action == "auth.password_changed")).one()
    assert event.actor_id == admin.id and event.after == {"user_id": ketua.id}


def test_an_admin_cannot_lock_themselves_out(seeded, admin):
    with pytest.raises(InvalidInput) as refused:
        members.set_roles(seeded, admin, "kemenpora", "kemenpora.admin_instansi", [], [])
    assert "Admin Instansi Anda sendiri" in refused.value.fields["agency_roles"][0]["id"]
    with pytest.raises(account_control.Refused):
        account_control.set_active(seeded, admin, "kemenpora", "kemenpora.admin_instansi", False)
    with pytest.raises(account_control.Refused):
        account_control.reset_password(seeded, admin, "kemenpora", "kemenpora.admin_instansi")
    assert _actor(seeded, "kemenpora.admin_instansi").agency_roles == {"kemenpora": ["admin_instansi"]}
    # Taking on a lane while keeping the role is fine.
    members.set_roles(seeded, admin, "kemenpora", "kemenpora.admin_instansi", ["Anggota Tim Publikasi"],
                      ["admin_instansi"])
    # Another admin of the agency may take the role away.
    members.set_roles(seeded, admin, "kemenpora", "kemenpora.pengawas", [], ["pengawas", "admin_instansi"])
    other = _actor(seeded, "kemenpora.pengawas")
    members.set_roles(seeded, other, "kemenpora", "kemenpora.admin_instansi", [], [])
    assert not scope.administers_any(_actor(seeded, "kemenpora.admin_instansi"))


def test_an_account_shared_with_another_agency_is_not_one_agencys_to_switch_off(seeded, admin):
    """inspektorat audits every agency: kemenpora's admin must not take it over or lock it out."""
    member = staff.member(seeded, admin, "kemenpora", "inspektorat")
    assert member["works_elsewhere"] is True
    with pytest.raises(account_control.Refused):
        account_control.reset_password(seeded, admin, "kemenpora", "inspektorat")
    with pytest.raises(account_control.Refused):
        account_control.set_active(seeded, admin, "kemenpora", "inspektorat", False)
    assert _actor(seeded, "inspektorat").username == "inspektorat"
    # Its roles in kemenpora are kemenpora's business.
    members.set_roles(seeded, admin, "kemenpora", "inspektorat", [], ["auditor", "pengawas"])
    assert _actor(seeded, "inspektorat").agency_roles["kemenpora"] == ["auditor", "pengawas"]


# --- the calendar ---------------------------------------------------------------------------------

def test_calendar_days_are_added_listed_and_removed(seeded, admin):
    alur = seeded  # the test clock stands on Monday 23 November 2026
    calendar_days.add_day(alur, admin, "kemenpora", "2026-11-27", "off", "Hari jadi instansi")
    calendar_days.add_day(alur, admin, "kemenpora", "2026-11-28", "work", "Sabtu pengganti")
    found = calendar_days.overview(alur, admin, "kemenpora")
    assert found["today"] == date(2026, 11, 23)
    assert found["days"] == [{"day": date(2026, 11, 27), "kind": "off", "note": "Hari jadi instansi"},
                             {"day": date(2026, 11, 28), "kind": "work", "note": "Sabtu pengganti"}]
    assert found["holidays"] and all(h["day"] >= date(2026, 11, 23) for h in found["holidays"])
    with alur.db.transaction() as s:
        kemenpora = scope.managed(s, admin, "kemenpora").id
    with alur.db.connection() as conn:
        calendar = calendars.calendar_for(conn, kemenpora)
    assert not calendar.is_working_day(date(2026, 11, 27)) and calendar.is_working_day(date(2026, 11, 28))

    assert calendar_days.remove_day(alur, admin, "kemenpora", "2026-11-27") == date(2026, 11, 27)
    assert [d["day"] for d in calendar_days.overview(alur, admin, "kemenpora")["days"]] == [date(2026, 11, 28)]
    with pytest.raises(NotFound):
        calendar_days.remove_day(alur, admin, "kemenpora", "2026-11-27")
    bsip_admin = _actor(alur, "bsip.admin_instansi")
    assert calendar_days.overview(alur, bsip_admin, "bsip")["days"] == []  # one agency's days only


@pytest.mark.parametrize("day,kind,note,fields", [
    ("2026-11-20", "off", "", {"day"}),             # in the past
    ("2026-11-29", "off", "", {"day"}),             # a Sunday is off already
    ("2026-11-24", "work", "", {"day"}),            # a Tuesday is a working day already
    ("27-11-2026", "off", "", {"day"}),
    ("2026-11-27", "maybe", "x" * 301, {"kind", "note"}),
])
def test_a_day_that_would_change_nothing_or_is_malformed_is_refused(seeded, admin, day, kind, note, fields):
    with pytest.raises(InvalidInput) as refused:
        calendar_days.add_day(seeded, admin, "kemenpora", day, kind, note)
    assert set(refused.value.fields) == fields
    assert calendar_days.overview(seeded, admin, "kemenpora")["days"] == []


def test_the_working_week_and_office_hours(seeded, admin):
    assert calendar_days.overview(seeded, admin, "kemenpora")["week"] == calendar_days.DEFAULT_WEEK
    with pytest.raises(InvalidInput) as refused:
        calendar_days.set_week(seeded, admin, "kemenpora", [], "16:00", "07:30")
    assert set(refused.value.fields) == {"workdays", "closes"}
    with pytest.raises(InvalidInput) as refused:
        calendar_days.set_week(seeded, admin, "kemenpora", ["0", "9"], "7.30", "16:00")
    assert set(refused.value.fields) == {"workdays", "opens"}
    calendar_days.set_week(seeded, admin, "kemenpora", ["0", "1", "2", "3", "4", "5"], "08:00", "14:00")
    assert calendar_days.overview(seeded, admin, "kemenpora")["week"] == {
        "workdays": [0, 1, 2, 3, 4, 5], "opens": "08:00", "closes": "14:00"}
    # A Saturday is now a working day: marking it as one changes nothing, as a day off it does.
    with pytest.raises(InvalidInput):
        calendar_days.add_day(seeded, admin, "kemenpora", "2026-11-28", "work")
    calendar_days.add_day(seeded, admin, "kemenpora", "2026-11-28", "off")
