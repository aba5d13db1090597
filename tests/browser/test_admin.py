"""Admin Instansi in a real browser: an agency's admin adds a user with a lane, hands over the
one-time password, the user signs in and finds the lane's work; lanes granted on the user's page;
a day added to the agency's calendar; another agency's admin refused. Screenshots of every admin
page at desktop and phone size."""
from __future__ import annotations

import re

import pytest

from server import demo

from .conftest import expect, login, shot, visit

ADMIN = "kemenpora.admin_instansi"
KEMENPORA_SOP = "kemenpora_publikasi_media_sosial"
ADMIN_PAGES = {"staff": "/admin/kemenpora/", "new-user": "/admin/kemenpora/tambah-pengguna",
               "member": "/admin/kemenpora/pengguna/kemenpora.anggota",
               "member-self": "/admin/kemenpora/pengguna/kemenpora.admin_instansi",
               "calendar": "/admin/kemenpora/kalender"}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_admin_adds_a_user_who_signs_in_and_finds_the_lanes_work(seeded, new_page, live_server):
    demo.drive(seeded, KEMENPORA_SOP, 3)  # step 4 now waits for the Anggota Tim Publikasi lane
    admin = new_page()
    login(admin, live_server, ADMIN)
    admin.locator("#admin-link").click()
    expect(admin).to_have_url(f"{live_server}/admin/kemenpora/")
    expect(admin.locator("h1")).to_have_text("Pengguna instansi")
    expect(admin.locator("#admin-link")).to_have_text("Admin Instansi")
    expect(admin.locator('tr[data-username="kemenpora.anggota"]')).to_contain_text("Anggota Tim Publikasi")
    shot(admin, "admin-staff")
    admin.fill("#staff-q", "ketua")
    admin.get_by_role("button", name="Cari").click()
    expect(admin.locator("#staff-table tbody tr")).to_have_count(1)
    shot(admin, "admin-staff-search")

    admin.get_by_role("link", name="Tambah pengguna").first.click()
    expect(admin.locator("h1")).to_have_text("Tambah pengguna")
    shot(admin, "admin-new-user")
    admin.fill("#field-username", "Rina Publikasi")  # not a username
    admin.get_by_role("checkbox", name="Anggota Tim Publikasi").check()
    admin.get_by_role("button", name="Tambahkan pengguna").click()
    expect(admin.locator("#error-username")).to_contain_text("huruf kecil")
    expect(admin.locator("#error-display_name")).to_have_text("Nama lengkap wajib diisi.")
    expect(admin.get_by_role("checkbox", name="Anggota Tim Publikasi")).to_be_checked()  # kept
    shot(admin, "admin-new-user-errors")

    admin.fill("#field-username", "rina.publikasi")
    admin.fill("#field-display_name", "Rina Publikasi")
    admin.fill("#field-email", "rina@kemenpora.go.id")
    admin.get_by_role("button", name="Tambahkan pengguna").click()
    expect(admin).to_have_url(f"{live_server}/admin/kemenpora/pengguna/rina.publikasi")
    expect(admin.locator(".flash-success")).to_have_text("Pengguna rina.publikasi sudah ditambahkan.")
    expect(admin.locator("#one-time")).to_contain_text("hanya ditampilkan sekali")
    password = admin.locator("#one-time-password").inner_text().strip()
    assert len(password) >= 10
    shot(admin, "admin-member-one-time-password")

    rina = new_page()
    login(rina, live_server, "rina.publikasi", password)
    visit(rina, "/?tab=tim")
    expect(rina.locator("article.task-row")).to_have_count(1)
    expect(rina.locator("article.task-row")).to_contain_text("Kegiatan contoh")
    expect(rina.locator("#admin-link")).to_have_count(0)  # no admin of anything

    admin.reload()
    expect(admin.locator("#one-time")).to_have_count(0)  # shown once
    admin.get_by_role("checkbox", name="Ketua Tim Publikasi").check()
    admin.get_by_role("button", name="Simpan jabatan dan peran").click()
    expect(admin.locator(".flash-success")).to_have_text("Diberikan: Ketua Tim Publikasi.")
    expect(admin.get_by_role("checkbox", name="Ketua Tim Publikasi")).to_be_checked()
    shot(admin, "admin-member")
    visit(rina, "/akun")
    expect(rina.locator("main")).to_contain_text("Ketua Tim Publikasi")


