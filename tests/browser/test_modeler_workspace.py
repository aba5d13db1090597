"""The modeler's workspace, the version viewer and the visual diff, in Chromium, as a process owner.

- lint: an invalid Waktu code is listed (server SOP lint after the autosave) and marked on its
  task; a click on the finding selects the task; deploy stays disabled while the error stands and
  without a note, then deploys version 2;
- drafts: two owners edit at once; the later save is refused with the other's name, autosave
  stops, "Muat ulang" loads the other's draft;
- the diff of two versions (a changed Waktu, a removed task) colours both diagrams and lists the
  changed properties; a click on a row selects the element in both;
- one version read-only with its SOP rows.
Any console error (CSP violations included) fails the test; screenshots at 1366x900 and 390x844.
"""
from __future__ import annotations

import re

import pytest
from lxml import etree
from sqlalchemy import select

from server.admin.services import people
from server.models import User
from server.modeling.services import versions

from ..modeling.helpers import KEMENPORA, KEY, actor
from .conftest import expect, login, shot, visit, watch_page

PEMILIK = "kemenpora.pemilik"
OTHER_OWNER = "kemenpora.karo"  # made a second Pemilik Proses of Kemenpora for the conflict
EDIT = f"/model/kemenpora/{KEY}/edit"
TASK = "s02_perintahkan_pembahasan_konsep"
REMOVED = "s03_bahas_konsep_konten"
DESKTOP, PHONE = (1366, 900), (390, 844)
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
READY = 15_000  # ms: the bundle parses and imports a diagram


def open_modeler(page, live_server, username=PEMILIK):
    login(page, live_server, username)
    visit(page, EDIT)
    expect(page.locator("[data-alur-mount=modeler][data-alur-ready]")).to_have_count(1, timeout=READY)
    # the draft as loaded has been checked by the server once
    expect(page.locator(".alur-lint-note")).not_to_have_text(re.compile("Diperiksa setelah"), timeout=READY)


SET_PROPERTY = """([id, name, value]) => {
    const modeler = window.alurModeler;
    const element = modeler.get('elementRegistry').get(id);
    const holder = element.businessObject.extensionElements.values.find(v => v.$type === 'spiffworkflow:Properties');
    const property = holder.properties.find(p => p.name === name);
    modeler.get('modeling').updateModdleProperties(element, property, {value});
}"""
RENAME = """([id, name]) => {
    const modeler = window.alurModeler;
    modeler.get('modeling').updateLabel(modeler.get('elementRegistry').get(id), name);
}"""
SELECTED = "() => window.alurModeler.get('selection').get().map(e => e.id)"


def saved(page):
    expect(page.locator(".alur-draft-status")).to_have_text(re.compile(r"^Tersimpan \d\d\.\d\d"), timeout=10_000)


def finding(page, element_id, severity="error"):
    return page.locator(f".alur-finding-{severity}[data-element-id='{element_id}'][data-source=server]")


# --- lint, autosave, deploy ----------------------------------------------------------------------

@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_lint_marks_a_finding_selects_deploy_waits_for_the_fix_and_a_note(new_page, live_server, size):
    page = new_page(viewport={"width": size[0], "height": size[1]})
    problems = watch_page(page)
    open_modeler(page, live_server)
    deploy = page.get_by_role("button", name="Terapkan versi baru")
    note = page.get_by_label("Catatan perubahan (wajib)")
    expect(deploy).to_be_disabled()  # no note yet
    expect(page.locator(".alur-deploy-reason")).to_have_text("Isi catatan perubahan.")

    page.evaluate(SET_PROPERTY, [TASK, "sop.waktu.kode", "bukan-kode"])
    expect(page.locator(".alur-draft-status")).to_have_text(re.compile("Belum disimpan|Ada perubahan|Menyimpan"))
    saved(page)
    expect(finding(page, TASK)).to_be_visible(timeout=10_000)
    expect(finding(page, TASK)).to_contain_text("bukan-kode")
    expect(page.locator(f"g.djs-element.alur-lint-error[data-element-id='{TASK}']")).to_have_count(1)
    expect(page.locator(".alur-lint-mark-error")).to_have_count(1)

    note.fill("Waktu langkah 2 diperbaiki.")
    expect(deploy).to_be_disabled()  # the error stands
    expect(page.locator(".alur-deploy-reason")).to_have_text("Perbaiki galat pemeriksaan SOP dahulu.")
    shot(page, f"modeler-lint-marks-{'desktop' if size == DESKTOP else 'phone'}")

    finding(page, TASK).locator("button").click()
    assert page.evaluate(SELECTED) == [TASK]

    page.evaluate(SET_PROPERTY, [TASK, "sop.waktu.kode", "PT10M"])
    saved(page)
    expect(finding(page, TASK)).to_have_count(0, timeout=10_000)
    expect(page.locator(f"g.djs-element.alur-lint-error[data-element-id='{TASK}']")).to_have_count(0)
    expect(deploy).to_be_enabled()
    deploy.click()
    done = page.locator(".alur-deploy-done")
    expect(done).to_contain_text("Versi 2 diterapkan.")
    expect(done.get_by_role("link", name="Lihat daftar versi")).to_have_attribute(
        "href", f"/model/kemenpora/{KEY}/versions")
    alur = live_server.app.extensions["alur"]
    latest = versions.list_versions(alur, actor(alur, PEMILIK), KEY)[0]
    assert (latest["version"], latest["note"], latest["active"]) == (2, "Waktu langkah 2 diperbaiki.", True)
    assert not problems, problems


