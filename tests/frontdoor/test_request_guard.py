"""Items 1 and 2 of the front door: JSON nested absurdly deep, and text that is not UTF-8 (lone
surrogates), get a clear 400 on every route, signed in or not, and nothing is stored."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from server.models import AuditEvent, HumanTask, ProcessInstance

from ..conftest import DEMO_PASSWORD

DKI = "dki_ksd_pengelolaan_media_sosial"
TOO_DEEP = "bersarang terlalu dalam"
NOT_UTF8 = "bukan UTF-8 yang sah"
MAX_JSON_DEPTH = 64  # server.hardening.MAX_JSON_DEPTH


def nested(depth: int, inner=1) -> object:
    value = inner
    for _ in range(depth):
        value = [value]
    return value


def _snapshot(alur):
    with alur.db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(AuditEvent)),
                tuple(s.execute(select(HumanTask.id, HumanTask.state, HumanTask.data)).all()),
                tuple(s.execute(select(ProcessInstance.id, ProcessInstance.revision,
                                       ProcessInstance.engine_state)).all()))


@pytest.fixture
def first_task(login):
    admin = login("dki.admin")
    r = admin.post(f"/processes/{DKI}/instances", json={"data": {
        "judul": "Ucapan Hari Pahlawan", "jenis_konten": "Infografis ucapan", "tanggal_kegiatan": "2026-11-10"}})
    assert r.status_code == 201, r.get_json()
    return admin, r.get_json()["open_tasks"][0]["id"], r.get_json()["id"]


def _message(response) -> str:
    if response.is_json:
        return response.get_json()["message"]
    return response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/login", "/api/v1/tasks/1/complete", "/bahasa",
                                  "/mulai/dki_ksd_pengelolaan_media_sosial", "/no-such-page"])
def test_json_600_levels_deep_is_a_clear_400_signed_out(client, path):
    r = client.post(path, data=json.dumps({"username": "dki.admin", "deep": nested(600)}),
                    content_type="application/json")
    assert r.status_code == 400, r.status_code
    assert TOO_DEEP in _message(r)


def test_json_600_levels_deep_is_a_clear_400_signed_in(first_task, browser, seeded):
    admin, task_id, instance_id = first_task
    before = _snapshot(seeded)
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": {"narasi": nested(600, "x")}})
    assert r.status_code == 400 and TOO_DEEP in r.get_json()["message"]
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": {"narasi": "x"}, "deep": nested(600)},
                   headers={"Accept-Language": "en"})
    assert r.get_json()["message"] == (f"The JSON data is nested too deeply (at most {MAX_JSON_DEPTH} levels); "
                                       "nothing was changed.")
    page = browser("dki.admin").client.post(f"/tugas/{task_id}", data=json.dumps(nested(600)),
                                            content_type="application/json")
    assert page.status_code == 400 and TOO_DEEP in page.get_data(as_text=True)
    assert _snapshot(seeded) == before


def test_json_deeper_than_the_parser_can_go_is_the_same_400(client):
    body = "[" * 100_000 + "]" * 100_000  # 200 KB: under the size cap, far past Python's recursion limit
    r = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert r.status_code == 400 and TOO_DEEP in r.get_json()["message"]


def test_json_up_to_the_limit_is_accepted(client):
    body = {"username": "dki.admin", "password": DEMO_PASSWORD, "extra": nested(MAX_JSON_DEPTH - 1)}
    assert client.post("/api/v1/auth/token", json=body).status_code == 201
    body["extra"] = nested(MAX_JSON_DEPTH)
    assert client.post("/api/v1/auth/token", json=body).status_code == 400


@pytest.mark.parametrize("data", [
    {"narasi": "Narasi \ud800"},
    {"tautan_foto_video": ["https://contoh.go.id/\udfff"]},
    {"caption\ud83d": "x"},
])
def test_a_lone_surrogate_is_refused_and_never_stored(first_task, browser, seeded, data):
    admin, task_id, instance_id = first_task
    before = _snapshot(seeded)
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": data})
    assert r.status_code == 400 and NOT_UTF8 in r.get_json()["message"]
    assert _snapshot(seeded) == before
    staff = browser("dki.admin")  # the pages that would show the text still answer
    assert staff.client.get(f"/tugas/{task_id}").status_code == 200
    assert staff.client.get(f"/instans/{instance_id}").status_code == 200


def test_a_lone_surrogate_in_a_sign_in_is_refused(client):
    r = client.post("/api/v1/auth/token", json={"username": "dki.admin", "password": "\ud800"})
    assert r.status_code == 400 and NOT_UTF8 in r.get_json()["message"]


def test_bytes_that_are_not_utf8_in_a_query_are_refused(login):
    admin = login("dki.admin")
    r = admin.get("/tasks?scope=mine&q=%ED%A0%80")
    assert r.status_code == 400 and NOT_UTF8 in r.get_json()["message"]
    assert admin.get("/tasks?scope=mine&q=%FF").status_code == 400
    assert admin.get("/tasks?scope=mine&q=%25ED%25A0%2580").status_code == 200  # the text "%ED%A0%80" is fine


def test_bytes_that_are_not_utf8_in_a_form_are_refused(browser, seeded):
    staff = browser("dki.admin")
    token = staff.token("/mulai/dki_ksd_pengelolaan_media_sosial")
    before = _snapshot(seeded)
    r = staff.client.post("/mulai/dki_ksd_pengelolaan_media_sosial",
                          data=f"csrf_token={token}&judul=Ucapan%ED%A0%80&jenis_konten=Infografis+ucapan"
                               f"&tanggal_kegiatan=2026-11-25",
                          content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400 and NOT_UTF8 in r.get_data(as_text=True)
    assert _snapshot(seeded) == before
    # The same form in valid UTF-8 goes through: the raw check does not disturb the form parser.
    r = staff.client.post("/mulai/dki_ksd_pengelolaan_media_sosial",
                          data=f"csrf_token={token}&judul=Ucapan+%C3%A9&jenis_konten=Infografis+ucapan"
                               f"&tanggal_kegiatan=2026-11-25",
                          content_type="application/x-www-form-urlencoded")
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]


def test_a_nul_is_still_refused_inside_deep_but_allowed_json(client):
    r = client.post("/api/v1/auth/token", json={"username": "x", "password": "y", "z": nested(10, "a\u0000")})
    assert r.status_code == 400 and "NUL" in r.get_json()["message"]


def test_a_multipart_part_without_a_name_is_a_clear_400(login, browser):
    body = b"--XyZ\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--XyZ--\r\n"
    admin = login("dki.admin")
    r = admin.client.post("/api/v1/attachments", data=body, headers=admin.headers,
                          content_type="multipart/form-data; boundary=XyZ")
    assert r.status_code == 400 and "tanpa nama" in r.get_json()["message"]
    staff = browser("dki.admin")
    r = staff.client.post("/mulai/dki_ksd_pengelolaan_media_sosial", data=body,
                          content_type="multipart/form-data; boundary=XyZ")
    assert r.status_code == 400 and "bagian formulir tanpa nama" in r.get_data(as_text=True)


def test_a_wrong_method_names_the_allowed_ones(login, client):
    r = login("dki.admin").client.open("/api/v1/me", method="TRACE")
    assert r.status_code == 405 and "GET" in r.headers["Allow"] and r.is_json
    r = client.open("/login", method="DELETE")
    assert r.status_code == 405 and "POST" in r.headers["Allow"]
    assert "Alamat ini tidak menerima cara kirim tersebut." in r.get_data(as_text=True)