def test_admin_adds_a_day_off_to_the_agencys_calendar(page, live_server):
    login(page, live_server, ADMIN)
    visit(page, "/admin/kemenpora/")
    page.get_by_role("link", name="Kalender kerja").click()
    expect(page.locator("h1")).to_have_text("Kalender kerja")
    expect(page.locator("#agency-days")).to_have_count(0)
    page.fill("#field-day", "2026-11-29")  # a Sunday: already off
    page.get_by_role("button", name="Simpan hari").click()
    expect(page.locator("#error-day")).to_contain_text("sudah libur")
    shot(page, "admin-calendar-error")

    page.fill("#field-day", "2026-11-27")
    page.get_by_role("radio", name="Libur tambahan").check()
    page.fill("#field-note", "Hari jadi Biro Humas")
    page.get_by_role("button", name="Simpan hari").click()
    expect(page.locator(".flash-success")).to_have_text("Jumat, 27 November 2026 kini menjadi hari libur tambahan.")
    day = page.locator('#agency-days li[data-day="2026-11-27"]')
    expect(day).to_contain_text("Hari jadi Biro Humas")
    expect(day).to_contain_text("libur tambahan")

    page.get_by_role("checkbox", name="Sabtu").check()
    page.fill("#field-opens", "08:00")
    page.get_by_role("button", name="Simpan minggu kerja").click()
    expect(page.locator(".flash-success")).to_have_text("Minggu kerja sudah disimpan.")
    expect(page.get_by_role("checkbox", name="Sabtu")).to_be_checked()
    expect(page.locator("#field-opens")).to_have_value("08:00")
    shot(page, "admin-calendar")

    day.get_by_role("button").click()
    expect(page.locator(".flash-success")).to_contain_text("kembali mengikuti kalender biasa")
    expect(page.locator("#agency-days")).to_have_count(0)


def test_another_agencys_admin_gets_403(page, live_server):
    login(page, live_server, "bsip.admin_instansi")
    for path in ADMIN_PAGES.values():
        visit(page, path, status=403)
        expect(page.locator("h1")).to_have_text("Akses ditolak")
    refused = page.request.post("/admin/kemenpora/pengguna/kemenpora.anggota/status",
                                form={"active": "0", "csrf_token": page.locator("input[name=csrf_token]").first
                                      .get_attribute("value")}, max_redirects=0)
    assert refused.status == 403
    shot(page, "admin-forbidden")
    page.locator("#admin-link").click()  # their own agency is where the link leads
    expect(page).to_have_url(f"{live_server}/admin/bsip/")


@pytest.mark.viewport(390, 844)
def test_every_admin_page_fits_a_phone(page, live_server):
    login(page, live_server, ADMIN)
    for name, path in ADMIN_PAGES.items():
        visit(page, path)
        shot(page, f"admin-{name}-phone")
        assert _fits(page), f"{path} scrolls sideways on a phone"
    visit(page, ADMIN_PAGES["new-user"])
    page.get_by_role("button", name="Tambahkan pengguna").click()
    expect(page.locator("#error-username")).to_be_visible()
    assert _fits(page)
    shot(page, "admin-new-user-errors-phone")


def test_every_admin_page_in_english(page, live_server):
    login(page, live_server, ADMIN)
    visit(page, "/admin/kemenpora/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Users of the agency")
    for name, path in ADMIN_PAGES.items():
        visit(page, path)
        shot(page, f"admin-{name}-en")
    expect(page.locator("h1")).to_have_text("Working calendar")
    assert re.search(r"Extra day off", page.locator("main").inner_text())
