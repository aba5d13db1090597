"""The modeler in a real browser: the Kemenpora owner opens the SOP's draft, the diagram renders
with its SOP properties panel in Indonesian, the Waktu code is checked by the server as it is
typed and its tenggat marker follows it, the form editor writes <alur:form> into the XML; no
console error and no Content-Security-Policy violation on the way. Others get a 403."""
from __future__ import annotations

import json
import re
import time

import pytest
from lxml import etree

from server.modeling.services import drafts

from tests.bpmn_props import properties_of

from ..modeling.helpers import actor
from .conftest import expect, login, shot, visit, watch_page

OWNER = "kemenpora.pemilik"
KEY = "kemenpora_publikasi_media_sosial"
EDIT = f"/model/kemenpora/{KEY}/edit"
STEP5 = "s05_sampaikan_hasil_produksi"
MARKER5 = f"batas_{STEP5}"
# Every CSP violation of the page, reported by the browser itself (not subject to the policy).
WATCH_CSP = """document.addEventListener('securitypolicyviolation', (e) => {
  (window.__csp = window.__csp || []).push(`${e.violatedDirective} ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber} ${e.sample || ''}`);
});"""


def _watch(page) -> list[str]:
    """The shared watcher, and every CSP violation into window.__csp for the tests to read."""
    page.add_init_script(WATCH_CSP)
    return watch_page(page)


def _open_modeler(page, live_server):
    login(page, live_server, OWNER)
    visit(page, EDIT)
    expect(page.locator("#modeler[data-alur-ready='1']")).to_have_count(1, timeout=15_000)


def _csp(page) -> list[str]:
    return page.evaluate("window.__csp || []")


def _element(page, element_id: str):
    return page.locator(f".djs-element[data-element-id={json.dumps(element_id)}]")


def _select(page, element_id: str):
    """Clicks the shape on the canvas (as the owner does), unless it is selected already."""
    selected = "window.alurModeler.get('selection').get().map(e => e.id)"
    if page.evaluate(selected) == [element_id]:
        return
    page.evaluate("(id) => window.alurModeler.get('canvas').scrollToElement(id)", element_id)
    _element(page, element_id).locator(".djs-hit").first.click()
    assert page.evaluate(selected) == [element_id]


def _xml(page) -> str:
    return page.evaluate("async () => (await window.alurModeler.saveXML({format: true})).xml")


