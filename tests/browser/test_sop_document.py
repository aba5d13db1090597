"""The official SOP document in Chromium: a member of Kemenpora opens the SOP AP sheet of the
signed SOP (framed, with its downloads) and the standalone sheet for printing; the process owner
imports DKI's SOP table from a Word file and reads the import report, then opens the draft's
sheet. Screenshots on a desktop (1280 wide) and a phone (390x844): sop-sheet-*, sop-sheet-print,
sop-import-*, sop-import-report-*."""
from __future__ import annotations

import pytest

from ..sop.tables import as_docx, grids_of, identity_rows_of, seed_document
from .conftest import expect, login, shot, visit, watch_page

KEY = "kemenpora_publikasi_media_sosial"


def _walk(live_server, new_page, tmp_path, where: str):
    page = new_page()
    problems = watch_page(page)
    login(page, live_server, "kemenpora.karo")
    visit(page, "/mulai")
    page.locator(f'.start-link[data-key="{KEY}"] ~ p .sheet-link').click()
    expect(page.locator("h1")).to_contain_text("Lembar SOP")
    frame = page.frame_locator("#sheet-frame")
    expect(frame.locator("body")).to_contain_text("Mendisposisi pembuatan konten")
    expect(frame.locator("body")).to_contain_text("3.28.4/BIV/III/2023")
    expect(page.locator("#sheet-pdf")).to_have_attribute("href", f"/model/kemenpora/{KEY}/versions/1/sop.pdf")
    with page.expect_download() as pdf:
        page.locator("#sheet-pdf").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    shot(page, f"sop-sheet-{where}")
    if where == "desktop":  # the sheet alone, as it prints
        visit(page, f"/model/kemenpora/{KEY}/versions/1/sop.html")
        page.emulate_media(media="print")
        shot(page, "sop-sheet-print")
        page.emulate_media(media="screen")

    owner = new_page()
    owner_problems = watch_page(owner)
    login(owner, live_server, "dki.pemilik")
    visit(owner, "/model/")
    owner.locator("#import-sop-link").click()
    expect(owner.locator("h1")).to_contain_text("Impor tabel SOP")
    shot(owner, f"sop-import-{where}")
    doc = seed_document("004")
    word = tmp_path / "SOP Pengelolaan Media Sosial.docx"
    word.write_bytes(as_docx(grids_of(doc), identity_rows_of(doc)))
    owner.locator("#field-file").set_input_files(str(word))
    owner.get_by_role("button", name="Impor").click()
    expect(owner.locator("h1")).to_contain_text("Laporan impor")
    expect(owner.locator("#import-summary .dash-tile").nth(1)).to_contain_text("6")  # the rows
    expect(owner.locator("#import-summary .dash-tile").nth(3)).to_contain_text("3")  # the decisions
    expect(owner.locator("#import-drafts tbody tr")).to_have_count(1)
    expect(owner.locator("#import-guessed li").first).to_be_visible()
    shot(owner, f"sop-import-report-{where}")
    owner.locator("#import-drafts a", has_text="Lembar SOP").click()
    expect(owner.locator("#sheet-of")).to_contain_text("Draf")
    expect(owner.frame_locator("#sheet-frame").locator("body")).to_contain_text("Kepala Subbagian Tata Usaha")
    shot(owner, f"sop-draft-sheet-{where}")
    assert not problems, problems
    assert not owner_problems, owner_problems


def test_the_sheet_and_an_import_on_a_desktop(seeded, live_server, new_page, tmp_path):
    _walk(live_server, new_page, tmp_path, "desktop")


@pytest.mark.viewport(390, 844)
def test_the_sheet_and_an_import_on_a_phone(seeded, live_server, new_page, tmp_path):
    _walk(live_server, new_page, tmp_path, "phone")
