"""The Inspektorat opens the conformance report of Kemenpora's SOP in Chromium: some cases ran as
the official version says, some deviate (a Pengawas moved one back and forth, skipped steps of
another), one was late, one decided by whoever prepared it; it drills down into a deviating
case, then uploads a CSV log from outside Alur and reads its report. Screenshots on a desktop
(1280 wide) and a phone (390x844): audit-report-*, audit-case-*, audit-imported-log-*."""
from __future__ import annotations

import re

import pytest

from server.admin.services import people
from server.monitoring.services import moving

from ..audit.report_scene import (FORWARD, LANES, NAMES, S, actor, complete_as, completed_case, csv_log, forget,
                                  moved_back_and_forth, run, start_kemenpora)
from .conftest import expect, login, shot, visit, watch_page

REPORT = "/audit/sop/kemenpora/kemenpora_publikasi_media_sosial"


def _scene(alur) -> dict:
    forget()
    ids = {"ok": [completed_case(alur, title) for title in ("Hari Olahraga Nasional", "Hari Sumpah Pemuda",
                                                              "Pekan Olahraga Pelajar")]}
    ids["moved"] = moved_back_and_forth(alur, "Kirab Pemuda Nusantara")
    skipped = start_kemenpora(alur, "Festival Literasi Pemuda")
    run(alur, skipped, 3)
    moving.move(alur, actor(alur, "kemenpora.pengawas"), skipped, S[7], FORWARD)
    run(alur, skipped, 2)
    ids["skipped"] = skipped
    late = start_kemenpora(alur, "Jambore Pemuda Indonesia")
    alur.clock.advance(hours=3)
    run(alur, late, 8)
    ids["late"] = late
    people.grant(alur, "kemenpora.ketua", "kemenpora", [LANES["karo"]])
    alur.clock.advance(minutes=5)
    own = start_kemenpora(alur, "Liga Pelajar")
    run(alur, own, 4)
    complete_as(alur, own, "kemenpora.ketua")
    complete_as(alur, own, "kemenpora.ketua")
    run(alur, own, 2)
    ids["four_eyes"] = own
    ids["running"] = start_kemenpora(alur, "Pemuda Pelopor")
    run(alur, ids["running"], 2)
    return ids


def _outside_log(tmp_path) -> str:
    rows = []
    for case, day in (("2025-017", "03"), ("2025-018", "04")):
        for n in range(1, 9):
            if case == "2025-018" and n == 6:
                continue  # the decision not recorded
            rows.append((case, NAMES[n], f"2025-11-{day} {7 + n:02d}:30", "kemenpora.karo" if n in (1, 6) else
                         "kemenpora.ketua"))
        rows.append((case, "Rapat koordinasi tambahan", f"2025-11-{day} 16:30", "kemenpora.pj"))
    path = tmp_path / "catatan-manual-2025.csv"
    path.write_bytes(csv_log(rows))
    return str(path)


