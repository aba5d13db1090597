"""Item 5 of the front door: wrong passwords slow down where they come from, per name and address
and per address, with growing waits, and never lock the user out from elsewhere."""
from __future__ import annotations

import pytest

from server.admin.services import people
from server.app import create_app
from server.config import Settings
from server.kernel import accounts

from ..conftest import DEMO_PASSWORD
from .conftest import csrf_token

HOME, STRANGER = "10.0.0.7", "203.0.113.9"


def _token(app, username: str, password: str, address: str):
    client = app.test_client()
    return client.post("/api/v1/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def _fail(app, username: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        assert _token(app, username, "salah", address).status_code == 401


def test_a_stranger_guessing_does_not_lock_the_user_out(app):
    _fail(app, "bsip.staf", STRANGER, accounts.MAX_FAILED_LOGINS)
    refused = _token(app, "bsip.staf", DEMO_PASSWORD, STRANGER)  # even the right password must wait
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert refused.get_json()["message"] == "Terlalu banyak percobaan masuk yang gagal; tunggu 30 detik lalu coba lagi."
    assert refused.get_json()["detail"] == {"retry_after": 30}
    assert _token(app, "bsip.staf", DEMO_PASSWORD, HOME).status_code == 201  # the user, elsewhere


def test_the_waits_grow_with_each_failure_and_a_window_forgets(app, seeded):
    _fail(app, "bsip.staf", STRANGER, accounts.MAX_FAILED_LOGINS)
    for expected in (30, 60, 120, 240, 480, 900, 900):
        refused = _token(app, "bsip.staf", "salah", STRANGER)
        assert refused.status_code == 429 and refused.headers["Retry-After"] == str(expected)
        seeded.clock.advance(seconds=expected - 1)
        assert _token(app, "bsip.staf", "salah", STRANGER).status_code == 429  # refused, not counted
        seeded.clock.advance(seconds=1)
        _fail(app, "bsip.staf", STRANGER)  # allowed to try again, and wrong again
    en = app.test_client().post("/api/v1/auth/token", json={"username": "bsip.staf", "password": "x"},
                                environ_base={"REMOTE_ADDR": STRANGER}, headers={"Accept-Language": "en"})
    assert en.get_json()["message"] == "Too many failed sign-in attempts; wait 15 minutes, then try again."
    seeded.clock.advance(hours=1, seconds=1)  # an hour without attempts: the failures are forgotten
    assert _token(app, "bsip.staf", DEMO_PASSWORD, STRANGER).status_code == 201


def test_many_names_from_one_address_make_the_address_wait(app, seeded):
    names = [f"tebakan{i}" for i in range(accounts.ADDRESS_MAX_FAILED_LOGINS)]
    for name in names:
        _fail(app, name, STRANGER, 1)
    refused = _token(app, "bsip.katim", DEMO_PASSWORD, STRANGER)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "30"
    assert _token(app, "bsip.katim", DEMO_PASSWORD, HOME).status_code == 201


def test_unknown_names_are_throttled_like_known_ones(app):
    _fail(app, "tidak.ada", STRANGER, accounts.MAX_FAILED_LOGINS)
    assert _token(app, "tidak.ada", "salah", STRANGER).status_code == 429  # no hint that the name is unknown


def test_a_right_password_clears_the_failures_from_that_address(app):
    _fail(app, "bsip.staf", HOME, accounts.MAX_FAILED_LOGINS - 1)
    assert _token(app, "bsip.staf", DEMO_PASSWORD, HOME).status_code == 201
    _fail(app, "bsip.staf", HOME, accounts.MAX_FAILED_LOGINS - 1)
    assert _token(app, "bsip.staf", DEMO_PASSWORD, HOME).status_code == 201


def test_an_administrator_reset_lifts_the_wait_everywhere(app, seeded):
    _fail(app, "bsip.staf", STRANGER, accounts.MAX_FAILED_LOGINS)
    _fail(app, "bsip.staf", HOME, accounts.MAX_FAILED_LOGINS)
    people.reset_password(seeded, "bsip.staf", "Baru-sekali-2026")
    assert _token(app, "bsip.staf", "Baru-sekali-2026", HOME).status_code == 201
    assert _token(app, "bsip.staf", "Baru-sekali-2026", STRANGER).status_code == 201


def test_the_login_page_says_how_long_to_wait(app):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = STRANGER
    for _ in range(accounts.MAX_FAILED_LOGINS):
        page = client.get("/login")
        r = client.post("/login", data={"username": "dki.admin", "password": "salah", "csrf_token": csrf_token(page)})
        assert r.status_code == 401
    page = client.get("/login")
    r = client.post("/login", data={"username": "dki.admin", "password": DEMO_PASSWORD, "csrf_token": csrf_token(page)})
    assert r.status_code == 429 and r.headers["Retry-After"] == "30"
    assert 'role="alert">Terlalu banyak percobaan masuk yang gagal; tunggu 30 detik lalu coba lagi.' in r.get_data(as_text=True)
    assert client.get("/").status_code == 302  # not signed in


@pytest.mark.parametrize("trusted,throttled", [(0, True), (1, False)])
def test_the_address_behind_a_proxy_counts_only_when_the_proxy_is_trusted(seeded, trusted, throttled):
    seeded.settings.trusted_proxies = trusted
    app = create_app(alur=seeded)
    app.config.update(TESTING=True)

    def attempt(password: str, forwarded_for: str):
        return app.test_client().post("/api/v1/auth/token", json={"username": "bsip.staf", "password": password},
                                      environ_base={"REMOTE_ADDR": "10.9.9.9"},
                                      headers={"X-Forwarded-For": forwarded_for})
    for _ in range(accounts.MAX_FAILED_LOGINS):
        assert attempt("salah", STRANGER).status_code == 401
    assert attempt(DEMO_PASSWORD, HOME).status_code == (429 if throttled else 201)


def test_the_trusted_proxies_setting_comes_from_the_environment(monkeypatch, tmp_path):
    assert Settings.from_env(instance_dir=tmp_path, secret_key="k").trusted_proxies == 0
    monkeypatch.setenv("ALUR_TRUSTED_PROXIES", "2")
    assert Settings.from_env(instance_dir=tmp_path, secret_key="k").trusted_proxies == 2
