"""Kemenpora's Auditor downloads an SOP's event log in Chromium: the export form (version, start
days, format), a CSV for Excel with ';', then a wrong date range shown on the form. Screenshot:
the form."""
from __future__ import annotations

from server.audit.services.log_import import read_log

from ..walking import KEMENPORA, do_open_task, start_kemenpora
from .conftest import expect, login, shot, visit, watch_page


def test_the_auditor_downloads_the_event_log(seeded, live_server, page):
    case = start_kemenpora(seeded, "Publikasi Hari Olahraga Nasional")
    seeded.clock.advance(minutes=8)
    do_open_task(seeded, case)
    problems = watch_page(page, allowed=(r"status of 422",))  # the wrong range, refused on purpose
    login(page, live_server, "kemenpora.auditor")
    visit(page, f"/audit/sop/kemenpora/{KEMENPORA}/log")
    expect(page.locator("h1")).to_have_text("Unduh log peristiwa")
    expect(page.locator("#log-version option")).to_have_text(["Semua versi", "Versi 1 (aktif)"])
    shot(page, "audit-log-export")

    page.select_option("#log-version", "1")
    page.check("#log-format-csv-semicolon")
    with page.expect_download() as caught:
        page.locator("#log-download").click()
    download = caught.value
    assert download.suggested_filename.startswith(f"kemenpora-{KEMENPORA}-v1-awal-")
    assert download.suggested_filename.endswith(".csv")
    body = open(download.path(), "rb").read()
    assert body.decode("utf-8-sig").startswith("case;activity;timestamp;resource;role;")
    [trace] = read_log("log.csv", body).traces
    assert [(e.row, e.transition) for e in trace.events] == [("1", "start"), ("1", "complete"), ("2", "start")]

    page.fill("#log-from", "2026-12-01")
    page.fill("#log-to", "2026-11-01")
    page.check("#log-format-xes")
    page.locator("#log-download").click()
    expect(page.locator(".error-summary")).to_contain_text("Dimulai sampai (to): tidak boleh sebelum tanggal 'sejak'.")
    expect(page.locator("#log-format-xes")).to_be_checked()
    shot(page, "audit-log-export-error")
    assert problems == []
