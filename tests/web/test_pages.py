"""The browser pages without a browser: every page renders, the core flow works without JS."""
from __future__ import annotations

import io
import re

import pytest

from server.files import samples

from ..conftest import DEMO_PASSWORD


class Browser:
    """A test client that signs in through the login form and sends CSRF tokens like a browser."""

    def __init__(self, app, username):
        self.client = app.test_client()
        page = self.client.get("/login")
        r = self.client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                             "csrf_token": self.token(page)})
        assert r.status_code == 302, r.get_data(as_text=True)

    @staticmethod
    def token(response) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)

    def get(self, path, **kw):
        return self.client.get(path, **kw)

    def submit(self, page_path, data: dict, files: dict | None = None):
        page = self.client.get(page_path)
        assert page.status_code == 200, page.status_code
        body = dict(data, csrf_token=self.token(page))
        for name, items in (files or {}).items():
            body[name] = [(io.BytesIO(content), filename) for content, filename in items]
        return self.client.post(page_path, data=body, content_type="multipart/form-data")


@pytest.fixture
def browser(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return lambda username: Browser(app, username)


def test_signed_out_pages_redirect_to_login(client):
    for path in ("/", "/mulai", "/tugas/1", "/instans/1"):
        r = client.get(path)
        assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_login_page_and_wrong_password(client):
    page = client.get("/login")
    assert page.status_code == 200 and 'id="username"' in page.get_data(as_text=True)
    r = client.post("/login", data={"username": "dki.admin", "password": "salah",
                                    "csrf_token": Browser.token(page)})
    assert r.status_code == 401 and "Nama pengguna atau kata sandi salah." in r.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still signed out


def test_dki_flow_without_javascript(browser):
    admin = browser("dki.admin")
    listing = admin.get("/mulai").get_data(as_text=True)
    assert 'data-key="dki_ksd_pengelolaan_media_sosial"' in listing
    r = admin.submit("/mulai/dki_ksd_pengelolaan_media_sosial",
                     {"judul": "Ucapan Hari Guru", "jenis_konten": "Infografis ucapan", "tanggal_kegiatan": "2026-11-25"})
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    task_path = r.headers["Location"]
    assert task_path.startswith("/tugas/")
    page = admin.get(task_path).get_data(as_text=True)
    assert 'id="sop-step"' in page and "Menyerahkan konsep dokumentasi" in page

    caption = "x" * 201
    r = admin.submit(task_path, {"narasi": "Narasi.", "caption": caption,
                                 "tautan_foto_video": "https://drive.contoh.go.id/a"},
                     files={"dokumentasi__upload": [(samples.png(), "foto.png")]})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert 'id="error-caption"' in html and "Paling banyak 200 karakter (sekarang 201)." in html
    assert caption in html  # what was typed is kept
    assert "foto.png" in html  # and so is the upload
    kept = re.findall(r'name="dokumentasi" value="([0-9a-f-]{36})"', html)
    assert len(kept) == 1

    page = admin.client.get(task_path)
    r = admin.client.post(task_path, data={"csrf_token": Browser.token(page), "narasi": "Narasi.",
                                           "caption": "Selamat Hari Guru", "dokumentasi": kept[0],
                                           "tautan_foto_video": "https://drive.contoh.go.id/a"},
                          content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    inbox = admin.get("/").get_data(as_text=True)
    assert "Kotak tugas" in inbox

    tim = browser("dki.tim")
    inbox = tim.get("/?tab=tim").get_data(as_text=True)
    assert 'data-element-id="s02_tanggapi_dan_koreksi"' in inbox
    task_id = re.search(r'data-task-id="(\d+)" data-element-id="s02_tanggapi_dan_koreksi"', inbox).group(1)
    r = tim.submit(f"/tugas/{task_id}", {"keputusan": "Tolak"})
    assert r.status_code == 422 and 'id="error-alasan"' in r.get_data(as_text=True)
    r = tim.submit(f"/tugas/{task_id}", {"keputusan": "Tolak", "alasan": "Foto kurang jelas."})
    assert r.status_code == 302

    # Back at row 1, the revision starts from what was sent before, and shows why it came back.
    inbox = admin.get("/?tab=tim").get_data(as_text=True)
    again = re.search(r'data-task-id="(\d+)" data-element-id="s01_serahkan_konsep_dokumentasi"', inbox).group(1)
    page = admin.get(f"/tugas/{again}").get_data(as_text=True)
    assert "Selamat Hari Guru" in page and kept[0] in page
    assert "Foto kurang jelas." in page and "Tolak" in page
    instance_path = re.search(r'href="(/instans/\d+)"', page).group(1)
    instance = admin.get(instance_path).get_data(as_text=True)
    assert 'id="instance-status"' in instance and "Berjalan" in instance

    assert browser("dki.karo").get(task_path).status_code == 403
    assert browser("kemenpora.karo").get(task_path).status_code == 403


def test_language_switch(browser):
    user = browser("bsip.staf")
    page = user.get("/")
    assert "Kotak tugas" in page.get_data(as_text=True)
    r = user.client.post("/bahasa", data={"lang": "en", "csrf_token": Browser.token(page)})
    assert r.status_code == 302
    assert "Task inbox" in user.get("/").get_data(as_text=True)


def test_photos_get_small_previews_and_only_the_agency_sees_them(browser, login):
    from server.files import samples as s

    api = login("dki.admin")
    photo = api.upload(s.png(width=1200, height=800), "besar.png")
    admin = browser("dki.admin")
    r = admin.get(f"/berkas/{photo}/kecil")
    assert r.status_code == 200 and r.mimetype == "image/jpeg"
    from PIL import Image
    with Image.open(io.BytesIO(r.data)) as image:
        assert max(image.size) == 320
    assert admin.get(f"/berkas/{photo}").data.startswith(b"\x89PNG")
    assert browser("kemenpora.karo").get(f"/berkas/{photo}/kecil").status_code == 403
    pdf = api.upload(s.pdf(), "surat.pdf")
    assert admin.get(f"/berkas/{pdf}/kecil").status_code == 302


def test_notifications_show_in_the_header_and_on_their_page(browser, seeded):
    from sqlalchemy import select

    from server.models import Agency, User
    from server.kernel import notifications

    user = browser("ponjong.admin")
    with seeded.db.transaction() as s:
        uid = s.scalar(select(User.id).where(User.username == "ponjong.admin"))
        agency = s.scalar(select(Agency.id).where(Agency.slug == "ponjong"))
        notifications.notify(s, seeded.clock.now(), [uid], agency_id=agency, kind="overdue",
                             message_id="Terlambat: langkah 5", message_en="Overdue: step 5")
    page = user.get("/").get_data(as_text=True)
    assert 'id="notices-link"' in page and 'class="badge">1<' in page
    assert "Terlambat: langkah 5" in user.get("/pemberitahuan").get_data(as_text=True)
    assert 'class="badge"' not in user.get("/").get_data(as_text=True)  # seen


def test_history_shows_dates_and_links_readably(browser, seeded):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from sqlalchemy import select

    from server.formschema.samples import sample_submission
    from server.models import User
    from server import demo
    from server.work.services import instances, tasks
    from server.kernel.actors import load_actor

    seeded.clock.set(datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta")))
    instance_id = int(re.search(r"#(\d+)", demo.drive(seeded, "kemenpora_publikasi_media_sosial", steps=6)).group(1))
    with seeded.db.transaction() as s:
        ketua = load_actor(s, s.scalar(select(User.id).where(User.username == "kemenpora.ketua")))
    order = instances.get(seeded, ketua, instance_id)["open_tasks"][0]
    assert order["element_id"] == "s07_perintahkan_publikasi"
    form = tasks.get_task(seeded, ketua, order["id"])["form"]
    no_files = lambda accept, count: []  # noqa: E731 (neither form asks for files)
    tasks.complete(seeded, ketua, order["id"], {**sample_submission(form, files=no_files, text="Perintah"),
                                                "jadwal_publikasi": "2026-11-24T09:00:00+07:00"})
    with seeded.db.transaction() as s:
        anggota = load_actor(s, s.scalar(select(User.id).where(User.username == "kemenpora.anggota")))
    publish = instances.get(seeded, anggota, instance_id)["open_tasks"][0]
    form = tasks.get_task(seeded, anggota, publish["id"])["form"]
    tasks.complete(seeded, anggota, publish["id"], {**sample_submission(form, files=no_files),
                                                    "tautan_unggahan": ["https://www.instagram.com/p/x/",
                                                                        "https://youtu.be/y"]})

    user = browser("kemenpora.anggota")
    page = user.get(f"/instans/{instance_id}").get_data(as_text=True)
    assert "Selasa, 24 November 2026 09.00 WIB" in page and "2026-11-24T09:00:00" not in page
    assert '<a href="https://www.instagram.com/p/x/" rel="noopener noreferrer">' in page
    assert '<a href="https://youtu.be/y" rel="noopener noreferrer">' in page
    user.client.post("/bahasa", data={"lang": "en", "csrf_token": Browser.token(user.get("/"))})
    assert "Tuesday, 24 November 2026 09:00 WIB" in user.get(f"/instans/{instance_id}").get_data(as_text=True)


def test_a_calendar_date_keeps_its_day_in_every_zone():
    from server.web import dates

    assert dates.day("2026-10-28") == "Rabu, 28 Oktober 2026"
    assert dates.day("2026-10-28", "en") == "Wednesday, 28 October 2026"


def test_odd_addresses_and_nul_characters_get_a_page_not_a_server_error(browser, seeded):
    from sqlalchemy import func, select

    from server.models import ProcessInstance

    def instance_count():
        with seeded.db.transaction() as s:
            return s.scalar(select(func.count()).select_from(ProcessInstance))

    user = browser("dki.admin")
    huge = "9" * 25
    for path in (f"/tugas/{huge}", f"/instans/{huge}", "/tugas/0", f"/tugas/{huge}/ambil"):
        assert user.get(path).status_code in (404, 405), path
    assert user.get(f"/?tab=tim&hal={huge}").status_code == 200
    for path in ("/?q=%00", "/?proses=%00", "/mulai/%00"):
        r = user.get(path)
        assert r.status_code == 400 and "karakter NUL" in r.get_data(as_text=True), path
    start = "/mulai/dki_ksd_pengelolaan_media_sosial"
    before = instance_count()
    r = user.submit(start, {"judul": "Judul\u0000", "jenis_konten": "Infografis", "tanggal_kegiatan": "2026-11-10"})
    assert r.status_code == 400 and "karakter NUL" in r.get_data(as_text=True)
    assert instance_count() == before


def test_http_errors_are_explained_in_the_users_language(browser, app):
    user = browser("bsip.staf")
    page = user.get("/tidak-ada")
    assert page.status_code == 404 and "Halaman yang dicari tidak ada." in page.get_data(as_text=True)
    stale = user.client.post("/mulai/bsip_informasi_media_sosial", data={"judul": "x", "csrf_token": "basi"})
    assert stale.status_code == 400
    assert "Formulir ini sudah kedaluwarsa atau tidak sah." in stale.get_data(as_text=True)
    app.extensions["alur"].files.max_bytes_by_kind.update(image=1000, video=1000, document=1000)  # caps uploads
    big = user.submit("/mulai/bsip_informasi_media_sosial", {"judul": "x"},
                      files={"lampiran": [(b"x" * (2 * 1024 * 1024), "a.pdf")]})
    assert big.status_code == 413 and "Kiriman melebihi batas ukuran berkas" in big.get_data(as_text=True)
    user.client.post("/bahasa", data={"lang": "en", "csrf_token": Browser.token(user.get("/"))})
    assert "The page you are looking for does not exist." in user.get("/tidak-ada").get_data(as_text=True)
    assert user.get("/api/v1/tidak-ada").get_json()["message"] == "Not found."


@pytest.mark.parametrize("target,lands_on", [
    ("/tugas/5", "/tugas/5"),
    ("https://evil.example/", "/"),
    ("//evil.example/", "/"),
    ("/\\evil.example/", "/"),
    ("/\t/evil.example/", "/"),
])
def test_sign_in_returns_only_to_a_page_of_this_site(app, target, lands_on):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/login")
    r = client.post("/login", query_string={"next": target},
                    data={"username": "bsip.staf", "password": DEMO_PASSWORD, "csrf_token": Browser.token(page)})
    assert r.status_code == 302 and r.headers["Location"] == lands_on


def test_pages_carry_security_headers_and_attachments_keep_their_stricter_policy(browser, login):
    from server.files import samples as s

    user = browser("dki.admin")
    page = user.get("/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "same-origin"
    photo = login("dki.admin").upload(s.png(), "foto.png")
    assert user.get(f"/berkas/{photo}").headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_changing_the_password_keeps_this_session_and_ends_the_others(browser):
    here, elsewhere = browser("bsip.staf"), browser("bsip.staf")
    page = here.get("/akun").get_data(as_text=True)
    assert "Ganti kata sandi" in page and "Pelaksana/Staf" in page

    wrong = here.submit("/akun", {"current": "salah-sekali", "new": "Baru-sekali-2026", "repeated": "Baru-sekali-2026"})
    assert wrong.status_code == 422
    assert 'id="error-current"' in wrong.get_data(as_text=True)
    assert "Kata sandi saat ini salah." in wrong.get_data(as_text=True)

    done = here.submit("/akun", {"current": DEMO_PASSWORD, "new": "Baru-sekali-2026", "repeated": "Baru-sekali-2026"})
    assert done.status_code == 302
    assert "Kata sandi sudah diganti." in here.get("/akun").get_data(as_text=True)
    assert here.get("/").status_code == 200  # this browser goes on
    gone = elsewhere.get("/")
    assert gone.status_code == 302 and "/login" in gone.headers["Location"]  # the other one is signed out


def test_a_nul_character_in_any_uploaded_files_name_is_refused(browser, seeded):
    from sqlalchemy import func, select

    from server.models import Attachment

    user = browser("kemenpora.karo")
    r = user.submit("/mulai/kemenpora_publikasi_media_sosial", {"judul": "Surat"},
                    files={"dokumen_permohonan__upload": [(samples.pdf(), "surat.pdf"),
                                                          (samples.pdf("kedua"), "kedua\u0000.pdf")]})
    assert r.status_code == 400 and "karakter NUL" in r.get_data(as_text=True)
    with seeded.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0  # not even the first file


def test_guessing_the_current_password_on_the_account_page_locks_it_with_a_message(browser):
    from server.kernel import accounts

    user = browser("bsip.katim")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert user.submit("/akun", {"current": "tebakan", "new": "Baru-sekali-2026",
                                     "repeated": "Baru-sekali-2026"}).status_code == 422
    locked = user.submit("/akun", {"current": DEMO_PASSWORD, "new": "Baru-sekali-2026", "repeated": "Baru-sekali-2026"})
    assert locked.status_code == 429
    assert 'role="alert">Terlalu banyak percobaan masuk yang gagal' in locked.get_data(as_text=True)
