"""The process owner's catalogue pages in Chromium, desktop and phone: the SOP list, a new SOP
with an error kept beside its field, the versions with "edit from this version"."""
from __future__ import annotations

import re

import pytest

from server.modeling.services import versions

from ..modeling.helpers import KEMENPORA, KEY, actor
from .conftest import expect, login, shot, visit, watch_page

OWNER = "kemenpora.pemilik"


@pytest.mark.parametrize("size, width, height", [("desktop", 1366, 900), ("phone", 390, 844)])
def test_the_owners_catalogue_pages(new_page, live_server, seeded, size, width, height):
    versions.deploy(seeded, actor(seeded, OWNER), KEY, KEMENPORA.replace(b"</bpmn:definitions>",
                    b"<!--2--></bpmn:definitions>"), "Versi dua: catatan perubahan")
    page = new_page(viewport={"width": width, "height": height})
    problems = watch_page(page, allowed=(r"status of 422",))  # the refused form answers 422
    login(page, live_server, OWNER)

    page.get_by_role("link", name="Model SOP").first.click()
    expect(page.locator(f"#sops-kemenpora tr[data-key={KEY}]")).to_contain_text("Versi dua: catatan perubahan")
    shot(page, f"model-home-{size}")

    page.get_by_role("link", name="SOP baru").click()
    page.get_by_label("Nama SOP").fill("Peminjaman Kendaraan Dinas")
    page.get_by_role("button", name=re.compile("^Buat")).click()  # no lanes: refused, the name kept
    expect(page.get_by_label("Nama SOP")).to_have_value("Peminjaman Kendaraan Dinas")
    expect(page.locator(".field-error, .error-summary").first).to_be_visible()
    shot(page, f"model-new-error-{size}")

    visit(page, f"/model/kemenpora/{KEY}/versions")
    row = page.locator("tr[data-version='1']")
    row.get_by_text("Ubah mulai dari versi ini").click()
    expect(row.get_by_role("button", name="Ya, ubah mulai dari versi 1")).to_be_visible()
    shot(page, f"model-versions-{size}")
    row.get_by_role("button", name="Ya, ubah mulai dari versi 1").click()
    expect(page).to_have_url(re.compile(rf"/model/kemenpora/{KEY}/edit$"))
    expect(page.locator(".flash").first).to_contain_text("Draf kini dimulai dari versi 1")
    assert not problems, problems