def test_deploy_needs_a_saved_checked_draft_and_an_error_free_one(page, live_server):
    """A fresh edit blocks deploy until saved and checked; an error found at deploy is listed."""
    problems = watch_page(page)
    open_modeler(page, live_server)
    page.get_by_label("Catatan perubahan (wajib)").fill("Nama langkah 2 dipersingkat.")
    deploy = page.get_by_role("button", name="Terapkan versi baru")
    expect(deploy).to_be_enabled()
    page.evaluate(RENAME, [TASK, "Memerintahkan pembahasan konsep"])
    expect(deploy).to_be_disabled()
    saved(page)
    expect(deploy).to_be_enabled()

    # bpmnlint as one edits (Indonesian), never on the tenggat markers (the alur/ rules skip them)
    expect(page.locator(".alur-finding[data-source=editor][data-element-id^='batas_']")).to_have_count(0)
    page.evaluate("""() => { const m = window.alurModeler;
        m.get('modeling').removeConnection(m.get('elementRegistry').get('f_s01_s02')); }""")
    editor = page.locator(f".alur-finding-error[data-source=editor][data-element-id='{TASK}']")
    expect(editor).to_contain_text("Elemen menjadi awal tersirat")
    expect(page.locator(f"g.djs-element.alur-lint-error[data-element-id='{TASK}']")).to_have_count(1)
    page.evaluate("() => window.alurModeler.get('commandStack').undo()")
    expect(editor).to_have_count(0)
    saved(page)
    assert not problems, problems


# --- two owners, one draft -----------------------------------------------------------------------

def test_the_later_save_is_refused_with_the_other_owners_name(new_page, live_server):
    alur = live_server.app.extensions["alur"]
    people.grant(alur, OTHER_OWNER, "kemenpora", ["Pemilik Proses"])
    with alur.db.transaction() as s:
        other_name = s.scalar(select(User.display_name).where(User.username == OTHER_OWNER))
    first = new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    first.clock.install()  # time flows as usual, and the test can also move it (see below)
    problems = watch_page(first, allowed=(r"status of 412",))
    second = new_page(viewport={"width": DESKTOP[0], "height": DESKTOP[1]})
    second_problems = watch_page(second)
    open_modeler(first, live_server)
    open_modeler(second, live_server, OTHER_OWNER)

    second.evaluate(RENAME, [TASK, "Memerintahkan pembahasan konsep"])
    saved(second)
    first.evaluate(RENAME, ["s01_disposisi_pembuatan_konten", "Mendisposisi konten"])
    banner = first.locator(".alur-conflict")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner).to_contain_text(re.compile(rf"Draf ini telah disimpan oleh {re.escape(other_name)} pada \d\d\.\d\d; "
                                              "muat ulang untuk melihat perubahannya"))
    expect(first.locator(".alur-draft-status")).not_to_have_text(re.compile("Tersimpan"))
    expect(first.get_by_role("button", name="Terapkan versi baru")).to_be_disabled()
    shot(first, "modeler-conflict-desktop")

    # autosave has stopped: another edit sends nothing
    puts = []
    first.on("request", lambda r: r.method == "PUT" and puts.append(r.url))
    first.evaluate(RENAME, ["s04_produksi_konten", "Memproduksi konten"])
    first.clock.run_for(2_500)  # past the autosave's pause: its timer would have fired by now
    assert puts == []

    first.get_by_role("button", name="Muat ulang").click()
    expect(first.locator("[data-alur-mount=modeler][data-alur-ready]")).to_have_count(1, timeout=READY)
    expect(first.locator(".alur-conflict")).to_be_hidden()
    assert first.evaluate("""(id) => window.alurModeler.get('elementRegistry').get(id).businessObject.name""",
                          TASK) == "Memerintahkan pembahasan konsep"
    assert not problems, problems
    assert not second_problems, second_problems


