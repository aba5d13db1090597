"""Who may do what: agency membership, lane roles, claims, sign-in and CSRF."""
from __future__ import annotations

from server.files import samples

KEY = "kemenpora_publikasi_media_sosial"
START = {"judul": "Publikasi Hari Sumpah Pemuda", "asal_permohonan": "Internal"}


def _start(user):
    data = dict(START)
    data["dokumen_permohonan"] = [user.upload(samples.pdf(), "permohonan.pdf")]
    r = user.post(f"/processes/{KEY}/instances", json={"data": data})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_unauthenticated_requests_get_401(client):
    for path in ("/api/v1/processes", "/api/v1/tasks", "/api/v1/instances/1", "/api/v1/tasks/1"):
        r = client.get(path)
        assert r.status_code == 401
        assert r.get_json()["message"] == "Silakan masuk terlebih dahulu."
    assert client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_wrong_password_is_refused_in_both_languages(client):
    r = client.post("/api/v1/auth/token", json={"username": "kemenpora.karo", "password": "salah"})
    assert r.status_code == 401 and r.get_json()["message"] == "Nama pengguna atau kata sandi salah."
    r = client.post("/api/v1/auth/token", json={"username": "kemenpora.karo", "password": "salah"},
                    headers={"Accept-Language": "en"})
    assert r.get_json()["message"] == "Wrong username or password."


def test_processes_list_only_the_callers_agency(login):
    karo = login("kemenpora.karo")
    items = karo.get("/processes").get_json()["items"]
    assert {p["agency"] for p in items} == {"kemenpora"}
    assert items[0]["startable"] is True and items[0]["start_form"]["type"] == "object"
    assert login("kemenpora.anggota").get("/processes").get_json()["items"][0]["startable"] is False
    nomporejo = {p["key"]: p for p in login("nomporejo.admin_medsos").get("/processes").get_json()["items"]}
    assert set(nomporejo) == {"nomporejo_konten_media_sosial", "nomporejo_konten_website",
                              "nomporejo_laporan_media_sosial", "nomporejo_laporan_website"}
    assert nomporejo["nomporejo_laporan_media_sosial"]["scheduled"] is True


def test_starting_needs_the_start_lanes_role_and_the_agency(login, seeded):
    before = _instance_count(seeded)
    r = login("kemenpora.anggota").post(f"/processes/{KEY}/instances", json={"data": START})
    assert r.status_code == 403
    r = login("bsip.staf").post(f"/processes/{KEY}/instances", json={"data": START})
    assert r.status_code == 403
    assert _instance_count(seeded) == before


def test_other_agency_and_other_lane_cannot_touch_a_task(login, seeded):
    karo = login("kemenpora.karo")
    started = _start(karo)
    task_id = started["open_tasks"][0]["id"]
    for name in ("kemenpora.anggota", "dki.karo"):
        user = login(name)
        assert user.get(f"/tasks/{task_id}").status_code == 403
        assert user.post(f"/tasks/{task_id}/claim").status_code == 403
        assert user.post(f"/tasks/{task_id}/complete", json={"data": {}}).status_code == 403
        assert task_id not in [t["id"] for t in user.get("/tasks?scope=claimable").get_json()["items"]]
    assert login("dki.karo").get(f"/instances/{started['id']}").status_code == 403
    assert karo.get(f"/tasks/{task_id}").get_json()["state"] == "ready"


def test_a_claimed_task_is_closed_to_others_of_the_lane(login, seeded):
    from server.kernel import accounts
    from server.kernel.actors import load_actor

    karo = login("kemenpora.karo")
    task_id = _start(karo)["open_tasks"][0]["id"]
    # a second Kepala Biro user in the same lane
    with seeded.db.transaction() as s:
        user = accounts.create_user(s, seeded.clock.now(), "kemenpora.karo2", "Karo 2", password="kata-sandi-uji")
        accounts.add_member(s, user.id, 1, ["Kepala Biro Humas dan Umum"])
        assert load_actor(s, user.id).role_ids
    other = login("kemenpora.karo2")
    assert karo.post(f"/tasks/{task_id}/claim").status_code == 200
    assert karo.get("/tasks?scope=mine").get_json()["total"] == 1
    assert other.get("/tasks?scope=claimable").get_json()["total"] == 0
    r = other.post(f"/tasks/{task_id}/complete", json={"data": {"catatan": "x"}})
    assert r.status_code == 409
    assert "pengguna lain" in r.get_json()["message"]
    assert other.post(f"/tasks/{task_id}/claim").status_code == 409
    assert karo.post(f"/tasks/{task_id}/release").status_code == 200
    assert other.post(f"/tasks/{task_id}/claim").status_code == 200


def test_browser_session_api_writes_need_the_csrf_token(app, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    page = browser.get("/login")
    token = page.get_data(as_text=True).split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    r = browser.post("/login", data={"username": "kemenpora.karo", "password": "kata-sandi-uji",
                                     "csrf_token": token})
    assert r.status_code == 302
    assert browser.get("/api/v1/processes").status_code == 200  # reads work with the session
    r = browser.post(f"/api/v1/processes/{KEY}/instances", json={"data": START})
    assert r.status_code == 403 and "CSRF" in r.get_json()["message"]
    assert _instance_count(seeded) == 0
    r = browser.post("/logout")  # a plain form post without its token is refused too
    assert r.status_code == 400


def test_login_form_refuses_a_post_without_csrf(app, seeded):
    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    r = browser.post("/login", data={"username": "kemenpora.karo", "password": "kata-sandi-uji"})
    assert r.status_code == 400  # refused before the password is even looked at
    assert browser.get("/").status_code == 302  # still not signed in


def _instance_count(alur) -> int:
    from sqlalchemy import func, select

    from server.models import ProcessInstance

    with alur.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(ProcessInstance))


def test_repeated_wrong_passwords_lock_the_account_for_a_while(client, seeded):
    def attempt(password):
        return client.post("/api/v1/auth/token", json={"username": "bsip.katim", "password": password})

    for _ in range(5):
        assert attempt("salah").status_code == 401
    locked = attempt("kata-sandi-uji")
    assert locked.status_code == 429 and "Terlalu banyak percobaan" in locked.get_json()["message"]
    assert client.post("/api/v1/auth/token", json={"username": "bsip.staf", "password": "kata-sandi-uji"}
                       ).status_code == 201  # other accounts are not affected
    seeded.clock.advance(minutes=16)
    assert attempt("kata-sandi-uji").status_code == 201
