"""Time and roles in the conformance report.

Time: a step done an hour after it opened is late by its Waktu (10 minutes) by 50 minutes of
working time, and a step done the next morning counts only office hours; an imported log's due
times come from the official version's Waktu codes.

Roles: who held a lane when, from the holdings of now corrected by the audit trail's grants and
revokes (role_check's rule): granted, did the step, revoked afterwards is no violation; a lane
given outside the trail for the step and granted through Alur only after it is one; a step of
someone who holds the lane neither now nor by the trail is one; a whole membership revoked after
the step was held at the step. An imported log's people are matched by username or display name,
else by its role against the lane, else unknown (not a violation).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete

from server.admin.services import people
from server.audit.services import log_import, report
from server.models import UserRole

from .report_scene import (KEMENPORA, LANES, NAMES, S, actor, complete_as, csv_log, forget, new_member, run,
                           start_kemenpora)

WIB = timezone(timedelta(hours=7))


@pytest.fixture(autouse=True)
def _fresh():
    forget()
    yield
    forget()


def _report(alur):
    return report.sop_report(alur, actor(alur, "inspektorat"), KEMENPORA, agency="kemenpora")


def _case(found, instance_id):
    return next(t for t in found["traces"] if t["instance_id"] == instance_id)


def _imported(alur, data: bytes, name="log.csv", match="auto"):
    log = log_import.read_log(name, data, tz="Asia/Jakarta")
    return report.log_report(alur, actor(alur, "inspektorat"), KEMENPORA, log, agency="kemenpora", match=match)


# --- time ---------------------------------------------------------------------------------------

def test_late_by_a_known_working_time(seeded):
    # the clock: Monday 23 November 2026, 09.30 WIB; office hours 07.30-16.00
    assert seeded.clock.now().astimezone(WIB) == datetime(2026, 11, 23, 9, 30, tzinfo=WIB)
    instance_id = start_kemenpora(seeded)
    seeded.clock.advance(hours=1)
    run(seeded, instance_id, 1)                     # step 1 (10 menit) done at 10.30: 50 minutes late
    seeded.clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=WIB))
    run(seeded, instance_id, 1)                     # step 2 (10 menit), opened 10.30, done Tuesday 08.00
    steps = _case(_report(seeded), instance_id)["time"]
    first, second = steps
    assert first["element_id"] == S[1] and first["activity"] == NAMES[1]
    assert first["on_time"] is False and first["late_seconds"] == 50 * 60 and first["worked_seconds"] == 3600
    assert first["due_at"] == datetime(2026, 11, 23, 9, 40, tzinfo=WIB)
    # due Monday 10.40: late 10.40-16.00 (5 h 20 min) and Tuesday 07.30-08.00 (30 min) of office time
    assert second["on_time"] is False and second["late_seconds"] == (5 * 60 + 20 + 30) * 60
    assert second["worked_seconds"] == (5 * 60 + 30 + 30) * 60
    found = _report(seeded)
    assert found["elements"][S[1]]["waktu"] == "10 menit" and found["elements"][S[1]]["row"] == "1"
    assert found["log"]["late_steps"] == 2 and found["log"]["on_time_ratio"] == 0.0
    assert found["elements"][S[1]]["late"] == 1 and found["elements"][S[1]]["on_time_ratio"] == 0.0
    assert found["log"]["cases_with"]["late"] == 1


def test_on_time_steps_and_the_share_per_step(seeded):
    quick = start_kemenpora(seeded, "Cepat")
    run(seeded, quick, 2)
    slow = start_kemenpora(seeded, "Lambat")
    seeded.clock.advance(minutes=11)
    run(seeded, slow, 1)
    found = _report(seeded)
    assert [s["on_time"] for s in _case(found, quick)["time"]] == [True, True]
    assert _case(found, quick)["time"][0]["late_seconds"] is None
    assert found["elements"][S[1]]["on_time_ratio"] == 0.5 and found["elements"][S[2]]["on_time_ratio"] == 1.0
    assert found["log"]["on_time_ratio"] == pytest.approx(2 / 3)


def test_an_imported_logs_due_times_come_from_the_official_waktu(seeded):
    data = csv_log([("A", NAMES[1], "2026-11-23 09:00", "kemenpora.karo"),
                    ("A", NAMES[2], "2026-11-23 09:30", "kemenpora.pj"),      # 30 min after step 1: 20 late
                    ("A", NAMES[3], "2026-11-23 13:00", "kemenpora.ketua")])  # 1 hari: on time
    case = _imported(seeded, data)["traces"][0]
    first, second, third = case["time"]
    assert first["on_time"] is None and first["worked_seconds"] is None  # no start: nothing to count from
    assert second["on_time"] is False and second["late_seconds"] == 20 * 60 and second["worked_seconds"] == 30 * 60
    assert second["due_at"] == datetime(2026, 11, 23, 9, 10, tzinfo=WIB)
    assert third["on_time"] is True


def test_an_imported_logs_start_events_start_the_clock(seeded):
    xes = f"""<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <trace><string key="concept:name" value="K-1"/>
    <event><string key="concept:name" value="{NAMES[1]}"/><string key="lifecycle:transition" value="start"/>
      <date key="time:timestamp" value="2026-11-23T09:00:00+07:00"/></event>
    <event><string key="concept:name" value="{NAMES[1]}"/><string key="lifecycle:transition" value="complete"/>
      <date key="time:timestamp" value="2026-11-23T09:25:00+07:00"/></event>
  </trace>
