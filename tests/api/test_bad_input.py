"""Bad input gets a clear message in the user's language and changes nothing."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.files import samples
from server.models import AuditEvent, HumanTask, ProcessInstance

DKI = "dki_ksd_pengelolaan_media_sosial"


def _snapshot(alur):
    with alur.db.transaction() as s:
        return (s.scalar(select(func.count()).select_from(AuditEvent)),
                s.scalar(select(func.count()).select_from(HumanTask)),
                tuple(s.execute(select(HumanTask.id, HumanTask.state, HumanTask.assignee_id)).all()),
                tuple(s.execute(select(ProcessInstance.id, ProcessInstance.revision,
                                       ProcessInstance.engine_state)).all()))


@pytest.fixture
def dki_first_task(login):
    admin = login("dki.admin")
    r = admin.post(f"/processes/{DKI}/instances", json={"data": {
        "judul": "Ucapan Hari Pahlawan", "jenis_konten": "Infografis ucapan", "tanggal_kegiatan": "2026-11-10"}})
    assert r.status_code == 201, r.get_json()
    return admin, r.get_json()["open_tasks"][0]["id"]


def _valid_row1(admin) -> dict:
    return {"dokumentasi": [admin.upload(samples.png(), "a.png")], "narasi": "Narasi kegiatan.",
            "caption": "Selamat Hari Pahlawan", "tautan_foto_video": ["https://drive.contoh.go.id/foto"]}


def test_a_201_character_caption_is_refused_per_field_and_nothing_changes(dki_first_task, seeded):
    admin, task_id = dki_first_task
    data = _valid_row1(admin)
    before = _snapshot(seeded)
    data["caption"] = "x" * 201
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": data})
    assert r.status_code == 422
    body = r.get_json()
    assert body["fields"]["caption"] == ["Paling banyak 200 karakter (sekarang 201)."]
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": data}, headers={"Accept-Language": "en"})
    assert r.get_json()["fields"]["caption"] == ["At most 200 characters (now 201)."]
    assert _snapshot(seeded) == before
    data["caption"] = "x" * 200
    assert admin.post(f"/tasks/{task_id}/complete", json={"data": data}).status_code == 200


def test_schema_violations_are_reported_per_field(dki_first_task, seeded):
    admin, task_id = dki_first_task
    before = _snapshot(seeded)
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": {
        "dokumentasi": ["not-an-attachment"], "tautan_foto_video": ["bukan tautan"], "lain": 1}})
    assert r.status_code == 422
    fields = r.get_json()["fields"]
    assert fields["narasi"] == ["Wajib diisi."]
    assert "lain" in fields and "tautan_foto_video" in fields and "dokumentasi" in fields
    assert _snapshot(seeded) == before


def test_a_rejection_without_reason_is_refused(login, seeded):
    import json

    from tests.conftest import EXPECTED_DIR

    path = json.loads((EXPECTED_DIR / "bsip_informasi_media_sosial.json").read_text())["paths"][0]
    staf, katim = login("bsip.staf"), login("bsip.katim")
    r = staf.post("/processes/bsip_informasi_media_sosial/instances", json={"data": staf.fill(path["start"])})
    instance_id = r.get_json()["id"]
    for step in path["steps"][:2]:
        task = staf.get("/tasks?scope=claimable").get_json()["items"][0]
        assert staf.post(f"/tasks/{task['id']}/complete", json={"data": staf.fill(step["data"])}).status_code == 200
    task = katim.get("/tasks?scope=claimable").get_json()["items"][0]
    assert task["element_id"] == "s03_periksa_konsep"
    before = _snapshot(seeded)
    r = katim.post(f"/tasks/{task['id']}/complete", json={"data": {"keputusan": "Tidak disetujui"}})
    assert r.status_code == 422
    assert r.get_json()["fields"]["alasan"] == ["Wajib diisi."]
    r = katim.post(f"/tasks/{task['id']}/complete", json={"data": {"keputusan": "Mungkin"}})
    assert r.get_json()["fields"]["keputusan"] == ["Pilih salah satu: Disetujui, Tidak disetujui."]
    assert _snapshot(seeded) == before
    r = katim.post(f"/tasks/{task['id']}/complete", json={"data": {"keputusan": "Tidak disetujui",
                                                                    "alasan": "Caption terlalu panjang."}})
    assert r.status_code == 200
    back = staf.get(f"/instances/{instance_id}").get_json()["open_tasks"]
    assert [t["element_id"] for t in back] == ["s02_olah_konten_dan_caption"]


@pytest.mark.parametrize("body,content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"data=1", "application/x-www-form-urlencoded"),
])
def test_malformed_bodies_get_a_json_error(dki_first_task, seeded, body, content_type):
    admin, task_id = dki_first_task
    before = _snapshot(seeded)
    r = admin.client.post(f"/api/v1/tasks/{task_id}/complete", data=body, content_type=content_type,
                          headers=admin.headers)
    assert r.status_code in (400, 422)
    assert r.get_json()["message"].startswith("Badan permintaan")
    assert _snapshot(seeded) == before


def test_data_that_is_not_an_object_is_refused(dki_first_task, seeded):
    admin, task_id = dki_first_task
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": ["x"]})
    assert r.status_code == 422


def test_unknown_and_finished_tasks(dki_first_task, login, seeded):
    admin, task_id = dki_first_task
    assert admin.get("/tasks/999999").status_code == 404
    assert admin.post("/tasks/999999/complete", json={"data": {}}).status_code == 404
    assert admin.post(f"/tasks/{task_id}/complete", json={"data": _valid_row1(admin)}).status_code == 200
    before = _snapshot(seeded)
    r = admin.post(f"/tasks/{task_id}/complete", json={"data": _valid_row1(admin)})
    assert r.status_code == 409 and r.get_json()["message"] == "Tugas ini sudah diselesaikan."
    assert _snapshot(seeded)[3] == before[3]  # the upload above adds an audit row, the instance is untouched


def test_unknown_routes_and_methods_answer_in_json(client):
    assert client.get("/api/v1/nothing").get_json()["error"]
    assert client.delete("/api/v1/auth/token").status_code == 405


def test_uploads_are_sniffed_and_limited(login, seeded):
    admin = login("dki.admin")
    exe = b"MZ\x90\x00" + b"\x00" * 200
    r = admin.client.post("/api/v1/attachments", headers=admin.headers, content_type="multipart/form-data",
                          data={"file": (__import__("io").BytesIO(exe), "foto.jpg")})
    assert r.status_code == 422 and "tidak diizinkan" in r.get_json()["message"]
    r = admin.client.post("/api/v1/attachments", headers=admin.headers, content_type="multipart/form-data",
                          data={})
    assert r.status_code == 422 and r.get_json()["fields"]["file"] == ["Wajib diisi."]
    seeded.files.max_bytes_by_kind["image"] = 1000
    big = samples.png(width=400, height=400, rgb=(1, 2, 3))
    big = big if len(big) > 1000 else big + b"\x00" * 2000
    r = admin.client.post("/api/v1/attachments", headers=admin.headers, content_type="multipart/form-data",
                          data={"file": (__import__("io").BytesIO(big), "besar.png")})
    assert r.status_code in (413, 422)
    png_id = admin.upload(samples.png(), "foto.png")
    r = admin.get(f"/attachments/{png_id}")
    assert r.status_code == 200 and r.data.startswith(b"\x89PNG")
    assert login("kemenpora.karo").get(f"/attachments/{png_id}").status_code == 403
    assert login("dki.karo").get(f"/attachments/{png_id}").status_code == 403  # not yet in an instance


def test_out_of_range_ids_and_offsets_are_not_found_or_empty(dki_first_task):
    admin, _task_id = dki_first_task
    huge = "9" * 25
    for path in (f"/tasks/{huge}", "/tasks/2147483648", "/tasks/0", f"/instances/{huge}"):
        assert admin.get(path).status_code == 404, path
    assert admin.post(f"/tasks/{huge}/complete", json={"data": {}}).status_code == 404
    page = admin.get(f"/tasks?scope=team&offset={huge}")
    assert page.status_code == 200 and page.get_json()["items"] == []


@pytest.mark.parametrize("payload", [
    {"data": {"narasi": "Narasi\u0000"}},
    {"data": {"tautan_foto_video": ["https://contoh.go.id/\u0000"]}},
    {"data": {"caption\u0000": "x"}},
])
def test_a_nul_character_is_refused_before_it_reaches_the_database(dki_first_task, seeded, payload):
    admin, task_id = dki_first_task
    before = _snapshot(seeded)
    r = admin.post(f"/tasks/{task_id}/complete", json=payload)
    assert r.status_code == 400 and "NUL" in r.get_json()["message"]
    assert _snapshot(seeded) == before


def test_a_nul_character_in_a_sign_in_is_a_clear_refusal(client):
    r = client.post("/api/v1/auth/token", json={"username": "dki.admin\u0000", "password": "x"})
    assert r.status_code == 400 and "NUL" in r.get_json()["message"]
    assert client.get("/api/v1/tasks?scope=mine&q=%00").status_code in (400, 401)
