"""A Pengawas of Kemenpora steers its running cases in Chromium: finds the overdue one in the list
and on its diagram, reassigns its task, suspends and resumes a second, cancels a third, moves a
fourth back to step 3, and migrates three others to a new version after a dry run; then the
dashboard. Screenshots of the list, a case's marked diagram and the dashboard (desktop, phone)."""
from __future__ import annotations

import re
import pytest
from sqlalchemy import select

from server.kernel import accounts
from server.models import Agency, AuditEvent, HumanTask, ProcessInstance, ProcessVersion
from server.modeling.services import deployment

from ..engine.test_migrating import second_version
from ..walking import KEMENPORA, do_open_task, start_kemenpora
from .conftest import expect, login, shot, visit, watch_page

LANE = "Penanggungjawab Bidang Kehumasan"
MIGRATED = ("Konten Hari Pahlawan", "Konten Hari Guru", "Konten Hari Ibu")


def _scene(alur) -> dict:
    """The overdue case first (its step 2 waits a day past its 10 minutes), then the others."""
    ids = {"overdue": start_kemenpora(alur, "Publikasi Hari Olahraga Nasional")}
    do_open_task(alur, ids["overdue"])  # waits at step 2 (Penanggungjawab)
    alur.clock.advance(days=1)
    for name, title in (("suspend", "Publikasi Hari Sumpah Pemuda"), ("cancel", "Publikasi Lomba Dayung"),
                        ("move", "Publikasi Piala Presiden")):
        ids[name] = start_kemenpora(alur, title)
        do_open_task(alur, ids[name])
    for _ in range(3):  # the fourth on to step 5
        do_open_task(alur, ids["move"])
    ids["migrate"] = [start_kemenpora(alur, title) for title in MIGRATED]
    with alur.db.transaction() as s:  # a second holder of step 2's lane, to hand the task to
        kemenpora = s.scalar(select(Agency.id).where(Agency.slug == "kemenpora"))
        user = accounts.create_user(s, alur.clock.now(), "kemenpora.pj2", "Penanggungjawab Kedua",
                                    password_hash="x")
        accounts.add_member(s, user.id, kemenpora, [LANE])
        ids["pj2"] = user.id
    xml = second_version()  # step 3 removed, step 4 renamed, a review step added
    [deployed] = deployment.deploy(alur, xml.encode(), f"{KEMENPORA}.bpmn", agency_slug="kemenpora",
                                   note="Revisi 2026: langkah 3 dihapus")
    ids["v2"] = deployed["version_id"]
    return ids


def _row(alur, instance_id):
    with alur.db.transaction() as s:
        return s.execute(select(ProcessInstance.status, ProcessInstance.version_id)
                         .where(ProcessInstance.id == instance_id)).one()


