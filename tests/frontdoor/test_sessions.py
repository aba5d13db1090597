"""Item 4 of the front door: signing out ends the session on the server, so a copy of the session
cookie taken before opens nothing afterwards; a new password still ends the other sessions."""
from __future__ import annotations

from sqlalchemy import select

from .conftest import csrf_token


def _with_cookie(app, value: str):
    other = app.test_client()
    other.set_cookie("session", value)
    return other


def test_a_cookie_saved_before_signing_out_opens_nothing_after(app, browser, seeded):
    staff = browser("bsip.staf")
    saved = staff.cookie()
    assert _with_cookie(app, saved).get("/").status_code == 200  # the copy works while signed in
    assert staff.client.post("/logout", data={"csrf_token": staff.token()}).status_code == 302
    replay = _with_cookie(app, saved)
    r = replay.get("/")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert replay.get("/api/v1/me").status_code == 401
    from server.models.accounts import UserSession

    with seeded.db.transaction() as s:
        assert s.scalar(select(UserSession.revoked_at)) is not None


def test_signing_out_in_one_browser_leaves_the_others(app, browser):
    office, phone = browser("bsip.staf"), browser("bsip.staf")
    phone.client.post("/logout", data={"csrf_token": phone.token()})
    assert office.client.get("/").status_code == 200
    assert phone.client.get("/").status_code == 302


def test_only_a_token_digest_is_stored(browser, seeded):
    import hashlib

    from server.models.accounts import UserSession
    from server.web.auth import SESSION_TOKEN

    staff = browser("bsip.staf")
    with staff.client.session_transaction() as cookie:
        token = cookie[SESSION_TOKEN]
    with seeded.db.transaction() as s:
        assert s.scalars(select(UserSession.id)).all() == [hashlib.sha256(token.encode()).hexdigest()]


def test_a_new_password_still_ends_the_other_sessions_and_keeps_this_one(app, browser):
    here, elsewhere = browser("bsip.staf"), browser("bsip.staf")
    page = here.client.get("/akun")
    done = here.client.post("/akun", data={"csrf_token": csrf_token(page), "current": "kata-sandi-uji",
                                           "new": "Baru-sekali-2026", "repeated": "Baru-sekali-2026"})
    assert done.status_code == 302
    assert here.client.get("/").status_code == 200
    assert elsewhere.client.get("/").status_code == 302


def test_a_session_left_idle_too_long_ends(app, browser, seeded):
    from server.kernel.accounts import SESSION_IDLE

    staff = browser("bsip.staf")
    seeded.clock.advance(days=SESSION_IDLE.days - 1)
    assert staff.client.get("/").status_code == 200  # use keeps it alive
    seeded.clock.advance(days=SESSION_IDLE.days - 1)
    assert staff.client.get("/").status_code == 200
    seeded.clock.advance(days=SESSION_IDLE.days)
    assert staff.client.get("/").status_code == 302


def test_a_cookie_without_a_server_session_opens_nothing(app, browser):
    staff = browser("bsip.staf")
    with staff.client.session_transaction() as cookie:
        cookie.pop("alur_session")  # e.g. signed in before sessions were kept on the server
    assert staff.client.get("/").status_code == 302
