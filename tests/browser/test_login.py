"""Signing in and out in a real browser, CSRF on every form, and no page without signing in."""
from __future__ import annotations

import re

import pytest

from ..conftest import DEMO_PASSWORD
from .conftest import csrf_token, expect, login, logout, shot, visit

LOGIN_FAILED = "Nama pengguna atau kata sandi salah."


def test_csrf_is_on_for_the_browser_tests(live_server):
    assert live_server.app.config["WTF_CSRF_ENABLED"] is True
    assert live_server.app.extensions["csrf"] is not None


def test_login_page_signs_in_and_the_home_page_loads(page, live_server):
    visit(page, "/login")
    expect(page.locator("#username")).to_be_visible()
    expect(page.locator("#password")).to_have_attribute("type", "password")
    expect(page.get_by_role("button", name="Masuk")).to_be_visible()
    shot(page, "login")

    login(page, live_server, "kemenpora.karo")
    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_signed_out(page, live_server):
    visit(page, "/login")
    page.fill("#username", "kemenpora.karo")
    page.fill("#password", "bukan-kata-sandinya")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    shot(page, "login-error")

    visit(page, "/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_unknown_user_gets_the_same_error(page, live_server):
    visit(page, "/login")
    page.fill("#username", "tidak.ada")
    page.fill("#password", "kata-sandi-uji")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("alert")).to_have_text(LOGIN_FAILED)


def test_logout_is_a_post_form_and_signs_out(page, live_server):
    login(page, live_server, "bsip.staf")
    button = page.get_by_role("button", name="Keluar")
    assert button.evaluate("b => b.form && b.form.method") == "post"
    logout(page)
    visit(page, "/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_login_post_without_csrf_token_is_refused(page, live_server):
    visit(page, "/login")
    refused = page.request.post("/login", form={"username": "kemenpora.karo", "password": "kata-sandi-uji"},
                                max_redirects=0)
    assert refused.status == 400
    visit(page, "/")
    expect(page).to_have_url(re.compile(r"/login"))

    # The same request with the page's token is accepted: the token was what was missing.
    accepted = page.request.post("/login", form={"username": "kemenpora.karo", "password": "kata-sandi-uji",
                                                 "csrf_token": csrf_token(page)}, max_redirects=0)
    assert accepted.status in (302, 303)
    assert not re.search(r"/login", accepted.headers.get("location", ""))


def test_logout_post_without_csrf_token_is_refused(page, live_server):
    login(page, live_server, "dki.admin")
    refused = page.request.post("/logout", form={}, max_redirects=0)
    assert refused.status == 400
    visit(page, "/")
    expect(page).to_have_url(f"{live_server}/")  # still signed in


@pytest.mark.parametrize("path", ["/", "/?tab=saya", "/?tab=tim", "/mulai", "/mulai/kemenpora_publikasi_media_sosial",
                                  "/tugas/1", "/instans/1"])
def test_every_page_but_login_redirects_to_login_when_signed_out(page, live_server, path):
    response = page.request.get(path, max_redirects=0)
    assert response.status in (302, 303), f"GET {path} signed out answered {response.status}"
    assert re.search(r"/login(\?|$)", response.headers.get("location", "")), response.headers.get("location")
    visit(page, path)  # and a browser following it lands on the login page
    expect(page).to_have_url(re.compile(r"/login(\?|$)"))
    expect(page.locator("#username")).to_be_visible()


@pytest.mark.viewport(390, 844)
def test_login_and_inbox_fit_a_phone_screen(page, live_server):
    visit(page, "/login")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the login page scrolls sideways"
    shot(page, "login-phone")
    login(page, live_server, "ponjong.tim")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the inbox scrolls sideways"
    shot(page, "inbox-phone")


def test_the_name_in_the_header_opens_the_account_where_the_password_changes(page, live_server):
    login(page, live_server, "ponjong.tppi")
    page.get_by_role("link", name="Tim Pertimbangan Pelayanan Informasi").click()
    expect(page.locator("h1")).to_have_text("Akun")
    page.fill("#password-current", "salah-sekali")
    page.fill("#password-new", "Ponjong-baru-2026")
    page.fill("#password-repeated", "Ponjong-baru-2026")
    page.get_by_role("button", name="Ganti kata sandi").click()
    expect(page.locator("#error-current")).to_have_text("Kata sandi saat ini salah.")
    shot(page, "account-error")
    page.fill("#password-current", DEMO_PASSWORD)
    page.fill("#password-new", "Ponjong-baru-2026")
    page.fill("#password-repeated", "Ponjong-baru-2026")
    page.get_by_role("button", name="Ganti kata sandi").click()
    expect(page.locator(".flash")).to_contain_text("Kata sandi sudah diganti.")
    shot(page, "account")
    logout(page)
    login(page, live_server, "ponjong.tppi", "Ponjong-baru-2026")
