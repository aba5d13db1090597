"""An SOP's event log out of Alur (XES and CSV through the API, the export page) checked against
the task rows it comes from, and read back by Alur's own import."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from server.audit.services import event_log, log_csv
from server.audit.services.log_import import read_log
from server.kernel.versions import version_info
from server.models import HumanTask, ProcessInstance, User, UserRole
from server.monitoring.services import steering
from server.work.services import tasks

from ..conftest import DEMO_PASSWORD
from ..walking import KEMENPORA, actor, do_open_task, open_task, start_kemenpora


@pytest.fixture
def cases(seeded):
    """Three Kemenpora cases started on three days: A did steps 1 and 2 and waits at step 3,
    claimed; B waits at step 1; C was cancelled by the Pengawas at step 2."""
    alur = seeded
    a = start_kemenpora(alur, "Kasus A")
    alur.clock.advance(minutes=7)
    do_open_task(alur, a)
    alur.clock.advance(minutes=20)
    do_open_task(alur, a)
    alur.clock.advance(minutes=3)
    third = open_task(alur, a)
    holder = _holder(alur, third.role_id)
    tasks.claim(alur, actor(alur, holder), third.id)
    alur.clock.advance(days=1)
    b = start_kemenpora(alur, "Kasus B")
    alur.clock.advance(days=1)
    c = start_kemenpora(alur, "Kasus C")
    alur.clock.advance(minutes=5)
    do_open_task(alur, c)
    alur.clock.advance(minutes=5)
    steering.cancel(alur, actor(alur, "kemenpora.pengawas"), c, "Uji batal")
    return {"a": a, "b": b, "c": c, "claimer": holder}


def _holder(alur, role_id: int) -> str:
    with alur.db.transaction() as s:
        return s.scalar(select(User.username).join(UserRole, UserRole.user_id == User.id)
                        .where(UserRole.role_id == role_id).order_by(User.id))


def _expected(alur, instance_id: int) -> list[tuple]:
    """(activity, transition, at, resource, role, row, element, state) from the task rows, in order."""
    with alur.db.transaction() as s:
        version_id = s.scalar(select(ProcessInstance.version_id).where(ProcessInstance.id == instance_id))
        info = version_info(s, version_id)
        names = dict(s.execute(select(User.id, User.username)).all())
        rows = s.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id)).all()
    out = []
    for t in rows:
        no = info.step(t.element_id).get("no")
        out.append((t.id, (t.name, "start", _ms(t.created_at), names.get(t.assignee_id) if t.claimed_at else None,
                           t.lane, no, t.element_id, t.state)))
        if t.state == "completed":
            out.append((t.id, (t.name, "complete", _ms(t.completed_at), names[t.completed_by_id], t.lane, no,
                               t.element_id, t.state)))
    # by time; at the same moment the earlier task first (a completion before the start it caused)
    return [e for _, e in sorted(out, key=lambda x: (x[1][2], x[0], x[1][1] != "start"))]


def _ms(moment):
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def _seen(trace) -> list[tuple]:
    return [(e.activity, e.transition, e.at, e.resource, e.role, e.row, e.element_id, e.task_state)
            for e in trace.events]


def test_the_xes_export_holds_every_step_as_the_task_rows_say(seeded, cases, login):
    auditor = login("kemenpora.auditor")
    r = auditor.get(f"/processes/{KEMENPORA}/log.xes")
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.headers["Content-Type"].startswith("application/xml")
    assert re.fullmatch(r'attachment; filename="kemenpora-kemenpora_publikasi_media_sosial-vsemua-awal-'
                        r'\d{4}-\d{2}-\d{2}\.xes"', r.headers["Content-Disposition"])
    log = read_log("log.xes", r.get_data())
    assert [t.case for t in log.traces] == [str(cases["a"]), str(cases["b"]), str(cases["c"])]  # by start
    for trace in log.traces:
        assert _seen(trace) == _expected(seeded, int(trace.case))
    a, b, c = log.traces
    assert [(e.row, e.transition) for e in a.events] == [("1", "start"), ("1", "complete"), ("2", "start"),
                                                         ("2", "complete"), ("3", "start")]
    assert a.events[1].resource == "kemenpora.karo" and a.events[1].role == "Kepala Biro Humas dan Umum"
    assert a.events[-1].resource == cases["claimer"] and a.events[-1].task_state == "ready"  # claimed, open
    assert b.events[0].resource is None and b.events[0].waktu == "10 menit"  # opened, nobody claimed it
    assert [(e.row, e.transition, e.task_state) for e in c.events] == [
        ("1", "start", "completed"), ("1", "complete", "completed"), ("2", "start", "cancelled")]
    assert a.attributes["title"] == "Kasus A" and a.attributes["status"] == "running"
    assert c.attributes["status"] == "cancelled" and a.attributes["version"] == 1
    assert log.name == "Pengelolaan Publikasi Media Sosial Kehumasan"


def test_the_csv_export_says_the_same_as_the_xes(seeded, cases, login):
    auditor = login("kemenpora.auditor")
    xes_log = read_log("log.xes", auditor.get(f"/processes/{KEMENPORA}/log.xes").get_data())
    r = auditor.get(f"/processes/{KEMENPORA}/log.csv?sep=semicolon")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/csv")
    body = r.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    header = body.decode("utf-8-sig").splitlines()[0]
    assert header == "case;activity;timestamp;resource;role;lifecycle;row;waktu;element;state"
    assert r.headers["Content-Disposition"].endswith('.csv"')
    csv_log = read_log("log.csv", body)
    assert [(t.case, _seen(t)) for t in csv_log.traces] == [(t.case, _seen(t)) for t in xes_log.traces]
    comma = auditor.get(f"/processes/{KEMENPORA}/log.csv").get_data().decode("utf-8-sig")
    assert comma.splitlines()[0].startswith("case,activity,timestamp,resource,role,")


def test_the_version_and_the_start_days_choose_the_instances(seeded, cases, login):
    auditor = login("kemenpora.auditor")
    with seeded.db.transaction() as s:
        started = dict(s.execute(select(ProcessInstance.id, ProcessInstance.started_at)).all())
    day_b = (started[cases["b"]] + timedelta(hours=7)).date()  # Asia/Jakarta
    r = auditor.get(f"/processes/{KEMENPORA}/log.xes?from={day_b}&to={day_b}&version=1&agency=kemenpora")
    assert r.status_code == 200
    assert [t.case for t in read_log("x.xes", r.get_data()).traces] == [str(cases["b"])]
    assert f"-v1-{day_b}-{day_b}.xes" in r.headers["Content-Disposition"]
    r = auditor.get(f"/processes/{KEMENPORA}/log.csv?from={day_b}")
    assert [t.case for t in read_log("x.csv", r.get_data()).traces] == [str(cases["b"]), str(cases["c"])]
    # the service itself: statuses narrow it too
    traces = list(event_log.instance_traces(seeded, actor(seeded, "kemenpora.auditor"), KEMENPORA,
                                            statuses=["cancelled"]))
    assert [t.instance_id for t in traces] == [cases["c"]]


def test_small_batches_give_the_same_log(seeded, cases):
    who = actor(seeded, "kemenpora.auditor")
    whole = list(event_log.instance_traces(seeded, who, KEMENPORA))
    assert list(event_log.instance_traces(seeded, who, KEMENPORA, batch=1)) == whole
    assert list(event_log.instance_traces(seeded, who, KEMENPORA, batch=2)) == whole
    assert all(e.at.utcoffset() == timedelta(0) for t in whole for e in t.events)


@pytest.mark.parametrize("query, status, words", [
    ("?version=2", 422, "Version: the SOP 'kemenpora_publikasi_media_sosial' has no version 2 (its versions: 1)."),
    ("?version=abc", 422, "Version: must be a version number"), ("?version=0", 422, "must be from 1"),
    ("?from=2026-13-01", 422, "Started from (from): must be a date YYYY-MM-DD, e.g. 2026-11-23 (not '2026-13-01')"),
    ("?from=2026-11-25&to=2026-11-24", 422, "Started until (to): must not be before the 'from' day."),
    ("?sep=pipe", 422, "The CSV separator must be a comma (,) or a semicolon (;)."),
])
def test_bad_values_are_refused_with_a_clear_message(seeded, login, query, status, words):
    r = login("kemenpora.auditor").get(f"/processes/{KEMENPORA}/log.csv{query}", headers={"Accept-Language": "en"})
    assert r.status_code == status
    assert words in r.get_json()["message"]
    assert r.get_json()["message_id"]  # and in Indonesian


def test_only_the_agencys_auditor_reads_the_log(seeded, login):
    for username in ("kemenpora.pengawas", "kemenpora.pemilik", "kemenpora.karo", "bsip.pengawas"):
        assert login(username).get(f"/processes/{KEMENPORA}/log.xes").status_code == 403, username
    assert login("inspektorat").get(f"/processes/{KEMENPORA}/log.xes").status_code == 200
    assert login("kemenpora.auditor").get("/processes/tidak_ada/log.xes").status_code == 404
    assert login("kemenpora.auditor").get(f"/processes/{KEMENPORA}/log.xes?agency=bsip").status_code == 404
    assert login("kemenpora.auditor").get("/processes/bsip_informasi_media_sosial/log.xes").status_code == 403


def test_the_export_page_offers_the_versions_and_downloads(seeded, cases, app):
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    assert client.post("/login", data={"username": "kemenpora.auditor", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/audit/sop/kemenpora/{KEMENPORA}/log")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="log-export"' in html and '<option value="1"' in html
    r = client.get(f"/audit/sop/kemenpora/{KEMENPORA}/log?version=&from=&to=&format=csv-semicolon")
    assert r.status_code == 200 and r.headers["Content-Disposition"].endswith('.csv"')
    assert r.get_data().decode("utf-8-sig").startswith("case;activity;")
    r = client.get(f"/audit/sop/kemenpora/{KEMENPORA}/log?format=xes&from=2026-11-30&to=2026-11-01")
    assert r.status_code == 422 and 'id="log-export"' in r.get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"username": "kemenpora.pengawas",
                                       "password": DEMO_PASSWORD}).status_code == 302
    assert client.get(f"/audit/sop/kemenpora/{KEMENPORA}/log").status_code == 403


def test_a_new_sop_with_no_instances_gives_an_empty_log(seeded, login):
    r = login("kemenpora.auditor").get(f"/processes/{KEMENPORA}/log.xes")
    assert r.status_code == 200
    body = r.get_data()
    assert body.startswith(b"<?xml") and b"<trace>" not in body and body.rstrip().endswith(b"</log>")
    csv_body = login("kemenpora.auditor").get(f"/processes/{KEMENPORA}/log.csv").get_data()
    assert csv_body.decode("utf-8-sig").splitlines() == [",".join(log_csv.COLUMNS)]