@pytest.mark.viewport(1366, 900)
def test_owner_edits_a_task_row_its_waktu_and_its_form(page, live_server):
    problems = _watch(page)
    _open_modeler(page, live_server)
    expect(_element(page, STEP5)).to_be_visible()
    # the palette and the panel speak Indonesian
    expect(page.locator(".djs-palette .bpmn-icon-task")).to_have_attribute("aria-label", "Buat tugas")

    _select(page, STEP5)
    panel = page.locator("#alur-properties")
    row = panel.locator("[data-group-id='group-alur-sop-row']")
    expect(row.locator(".bio-properties-panel-group-header-title")).to_have_text("Baris SOP")
    if "open" not in (row.locator(".bio-properties-panel-group-header").get_attribute("class") or ""):
        row.locator(".bio-properties-panel-group-header").click()
    expect(panel.locator("#bio-properties-panel-alur-sop-no")).to_have_value("5")
    expect(panel.locator("#bio-properties-panel-alur-kegiatan")).to_have_value(
        "Menyampaikan hasil produksi konten untuk mendapat persetujuan.")
    expect(row).to_contain_text("Kelengkapan")
    expect(panel.locator("#bio-properties-panel-alur-sop-waktu")).to_have_value("30 menit")

    kode = panel.locator("#bio-properties-panel-alur-sop-waktu-kode")
    expect(kode).to_have_value("PT30M")
    expect(_element(page, MARKER5)).to_have_count(1)
    expect(panel.locator(".alur-waktu-preview.alur-ok")).to_contain_text("30 menit kerja")
    # cleared: the marker goes
    kode.fill("")
    kode.blur()
    expect(_element(page, MARKER5)).to_have_count(0)
    expect(panel.locator(".alur-waktu-preview")).to_have_count(0)
    # one undo takes back the cleared code and the removed marker together (bpmn-js's shortcut)
    _element(page, STEP5).locator(".djs-hit").first.click()
    page.keyboard.press("Control+z")
    expect(_element(page, MARKER5)).to_have_count(1)
    _select(page, STEP5)
    expect(kode).to_have_value("PT30M")
    page.keyboard.press("Control+y")
    expect(_element(page, MARKER5)).to_have_count(0)
    _select(page, STEP5)
    expect(kode).to_have_value("")
    # not a code: the server's parser says why, under the field
    kode.fill("P1X")
    expect(panel.locator(".alur-waktu-preview.alur-error")).to_contain_text('Kode Waktu "P1X" tidak dikenal')
    # one working day: a preview of the due time, and the marker back on the task's edge
    kode.fill("P1D")
    preview = panel.locator(".alur-waktu-preview.alur-ok")
    expect(preview).to_contain_text("1 hari kerja")
    expect(preview).to_contain_text(re.compile(r"mulai \w+ \d\d-\d\d-\d{4} \d\d\.\d\d → tenggat \w+ .* WIB"))
    expect(_element(page, MARKER5)).to_have_count(1)
    marker = page.evaluate("""(id) => {
        const r = window.alurModeler.get('elementRegistry');
        const m = r.get(id), task = m.host, bo = m.businessObject;
        const def = bo.eventDefinitions[0];
        return {host: task.id, cancel: bo.cancelActivity, name: bo.name || null, out: m.outgoing.length,
                timeDate: def.timeDate.body, bottom: Math.round(m.y + m.height / 2) === task.y + task.height};
    }""", MARKER5)
    assert marker == {"host": STEP5, "cancel": False, "name": None, "out": 0,
                      "timeDate": f'tenggat("{STEP5}")', "bottom": True}
    xml = _xml(page)
    assert '<spiffworkflow:property name="sop.waktu.kode" value="P1D" />' in xml

    # the form editor: the task's form, a field added and named, written into <alur:form>
    form_group = panel.locator("[data-group-id='group-alur-form']")
    form_group.locator(".bio-properties-panel-group-header").click()
    editor = form_group.locator(".alur-form-editor")
    if editor.locator("#alur-form-create").count():
        editor.locator("#alur-form-create").click()
    before = editor.locator(".alur-form-field").count()
    editor.locator("#alur-form-add").click()
    expect(editor.locator(".alur-form-field")).to_have_count(before + 1)
    new = before  # index of the new field
    editor.locator(f"#alur-field-{new}-name").fill("tautan bukti")
    expect(editor.locator(f"#alur-field-{new}-name-error")).to_contain_text("huruf kecil")
    editor.locator(f"#alur-field-{new}-name").fill("tautan_bukti")
    expect(editor.locator(f"#alur-field-{new}-name-error")).to_have_count(0)
    editor.locator(f"#alur-field-{new}-label").fill("Tautan bukti unggahan")
    editor.locator(f"#alur-field-{new}-type").select_option("files")
    editor.locator(f"#alur-field-{new}-required").check()
    editor.locator(f"#alur-field-{new}-accept").fill("image/*, application/pdf")
    editor.locator(f"#alur-field-{new}-max").fill("3")
    page.wait_for_function("""(id) => {  // the editor commits after a short pause in typing
        const bo = window.alurModeler.get('elementRegistry').get(id).businessObject;
        const form = bo.extensionElements.values.find(v => v.$type === 'alur:Form');
        const field = form && JSON.parse(form.body).properties.tautan_bukti;
        return !!field && field.maxItems === 3; }""", arg=STEP5)
    xml = _xml(page)
    body = page.evaluate("""(id) => {
        const bo = window.alurModeler.get('elementRegistry').get(id).businessObject;
        const form = bo.extensionElements.values.find(v => v.$type === 'alur:Form');
        const props = bo.extensionElements.values.find(v => v.$type === 'spiffworkflow:Properties');
        return {form: form && form.body, file: props.properties.some(p => p.name === 'formJsonSchemaFilename')};
    }""", STEP5)
    assert body["file"] is False, "an embedded form replaces the forms/ file reference"
    schema = json.loads(body["form"])
    assert schema["properties"]["tautan_bukti"] == {
        "type": "array", "title": "Tautan bukti unggahan", "items": {"type": "string"}, "minItems": 1,
        "maxItems": 3, "x-alur-widget": "file", "x-alur-accept": ["image/*", "application/pdf"]}
    assert "tautan_bukti" in schema["required"]
    assert 'xmlns:alur="urn:alur:bpmn:1.0"' in xml and "<alur:form>" in xml and "tautan_bukti" in xml
    shot(page, "modeler-desktop")
    assert not problems, "\n".join(problems)
    assert not _csp(page), _csp(page)


