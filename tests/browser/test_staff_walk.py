"""A new member of staff walks the Kemenpora SOP in the browser: the request on every task page,
what a decision judges above its buttons, work sent back with its reason and a notice, due times
in words with their rule, the inbox opening where the work is, "Permohonan saya", and on a phone
the first wrong field brought into view. Desktop and phone screenshots of each page."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from server import demo
from server.files import samples
from server.models import HumanTask
from server.work.services import instances

from ..web.test_staff_walk_pages import actor, complete, open_task
from .conftest import SCREENSHOTS, expect, login, send_button, shot, visit

KEY = "kemenpora_publikasi_media_sosial"
DKI = "dki_ksd_pengelolaan_media_sosial"
PHONE = {"width": 390, "height": 844}
LANE_USERS = {"Kepala Biro Humas dan Umum": "kemenpora.karo", "Penanggungjawab Bidang Kehumasan": "kemenpora.pj",
              "Ketua Tim Publikasi": "kemenpora.ketua", "Anggota Tim Publikasi": "kemenpora.anggota"}
MONDAY = datetime(2026, 11, 23, 9, 30, tzinfo=ZoneInfo("Asia/Jakarta"))


class Staff:
    """One signed-in tab per user (and a phone tab on demand)."""

    def __init__(self, new_page, base_url):
        self.new_page, self.base_url, self.tabs = new_page, base_url, {}

    def __call__(self, username: str, phone: bool = False):
        key = (username, phone)
        if key not in self.tabs:
            page = self.new_page(viewport=PHONE) if phone else self.new_page()
            login(page, self.base_url, username)
            self.tabs[key] = page
        return self.tabs[key]


def above(page, upper: str, lower: str) -> bool:
    return page.locator(upper).first.bounding_box()["y"] < page.locator(lower).first.bounding_box()["y"]


def test_a_request_walked_to_a_rejection_and_back(new_page, live_server, seeded, sample_files):
    seeded.clock.set(MONDAY)
    staff = Staff(new_page, live_server)

    # The Kepala Biro starts the request with its letter and a picture, and lands on step 1.
    karo = staff("kemenpora.karo")
    visit(karo, f"/mulai/{KEY}")
    form = karo.locator("form#start-form")
    form.locator("#field-judul").fill("Konten Hari Sumpah Pemuda")
    form.locator("#field-asal_permohonan-1").check()  # Eksternal
    letter = sample_files.make("files", "surat-permohonan")
    picture = sample_files.folder / "poster-acuan.png"
    picture.write_bytes(samples.png(width=480, height=320, rgb=(11, 79, 108)))
    form.locator("#field-dokumen_permohonan").set_input_files([str(letter), str(picture)])
    form.locator("#field-tanggal_kegiatan").fill("2026-10-28")
    karo.locator("button#submit-start").click()
    expect(karo).to_have_url(re.compile(r"/tugas/\d+$"))

    request = karo.locator("section#request")
    expect(request.locator("h2")).to_have_text("Permohonan")
    expect(request).to_contain_text("Dokumen permohonan")
    expect(request).to_contain_text("Eksternal")
    expect(request.get_by_role("link", name=letter.name)).to_be_visible()
    expect(request.locator("img.thumb")).to_be_visible()  # the picture as a thumbnail
    opened = karo.request.get(request.get_by_role("link", name=letter.name).get_attribute("href"))
    assert opened.status == 200 and opened.headers["content-type"] == "application/pdf"
    assert above(karo, "section#request", "section#history")
    expect(karo.locator("#due")).to_contain_text("(10 menit lagi)")
    expect(karo.locator("#due-rule")).to_have_text("Waktu: 10 menit (10 menit kerja)")
    shot(karo, "staff-task-request-kemenpora")
    karo.locator("#field-disposisi").fill("Tindak lanjuti permohonan ini.")
    send_button(karo.locator("form#task-form")).click()
    expect(karo).to_have_url(f"{live_server}/")

    # Every later step's page shows the request too; steps 2 to 5 are done through the services.
    instance_id = instances.list_instances(seeded, actor(seeded, "kemenpora.karo"))["items"][0]["id"]
    for _ in range(4):
        task = open_task(seeded, instance_id)
        page = staff(LANE_USERS[task["lane"]])
        visit(page, f"/tugas/{task['id']}")
        expect(page.locator("section#request").get_by_role("link", name=letter.name)).to_be_visible()
        if task["element_id"] == "s03_bahas_konsep_konten":
            expect(page.locator("#due")).to_contain_text("Selasa, 24 November 2026 16.00 WIB (1 hari kerja lagi)")
            expect(page.locator("#due-rule")).to_have_text("Waktu: 1 hari (1 hari kerja)")
        extra = {"caption": "Caption versi pertama"} if task["element_id"].startswith("s05") else {}
        complete(seeded, LANE_USERS[task["lane"]], task["id"], **extra)

    # Step 6 decides: what steps 1 to 5 sent (step 5's first) stands above the decision buttons.
    decision = open_task(seeded, instance_id)
    for phone in (False, True):
        page = staff("kemenpora.karo", phone)
        visit(page, f"/tugas/{decision['id']}")
        review = page.locator("section#under-review")
        expect(review.locator("ol.history > li")).to_have_count(5)
        expect(review.locator("ol.history > li").first).to_contain_text("Langkah 5")
        expect(review.locator("ol.history > li").first).to_contain_text("Caption versi pertama")
        assert above(page, "section#under-review", "fieldset.decision")
        assert above(page, "section#request", "fieldset.decision")
        shot(page, f"staff-decision-kemenpora-{'phone' if phone else 'desktop'}")

    reason = "Logo Kemenpora terpotong di pojok kanan."
    karo.locator("#field-alasan").fill(reason)
    karo.get_by_role("button", name="Tidak", exact=True).click()
    expect(karo).to_have_url(f"{live_server}/")

    # Step 5 comes back to the Ketua Tim Publikasi: a notice, and the reason at the top of the page.
    ketua = staff("kemenpora.ketua")
    visit(ketua, "/")
    expect(ketua.locator("#notices-link .badge")).to_have_text("1")
    ketua.locator("#notices-link").click()
    notice = ketua.locator("ul.notices li").first
    expect(notice).to_contain_text("Dikembalikan: langkah 5")
    expect(notice).to_contain_text(reason)
    notice.get_by_role("link").click()
    expect(ketua).to_have_url(re.compile(r"/tugas/\d+$"))
    banner = ketua.locator("#rejection")
    expect(banner).to_contain_text("Dikembalikan")
    expect(banner).to_contain_text("ditolak di langkah 6 (Memutuskan persetujuan konten) oleh "
                                   "Kepala Biro Humas dan Umum (kemenpora), Senin, 23 November 2026 09.30 WIB.")
    expect(banner).to_contain_text(f"Alasan: {reason}")
    assert above(ketua, "#rejection", "section#sop-step")
    expect(ketua.locator("#field-caption")).to_have_value("Caption versi pertama")
    expect(ketua.locator("#due")).to_contain_text("(30 menit lagi)")

    # Two working days later it is late, in those words.
    seeded.clock.set(datetime(2026, 11, 25, 10, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    for phone in (False, True):
        page = staff("kemenpora.ketua", phone)
        visit(page, ketua.url)
        expect(page.locator("#due .overdue-mark")).to_have_text("(terlambat 2 hari kerja)")
        expect(page.locator("#due-rule")).to_have_text("Waktu: 30 menit (30 menit kerja)")
        expect(page.locator("#rejection")).to_contain_text(reason)
        expect(page.locator("section#request")).to_contain_text("Dokumen permohonan")
        shot(page, f"staff-task-sent-back-kemenpora-{'phone' if phone else 'desktop'}")


def test_the_inbox_opens_where_the_work_is(new_page, live_server, seeded):
    demo.drive(seeded, KEY, 2, title="Konten Hari Guru")  # step 3 waits in the Ketua Tim Publikasi lane
    demo.drive(seeded, KEY, 2, title="Konten Hari Pahlawan")
    staff = Staff(new_page, live_server)
    for phone in (False, True):
        page = staff("kemenpora.ketua", phone)
        visit(page, "/")
        expect(page.locator("#tab-tim")).to_have_attribute("aria-current", "page")
        expect(page.locator("#tab-saya")).to_have_text("Tugas saya (0)")
        expect(page.locator("article.task-row")).to_have_count(2)
        shot(page, f"staff-inbox-team-{'phone' if phone else 'desktop'}")

    page = staff("kemenpora.ketua")
    page.locator("article.task-row").first.get_by_role("button", name="Ambil").click()
    visit(page, "/")  # with a claimed task, mine come first
    expect(page.locator("#tab-saya")).to_have_attribute("aria-current", "page")
    expect(page.locator("article.task-row")).to_have_count(1)
    shot(page, "staff-inbox-mine-desktop")
    visit(page, "/?tab=tim")  # the team's tab still opens when asked for
    expect(page.locator("#tab-tim")).to_have_attribute("aria-current", "page")
    expect(page.locator("article.task-row")).to_have_count(1)

    idle = staff("kemenpora.anggota")  # nothing anywhere: my (empty) tasks
    visit(idle, "/")
    expect(idle.locator("#tab-saya")).to_have_attribute("aria-current", "page")


def test_my_requests_says_where_each_one_stands(new_page, live_server, seeded):
    reports = []
    for number, steps in enumerate([99, 5, 2, 0], 1):  # oldest first: done, at step 6, at step 3, at step 1
        seeded.clock.advance(hours=1)
        reports.append(demo.drive(seeded, KEY, steps, title=f"Permohonan {number}"))
    staff = Staff(new_page, live_server)
    karo = staff("kemenpora.karo")
    visit(karo, "/")
    karo.locator("#my-requests-link").click()
    expect(karo).to_have_url(f"{live_server}/permohonan")
    expect(karo.locator("h1")).to_have_text("Permohonan saya")
    rows = karo.locator("article.request-row")
    expect(rows).to_have_count(4)
    expect(rows.locator("h2")).to_have_text(["Permohonan 4", "Permohonan 3", "Permohonan 2", "Permohonan 1"])
    expect(rows.nth(0)).to_contain_text("Berjalan")
    expect(rows.nth(0)).to_contain_text("Sekarang di langkah 1: Mendisposisi pembuatan konten · "
                                        "Kepala Biro Humas dan Umum")
    expect(rows.nth(0).locator(".due")).to_contain_text("Tenggat Senin, 23 November 2026 13.40 WIB (10 menit lagi)")
    expect(rows.nth(1)).to_contain_text("Sekarang di langkah 3: Melakukan pembahasan konsep konten · "
                                        "Ketua Tim Publikasi")
    expect(rows.nth(1).locator(".due")).to_contain_text("(1 hari kerja lagi)")
    expect(rows.nth(3)).to_contain_text("Selesai")
    expect(rows.nth(3)).to_contain_text("Berakhir")
    expect(rows.nth(3).locator(".current")).to_have_count(0)
    rows.nth(2).locator("a.instance-link").click()
    expect(karo.locator("h1")).to_have_text("Permohonan 2")
    for phone in (False, True):
        page = staff("kemenpora.karo", phone)
        visit(page, "/permohonan")
        shot(page, f"staff-my-requests-{'phone' if phone else 'desktop'}")

    # Paged, 20 to a page; another user's list has none of these.
    for number in range(17):
        demo.drive(seeded, KEY, 0, title=f"Permohonan tambahan {number}")
    visit(karo, "/permohonan")
    expect(karo.locator("article.request-row")).to_have_count(20)
    karo.locator("nav.pager").get_by_role("link", name="2").click()
    expect(karo.locator("article.request-row")).to_have_count(1)
    expect(karo.locator("article.request-row h2")).to_have_text("Permohonan 1")
    ketua = staff("kemenpora.ketua")
    visit(ketua, "/permohonan")
    expect(ketua.locator("article.request-row")).to_have_count(0)
    expect(ketua.locator("p.empty")).to_contain_text("Anda belum memulai apa pun.")


def _dki_first_task(alur) -> int:
    demo.drive(alur, DKI, 0, title="Ucapan Hari Guru")
    with alur.db.transaction() as s:
        return s.scalar(select(HumanTask.id).where(HumanTask.state == "ready"))


def test_on_a_phone_the_first_wrong_field_comes_into_view(new_page, live_server, seeded, sample_files):
    task_id = _dki_first_task(seeded)
    for javascript in (True, False):
        page = new_page(viewport=PHONE, java_script_enabled=javascript)
        login(page, live_server, "dki.admin")
        visit(page, f"/tugas/{task_id}")
        form = page.locator("form#task-form")
        form.locator("#field-narasi").fill("Narasi kegiatan.")
        form.locator("#field-caption").fill("x" * 201)  # one over the limit: refused by the server
        form.locator("#field-dokumentasi").set_input_files([str(sample_files.make("images", "foto"))])
        form.locator("#field-tautan_foto_video").fill("https://drive.contoh.go.id/a")
        send_button(form).click()
        expect(page.locator("#error-caption")).to_have_text("Paling banyak 200 karakter (sekarang 201).")
        if javascript:
            expect(page.locator("#field-caption")).to_be_focused()
            expect(page.locator("#field-caption")).to_be_in_viewport()
            expect(page.locator("#fieldwrap-caption label")).to_be_in_viewport()
            page.screenshot(path=str(SCREENSHOTS / "staff-error-in-view-phone.png"))  # what the phone shows
        else:  # without JavaScript the page still says what is wrong and keeps what was typed
            expect(page.locator("#field-caption")).to_have_value("x" * 201)
            expect(page.locator(".error-summary")).to_be_visible()
