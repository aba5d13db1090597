"""The dashboard of an SOP (/pantau/sop/<agency>/<key>) and the index of SOPs (/pantau/sop): they
render for the agency's Pengawas and Auditor with tiles, server-drawn SVG charts, the tables and
the heatmap's marks; the refresh endpoint answers 304 while the numbers are the same and 200 with
new fragments and marks after a task is done. The numbers themselves: weeks, lead times in
working days, per-step waiting times, who is late."""
from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest

from server.kernel.calendars import calendar_for
from server.monitoring.services import dashboard as service

from ..conftest import DEMO_PASSWORD
from ..walking import KEMENPORA, actor, do_open_task, open_task, start_kemenpora

PAGE = f"/pantau/sop/kemenpora/{KEMENPORA}"


def _web(app, username):
    client = app.test_client()
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert r.status_code == 302
    return client


def _csrf_free(app):
    app.config["WTF_CSRF_ENABLED"] = False
    return app


@pytest.fixture
def scene(seeded):
    """One case completed (each step 5 minutes, one rejection at step 6), one waiting late at step 2
    (claimed by nobody), one waiting at step 1."""
    alur = seeded
    done = start_kemenpora(alur, "Selesai")
    rejected = False
    while (task := open_task(alur, done)) is not None:
        alur.clock.advance(minutes=5)
        reject = task.element_id.startswith("s06") and not rejected
        rejected = rejected or reject
        do_open_task(alur, done, reject=reject)
    late = start_kemenpora(alur, "Terlambat")
    alur.clock.advance(minutes=5)
    do_open_task(alur, late)
    alur.clock.set(open_task(alur, late).due_at + timedelta(hours=2))
    waiting = start_kemenpora(alur, "Menunggu")
    return {"done": done, "late": late, "waiting": waiting}


@pytest.mark.parametrize("username", ["kemenpora.pengawas", "kemenpora.auditor"])
def test_the_page_renders_for_pengawas_and_auditor(app, scene, username):
    html = _web(_csrf_free(app), username).get(PAGE).get_data(as_text=True)
    assert 'id="dashboard-tiles"' in html and 'id="dashboard-details"' in html
    assert html.count("<svg") >= 3 and "<title id=\"chart-weeks-svg-title\">" in html
    assert 'data-alur-mount="marked-diagram"' in html and 'data-alur-mount="dashboard-refresh"' in html
    tiles = re.search(r'id="tile-running"><span class="dash-tile-value">(\d+)<', html)
    assert tiles and tiles[1] == "2"  # the late one and the waiting one
    assert re.search(r'id="tile-overdue"><span class="dash-tile-value">1<', html)
    heatmap = json.loads(re.search(r'<script type="application/json" id="heatmap-config">(.*?)</script>', html, re.S)[1])
    assert "<bpmn:definitions" in heatmap["xml"]
    s05 = heatmap["marks"]["s05_sampaikan_hasil_produksi"]
    assert s05["badge"] == "2" and "2 dilalui" in s05["title"] and "tepat waktu" in s05["title"]
    s02 = heatmap["marks"]["s02_perintahkan_pembahasan_konsep"]
    assert "overdue" in s02["classes"] and "1 terlambat sekarang" in s02["title"]
    assert s02["fill"] == service.AMBER or s02["fill"] == service.RED  # one on time, one late now
    assert heatmap["marks"]["s01_disposisi_pembuatan_konten"]["fill"] == service.GREEN
    assert heatmap["marks"]["g06_disetujui"]["fill"] is None and heatmap["marks"]["g06_disetujui"]["badge"] == "2"
    refresh = json.loads(re.search(r'<script type="application/json" id="dashboard-config">(.*?)</script>', html, re.S)[1])
    assert refresh["url"].endswith("/angka?weeks=12") and refresh["interval"] == 30000 and refresh["etag"]
    # the tables: steps with SOP No, lane and Waktu; late by lane and by person ("not taken yet")
    assert 'id="dash-steps-table"' in html and "Penanggungjawab Bidang Kehumasan" in html
    assert 'id="dash-late-lanes"' in html and "belum diambil" in html


def test_english_titles_and_days(app, scene):
    client = _web(_csrf_free(app), "kemenpora.pengawas")
    client.post("/bahasa", data={"lang": "en"})
    html = client.get(PAGE).get_data(as_text=True)
    heatmap = json.loads(re.search(r'id="heatmap-config">(.*?)</script>', html, re.S)[1])
    assert "2 passed" in heatmap["marks"]["s05_sampaikan_hasil_produksi"]["title"]
    assert "not taken yet" in html