def _open_task(alur, instance_id):
    with alur.db.transaction() as s:
        return s.execute(select(HumanTask.element_id, HumanTask.assignee_id)
                         .where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")).one()


def _act(page, form: str, reason: str) -> None:
    page.fill(f"#{form}-form #{form}-reason", reason)
    page.locator(f"#{form}-form button[type=submit]").click()


def _flash(page, pattern: str) -> None:
    expect(page.locator(".flash, [role=status], [role=alert]").filter(has_text=re.compile(pattern)).first) \
        .to_be_visible()


def test_a_supervisor_steers_kemenpora_cases(seeded, live_server, new_page, viewport):
    ids = _scene(seeded)
    page = new_page()
    problems = watch_page(page)
    login(page, live_server, "kemenpora.pengawas")

    # the list: the overdue banner leads to the overdue case
    page.locator("#monitor-link").click()
    expect(page.locator("#overdue-banner")).to_contain_text("1")
    expect(page.locator("#instance-table")).to_contain_text("Publikasi Piala Presiden")
    shot(page, "supervisor-list-desktop")
    page.locator("#overdue-banner a").first.click()
    rows = page.locator("#instance-table .instance-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Publikasi Hari Olahraga Nasional")
    rows.first.get_by_role("link", name="Publikasi Hari Olahraga Nasional").click()

    # its diagram: the task it waits at marked active and overdue, the steps done marked visited
    expect(page.locator("#case-canvas[data-alur-ready='1']")).to_be_attached(timeout=15_000)
    step2 = page.locator("#case-canvas [data-element-id='s02_perintahkan_pembahasan_konsep']").first
    expect(step2).to_have_class(re.compile(r"\balur-mark-overdue\b"))
    expect(page.locator("#case-canvas [data-element-id='s01_disposisi_pembuatan_konten']").first) \
        .to_have_class(re.compile(r"\balur-mark-visited\b"))
    expect(page.locator("#case-overdue")).to_be_visible()
    shot(page, "supervisor-case-diagram-desktop")

    # reassign its task to the other holder of the lane
    form = page.locator("form.assign-form").first
    form.locator("select[name=username]").select_option("kemenpora.pj2")
    form.locator("textarea[name=reason]").fill("Penanggungjawab utama sedang cuti")
    form.locator("button[type=submit]").click()
    _flash(page, "kemenpora.pj2|Penanggungjawab Kedua")
    assert _open_task(seeded, ids["overdue"]).assignee_id == ids["pj2"]

    # a second case: suspend, then resume
    visit(page, f"/pantau/instances/{ids['suspend']}")
    _act(page, "suspend", "Menunggu surat dari Biro Hukum")
    expect(page.locator("#case-status")).to_have_text(re.compile("Ditangguhkan"))
    assert _row(seeded, ids["suspend"]).status == "suspended"
    _act(page, "resume", "Surat sudah diterima")
    expect(page.locator("#case-status")).to_have_text(re.compile("Berjalan"))
    assert _row(seeded, ids["suspend"]).status == "running"

    # a third: cancel (the box must be ticked)
    visit(page, f"/pantau/instances/{ids['cancel']}")
    page.fill("#cancel-reason", "Lomba dibatalkan panitia")
    page.locator("#cancel-form input[name=confirm]").check()
    page.locator("#cancel-form button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_text(re.compile("Dibatalkan"))
    assert _row(seeded, ids["cancel"]).status == "cancelled"

    # a fourth, at step 5: back to step 3
    visit(page, f"/pantau/instances/{ids['move']}")
    assert _open_task(seeded, ids["move"]).element_id == "s05_sampaikan_hasil_produksi"
    page.locator("#move-to").select_option("s03_bahas_konsep_konten")
    _act(page, "move", "Konsep harus dibahas ulang")
    expect(page.locator("#case-canvas[data-alur-ready='1']")).to_be_attached(timeout=15_000)
    expect(page.locator("#case-canvas [data-element-id='s03_bahas_konsep_konten']").first) \
        .to_have_class(re.compile(r"\balur-mark-active\b"))
    assert _open_task(seeded, ids["move"]).element_id == "s03_bahas_konsep_konten"

    # migration: the dry run, then three cases to version 2
    visit(page, f"/pantau/sop/kemenpora/{KEMENPORA}/migrasi")
    page.locator("#dry-run-button").click()
    expect(page.locator("#plan-counts")).to_be_visible()
    picks = page.locator("#migration-form input[name=instance]")
    for box in picks.all():
        if box.is_checked() and int(box.get_attribute("value")) not in ids["migrate"]:
            box.uncheck()
    for instance_id in ids["migrate"]:
        expect(page.locator(f"#migration-form input[name=instance][value='{instance_id}']")).to_be_checked()
    page.fill("#field-reason", "SOP revisi 2026")
    page.locator("#migrate-button").click()
    expect(page.locator("#result-counts")).to_have_text(re.compile(r"^\s*3\b"))
    v2 = ids["v2"]
    assert all(_row(seeded, i).version_id == v2 for i in ids["migrate"])
    assert _row(seeded, ids["overdue"]).version_id != v2 and _row(seeded, ids["suspend"]).version_id != v2

    # the dashboard with its heatmap
    visit(page, f"/pantau/sop/kemenpora/{KEMENPORA}")
    expect(page.locator("[data-alur-mount='marked-diagram'][data-alur-ready='1']")).to_be_attached(timeout=15_000)
    shot(page, "supervisor-dashboard-desktop")

    with seeded.db.transaction() as s:
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.actor_id.is_not(None))))
    assert {"task.assigned", "instance.suspended", "instance.resumed", "instance.cancelled",
            "instance.moved", "instance.migrated"} <= actions
    assert problems == []


@pytest.mark.viewport(390, 844)
def test_the_supervisor_pages_on_a_phone(seeded, live_server, page):
    ids = _scene(seeded)
    problems = watch_page(page)
    login(page, live_server, "kemenpora.pengawas")
    visit(page, "/pantau/")
    expect(page.locator("#instance-table")).to_contain_text("Publikasi Hari Olahraga Nasional")
    shot(page, "supervisor-list-phone")
    visit(page, f"/pantau/instances/{ids['move']}")
    expect(page.locator("#case-canvas[data-alur-ready='1']")).to_be_attached(timeout=15_000)
    shot(page, "supervisor-case-diagram-phone")
    visit(page, f"/pantau/sop/kemenpora/{KEMENPORA}")
    expect(page.locator("[data-alur-mount='marked-diagram'][data-alur-ready='1']")).to_be_attached(timeout=15_000)
    shot(page, "supervisor-dashboard-phone")
    assert problems == []
