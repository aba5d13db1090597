"""Logs from outside Alur checked against an SOP's official version: activities matched to tasks by
name (exactly, then normalised) or by SOP row number, unmatched ones listed as moves on the log;
the API and the page; bad files refused with a clear message in both languages and nothing
stored; a body over the route's cap refused unread (413), one of a few MB let through."""
from __future__ import annotations

import io

import pytest

from server import hardening
from server.audit.services import log_import, report

from ..conftest import DEMO_PASSWORD
from ..frontdoor.conftest import MadeUpBody
from .bad_logs import bad_logs
from .report_scene import KEMENPORA, NAMES, S, actor, counts, csv_log, forget

MiB = 1024 * 1024
PATH = f"/processes/{KEMENPORA}/conformance?agency=kemenpora"
PAGE = f"/audit/sop/kemenpora/{KEMENPORA}/log-luar"


@pytest.fixture(autouse=True)
def _fresh():
    forget()
    yield
    forget()


def _whole(case: str, start_hour: int = 8, names=None, skip=()) -> list[tuple]:
    names = names or NAMES
    return [(case, names[n], f"2026-11-0{3 if case < 'M' else 4} {start_hour + n:02d}:00", "kemenpora.karo")
            for n in range(1, 9) if n not in skip]


def _report(alur, data: bytes, name: str = "log.csv", match: str = "auto"):
    log = log_import.read_log(name, data, tz="Asia/Jakarta")
    return report.log_report(alur, actor(alur, "inspektorat"), KEMENPORA, log, agency="kemenpora", match=match)


def test_a_csv_log_with_unmatched_activities(seeded):
    rows = _whole("A") + _whole("B", skip=(3,))
    rows.insert(3, ("A", "Rapat koordinasi tambahan", "2026-11-03 10:30", "kemenpora.pj"))
    rows.append(("B", "Arsip manual", "2026-11-03 17:00", "kemenpora.anggota"))
    rows.append(("B", "Rapat koordinasi tambahan", "2026-11-03 17:30", "kemenpora.pj"))
    found = _report(seeded, csv_log(rows))
    log = found["log"]
    assert log["format"] == "csv" and log["traces"] == 2 and log["judged"] == 2
    assert log["unmatched_activities"] == [{"activity": "Rapat koordinasi tambahan", "count": 2},
                                           {"activity": "Arsip manual", "count": 1}]
    a, b = found["traces"]
    assert [m for m in a["alignment"]["moves"] if m["kind"] != "sync"] == \
        [{"kind": "log", "log": "?Rapat koordinasi tambahan", "model": None}]
    assert a["alignment"]["cost"] == 1 and a["replay"]["missing"] == 0  # an unknown activity fires nothing
    deviations = sorted((m["kind"], m["log"] or m["model"]) for m in b["alignment"]["moves"] if m["kind"] != "sync")
    assert deviations == [("log", "?Arsip manual"), ("log", "?Rapat koordinasi tambahan"), ("model", S[3])]
    assert found["elements"][S[3]]["model_moves"] == 1
    assert found["version"]["version"] == 1 and found["log"]["interventions"] == 0


def test_names_match_exactly_then_normalised(seeded):
    loose = {n: name for n, name in NAMES.items()}
    loose[5] = "  5. menyampaikan HASIL produksi konten, untuk persetujuan!  "
    loose[6] = "memutuskan   persetujuan KONTEN"
    found = _report(seeded, csv_log(_whole("A", names=loose)))
    assert found["log"]["unmatched_activities"] == [] and found["traces"][0]["fitness"] == 1.0
    # by name only, a row number is not read; by row only, names are not
    only_rows = _report(seeded, csv_log(_whole("A", names=loose)), match="row")
    assert len(only_rows["log"]["unmatched_activities"]) == 8


def test_activities_matched_by_sop_row_number(seeded):
    body = "case,activity,timestamp,resource,row\n" + "".join(
        f"A,Langkah {n},2026-11-03 {8 + n:02d}:00,kemenpora.karo,{n}\n" for n in range(1, 9))
    by_row = _report(seeded, body.encode(), match="row")
    assert by_row["log"]["unmatched_activities"] == [] and by_row["traces"][0]["fitness"] == 1.0
    assert by_row["traces"][0]["time"][4]["element_id"] == S[5]
    by_name = _report(seeded, body.encode(), match="name")
    assert {u["activity"] for u in by_name["log"]["unmatched_activities"]} == {f"Langkah {n}" for n in range(1, 9)}
    assert _report(seeded, body.encode())["log"]["unmatched_activities"] == []  # auto: name, then row