@pytest.mark.viewport(*PHONE)
def test_conflict_banner_on_a_phone(new_page, live_server):
    alur = live_server.app.extensions["alur"]
    people.grant(alur, OTHER_OWNER, "kemenpora", ["Pemilik Proses"])
    first, second = new_page(), new_page()
    problems = watch_page(first, allowed=(r"status of 412",))
    open_modeler(first, live_server)
    open_modeler(second, live_server, OTHER_OWNER)
    second.evaluate(RENAME, [TASK, "Memerintahkan pembahasan konsep"])
    saved(second)
    first.evaluate(RENAME, ["s01_disposisi_pembuatan_konten", "Mendisposisi konten"])
    expect(first.locator(".alur-conflict")).to_be_visible(timeout=10_000)
    first.locator(".alur-conflict").scroll_into_view_if_needed()
    shot(first, "modeler-conflict-phone")
    assert not problems, problems


# --- the diff and the viewer ---------------------------------------------------------------------

def second_version(alur) -> None:
    """Version 2: task 2's Waktu changed (words and code), task 3 removed (task 2 goes to task 4)."""
    root = etree.fromstring(KEMENPORA)
    process = root.find("bpmn:process", NS)
    task = process.find(f"bpmn:userTask[@id='{TASK}']", NS)
    for prop in task.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") == "sop.waktu":
            prop.set("value", "1 hari")
        if prop.get("name") == "sop.waktu.kode":
            prop.set("value", "P1D")
    gone = {REMOVED, f"batas_{REMOVED}", "f_s03_s04"}
    for el in list(process):
        if el.get("id") in gone:
            process.remove(el)
    flow = process.find("bpmn:sequenceFlow[@id='f_s02_s03']", NS)
    flow.set("targetRef", "s04_produksi_konten")
    process.find("bpmn:userTask[@id='s04_produksi_konten']/bpmn:incoming", NS).text = "f_s02_s03"
    for ref in root.iter(f"{{{NS['bpmn']}}}incoming", f"{{{NS['bpmn']}}}outgoing", f"{{{NS['bpmn']}}}flowNodeRef"):
        if ref.text in gone:
            ref.getparent().remove(ref)
    for di in list(root.iter(f"{{{NS['bpmndi']}}}BPMNShape", f"{{{NS['bpmndi']}}}BPMNEdge")):
        if di.get("bpmnElement") in gone:
            di.getparent().remove(di)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    versions.deploy(alur, actor(alur, PEMILIK), KEY, xml, "Langkah 3 digabung; Waktu langkah 2 menjadi 1 hari.")


# Each diff viewer's zoom, viewbox corner and pool corner (rounded: diagram units = px at 100%).
VIEWBOXES = """() => ['from', 'to'].map(side => {
    const canvas = window.alurDiff[side].get('canvas');
    const box = canvas.viewbox();
    const pool = window.alurDiff[side].get('elementRegistry').filter(e => e.type === 'bpmn:Participant')[0];
    return {scale: Math.round(canvas.zoom() * 1000) / 1000, x: Math.round(box.x), y: Math.round(box.y),
            pool: [pool.x, pool.y]};
})"""


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_diff_colours_both_versions_and_lists_the_changed_properties(new_page, live_server, size):
    second_version(live_server.app.extensions["alur"])
    page = new_page(viewport={"width": size[0], "height": size[1]})
    problems = watch_page(page)
    login(page, live_server, PEMILIK)
    visit(page, f"/model/kemenpora/{KEY}/diff")  # by default: the latest against the one before
    expect(page.locator("h1")).to_contain_text("dari versi 1 ke versi 2")
    diff = page.locator("[data-alur-mount=diff][data-alur-ready]")
    expect(diff).to_have_count(1, timeout=READY)

    # both at 100% from the same point, the pool's top-left corner; scrolling one scrolls the other
    boxes = page.evaluate(VIEWBOXES)
    assert boxes[0] == boxes[1] and boxes[0]["scale"] == 1, boxes
    assert boxes[0]["x"] <= boxes[0]["pool"][0] <= boxes[0]["x"] + 40, boxes
    assert boxes[0]["y"] <= boxes[0]["pool"][1] <= boxes[0]["y"] + 40, boxes
    page.evaluate("() => window.alurDiff.to.get('canvas').scroll({dx: -120, dy: -30})")
    moved = page.evaluate(VIEWBOXES)
    assert moved[0] == moved[1] and moved[0]["x"] == boxes[0]["x"] + 120, moved

    old, new = page.locator(".alur-diff-from"), page.locator(".alur-diff-to")
    expect(old.locator(f"g.djs-element.alur-diff-removed[data-element-id='{REMOVED}']")).to_have_count(1)
    expect(new.locator(f"[data-element-id='{REMOVED}']")).to_have_count(0)
    for pane in (old, new):
        expect(pane.locator(f"g.djs-element.alur-diff-changed[data-element-id='{TASK}']")).to_have_count(1)
        expect(pane.locator("g.djs-element.alur-diff-changed[data-element-id='f_s02_s03']")).to_have_count(1)

    table = page.locator("#diff-table")
    entry = table.locator(f"tbody[data-element-id='{TASK}']")
    waktu = entry.locator("tr", has=page.locator("code", has_text=re.compile(r"^sop\.waktu$")))
    expect(waktu.locator(".alur-old")).to_have_text("10 menit")
    expect(waktu.locator(".alur-new")).to_have_text("1 hari")
    kode = entry.locator("tr", has=page.locator("code", has_text=re.compile(r"^sop\.waktu\.kode$")))
    expect(kode.locator(".alur-new")).to_have_text("P1D")
    expect(table.locator(f"tbody.alur-diff-removed[data-element-id='{REMOVED}']")).to_contain_text("dihapus")
    flow = table.locator("tbody[data-element-id='f_s02_s03']")
    expect(flow.locator(".alur-new")).to_have_text(re.compile(r"\(s04_produksi_konten\)$"))  # by name, id beside

    entry.get_by_role("button").click()
    selected = page.evaluate("() => ['from', 'to'].map(side => window.alurDiff[side].get('selection').get().map(e => e.id))")
    assert selected == [[TASK], [TASK]]
    expect(entry).to_have_class(re.compile("alur-diff-picked"))
    table.locator(f"tbody[data-element-id='{REMOVED}']").get_by_role("button").click()
    selected = page.evaluate("() => ['from', 'to'].map(side => window.alurDiff[side].get('selection').get().map(e => e.id))")
    assert selected == [[REMOVED], []]
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, f"diff-{'desktop' if size == DESKTOP else 'phone'}")
    if size == PHONE:  # stacked: the newer version below the older one
        a, b = old.bounding_box(), new.bounding_box()
        assert b["y"] >= a["y"] + a["height"] - 1 and abs(a["x"] - b["x"]) < 2
    assert not problems, problems