@pytest.mark.viewport(1366, 900)
def test_process_identity_and_decision_in_the_panel(page, live_server):
    problems = _watch(page)
    _open_modeler(page, live_server)
    pool = _select_pool(page)
    panel = page.locator("#alur-properties")
    identity = panel.locator("[data-group-id='group-alur-identity']")
    expect(identity.locator(".bio-properties-panel-group-header-title")).to_have_text("Identitas SOP")
    identity.locator(".bio-properties-panel-group-header").click()
    expect(panel.locator("#bio-properties-panel-alur-sop-nomor")).to_have_value("3.28.4/BIV/III/2023")
    # a field the agency must confirm shows a warning beside it
    page.evaluate("""(id) => {
        const m = window.alurModeler, el = m.get('elementRegistry').get(id);
        m.get('commandStack').execute('alur.properties.set', {element: el,
            properties: {'alur.konfirmasi.sop.nomor': 'nomor dari ekstraksi; mohon periksa'}});
    }""", pool)
    expect(identity.locator("[data-property='sop.nomor'] .alur-confirm")).to_contain_text(
        "Perlu dikonfirmasi instansi: nomor dari ekstraksi")

    gateway = page.evaluate("window.alurModeler.get('elementRegistry').filter(e => e.type === 'bpmn:ExclusiveGateway')[0].id")
    _select(page, gateway)
    decision = panel.locator("[data-group-id='group-alur-decision']")
    expect(decision.locator(".bio-properties-panel-group-header-title")).to_have_text("Keputusan")
    decision.locator(".bio-properties-panel-group-header").click()
    expect(panel.locator("#bio-properties-panel-alur-decision-field")).to_have_value("keputusan")
    flows = page.evaluate("""(id) => window.alurModeler.get('elementRegistry').get(id).outgoing.map(f => f.id)""", gateway)
    value = panel.locator(f"#bio-properties-panel-alur-decision-{flows[0]}")
    value.fill("Setuju")
    value.blur()
    condition = page.evaluate("""(id) => { const bo = window.alurModeler.get('elementRegistry').get(id).businessObject;
        return [bo.name, bo.conditionExpression.body]; }""", flows[0])
    assert condition == ["Setuju", 'keputusan == "Setuju"']
    assert not problems, "\n".join(problems)
    assert not _csp(page), _csp(page)


