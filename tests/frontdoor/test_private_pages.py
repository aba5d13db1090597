"""Item 6 of the front door: private answers are not kept by browsers or proxies, and an
unexpected error on a page shows Alur's own page, saying that nothing was changed."""
from __future__ import annotations

import pytest


def test_every_answer_to_a_signed_in_user_is_no_store(browser):
    staff = browser("bsip.staf")
    for path in ("/", "/mulai", "/akun", "/tidak-ada", "/api/v1/me"):
        assert staff.client.get(path).headers.get("Cache-Control") == "no-store", path


def test_attachments_are_no_store_too(browser, login):
    from server.files import samples

    admin = login("dki.admin")
    attachment_id = admin.upload(samples.png(), "foto.png")
    r = browser("dki.admin").client.get(f"/berkas/{attachment_id}")
    assert r.status_code == 200 and r.data.startswith(b"\x89PNG")
    assert r.headers["Cache-Control"] == "no-store" and "Expires" not in r.headers


def test_every_api_answer_is_no_store_but_the_openapi_document(client, login):
    assert client.get("/api/v1/tasks").headers["Cache-Control"] == "no-store"  # a 401 too
    assert client.post("/api/v1/auth/token", json={"username": "x", "password": "y"}).headers["Cache-Control"] \
        == "no-store"
    assert login("bsip.staf").get("/tasks").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/api/v1/openapi.json").headers.get("Cache-Control", "")


def test_static_files_may_be_cached_even_when_signed_in(browser):
    staff = browser("bsip.staf")
    r = staff.client.get("/static/alur.css")
    assert r.status_code == 200 and "no-store" not in r.headers.get("Cache-Control", "")


@pytest.fixture
def failing_app(app):
    def boom():
        raise RuntimeError("a bug")

    app.add_url_rule("/rusak", "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the test client gets the page
    return app


def test_a_500_on_a_page_shows_alurs_own_page(failing_app, browser):
    r = failing_app.test_client().get("/rusak")
    html = r.get_data(as_text=True)
    assert r.status_code == 500
    assert "<h1>Kesalahan server</h1>" in html and "tidak ada yang diubah" in html
    assert "Internal Server Error" not in html  # not Werkzeug's page
    staff = browser("bsip.staf")
    staff.client.set_cookie("alur_lang", "en")
    r = staff.client.get("/rusak")
    assert r.status_code == 500 and "<h1>Server error</h1>" in r.get_data(as_text=True)
    assert "nothing was changed" in r.get_data(as_text=True)
    assert r.headers["Cache-Control"] == "no-store"


def test_the_500_page_stands_even_when_the_layout_cannot_be_drawn(failing_app):
    @failing_app.context_processor
    def _broken():  # as when the database that the layout asks is what failed
        raise RuntimeError("the database is gone")

    r = failing_app.test_client().get("/rusak")
    assert r.status_code == 500 and "<h1>Kesalahan server</h1>" in r.get_data(as_text=True)
    assert "tidak ada yang diubah" in r.get_data(as_text=True)