def test_an_xes_log_through_the_api_and_nothing_is_stored(seeded, login):
    xes = ['<?xml version="1.0" encoding="UTF-8"?>', '<log xes.version="1.0" xmlns="http://www.xes-standard.org/">']
    for case in ("K-1", "K-2"):
        xes.append(f'<trace><string key="concept:name" value="{case}"/>')
        for n in range(1, 9):
            if case == "K-2" and n == 6:
                continue  # K-2 skips the decision
            xes.append(f'<event><string key="concept:name" value="{NAMES[n]}"/>'
                       f'<string key="org:resource" value="kemenpora.karo"/>'
                       f'<date key="time:timestamp" value="2026-11-03T{8 + n:02d}:00:00+07:00"/></event>')
        xes.append("</trace>")
    xes.append("</log>")
    user = login("inspektorat")  # (signing in is audited: counted after it)
    before = counts(seeded)
    r = user.client.post(f"/api/v1{PATH}", headers=user.headers,
                                         data={"log": (io.BytesIO("\n".join(xes).encode()), "log.xes"),
                                               "match": "name"}, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["log"]["format"] == "xes" and body["log"]["traces"] == 2
    assert [t["case"] for t in body["traces"]] == ["K-1", "K-2"]
    k2 = body["traces"][1]
    assert [m for m in k2["alignment"]["moves"] if m["kind"] != "sync"] == [{"kind": "model", "log": None,
                                                                             "model": S[6]}]
    assert k2["fitness"] < 1 and body["traces"][0]["fitness"] == 1.0
    assert counts(seeded) == before


def test_the_reading_warnings_come_in_the_callers_language(seeded, login):
    data = csv_log([(*row, "x") for row in _whole("A")]).replace(b",role\n", b",catatan\n", 1)
    user = login("inspektorat")
    answers = {lang: user.client.post(f"/api/v1{PATH}&lang={lang}", headers=user.headers,
                                      data={"log": (io.BytesIO(data), "log.csv")},
                                      content_type="multipart/form-data").get_json()["log"]["warnings"]
               for lang in ("id", "en")}
    assert answers == {"id": ["Kolom yang tidak dikenal diabaikan: catatan."],
                       "en": ["Unknown columns were ignored: catatan."]}


# the reader's own table (bad_logs.py): not XML, an external entity, columns and a date missing, empty
BAD = bad_logs("an XES file must be XML", "DOCTYPE/entity declaration", "required column(s) missing: timestamp",
               "the date '31/02/2026' cannot be read", "the file is empty")


@pytest.mark.parametrize("name,data,words", BAD)
def test_bad_files_are_refused_clearly_and_nothing_is_stored(seeded, login, name, data, words):
    user = login("inspektorat")
    before = counts(seeded)
    r = user.client.post(f"/api/v1{PATH}", headers={**user.headers, "Accept-Language": "en"},
                         data={"log": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    assert r.status_code == 422, r.get_json()
    body = r.get_json()
    assert body["message_id"] and body["message_en"] and words.lower() in body["message_en"].lower()
    assert counts(seeded) == before


def _web(app, username: str):
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_the_page_checks_an_uploaded_log(seeded, app):
    rows = _whole("A") + [("A", "Arsip manual", "2026-11-03 17:00", "kemenpora.anggota")]
    client = _web(app, "inspektorat")
    before = counts(seeded)
    r = client.post(PAGE, data={"log": (io.BytesIO(csv_log(rows)), "catatan.csv"), "match": "auto"},
                    content_type="multipart/form-data")
    text = r.get_data(as_text=True)
    assert r.status_code == 200
    assert 'id="imported-log"' in text and "catatan.csv" in text and "Arsip manual" in text
    assert 'class="report-case-details"' in text  # the case opens in place: nothing is stored to link to
    assert counts(seeded) == before
    bad = client.post(PAGE, data={"log": (io.BytesIO(b"kasus,waktu\n"), "x.csv")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and "error-summary" in bad.get_data(as_text=True)
    missing = client.post(PAGE, data={"match": "auto"}, content_type="multipart/form-data")
    assert missing.status_code == 422
    assert counts(seeded) == before


def test_the_page_refuses_a_non_auditor_before_reading_the_file(seeded, app):
    client = _web(app, "kemenpora.pengawas")
    r = client.post(PAGE, data={"log": (io.BytesIO(csv_log(_whole("A"))), "log.csv")},
                    content_type="multipart/form-data")
    assert r.status_code == 403


def test_the_body_cap_lets_a_log_of_some_megabytes_through_and_refuses_past_the_cap(seeded, login):
    assert hardening.EVENT_LOG_BYTES == log_import.MAX_BYTES
    user = login("inspektorat")
    rows = [(f"C{i:05d}", NAMES[n], f"2026-11-03 {8 + n:02d}:00", "kemenpora.karo")
            for i in range(4000) for n in range(1, 9)]
    data = csv_log(rows)
    assert len(data) > 2 * MiB  # over the 1 MB of ordinary forms
    r = user.client.post(f"/api/v1{PATH}&traces=none", headers=user.headers,
                         data={"log": (io.BytesIO(data), "besar.csv")}, content_type="multipart/form-data")
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["log"]["traces"] == 4000 and r.get_json()["log"]["fitness"] == 1.0
    body = MadeUpBody(hardening.EVENT_LOG_BYTES + 2 * MiB)
    r = user.client.post(f"/api/v1{PATH}", headers=user.headers, input_stream=body,
                         content_type="multipart/form-data; boundary=x")
    assert r.status_code == 413 and body.read_so_far == 0