</log>""".encode()
    [step] = _imported(seeded, xes, "log.xes")["traces"][0]["time"]
    assert step["worked_seconds"] == 25 * 60 and step["on_time"] is False and step["late_seconds"] == 15 * 60


# --- roles --------------------------------------------------------------------------------------

def _at_step_3(alur) -> int:
    instance_id = start_kemenpora(alur)
    run(alur, instance_id, 2)
    return instance_id


def _step_3_role(alur, instance_id) -> dict:
    return next(r for r in _case(_report(alur), instance_id)["roles"] if r["element_id"] == S[3])


def test_granted_did_the_step_then_revoked_is_no_violation(seeded):
    new_member(seeded, "kemenpora.ketua2", "Ketua Kedua")
    instance_id = _at_step_3(seeded)
    seeded.clock.advance(minutes=1)
    people.grant(seeded, "kemenpora.ketua2", "kemenpora", [LANES["ketua"]])
    seeded.clock.advance(minutes=1)
    complete_as(seeded, instance_id, "kemenpora.ketua2")
    seeded.clock.advance(minutes=1)
    people.revoke(seeded, "kemenpora.ketua2", "kemenpora", [LANES["ketua"]])
    role = _step_3_role(seeded, instance_id)
    assert role["person"]["username"] == "kemenpora.ketua2" and role["lane"] == LANES["ketua"]
    assert role["held"] is True and role["basis"] == "history"  # not held now, but held then


def test_a_lane_granted_only_after_the_step_is_a_violation(seeded):
    """The lane was given outside the trail for the step (as a database edit would) and taken
    away again the same way; Alur granted it only afterwards. The trail's first word on it is
    that later grant: at the step it was not held, whatever the holdings of now say."""
    user_id = new_member(seeded, "kemenpora.ketua3", "Ketua Ketiga", [LANES["ketua"]])
    instance_id = _at_step_3(seeded)
    complete_as(seeded, instance_id, "kemenpora.ketua3")
    with seeded.db.transaction() as s:
        s.execute(delete(UserRole).where(UserRole.user_id == user_id))
    seeded.clock.advance(hours=1)
    people.grant(seeded, "kemenpora.ketua3", "kemenpora", [LANES["ketua"]])
    role = _step_3_role(seeded, instance_id)
    assert role["held"] is False and role["basis"] == "history"
    found = _report(seeded)
    assert found["log"]["role_violations"] == 1 and found["elements"][S[3]]["role_violations"] == 1
    assert found["log"]["cases_with"]["roles"] == 1


def test_a_step_by_someone_who_never_held_the_lane_by_any_record_is_a_violation(seeded):
    user_id = new_member(seeded, "kemenpora.tamu", "Tamu", [LANES["ketua"]])
    instance_id = _at_step_3(seeded)
    complete_as(seeded, instance_id, "kemenpora.tamu")
    with seeded.db.transaction() as s:
        s.execute(delete(UserRole).where(UserRole.user_id == user_id))
    assert _step_3_role(seeded, instance_id)["held"] is False


def test_a_whole_membership_revoked_after_the_step_was_held_at_the_step(seeded):
    new_member(seeded, "kemenpora.ketua4", "Ketua Keempat", [LANES["ketua"]])
    instance_id = _at_step_3(seeded)
    complete_as(seeded, instance_id, "kemenpora.ketua4")
    seeded.clock.advance(minutes=1)
    people.revoke(seeded, "kemenpora.ketua4", "kemenpora")  # every lane, the membership with them
    role = _step_3_role(seeded, instance_id)
    assert role["held"] is True and role["person"]["username"] == "kemenpora.ketua4"


def test_an_imported_logs_people_by_username_name_or_role(seeded):
    data = csv_log([("A", NAMES[1], "2026-11-23 09:00", "kemenpora.karo", ""),                       # username
                    ("A", NAMES[2], "2026-11-23 09:05", "Ketua Tim Publikasi (kemenpora)", ""),      # wrong lane
                    ("A", NAMES[3], "2026-11-23 09:10", "Budi", LANES["ketua"]),                     # by org:role
                    ("A", NAMES[4], "2026-11-23 09:15", "Sari", LANES["karo"]),                      # role differs
                    ("A", NAMES[5], "2026-11-23 09:20", "Joko", "")])                                # nothing known
    roles = _imported(seeded, data)["traces"][0]["roles"]
    assert [(r["held"], r["basis"]) for r in roles] == [(True, "history"), (False, "history"), (True, "role_name"),
                                                       (False, "role_name"), (None, "unknown")]
    assert roles[1]["person"]["username"] == "kemenpora.ketua"