def _open_group(panel, group_id: str):
    group = panel.locator(f"[data-group-id='group-{group_id}']")
    header = group.locator(".bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()
    return group


def _fill(panel, entry_id: str, value: str):
    field = panel.locator(f"#bio-properties-panel-{entry_id}")
    field.fill(value)
    field.blur()
    return field


def _saved_draft(page, live_server, expected: dict[str, dict[str, str]]):
    """The owner's draft as the server holds it once the page says it is saved and it holds the
    expected properties ({element id: {name: value}}): the panel commits a field after a pause in
    typing and autosave runs after a pause in editing, so a save may cover only the edits before it;
    each save ends in "Tersimpan", the next one follows by itself."""
    alur = live_server.app.extensions["alur"]
    deadline = time.monotonic() + 20
    while True:
        expect(page.locator(".alur-draft-status")).to_have_text(re.compile(r"^Tersimpan \d\d\.\d\d"), timeout=10_000)
        root = etree.fromstring(drafts.get(alur, actor(alur, OWNER), KEY)["xml"].encode("utf-8"))
        found = {element_id: {name: properties_of(root, element_id).get(name) for name in values}
                 for element_id, values in expected.items()}
        if found == expected or time.monotonic() > deadline:
            assert found == expected
            return root
        page.wait_for_timeout(250)


def _select_pool(page) -> str:
    """The pool is larger than the canvas: selected as a click on its name band would; its id."""
    return page.evaluate("""() => { const m = window.alurModeler;
        const pool = m.get('elementRegistry').filter(e => e.type === 'bpmn:Participant')[0];
        m.get('selection').select(pool); return pool.id; }""")


@pytest.mark.viewport(1366, 900)
def test_the_sop_sheet_in_the_panel_is_saved_in_the_draft(page, live_server):
    """What the printed SOP sheet keeps, edited in the panel in Indonesian: the table's title, a
    heading as printed, "no Keterangan column", the document and its table number (a wrong one
    refused under the field), a label as printed and the signer's NIP on the process, a task's list
    style and printed number, a terminator's row; the autosaved draft on the server holds each."""
    problems = _watch(page)
    _open_modeler(page, live_server)
    panel = page.locator("#alur-properties")
    _select_pool(page)
    sheet = _open_group(panel, "alur-sheet")
    expect(sheet.locator(".bio-properties-panel-group-header-title")).to_have_text("Lembar SOP")
    expect(sheet).to_contain_text("Judul kolom: Kegiatan")
    expect(panel.locator("#bio-properties-panel-alur-sop-judul_tabel")).to_have_value(
        "Pengelolaan Publikasi Media Sosial Kehumasan")
    _fill(panel, "alur-sop-judul_tabel", "Publikasi Media Sosial Biro Humas")
    heading = panel.locator("#bio-properties-panel-alur-sop-kolom-kegiatan")
    expect(heading).to_have_value("Kegiatan")
    heading.fill("Uraian Prosedur")
    heading.blur()
    column = panel.locator("#bio-properties-panel-alur-sop-kolom-keterangan-ada")
    expect(column).to_be_checked()
    column.uncheck()
    expect(panel.locator("#bio-properties-panel-alur-sop-kolom-keterangan")).to_have_count(0)
    # a table number that is no number: the panel says so and keeps it out of the diagram
    _fill(panel, "alur-sop-dokumen", "kemenpora-humas")
    tabel = _fill(panel, "alur-sop-dokumen-tabel", "satu")
    error = panel.locator("[data-entry-id='alur-sop-dokumen-tabel'] .bio-properties-panel-error")
    expect(error).to_have_text("Nomor tabel berupa bilangan bulat mulai 1.")   # shown once the value is offered
    assert 'name="sop.dokumen.tabel"' not in _xml(page)
    tabel.fill("2")
    tabel.blur()
    expect(error).to_have_count(0)

    identity = _open_group(panel, "alur-identity")
    expect(panel.locator("#bio-properties-panel-alur-sop-disahkan_oleh")).to_have_value("Kepala Biro Humas dan Umum")
    expect(panel.locator("#bio-properties-panel-alur-sop-disahkan_oleh-nama")).to_have_value("Triyono, SP., M.Si")
    nip = panel.locator("#bio-properties-panel-alur-sop-disahkan_oleh-nip")
    expect(nip).to_have_value("19740605 200012 1 001")
    _fill(panel, "alur-sop-disahkan_oleh-nip", "19740605 200012 1 002")
    expect(panel.locator("#bio-properties-panel-alur-sop-daftar-dasar_hukum")).to_have_value("angka")
    expect(identity).to_contain_text("Label tercetak: Tanggal efektif")
    label = panel.locator("#bio-properties-panel-alur-sop-label-tanggal_efektif")
    label.fill("Tanggal Pengesahan")
    label.blur()

    _select(page, "s04_produksi_konten")
    _open_group(panel, "alur-sop-row")
    style = panel.locator("#bio-properties-panel-alur-sop-daftar-kelengkapan")
    expect(style).to_have_value("angka")
    expect(panel.locator("[data-entry-id='alur-sop-daftar-kelengkapan'] label")).to_have_text("Kelengkapan: gaya daftar")
    style.select_option("strip")
    expect(panel.locator("#bio-properties-panel-alur-sop-no-cetak")).to_have_value("")
    _fill(panel, "alur-sop-no-cetak", "4a")

    _select(page, "selesai_dipublikasikan")
    terminator = _open_group(panel, "alur-sheet")
    expect(terminator).to_contain_text("Baris terminator")
    row = panel.locator("#bio-properties-panel-alur-sop-baris")
    row.fill("8")
    row.blur()

    root = _saved_draft(page, live_server, {
        KEY: {"sop.judul_tabel": "Publikasi Media Sosial Biro Humas", "sop.kolom.kegiatan": "Uraian Prosedur",
              "sop.kolom.keterangan": "",   # an empty heading: the sheet has no Keterangan column
              "sop.dokumen": "kemenpora-humas", "sop.dokumen.tabel": "2",
              "sop.label.tanggal_efektif": "Tanggal Pengesahan", "sop.disahkan_oleh.nip": "19740605 200012 1 002"},
        "s04_produksi_konten": {"sop.daftar.kelengkapan": "strip", "sop.no.cetak": "4a"},
        "selesai_dipublikasikan": {"sop.baris": "8"}})
    assert properties_of(root, KEY)["sop.disahkan_oleh.nama"] == "Triyono, SP., M.Si"   # the fields left alone stay

    # ticked again: the property goes, and the standard heading with it
    _select_pool(page)
    _open_group(panel, "alur-sheet")
    panel.locator("#bio-properties-panel-alur-sop-kolom-keterangan-ada").check()
    expect(panel.locator("#bio-properties-panel-alur-sop-kolom-keterangan")).to_have_value("")
    assert 'name="sop.kolom.keterangan"' not in _xml(page)
    shot(page, "modeler-sop-sheet")
    assert not problems, "\n".join(problems)
    assert not _csp(page), _csp(page)


@pytest.mark.viewport(1366, 900)
def test_the_modeler_opens_at_100_percent_at_the_start(page, live_server):
    """Process owners read the SOP at full size: zoom 1.0, the pool's top-left corner in view;
    bpmn-js's own zoom (Ctrl+wheel) stays available."""
    _open_modeler(page, live_server)
    # the pool's corner just right of the palette (which floats over the canvas's left edge)
    state = page.evaluate("""() => { const c = window.alurModeler.get('canvas'), b = c.viewbox();
        const pool = window.alurModeler.get('elementRegistry').filter(e => e.type === 'bpmn:Participant')[0];
        const palette = document.querySelector('#modeler .djs-palette').getBoundingClientRect();
        const left = c.getContainer().getBoundingClientRect().left;
        return {scale: Math.round(c.zoom() * 1000) / 1000, dx: pool.x - b.x, dy: pool.y - b.y,
                palette: palette.right - left}; }""")
    assert state["scale"] == 1 and 0 <= state["dy"] <= 40, state
    assert state["palette"] <= state["dx"] <= state["palette"] + 40, state
    shot(page, "modeler-open")
    box = page.locator("#modeler .djs-container").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.keyboard.down("Control")
    page.mouse.wheel(0, 200)
    page.keyboard.up("Control")
    page.wait_for_function("() => window.alurModeler.get('canvas').zoom() < 1")


def test_the_modeler_in_english(page, live_server):
    """Indonesian first; the header's English switch turns the palette, the panel and the
    workspace into English (the SOP's own words stay as written)."""
    problems = _watch(page)
    _open_modeler(page, live_server)
    expect(page.locator("#modeler .djs-palette [data-action='create.task']")).to_have_attribute("aria-label", "Buat tugas")
    page.get_by_role("button", name="English").click()
    visit(page, EDIT)
    expect(page.locator("#modeler[data-alur-ready='1']")).to_have_count(1, timeout=15_000)
    expect(page.locator("#modeler .djs-palette [data-action='create.task']")).to_have_attribute("aria-label", "Create task")
    _select(page, STEP5)
    expect(page.locator("[data-group-id='group-alur-sop-row'] .bio-properties-panel-group-header")).to_contain_text(
        "SOP row")
    expect(page.locator("main")).to_contain_text("Deploy")
    shot(page, "modeler-en")
    assert not problems and not _csp(page), (problems, _csp(page))


@pytest.mark.viewport(390, 844)
def test_the_modeler_on_a_phone(page, live_server):
    problems = _watch(page)
    _open_modeler(page, live_server)
    _select(page, STEP5)
    expect(page.locator("#bio-properties-panel-alur-sop-no")).to_have_value("5")
    shot(page, "modeler-phone")
    assert not problems, "\n".join(problems)
    assert not _csp(page), _csp(page)


@pytest.mark.parametrize("username, status", [("kemenpora.pengawas", 403), ("bsip.pengawas", 403)])
def test_others_are_refused(page, live_server, username, status):
    login(page, live_server, username)
    visit(page, EDIT, status=status)


def test_an_unknown_sop_is_404(page, live_server):
    login(page, live_server, OWNER)
    visit(page, "/model/kemenpora/tidak_ada/edit", status=404)
