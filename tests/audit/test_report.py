"""The conformance report of Alur's own Kemenpora instances against the official version: a
conforming log, deviations a Pengawas made by moving a case back and forth (the expected moves
on the log and on the model, the tokens, the fitness figures), interventions with who and why,
cases that have not completed, the API's shape, and who may ask (403 outside the auditor's
agencies). The clock is moved, never waited for."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from server.audit.services import report
from server.errors import Forbidden, InvalidInput, NotFound
from server.models import ProcessVersion

from ..conftest import DEMO_PASSWORD
from .report_scene import (BACK, CANCEL, FORWARD, KEMENPORA, S, actor, cancelled_case, completed_case, counts,
                           do_open_task, forget, moved_back_and_forth, run, start_kemenpora)


@pytest.fixture(autouse=True)
def _fresh():
    forget()
    yield
    forget()


def _report(alur, **kw):
    return report.sop_report(alur, actor(alur, "inspektorat"), KEMENPORA, agency="kemenpora", **kw)


def _case(found, instance_id):
    return next(t for t in found["traces"] if t["instance_id"] == instance_id)


def test_conforming_cases_fit_perfectly(seeded):
    ids = [completed_case(seeded, f"Kasus {n}") for n in range(3)]
    rejected = start_kemenpora(seeded, "Ditolak sekali")
    run(seeded, rejected, 5)
    do_open_task(seeded, rejected, reject=True)  # step 6 says "Tidak": back to step 5, as the model allows
    run(seeded, rejected, 4)
    found = _report(seeded)
    log = found["log"]
    assert log["traces"] == 4 and log["judged"] == 4 and log["deviating"] == 0
    assert log["fitness"] == 1.0 and log["alignment_fitness"] == 1.0
    assert log["missing"] == 0 and log["remaining"] == 0 and log["not_computed"] == 0
    assert log["produced"] == log["consumed"] > 0
    for instance_id in ids + [rejected]:
        case = _case(found, instance_id)
        assert case["case"] == str(instance_id) and case["fitness"] == 1.0 and not case["deviating"]
        assert case["alignment"]["cost"] == 0 and case["alignment"]["fitness"] == 1.0
        assert {m["kind"] for m in case["alignment"]["moves"]} == {"sync"}
    loop = _case(found, rejected)
    assert [m["log"] for m in loop["alignment"]["moves"]] == [S[n] for n in (1, 2, 3, 4, 5, 6, 5, 6, 7, 8)]
    assert found["elements"][S[5]]["executions"] == 5  # three cases once, the rejected one twice
    assert found["version"]["version"] == 1 and found["version"]["official"] is False  # the active one stands in


def test_a_case_moved_back_and_forth_deviates_with_the_expected_moves(seeded):
    conforming = completed_case(seeded)
    moved = moved_back_and_forth(seeded)
    found = _report(seeded)
    case = _case(found, moved)
    # completed steps 1 2 3 4 5 3 6 7 8: the second step 3 is a move on the log, nothing else
    assert [(m["kind"], m["log"], m["model"]) for m in case["alignment"]["moves"]] == (
        [("sync", S[n], S[n]) for n in (1, 2, 3, 4, 5)] + [("log", S[3], None)]
        + [("sync", S[n], S[n]) for n in (6, 7, 8)])
    assert case["alignment"]["cost"] == 1
    assert case["alignment"]["fitness"] == pytest.approx(1 - 1 / (9 + 8))  # |σ| + the cheapest run (8 steps)
    # replay: step 3 fires without its token (missing there), its token to step 4 stays (remaining)
    assert case["replay"]["missing_at"] == {S[3]: 1} and case["replay"]["remaining_at"] == {S[4]: 1}
    assert case["replay"]["missing"] == 1 and case["replay"]["remaining"] == 1
    p, c = case["replay"]["produced"], case["replay"]["consumed"]
    assert case["fitness"] == pytest.approx(0.5 * (1 - 1 / c) + 0.5 * (1 - 1 / p))
    assert case["deviating"] and not _case(found, conforming)["deviating"]
    log = found["log"]
    assert log["deviating"] == 1 and log["missing"] == 1 and log["remaining"] == 1
    assert log["alignment_fitness"] == pytest.approx(1 - 1 / (8 + 8 + 9 + 8))
    elements = found["elements"]
    assert elements[S[3]]["log_moves"] == 1 and elements[S[3]]["missing"] == 1
    assert elements[S[4]]["remaining"] == 1 and elements[S[4]]["model_moves"] == 0
    assert elements[S[3]]["deviating_cases"] == 1 and elements[S[7]]["deviating_cases"] == 0
    # the interventions behind it: who moved it where, and why
    moves = [(i["action"], i["to"], i["direction"], i["reason"], i["by"]["username"]) for i in case["interventions"]]
    assert moves == [("instance.moved", S[3], "back", BACK, "kemenpora.pengawas"),
                     ("instance.moved", S[6], "forward", FORWARD, "kemenpora.pengawas")]
    assert case["interventions"][0]["from"] == [S[6]] and case["interventions"][1]["from"] == [S[4]]
    assert log["interventions"] == 2 and log["cases_with"]["interventions"] == 1


def test_a_move_forward_skips_steps_as_moves_on_the_model(seeded):
    instance_id = start_kemenpora(seeded)
    run(seeded, instance_id, 3)
    from server.monitoring.services import moving
    moving.move(seeded, actor(seeded, "kemenpora.pengawas"), instance_id, S[7], FORWARD)
    run(seeded, instance_id, 2)
    case = _case(_report(seeded), instance_id)
    assert [(m["kind"], m["model"]) for m in case["alignment"]["moves"] if m["kind"] != "sync"] == \
        [("model", S[4]), ("model", S[5]), ("model", S[6])]
    assert case["alignment"]["cost"] == 3 and case["deviating"]


def test_a_cancelled_case_is_listed_with_who_and_why_but_not_judged_on_control_flow(seeded):
    completed_case(seeded)
    cancelled = cancelled_case(seeded)
    found = _report(seeded)
    case = _case(found, cancelled)
    assert case["status"] == "cancelled" and case["judged"] is False and case["fitness"] is None
    assert case["alignment"] is None and case["prefix_missing"] == {} and not case["deviating"]
    [cancel] = case["interventions"]
    assert cancel["action"] == "instance.cancelled" and cancel["reason"] == CANCEL
    assert cancel["by"] == {"username": "kemenpora.pengawas", "name": cancel["by"]["name"]}
    assert cancel["at"] == seeded.clock.now()
    assert found["log"]["judged"] == 1 and found["log"]["not_judged"] == 1 and found["log"]["fitness"] == 1.0
    # its two completed steps are judged on time and roles all the same
    assert [s["element_id"] for s in case["time"]] == [S[1], S[2]]
    assert [r["held"] for r in case["roles"]] == [True, True]


def test_a_running_case_that_skipped_a_step_already_deviates(seeded):
    instance_id = start_kemenpora(seeded)
    run(seeded, instance_id, 2)
    from server.monitoring.services import moving
    moving.move(seeded, actor(seeded, "kemenpora.pengawas"), instance_id, S[5], FORWARD)
    run(seeded, instance_id, 1)  # step 5 done without 3 and 4: waits at 6
    steady = start_kemenpora(seeded, "Berjalan biasa")
    run(seeded, steady, 3)
    found = _report(seeded)
    skipped, fine = _case(found, instance_id), _case(found, steady)
    assert skipped["status"] == fine["status"] == "running" and not skipped["judged"]
    assert skipped["prefix_missing"] == {S[5]: 1} and skipped["deviating"]
    assert fine["prefix_missing"] == {} and not fine["deviating"]
    assert found["log"]["judged"] == 0 and found["log"]["fitness"] is None and found["log"]["deviating"] == 1


def test_filters_by_start_day_and_version(seeded):
    first = completed_case(seeded, "Senin")
    seeded.clock.advance(days=2)
    second = completed_case(seeded, "Rabu")
    assert [t["instance_id"] for t in _report(seeded, date_from="2026-11-25")["traces"]] == [second]
    assert [t["instance_id"] for t in _report(seeded, date_to="2026-11-24")["traces"]] == [first]
    assert _report(seeded, version=1)["log"]["traces"] == 2
    with pytest.raises(InvalidInput):
        _report(seeded, date_from="kemarin")
    with pytest.raises(InvalidInput):
        _report(seeded, version=7)


def test_the_official_version_is_the_one_compared_with(seeded):
    completed_case(seeded)
    with seeded.db.transaction() as s:
        s.execute(update(ProcessVersion).values(official=True))
    found = _report(seeded)
    assert found["version"]["official"] is True and found["version"]["key"] == KEMENPORA


def test_one_case_drilled_down(seeded):
    moved = moved_back_and_forth(seeded)
    completed_case(seeded)
    found = report.case_report(seeded, actor(seeded, "inspektorat"), KEMENPORA, moved, agency="kemenpora")
    assert found["case"]["instance_id"] == moved and found["case"]["alignment"]["cost"] == 1
    assert found["elements"][S[3]]["log_moves"] == 1 and "<bpmn:definitions" in found["xml"]
    with pytest.raises(NotFound):
        report.case_report(seeded, actor(seeded, "inspektorat"), KEMENPORA, 999_999, agency="kemenpora")


def test_nothing_is_written_by_a_report(seeded):
    moved_back_and_forth(seeded)
    before = counts(seeded)
    _report(seeded)
    assert counts(seeded) == before


@pytest.mark.parametrize("username", ["kemenpora.pengawas", "kemenpora.pemilik", "kemenpora.ketua", "bsip.auditor"])
def test_only_the_agencys_auditor_reads_the_report(seeded, username):
    completed_case(seeded)
    with pytest.raises(Forbidden):
        report.sop_report(seeded, actor(seeded, username), KEMENPORA, agency="kemenpora")
    with pytest.raises(Forbidden):
        report.case_report(seeded, actor(seeded, username), KEMENPORA, 1, agency="kemenpora")
    assert report.sop_report(seeded, actor(seeded, "kemenpora.auditor"), KEMENPORA)["log"]["traces"] == 1


# --- the API -----------------------------------------------------------------------------------

def test_api_answers_the_issues_field_names(seeded, login):
    moved = moved_back_and_forth(seeded)
    completed_case(seeded)
    r = login("inspektorat").post(f"/processes/{KEMENPORA}/conformance?agency=kemenpora")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert {"traces", "fitness", "alignment_fitness", "produced", "consumed", "missing", "remaining",
            "not_computed", "on_time_ratio", "role_violations", "four_eyes_violations", "interventions",
            "unmatched_activities"} <= set(body["log"])
    assert body["log"]["traces"] == 2 and body["version"]["version"] == 1 and "xml" not in body
    case = next(t for t in body["traces"] if t["instance_id"] == moved)
    assert {"case", "fitness", "alignment", "time", "roles", "four_eyes", "interventions"} <= set(case)
    assert {"cost", "fitness", "moves", "computed"} <= set(case["alignment"])
    assert case["case"] == str(moved) and case["alignment"]["cost"] == 1
    assert case["interventions"][0]["at"].endswith("+00:00")  # moments as ISO 8601
    assert {"missing", "remaining", "log_moves", "model_moves", "late", "on_time_ratio"} <= set(body["elements"][S[3]])
    only = login("inspektorat").post(f"/processes/{KEMENPORA}/conformance?agency=kemenpora&traces=deviating")
    assert [t["instance_id"] for t in only.get_json()["traces"]] == [moved]
    assert login("inspektorat").post(f"/processes/{KEMENPORA}/conformance?traces=some").status_code == 422


def test_api_refuses_outside_the_auditors_agencies(seeded, login):
    completed_case(seeded)
    for username, status in (("kemenpora.auditor", 200), ("kemenpora.pengawas", 403), ("bsip.auditor", 403),
                             ("kemenpora.karo", 403)):
        r = login(username).post(f"/processes/{KEMENPORA}/conformance")
        assert r.status_code == status, (username, r.get_json())
    assert login("inspektorat").post("/processes/tidak_ada/conformance").status_code == 404
    r = login("inspektorat").post(f"/processes/{KEMENPORA}/conformance?from=23-11-2026")
    assert r.status_code == 422 and r.get_json()["message_en"]


def _web(app, username):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_reports_pages_for_the_auditor(seeded, app):
    moved = moved_back_and_forth(seeded)
    completed_case(seeded)
    client = _web(app, "inspektorat")
    index = client.get("/audit/sop")
    assert index.status_code == 200 and f"/audit/sop/kemenpora/{KEMENPORA}" in index.get_data(as_text=True)
    page = client.get(f"/audit/sop/kemenpora/{KEMENPORA}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and f"/audit/sop/kemenpora/{KEMENPORA}/kasus/{moved}" in text
    assert 'id="report-diagram-config"' in text and "alur-mark" not in text  # marks are drawn by the bundle
    case = client.get(f"/audit/sop/kemenpora/{KEMENPORA}/kasus/{moved}")
    assert case.status_code == 200 and f"/pantau/instances/{moved}" in case.get_data(as_text=True)
    bad = client.get(f"/audit/sop/kemenpora/{KEMENPORA}?from=kemarin")
    assert bad.status_code == 422 and "error-summary" in bad.get_data(as_text=True)


@pytest.mark.parametrize("username", ["kemenpora.pengawas", "bsip.auditor", "kemenpora.anggota"])
def test_reports_pages_refuse_others(seeded, app, username):
    completed_case(seeded)
    client = _web(app, username)
    assert client.get(f"/audit/sop/kemenpora/{KEMENPORA}").status_code == 403
    assert client.get(f"/audit/sop/kemenpora/{KEMENPORA}/kasus/1").status_code == 403
    if username != "bsip.auditor":
        assert client.get("/audit/sop").status_code == 403
