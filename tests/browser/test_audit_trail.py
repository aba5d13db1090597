"""The inspectorate audits in Chromium: opens "Audit" from the header, verifies Kemenpora's hash
chain (intact: green, with its count and head), reads the trail with a filter; then a database
administrator edits an event behind Alur's back and the same button shows the chain broken in
red, naming the event, whose link opens the trail at it. Screenshots: the home page on a desktop
and a phone, and the broken chain."""
from __future__ import annotations

import re

import pytest

from server.monitoring.services import steering

from ..audit.trail_scene import build, chain_rows, edit
from ..walking import actor
from .conftest import SCREENSHOTS, expect, login, shot, watch_page


def _scene(alur) -> dict:
    ids = build(alur)
    pengawas = actor(alur, "kemenpora.pengawas")
    alur.clock.advance(minutes=5)
    steering.suspend(alur, pengawas, ids["first"], "Menunggu dokumen permohonan yang lengkap")
    alur.clock.advance(minutes=30)
    steering.resume(alur, pengawas, ids["first"], "Dokumen sudah lengkap")
    return ids


def _open_audit(page, live_server) -> None:
    login(page, live_server, "inspektorat")
    page.locator("#audit-link").click()
    expect(page).to_have_url(re.compile(r"/audit/$"))
    expect(page.locator("h1")).to_have_text("Jejak audit")


def test_the_inspectorate_verifies_kemenporas_chain(seeded, live_server, page):
    _scene(seeded)
    problems = watch_page(page)
    _open_audit(page, live_server)
    expect(page.locator(".audit-chain")).to_have_count(5)
    page.locator("#verify-kemenpora").click()
    result = page.locator("#verify-result-kemenpora")
    rows = chain_rows(seeded, "kemenpora")
    expect(result).to_contain_text(f"Utuh: {len(rows)} kejadian, kepala")
    expect(result).to_have_css("color", "rgb(29, 107, 58)")  # --ok
    expect(page.locator("#checkpoints-kemenpora tbody tr")).to_have_count(2)
    expect(page.locator("#checkpoints-kemenpora button.audit-copy").first).to_be_visible()  # audit.js ran
    expect(page.locator("#audit-table")).to_contain_text("Instans ditangguhkan")
    expect(page.locator("#audit-table")).to_contain_text("Menunggu dokumen permohonan yang lengkap")
    shot(page, "audit-trail-desktop")

    page.select_option("#f-agency", "kemenpora")
    page.select_option("#f-action", "instance.")
    page.locator("#trail-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"action=instance\."))
    labels = page.locator("#audit-table tbody th").all_inner_texts()
    assert labels and all(label.startswith("Instans") for label in labels), labels
    assert not problems, problems


@pytest.mark.viewport(390, 844)
def test_the_audit_home_on_a_phone(seeded, live_server, page):
    _scene(seeded)
    problems = watch_page(page)
    _open_audit(page, live_server)
    page.locator("#verify-kemenpora").click()
    expect(page.locator("#verify-result-kemenpora")).to_contain_text("Utuh:")
    # cards, not a table wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.locator("#audit-table tbody tr").first
    expect(first).to_have_css("display", "block")
    shot(page, "audit-trail-phone")
    assert not problems, problems


def test_a_tampered_chain_shows_in_red_with_the_first_broken_event(seeded, live_server, page):
    _scene(seeded)
    rows = chain_rows(seeded, "kemenpora")
    target = next(r for r in rows[1:-1] if r.action == "task.completed")
    edit(seeded, target.id, after={"state": "completed", "data": {"disposisi": "Ditulis ulang"}})
    problems = watch_page(page)
    _open_audit(page, live_server)
    page.locator("#verify-kemenpora").click()
    broken = page.locator("#verify-result-kemenpora")
    expect(broken).to_contain_text("Rantai rusak.")
    expect(broken).to_contain_text(f"#{target.id} (nomor {target.seq} dalam rantai)")
    expect(broken).to_contain_text("isinya diubah setelah dicatat")
    expect(broken).to_have_css("color", "rgb(164, 0, 15)")  # --bad
    shot(page, "audit-trail-broken-desktop")
    page.locator("#broken-link-kemenpora").click()
    expect(page).to_have_url(re.compile(rf"#event-{target.id}$"))
    row = page.locator(f"#event-{target.id}")
    expect(row).to_have_class(re.compile(r"audit-row-broken"))
    expect(row).to_be_in_viewport()
    page.screenshot(path=str(SCREENSHOTS / "audit-trail-broken-event-desktop.png"))  # the window: the row outlined
    assert not problems, problems
