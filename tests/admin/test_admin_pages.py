"""The Admin Instansi pages without a browser: each renders, every form posts with CSRF and
redirects, errors stand beside their fields, and another agency's admin gets 403."""
from __future__ import annotations

import re

import pytest

from server.admin.services import people
from server.kernel import accounts



ADMIN = "kemenpora.admin_instansi"
PAGES = ["/admin/kemenpora/", "/admin/kemenpora/?q=anggota", "/admin/kemenpora/tambah-pengguna",
         "/admin/kemenpora/pengguna/kemenpora.anggota", "/admin/kemenpora/kalender"]


def test_the_admin_pages_render_for_the_agencys_admin(signed_in):
    admin = signed_in(ADMIN)
    home = admin.get("/admin/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/admin/kemenpora/")
    for path in PAGES:
        r = admin.get(path)
        assert r.status_code == 200, (path, r.status_code)
        assert 'id="admin-link"' in r.get_data(as_text=True)


@pytest.mark.parametrize("username", ["bsip.admin_instansi", "kemenpora.karo", "inspektorat"])
def test_anyone_else_gets_403(signed_in, username):
    other = signed_in(username)
    for path in PAGES:
        assert other.get(path).status_code == 403, path
    inbox = other.get("/").get_data(as_text=True)
    assert ('id="admin-link"' in inbox) == (username == "bsip.admin_instansi")


def test_the_header_link_is_for_admins_only(signed_in):
    assert 'id="admin-link"' not in signed_in("kemenpora.anggota").get("/").get_data(as_text=True)
    assert signed_in("kemenpora.anggota").get("/admin/").status_code == 403


def test_an_admin_of_two_agencies_chooses_one(seeded, signed_in):
    people.grant(seeded, ADMIN, "bsip", ["Admin Instansi"])
    page = signed_in(ADMIN).get("/admin/")
    assert page.status_code == 200
    assert 'href="/admin/bsip/"' in page.get_data(as_text=True) and 'href="/admin/kemenpora/"' in page.get_data(
        as_text=True)


def test_adding_a_user_shows_the_password_once(seeded, signed_in):
    admin = signed_in(ADMIN)
    form = "/admin/kemenpora/tambah-pengguna"
    r = admin.post(form, form, {"username": "sari", "display_name": "Sari Wulandari",
                                "lanes": ["Anggota Tim Publikasi"], "agency_roles": ["pengawas"]})
    assert r.status_code == 302 and r.headers["Location"].endswith("/admin/kemenpora/pengguna/sari")
    page = admin.get("/admin/kemenpora/pengguna/sari")
    password = re.search(r'<code id="one-time-password">([^<]+)</code>', page.get_data(as_text=True)).group(1)
    assert page.headers["Cache-Control"] == "no-store"
    assert accounts.authenticate(seeded, "sari", password).roles == {"kemenpora": ["Anggota Tim Publikasi"]}
    again = admin.get("/admin/kemenpora/pengguna/sari").get_data(as_text=True)
    assert "one-time-password" not in again and password not in again  # shown once


def test_a_wrong_new_user_keeps_what_was_typed_and_marks_the_fields(signed_in):
    admin = signed_in(ADMIN)
    form = "/admin/kemenpora/tambah-pengguna"
    r = admin.post(form, form, {"username": "Sari W", "display_name": "", "email": "sari@",
                                "lanes": ["Anggota Tim Publikasi"]})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    for name in ("username", "display_name", "email"):
        assert f'id="error-{name}"' in html
    assert 'value="Sari W"' in html and 'value="sari@"' in html
    assert re.search(r'value="Anggota Tim Publikasi"\s+checked', html)


def test_roles_are_saved_and_self_protection_is_explained(signed_in):
    admin = signed_in(ADMIN)
    page = "/admin/kemenpora/pengguna/kemenpora.anggota"
    r = admin.post(page, page + "/peran", {"lanes": ["Anggota Tim Publikasi", "Ketua Tim Publikasi"]})
    assert r.status_code == 302
    shown = admin.get(page).get_data(as_text=True)
    assert "Diberikan: Ketua Tim Publikasi." in shown

    mine = "/admin/kemenpora/pengguna/kemenpora.admin_instansi"
    html = admin.get(mine).get_data(as_text=True)
    assert 'id="own-account"' in html and 'id="status-form"' not in html
    r = admin.post(mine, mine + "/peran", {"lanes": []})  # a forged form without the role
    assert r.status_code == 422 and "Admin Instansi Anda sendiri" in r.get_data(as_text=True)
    r = admin.post(mine, mine + "/status", {"active": "0"})
    assert r.status_code == 302
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in admin.get(mine).get_data(as_text=True)


def test_deactivate_and_reset_from_the_users_page(seeded, signed_in):
    admin = signed_in(ADMIN)
    page = "/admin/kemenpora/pengguna/kemenpora.pj"
    assert admin.post(page, page + "/status", {"active": "0"}).status_code == 302
    assert "Nonaktif" in admin.get("/admin/kemenpora/?q=kemenpora.pj").get_data(as_text=True)
    assert admin.post(page, page + "/status", {"active": "1"}).status_code == 302
    assert admin.post(page, page + "/kata-sandi", {}).status_code == 302
    password = re.search(r'<code id="one-time-password">([^<]+)</code>', admin.get(page).get_data(as_text=True))
    assert accounts.authenticate(seeded, "kemenpora.pj", password.group(1)).username == "kemenpora.pj"


def test_calendar_forms(signed_in):
    admin = signed_in(ADMIN)
    page = "/admin/kemenpora/kalender"
    r = admin.post(page, page + "/hari", {"day": "2026-11-27", "kind": "off", "note": "Hari jadi"})
    assert r.status_code == 302
    html = admin.get(page).get_data(as_text=True)
    assert 'data-day="2026-11-27"' in html and "Hari jadi" in html
    r = admin.post(page, page + "/hari", {"day": "2026-11-29", "kind": "off"})
    assert r.status_code == 422 and 'id="error-day"' in r.get_data(as_text=True)
    r = admin.post(page, page + "/minggu", {"workdays": [], "opens": "16:00", "closes": "07:00"})
    assert r.status_code == 422 and 'id="error-workdays"' in r.get_data(as_text=True)
    r = admin.post(page, page + "/minggu", {"workdays": ["0", "1", "2", "3", "4"], "opens": "08:00", "closes": "16:30"})
    assert r.status_code == 302
    assert 'value="16:30"' in admin.get(page).get_data(as_text=True)
    assert admin.post(page, page + "/hari/2026-11-27/hapus", {}).status_code == 302
    assert 'data-day="2026-11-27"' not in admin.get(page).get_data(as_text=True)


def test_a_post_without_csrf_token_changes_nothing(signed_in):
    admin = signed_in(ADMIN)
    r = admin.client.post("/admin/kemenpora/pengguna/kemenpora.pj/status", data={"active": "0"})
    assert r.status_code == 400
    assert "Nonaktif" not in admin.get("/admin/kemenpora/?q=kemenpora.pj").get_data(as_text=True)