def test_the_diff_page_lists_the_changes_without_javascript(new_page, live_server):
    second_version(live_server.app.extensions["alur"])
    page = new_page(java_script_enabled=False)
    login(page, live_server, PEMILIK)
    visit(page, f"/model/kemenpora/{KEY}/diff?from=2&to=1")
    expect(page.locator("#diff-counts")).to_have_text("2 ditambah, 0 dihapus, 2 diubah")  # the other way round: task 3 and its flow come back
    expect(page.locator(f"#diff-table tbody.alur-diff-added[data-element-id='{REMOVED}']")).to_have_count(1)


@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_version_read_only_with_its_sop_rows(new_page, live_server, size):
    page = new_page(viewport={"width": size[0], "height": size[1]})
    problems = watch_page(page)
    login(page, live_server, PEMILIK)
    visit(page, f"/model/kemenpora/{KEY}/versions/1")
    expect(page.locator("[data-alur-mount=viewer][data-alur-ready]")).to_have_count(1, timeout=READY)
    expect(page.locator(f".alur-viewer g.djs-element[data-element-id='{TASK}']")).to_have_count(1)
    expect(page.locator(".alur-viewer .djs-palette")).to_have_count(0)  # read-only: no palette
    # at 100%, from the pool's top-left corner (the start)
    view = page.evaluate("""() => { const c = window.alurViewer.get('canvas'), b = c.viewbox();
        const pool = window.alurViewer.get('elementRegistry').filter(e => e.type === 'bpmn:Participant')[0];
        return [Math.round(c.zoom() * 1000) / 1000, pool.x - b.x, pool.y - b.y]; }""")
    assert view[0] == 1 and 0 <= view[1] <= 40 and 0 <= view[2] <= 40, view
    rows = page.locator("#sop-rows tbody tr")
    expect(rows).to_have_count(8)
    expect(rows.first).to_contain_text("Mendisposisi pembuatan konten")
    expect(rows.first).to_contain_text("10 menit")

    # at 100% a phone shows part of the diagram: the owner scrolls to the task first
    page.evaluate("(id) => window.alurViewer.get('canvas').scrollToElement(id)", TASK)
    page.locator(f".alur-viewer g.djs-element[data-element-id='{TASK}']").click()
    picked = page.locator(f"#sop-rows tr[data-element-id='{TASK}']")
    expect(picked).to_have_class(re.compile("alur-row-picked"))
    page.locator("#sop-rows tr[data-element-id='s04_produksi_konten']").click()
    assert page.evaluate("() => window.alurViewer.get('selection').get().map(e => e.id)") == ["s04_produksi_konten"]
    page.evaluate("() => window.scrollTo(0, 0)")
    shot(page, f"viewer-{'desktop' if size == DESKTOP else 'phone'}")
    assert not problems, problems