def test_who_sees_the_pages(app, scene):
    app = _csrf_free(app)
    for username in ("kemenpora.pj", "kemenpora.pemilik", "bsip.pengawas"):
        assert _web(app, username).get(PAGE).status_code == 403, username
    assert _web(app, "kemenpora.pj").get("/pantau/sop").status_code == 403
    assert _web(app, "kemenpora.pengawas").get("/pantau/sop/kemenpora/tidak_ada").status_code == 404
    index = _web(app, "kemenpora.auditor").get("/pantau/sop").get_data(as_text=True)
    row = re.search(r'<tr data-key="kemenpora_publikasi_media_sosial">(.*?)</tr>', index, re.S)[1]
    assert PAGE in row
    assert [int(n) for n in re.findall(r'<td class="num[^"]*" data-label="[^"]*">(\d+)</td>', row)] == [2, 1, 1]
    assert "dash-sops-bsip" not in index  # only the agencies one monitors
    assert 'id="dash-sops-bsip"' in _web(app, "bsip.pengawas").get("/pantau/sop").get_data(as_text=True)


def test_refresh_answers_304_until_a_task_is_done(app, scene, seeded):
    client = _web(_csrf_free(app), "kemenpora.pengawas")
    first = client.get(f"{PAGE}/angka")
    assert first.status_code == 200
    body = first.get_json()
    etag = first.headers["ETag"]
    assert etag == f'"{body["etag"]}"' and set(body["parts"]) == {"dashboard-tiles", "dashboard-details"}
    assert "<svg" in body["parts"]["dashboard-details"] and "s05_sampaikan_hasil_produksi" in body["marks"]
    page_etag = json.loads(re.search(r'id="dashboard-config">(.*?)</script>',
                                     client.get(PAGE).get_data(as_text=True), re.S)[1])["etag"]
    assert page_etag == body["etag"]  # the page holds the tag its first refresh will send
    same = client.get(f"{PAGE}/angka", headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""
    seeded.clock.advance(minutes=1)  # time alone, nothing late newly: still the same numbers
    assert client.get(f"{PAGE}/angka", headers={"If-None-Match": etag}).status_code == 304
    do_open_task(seeded, scene["waiting"])  # step 1 of the waiting case done: straight after the commit
    changed = client.get(f"{PAGE}/angka", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.get_json()["marks"]["s01_disposisi_pembuatan_konten"]["badge"] == "3"


def test_the_numbers(seeded, scene):
    pengawas = actor(seeded, "kemenpora.pengawas")
    found = service.dashboard(seeded, pengawas, KEMENPORA, weeks=4)
    assert len(found["weeks"]) == 4 and found["weeks"][-1]["start"] <= found["as_of"][:10]
    assert sum(w["started"] for w in found["weeks"]) == 3 and sum(w["completed"] for w in found["weeks"]) == 1
    assert found["weeks"][-1]["running"] == 2
    tiles = found["tiles"]
    assert (tiles["running"], tiles["overdue"], tiles["completed"], tiles["lead_count"]) == (2, 1, 1, 1)
    with seeded.db.transaction() as s:
        from server.models import ProcessInstance
        row = s.get(ProcessInstance, scene["done"])
        calendar = calendar_for(s, row.agency_id)
    days = calendar.working_time_between(row.started_at, row.ended_at) / calendar.working_day_length
    assert tiles["lead_median_days"] == round(days, 2) == tiles["lead_p90_days"]
    steps = {s["element_id"][:3]: s for s in found["steps"]}
    assert [s["no"] for s in found["steps"]][:3] == ["1", "2", "3"]
    assert steps["s05"]["passed"] == 2 and steps["s05"]["median_wait_seconds"] == 300
    assert steps["s02"]["overdue"] == 1 and steps["s02"]["active"] == 1 and steps["s02"]["waktu"]
    assert found["overdue_by_lane"] == [{"lane": "Penanggungjawab Bidang Kehumasan", "count": 1}]
    assert found["overdue_by_person"] == [{"username": None, "name": None, "count": 1}]
    assert service.format_working(90 * 60, 8.5 * 3600, "id") == "1 jam 30 menit"
    assert service.format_working(8.5 * 3600 * 1.5, 8.5 * 3600, "id") == "1,5 hari kerja"
    assert service.format_working(20 * 60, 8.5 * 3600, "en") == "20 min"
