"""The SOP sheet's page and the import pages without a browser: the sheet framed with its
downloads for any member of the agency; a table imported from the form gives the report with
links to its drafts; a refused file shows why beside the field and stores nothing."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from server.models import ProcessModel

from ..sop.seeds import seed_path
from tests.conftest import PageClient

KEY = "kemenpora_publikasi_media_sosial"
OWNER = "kemenpora.pemilik"
SEED = seed_path("000")


def test_a_member_opens_the_sheet_page_with_its_downloads(signed_in):
    staff = signed_in("kemenpora.anggota")
    page = staff.get(f"/model/kemenpora/{KEY}/versions/1/sop")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'src="/model/kemenpora/{KEY}/versions/1/sop.html"' in html
    assert f'href="/model/kemenpora/{KEY}/versions/1/sop.pdf"' in html
    assert f'href="/model/kemenpora/{KEY}/versions/1/sop.docx"' in html
    assert "Tampilkan sebagaimana ditandatangani" in html
    framed = staff.get(f"/model/kemenpora/{KEY}/versions/1/sop.html")
    assert framed.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Mendisposisi pembuatan konten" in framed.get_data(as_text=True)
    signed = staff.get(f"/model/kemenpora/{KEY}/versions/1/sop?as_signed=1").get_data(as_text=True)
    assert f'src="/model/kemenpora/{KEY}/versions/1/sop.html?as_signed=1"' in signed
    # staff find it from the list of SOPs they start
    assert f"/model/kemenpora/{KEY}/versions/1/sop" in signed_in("kemenpora.karo").get("/mulai").get_data(as_text=True)


def test_the_owner_finds_the_sheets_and_the_import(signed_in):
    owner = signed_in(OWNER)
    assert 'id="import-sop-link"' in owner.get("/model/").get_data(as_text=True)
    versions = owner.get(f"/model/kemenpora/{KEY}/versions").get_data(as_text=True)
    assert f"/model/kemenpora/{KEY}/versions/1/sop" in versions and f"/model/kemenpora/{KEY}/draft/sop" in versions
    assert owner.get(f"/model/kemenpora/{KEY}/draft/sop").status_code == 200
    assert signed_in("kemenpora.anggota").get(f"/model/kemenpora/{KEY}/draft/sop").status_code == 403


def _models(alur) -> int:
    with alur.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(ProcessModel))


def _post_file(owner: PageClient, data: bytes, name: str):
    page = owner.get("/model/import")
    assert page.status_code == 200
    return owner.client.post("/model/import", content_type="multipart/form-data",
                             data={"csrf_token": PageClient.token(page), "agency": "kemenpora",
                                   "file": (io.BytesIO(data), name)})


def test_an_import_from_the_form_shows_its_report(signed_in, seeded):
    owner = signed_in(OWNER)
    before = _models(seeded)
    report = _post_file(owner, SEED.read_bytes(), SEED.name)
    assert report.status_code == 200, report.get_data(as_text=True)[:2000]
    html = report.get_data(as_text=True)
    assert 'id="import-summary"' in html and 'id="import-guessed"' in html and 'id="import-unread"' in html
    assert "Buka di modeler" in html and "/edit" in html and "/draft/sop" in html
    assert _models(seeded) == before + 1


def test_a_refused_file_is_shown_beside_the_field_and_stores_nothing(signed_in, seeded):
    owner = signed_in(OWNER)
    before = _models(seeded)
    refused = _post_file(owner, b"bukan tabel", "catatan.txt")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'class="field has-error"' in html and "Tidak ditemukan tabel SOP" in html  # beside the field, why
    assert _models(seeded) == before
    # without the page's CSRF token nothing is read
    bare = owner.client.post("/model/import", content_type="multipart/form-data",
                             data={"agency": "kemenpora", "file": (io.BytesIO(SEED.read_bytes()), SEED.name)})
    assert bare.status_code in (400, 403)
    assert _models(seeded) == before
