"""Item 3 of the front door: request bodies are capped by route before anything reads them. JSON
and form routes take 1 MiB; only the upload routes take more, and only from a signed-in caller."""
from __future__ import annotations

import io

from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder, run_wsgi_app

from server.files import samples
from server.models import Attachment

from .conftest import MadeUpBody, csrf_token

MiB = 1024 * 1024
TOO_LARGE = "Permintaan terlalu besar: paling besar 1 MB; tidak ada yang diubah."


def _pdf(size: int) -> bytes:
    """A real PDF (by its first bytes) of about `size` bytes."""
    head = samples.pdf()
    return head + b"\n%" + b"x" * (size - len(head) - 2)


def test_an_oversized_sign_in_is_refused_unread(client):
    body = MadeUpBody(2 * MiB)
    r = client.post("/api/v1/auth/token", input_stream=body, content_type="application/json")
    assert r.status_code == 413
    assert r.get_json()["message"] == TOO_LARGE and r.get_json()["error"] == "too_large"
    assert body.read_so_far == 0
    r = client.post("/api/v1/auth/token", input_stream=MadeUpBody(2 * MiB), content_type="application/json",
                    headers={"Accept-Language": "en"})
    assert r.get_json()["message"] == "The request is too large: at most 1 MB; nothing was changed."


def test_a_195_mib_sign_in_is_refused_unread(client):
    body = MadeUpBody(195 * MiB)  # declared, never made: the test would take seconds if it were read
    r = client.post("/login", input_stream=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413 and TOO_LARGE in r.get_data(as_text=True)
    assert "Kiriman terlalu besar" in r.get_data(as_text=True)  # Alur's page, not Werkzeug's
    assert body.read_so_far == 0


def test_a_chunked_body_without_length_is_cut_off_at_the_cap(app):
    body = MadeUpBody(3 * MiB)
    environ = EnvironBuilder(path="/api/v1/auth/token", method="POST", input_stream=body,
                             content_type="application/json").get_environ()
    del environ["CONTENT_LENGTH"]  # as a chunked request arrives
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("413")
    assert b"Permintaan terlalu besar" in b"".join(app_iter)
    assert body.read_so_far <= MiB + 64 * 1024  # read up to the cap, not the whole body


def test_a_chunked_body_under_the_cap_is_read_as_usual(app):
    import json

    from ..conftest import DEMO_PASSWORD

    body = json.dumps({"username": "bsip.staf", "password": DEMO_PASSWORD}).encode()
    environ = EnvironBuilder(path="/api/v1/auth/token", method="POST", input_stream=io.BytesIO(body),
                             content_type="application/json").get_environ()
    del environ["CONTENT_LENGTH"]
    environ.update({"HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input_terminated": True})
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("201"), b"".join(app_iter)


def test_a_form_over_the_cap_on_a_page_without_uploads_is_refused(browser):
    staff = browser("bsip.staf")
    body = MadeUpBody(2 * MiB)
    r = staff.client.post("/bahasa", input_stream=body, content_type="application/x-www-form-urlencoded")
    assert r.status_code == 413 and body.read_so_far == 0


def test_a_2_mib_upload_to_the_attachment_route_works(login, seeded):
    admin = login("dki.admin")
    content = _pdf(2 * MiB)
    r = admin.client.post("/api/v1/attachments", headers=admin.headers, content_type="multipart/form-data",
                          data={"file": (io.BytesIO(content), "besar.pdf")})
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["size"] == len(content)


def test_an_upload_from_a_stranger_is_refused_before_it_is_read(client, seeded):
    body = MadeUpBody(2 * MiB)
    r = client.post("/api/v1/attachments", input_stream=body,
                    content_type="multipart/form-data; boundary=x", headers={"Authorization": "Bearer palsu"})
    assert r.status_code == 401 and body.read_so_far == 0
    body = MadeUpBody(2 * MiB)
    r = client.post("/mulai/dki_ksd_pengelolaan_media_sosial", input_stream=body,
                    content_type="multipart/form-data; boundary=x")
    assert r.status_code == 401 and body.read_so_far == 0


def test_an_upload_over_the_file_store_limit_is_refused_unread(login, seeded):
    admin = login("dki.admin")
    seeded.files.max_bytes_by_kind.update(image=1000, video=1000, document=1000)
    body = MadeUpBody(3 * MiB)
    r = admin.client.post("/api/v1/attachments", headers=admin.headers, input_stream=body,
                          content_type="multipart/form-data; boundary=x")
    assert r.status_code == 413 and body.read_so_far == 0
    assert r.get_json()["message"].startswith("Kiriman melebihi batas ukuran berkas (paling besar 1 MB sekaligus)")


def test_a_2_mib_file_in_a_browser_start_form_is_stored(browser, seeded):
    staff = browser("kemenpora.karo")
    page = staff.client.get("/mulai/kemenpora_publikasi_media_sosial")
    r = staff.client.post("/mulai/kemenpora_publikasi_media_sosial", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(page), "judul": "Surat permohonan", "asal_permohonan": "Internal",
        "dokumen_permohonan__upload": (io.BytesIO(_pdf(2 * MiB)), "surat.pdf")})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with seeded.db.transaction() as s:
        assert s.scalar(select(func.max(Attachment.size))) == 2 * MiB