def _walk(alur, live_server, new_page, tmp_path, where: str):
    ids = _scene(alur)
    page = new_page()
    problems = watch_page(page)
    login(page, live_server, "inspektorat")

    # from the header to the auditor's SOPs, to Kemenpora's report
    page.locator("#audit-link").click()
    page.locator("#audit-reports-link").click()
    expect(page.locator("#report-agency-kemenpora")).to_contain_text("Pengelolaan Publikasi Media Sosial")
    page.locator("#report-sops-kemenpora a").first.click()
    expect(page).to_have_url(re.compile(re.escape(REPORT) + r"$"))
    expect(page.locator("#tile-cases .dash-tile-value")).to_have_text("7")
    expect(page.locator("#tile-deviating .dash-tile-value")).to_have_text("2")
    expect(page.locator("#tile-four-eyes .dash-tile-value")).to_have_text("1")
    expect(page.locator("#tile-interventions .dash-tile-value")).to_have_text("3")
    expect(page.locator("#print-button")).to_be_visible()  # audit-report.js shows it
    diagram = page.locator("#report-diagram")
    expect(diagram).to_have_attribute("data-alur-ready", "1")
    expect(page.locator(f'#report-diagram [data-element-id="{S[4]}"].alur-mark-audit-skipped')).to_have_count(1)
    expect(page.locator(f'#report-diagram [data-element-id="{S[3]}"].alur-mark-audit-extra')).to_have_count(1)
    expect(page.locator(f'#report-diagram [data-element-id="{S[8]}"].alur-mark-audit-ok')).to_have_count(1)
    expect(page.locator(f'#report-steps-table tr[data-element-id="{S[4]}"]')).to_have_class(
        re.compile("report-row-skipped"))
    cases = page.locator("#report-cases-table")
    expect(cases.locator(f'tr[data-case="{ids["moved"]}"]')).to_contain_text("alur kerja")
    expect(cases.locator(f'tr[data-case="{ids["four_eyes"]}"]')).to_contain_text("empat mata")
    expect(cases.locator(f'tr[data-case="{ids["late"]}"]')).to_contain_text("terlambat")
    expect(cases.locator(f'tr[data-case="{ids["ok"][0]}"]')).to_have_count(0)
    shot(page, f"audit-report-{where}")
    if where == "desktop":  # the print view: no navigation, forms or buttons; the figures stay
        page.emulate_media(media="print")
        expect(page.locator(".topbar")).to_be_hidden()
        expect(page.locator("#log-upload")).to_be_hidden()
        expect(page.locator("#print-button")).to_be_hidden()
        expect(page.locator("#report-tiles")).to_be_visible()
        shot(page, "audit-report-print")
        page.emulate_media(media="screen")

    # the deviating case moved back and forth: its alignment, its interventions, the link to monitoring
    cases.locator(f'tr[data-case="{ids["moved"]}"] a').click()
    expect(page.locator("h1")).to_contain_text(f"Kasus {ids['moved']}")
    moves = page.locator(".report-alignment .report-move:not(.report-move-head)")
    expect(moves).to_have_count(9)
    expect(page.locator(".report-alignment .report-kind-log")).to_have_count(1)
    expect(page.locator(".report-alignment .report-kind-log")).to_contain_text("Melakukan pembahasan konsep konten")
    expect(page.locator(".report-acts li")).to_have_count(2)
    expect(page.locator(".report-acts")).to_contain_text("Konsep perlu dibahas ulang")
    expect(page.locator("#monitoring-link")).to_have_attribute("href", f"/pantau/instances/{ids['moved']}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-alur-ready", "1")
    shot(page, f"audit-case-{where}")

    # an outside log: uploaded, checked, nothing stored
    visit(page, REPORT)
    page.locator("#log-file").set_input_files(_outside_log(tmp_path))
    page.locator("#log-upload-button").click()
    expect(page.locator("h1")).to_contain_text("Log luar")
    expect(page.locator("#imported-log")).to_contain_text("catatan-manual-2025.csv")
    expect(page.locator("#unmatched-activities")).to_contain_text("Rapat koordinasi tambahan")
    expect(page.locator("#tile-cases .dash-tile-value")).to_have_text("2")
    expect(page.locator("#tile-interventions")).to_have_count(0)
    details = page.locator(".report-case-details")
    expect(details).to_have_count(2)
    expect(details.first).to_have_attribute("open", "")
    expect(page.locator("#report-diagram")).to_have_attribute("data-alur-ready", "1")
    shot(page, f"audit-imported-log-{where}")
    assert not problems, problems


def test_the_inspektorat_reads_the_conformance_report(seeded, live_server, new_page, tmp_path):
    _walk(seeded, live_server, new_page, tmp_path, "desktop")


@pytest.mark.viewport(390, 844)
def test_the_conformance_report_on_a_phone(seeded, live_server, new_page, tmp_path):
    _walk(seeded, live_server, new_page, tmp_path, "phone")
