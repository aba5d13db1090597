"""Issue 8's first "Must show", in Chromium, as people do it: the Kemenpora process owner makes a
new SOP from the template (three actor columns), builds it in the modeler with the palette, the
context pad, drags between lanes, direct editing, the SOP panel and the form editor; sees the SOP
lint's error marked on the diagram and in the list, fixes it in the gateway's "Keputusan" group
and deploys version 1; the lanes' staff run it to its end through one rejection; a second
version changes a Waktu and removes a task, and the diff shows both.

`window.alurModeler` is only read: where an element is drawn (for the mouse) and what the diagram
holds (for assertions). Any console error, uncaught exception, failed request or CSP violation
fails the test. Screenshots (test-output/screenshots/owner-*.png) at 1366x900 and 390x844.
"""
from __future__ import annotations

import json
import re

from sqlalchemy import select

from server.admin.services import people
from server.modeling.services import versions
from server.models import HumanTask, ProcessInstance, User
from server.work.services import instances

from ..modeling.helpers import actor
from .conftest import expect, fill_form, login, shot, submit_form, visit, watch_page
from .test_modeler import WATCH_CSP

OWNER = "kemenpora.pemilik"
NAME, NOMOR = "Peminjaman Ruang Rapat", "3.28.9/BIV/XI/2026"
KEY = "peminjaman_ruang_rapat"  # the key the server makes of the name
LANES = {"Petugas Layanan Rapat": "kemenpora.anggota", "Kepala Subbagian Rumah Tangga": "kemenpora.ketua",
         "Pengelola Arsip Rapat": "kemenpora.pj"}
DESKTOP, PHONE = {"width": 1366, "height": 900}, {"width": 390, "height": 844}
READY = 15_000  # ms: the bundle parses and imports a diagram
SAVED = 10_000  # ms: autosave (1.5 s after the last edit), then the server's SOP lint

# What the owner types for each task: its name, its lane (index into LANES) and its SOP row.
TASKS = [
    {"name": "Menerima permohonan", "lane": 0, "no": "1", "waktu": "30 menit", "kode": "PT30M",
     "kegiatan": "Menerima permohonan peminjaman ruang rapat dari unit kerja.", "output": "Formulir permohonan"},
    {"name": "Memeriksa jadwal ruang", "lane": 0, "no": "2", "waktu": "30 menit", "kode": "PT30M",
     "kegiatan": "Memeriksa jadwal pemakaian ruang rapat yang diminta.", "output": "Jadwal ruang"},
    {"name": "Memutuskan peminjaman", "lane": 1, "no": "3", "waktu": "30 menit", "kode": "PT30M",
     "kegiatan": "Memutuskan apakah ruang rapat dapat dipinjamkan.", "output": "Keputusan peminjaman"},
    {"name": "Mengarsipkan bukti", "lane": 2, "no": "4", "waktu": "30 menit", "kode": "PT30M",
     "kegiatan": "Mengarsipkan bukti peminjaman ruang rapat.", "output": "Arsip peminjaman"},
]

SELECTED = "() => window.alurModeler.get('selection').get().map(e => e.id)"
ZOOM = "() => window.alurModeler.get('canvas').zoom()"
# What the diagram holds about an element: its type, name, lane, Alur properties, form, flows.
DESCRIBE = """(id) => {
    const registry = window.alurModeler.get('elementRegistry');
    const element = registry.get(id);
    if (!element) return null;
    const bo = element.businessObject;
    const values = (bo.extensionElements && bo.extensionElements.values) || [];
    const holder = values.find(v => v.$type === 'spiffworkflow:Properties');
    const form = values.find(v => v.$type === 'alur:Form');
    const lane = registry.filter(e => e.type === 'bpmn:Lane')
        .find(l => (l.businessObject.flowNodeRef || []).includes(bo));
    return {type: element.type, name: bo.name || '', lane: lane ? lane.businessObject.name : null,
            props: Object.fromEntries(((holder && holder.properties) || []).map(p => [p.name, p.value])),
            documentation: (bo.documentation || []).map(d => d.text).join(''),
            form: form ? JSON.parse(form.body) : null,
            condition: bo.conditionExpression ? bo.conditionExpression.body : null,
            outgoing: (element.outgoing || []).map(f => [f.id, f.target.id]),
            incoming: (element.incoming || []).map(f => [f.id, f.source.id])};
}"""
REGISTRY_BOX = "(id) => { const e = window.alurModeler.get('elementRegistry').get(id); return [e.x, e.y, e.x + e.width, e.y + e.height]; }"
WAYPOINTS = "(id) => window.alurModeler.get('elementRegistry').get(id).waypoints.map(p => [p.x, p.y])"
# The point of the page where a diagram point is drawn.
ON_SCREEN = """([x, y]) => {
    const canvas = window.alurModeler.get('canvas'), box = canvas.viewbox();
    const rect = canvas.getContainer().getBoundingClientRect();
    return [rect.left + (x - box.x) * box.scale, rect.top + (y - box.y) * box.scale];
}"""


def watch(page) -> list[str]:
    """Console errors, uncaught exceptions, failed requests (watch_console) and CSP violations."""
    page.add_init_script(WATCH_CSP)
    return watch_page(page)


def no_problems(page, problems: list[str]) -> None:
    assert not problems, "\n".join(problems)
    csp = page.evaluate("window.__csp || []")
    assert not csp, csp


# --- the canvas, as a mouse sees it ------------------------------------------------------------

def gfx(page, element_id: str):
    return page.locator(f"#modeler g.djs-element[data-element-id={json.dumps(element_id)}]")


FIND_SPOT = """([id, box]) => {
    for (const fy of [0.75, 0.6, 0.85, 0.4]) for (const fx of [0.35, 0.25, 0.5, 0.65]) {
        const x = box.x + box.width * fx, y = box.y + box.height * fy;
        const hit = document.elementFromPoint(x, y), g = hit && hit.closest('.djs-element');
        if (g && g.dataset.elementId === id) return [x, y];
    }
    return null;
}"""


def spot(page, element_id: str) -> tuple[float, float]:
    """A point of the page where a click reaches the shape: inside it, and not under a flow,
    bpmnlint's badge, the tenggat marker, the SOP lint's mark or another element's context pad."""
    box = gfx(page, element_id).locator(".djs-hit").first.bounding_box()
    found = page.evaluate(FIND_SPOT, [element_id, box])
    assert found, f"no point of {element_id} can be clicked"
    return tuple(found)


def describe(page, element_id: str) -> dict | None:
    return page.evaluate(DESCRIBE, element_id)


def canvas_in_view(page) -> None:
    """Scrolls the page so that the whole canvas is on screen (as the owner would)."""
    page.locator("#modeler .alur-modeler-canvas").evaluate("e => e.scrollIntoView({block: 'start'})")


def click_shape(page, element_id: str) -> None:
    """Clicks the shape (unless it is the only one selected already); first, when something else
    is selected, a click on empty canvas closes its context pad, which may lie over the shape."""
    if page.evaluate(SELECTED) == [element_id]:
        return
    canvas_in_view(page)
    if page.evaluate(SELECTED):
        deselect(page)
    page.mouse.click(*spot(page, element_id))
    assert page.evaluate(SELECTED) == [element_id], (element_id, page.evaluate(SELECTED))


def deselect(page) -> None:
    """A click on the canvas's empty lower part (below the diagram, right of the palette). Right
    after a connection is made the first click is swallowed (diagram-js's click trap after a
    drag): then a second one."""
    box = page.locator("#modeler .alur-modeler-canvas").bounding_box()
    for dx in (0, 20):
        page.mouse.click(box["x"] + box["width"] * 0.3 + dx, box["y"] + box["height"] - 30)
        if not page.evaluate(SELECTED):
            return
    raise AssertionError(f"still selected: {page.evaluate(SELECTED)}")


def pad(page, action: str) -> None:
    """Clicks an entry of the context pad of the selected element."""
    page.locator(f".djs-context-pad.open .entry[data-action={json.dumps(action)}]").click()


def new_element(page, before: set, connection: bool = False) -> str:
    """The one shape (or connection) that is not among `before`."""
    found = page.evaluate("""([before, connection]) => window.alurModeler.get('elementRegistry')
        .filter(e => !before.includes(e.id) && e.type !== 'label' && !!e.waypoints === connection)
        .map(e => e.id)""", [sorted(before), connection])
    assert len(found) == 1, found
    return found[0]


def all_ids(page) -> set:
    return set(page.evaluate("() => window.alurModeler.get('elementRegistry').getAll().map(e => e.id)"))


def rename(page, element_id: str, name: str) -> None:
    """Double-click on the shape, type its name, Enter (bpmn-js's direct editing)."""
    canvas_in_view(page)
    if page.evaluate(SELECTED) not in ([], [element_id]):
        deselect(page)  # another element's context pad may lie over this one
    page.mouse.dblclick(*spot(page, element_id))
    editor = page.locator(".djs-direct-editing-parent")
    expect(editor).to_be_visible()
    page.keyboard.press("Control+a")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    expect(editor).to_be_hidden()
    assert describe(page, element_id)["name"] == name


def append(page, source: str, action: str, user_task: bool = False) -> str:
    """Context pad of `source`: append an element (bpmn-js opens its name editor: Escape), and for a
    task "Ubah elemen" -> "Tugas pengguna"."""
    click_shape(page, source)
    before = all_ids(page)
    pad(page, action)
    created = new_element(page, before)
    if page.locator(".djs-direct-editing-parent").is_visible():
        page.keyboard.press("Escape")
    if user_task:
        pad(page, "replace")
        page.locator(".djs-popup [data-id='replace-with-user-task']").click()
        expect(page.locator(".djs-popup")).to_have_count(0)
        assert describe(page, created)["type"] == "bpmn:UserTask"
    return created


def drag_by(page, element_id: str, dx: float, dy: float) -> None:
    """Drags the shape by (dx, dy) diagram units."""
    canvas_in_view(page)
    zoom = page.evaluate(ZOOM)
    x, y = spot(page, element_id)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx * zoom, y + dy * zoom, steps=12)
    page.mouse.up()


def connect(page, source: str, target: str) -> str:
    """Context pad of `source`: "Hubungkan", then a click on the target."""
    click_shape(page, source)
    before = all_ids(page)
    pad(page, "connect")
    x, y = spot(page, target)
    page.mouse.move(x, y, steps=8)
    page.mouse.down()
    page.mouse.up()
    flow = new_element(page, before, connection=True)
    assert describe(page, flow)["type"] == "bpmn:SequenceFlow"
    return flow


def move_segment(page, flow_id: str, to_y: float) -> None:
    """Selects the flow by a click on its longest horizontal segment, then drags that segment's
    handle up or down to `to_y` (diagram units), as one reroutes a flow round the shapes."""
    canvas_in_view(page)
    if page.evaluate(SELECTED):
        deselect(page)
    middle = page.evaluate("""(id) => { const w = window.alurModeler.get('elementRegistry').get(id).waypoints;
        let best = null;
        for (let i = 1; i < w.length; i++) {
            const length = Math.abs(w[i].x - w[i - 1].x);
            if (w[i].y === w[i - 1].y && (!best || length > best[0])) best = [length, (w[i].x + w[i - 1].x) / 2, w[i].y];
        }
        return best && [best[1], best[2]]; }""", flow_id)
    x, y = page.evaluate(ON_SCREEN, middle)
    page.mouse.click(x, y)
    assert page.evaluate(SELECTED) == [flow_id]
    expect(page.locator(f".djs-bendpoints[data-element-id={json.dumps(flow_id)}] .djs-segment-dragger").first).to_be_attached()
    zoom = page.evaluate(ZOOM)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x, y + (to_y - middle[1]) * zoom, steps=10)
    page.mouse.up()


def zoom_out_to_see_the_pool(page) -> None:
    """Ctrl+wheel over the pool's top-left corner until the whole pool is on the canvas."""
    canvas_in_view(page)
    pool = gfx(page, f"pool_{KEY}").locator(".djs-hit").first.bounding_box()
    page.mouse.move(pool["x"] + 4, pool["y"] + 4)
    for _ in range(10):
        fits = page.evaluate("""() => { const c = window.alurModeler.get('canvas'), b = c.viewbox();
            const pool = window.alurModeler.get('elementRegistry').filter(e => e.type === 'bpmn:Participant')[0];
            return pool.x + pool.width <= b.x + b.width && pool.y + pool.height <= b.y + b.height; }""")
        if fits:
            return
        wheel_zoom(page, 1)
    raise AssertionError("the pool does not fit on the canvas")


# --- the panel ---------------------------------------------------------------------------------

def group(page, group_id: str):
    """A group of the properties panel, opened."""
    found = page.locator(f"#alur-properties [data-group-id='group-{group_id}']")
    header = found.locator(".bio-properties-panel-group-header")
    if "open" not in (header.get_attribute("class") or ""):
        header.click()
    expect(header).to_have_class(re.compile(r"\bopen\b"))
    return found


def type_into(field, value: str) -> None:
    field.fill(value)
    field.press("Tab")  # the panel writes on input (debounced) and on blur


def fill_sop_row(page, task_id: str, task: dict) -> None:
    click_shape(page, task_id)
    row = group(page, "alur-sop-row")
    type_into(row.locator("#bio-properties-panel-alur-sop-no"), task["no"])
    type_into(row.locator("#bio-properties-panel-alur-kegiatan"), task["kegiatan"])
    type_into(row.locator("#bio-properties-panel-alur-sop-waktu"), task["waktu"])
    type_into(row.locator("#bio-properties-panel-alur-sop-waktu-kode"), task["kode"])
    type_into(row.locator("#bio-properties-panel-alur-sop-output"), task["output"])
    expect(row.locator(".alur-waktu-preview.alur-ok")).to_contain_text("30 menit kerja")
    page.wait_for_function("""([id, output]) => { const e = window.alurModeler.get('elementRegistry').get(id);
        const h = e.businessObject.extensionElements.values.find(v => v.$type === 'spiffworkflow:Properties');
        return h && h.properties.some(p => p.name === 'sop.output' && p.value === output); }""",
                           arg=[task_id, task["output"]])
    # the Waktu code brings the tenggat marker onto the task's edge
    expect(gfx(page, f"batas_{task_id}")).to_have_count(1)
    found = describe(page, task_id)
    assert {k: found["props"].get(k) for k in ("sop.no", "sop.waktu", "sop.waktu.kode", "sop.output")} == {
        "sop.no": task["no"], "sop.waktu": task["waktu"], "sop.waktu.kode": task["kode"], "sop.output": task["output"]}
    assert found["documentation"] == task["kegiatan"]


def make_form(page, task_id: str, fields: list[dict]) -> dict:
    """The form editor: "Buat formulir", then each field (name, label, type, choices, required)."""
    click_shape(page, task_id)
    editor = group(page, "alur-form").locator(".alur-form-editor")
    editor.locator("#alur-form-create").click()
    for index, field in enumerate(fields):
        if index:
            editor.locator("#alur-form-add").click()
        expect(editor.locator(".alur-form-field")).to_have_count(index + 1)
        prefix = f"#alur-field-{index}"
        editor.locator(f"{prefix}-name").fill(field["name"])
        editor.locator(f"{prefix}-label").fill(field["label"])
        if field.get("type", "text") != "text":
            editor.locator(f"{prefix}-type").select_option(field["type"])
        if field.get("choices"):
            editor.locator(f"{prefix}-choices").fill("\n".join(field["choices"]))
        if field.get("reject"):
            editor.locator(f"{prefix}-reject").fill(", ".join(field["reject"]))
        if field.get("required"):
            editor.locator(f"{prefix}-required").check()
    # the editor writes <alur:form> after a short pause in typing: wait for the last field's label
    last = fields[-1]
    page.wait_for_function("""([id, name, label]) => {
        const bo = window.alurModeler.get('elementRegistry').get(id).businessObject;
        const form = ((bo.extensionElements && bo.extensionElements.values) || []).find(v => v.$type === 'alur:Form');
        if (!form) return false;
        const p = JSON.parse(form.body).properties[name];
        return !!p && p.title === label; }""", arg=[task_id, last["name"], last["label"]])
    return describe(page, task_id)["form"]


def saved(page) -> None:
    expect(page.locator(".alur-draft-status")).to_have_text(re.compile(r"^Tersimpan \d\d\.\d\d"), timeout=SAVED)


def server_finding(page, element_id: str, severity: str = "error"):
    return page.locator(f".alur-finding-{severity}[data-source=server][data-element-id={json.dumps(element_id)}]")


def open_modeler(page) -> None:
    expect(page.locator("[data-alur-mount=modeler][data-alur-ready]")).to_have_count(1, timeout=READY)
    zoom_out_to_see_the_pool(page)


def wheel_zoom(page, steps: int) -> None:
    """Ctrl+wheel where the mouse is: out for steps > 0, in for steps < 0."""
    for _ in range(abs(steps)):
        page.keyboard.down("Control")
        page.mouse.wheel(0, 120 if steps > 0 else -120)
        page.keyboard.up("Control")


def picture(page, name: str, near: str | None = None, zoom: float = 0.85) -> None:
    """A legible screenshot: nothing selected, Ctrl+wheel in towards `zoom` over the shape `near`
    (else over the pool's top-left corner), then back out as many steps."""
    canvas_in_view(page)
    if page.evaluate(SELECTED):
        deselect(page)
    if near:
        page.mouse.move(*spot(page, near))
    else:
        pool = gfx(page, f"pool_{KEY}").locator(".djs-hit").first.bounding_box()
        page.mouse.move(pool["x"] + 4, pool["y"] + 4)
    steps = 0
    while page.evaluate(ZOOM) < zoom:
        wheel_zoom(page, -1)
        steps += 1
    shot(page, name)
    wheel_zoom(page, steps)


# --- staff --------------------------------------------------------------------------------------

def open_from_inbox(page, element_id: str) -> None:
    """The task `element_id` from the team's tab (a new task) or the user's own (one sent back)."""
    for tab in ("tim", "saya"):
        visit(page, f"/?tab={tab}")
        row = page.locator(f"article.task-row[data-element-id={json.dumps(element_id)}]")
        if row.count():
            break
    expect(row).to_have_count(1)
    row.locator("a.task-link").click()
    expect(page).to_have_url(re.compile(r"/tugas/\d+$"))


def complete(page, data: dict, sample_files) -> None:
    form = page.locator("form#task-form")
    fill_form(form, data, sample_files)
    submit_form(form, data)  # the decision made in the form editor: one button per value
    expect(page.locator(".flash").first).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"/tugas/\d+$"))


# --- the test -----------------------------------------------------------------------------------

def test_an_owner_builds_an_sop_staff_run_it_and_a_second_version_shows_in_the_diff(
        new_page, live_server, seeded, sample_files):
    page = new_page(viewport=DESKTOP)
    problems = watch(page)

    # 1. "Model SOP" -> "SOP baru": name, number, three actor columns -> the modeler, three lanes.
    login(page, live_server, OWNER)
    page.get_by_role("link", name="Model SOP").click()
    expect(page).to_have_url(f"{live_server}/model/")
    page.get_by_role("link", name="SOP baru").click()
    expect(page).to_have_url(f"{live_server}/model/new")
    page.get_by_label("Nama SOP").fill(NAME)
    page.get_by_label("Nomor SOP").fill(NOMOR)
    page.get_by_label("Pelaksana (satu lajur per baris)").fill("\n".join(LANES))
    page.get_by_role("button", name="Buat SOP").click()
    expect(page).to_have_url(f"{live_server}/model/kemenpora/{KEY}/edit")
    open_modeler(page)
    lanes = page.evaluate("() => window.alurModeler.get('elementRegistry').filter(e => e.type === 'bpmn:Lane')"
                          ".sort((a, b) => a.y - b.y).map(e => [e.id, e.businessObject.name])")
    assert [name for _, name in lanes] == list(LANES)
    lane_box = {name: page.evaluate("(id) => { const e = window.alurModeler.get('elementRegistry').get(id);"
                                    " return [e.y, e.y + e.height]; }", lane_id) for lane_id, name in lanes}

    # 2. The structure: the template's start -> end flow goes; tasks appended from the context pad
    # (made user tasks), the gateway, the lanes by dragging, one task from the palette.
    page.mouse.click(*spot(page, "f_mulai_selesai"))
    assert page.evaluate(SELECTED) == ["f_mulai_selesai"]
    pad(page, "delete")
    expect(gfx(page, "f_mulai_selesai")).to_have_count(0)
    t1 = append(page, "mulai", "append.append-task", user_task=True)
    t2 = append(page, t1, "append.append-task", user_task=True)
    t3 = append(page, t2, "append.append-task", user_task=True)
    gateway = append(page, t3, "append.gateway")
    drag_by(page, t3, 0, 200)  # into the second lane
    drag_by(page, gateway, 0, 200)
    # the fourth task from the palette, dropped into the third lane below and right of the gateway
    canvas_in_view(page)
    before = all_ids(page)
    page.locator(".djs-palette .entry[data-action='create.task']").click()
    g = page.evaluate("(id) => { const e = window.alurModeler.get('elementRegistry').get(id); return [e.x, e.y]; }",
                      gateway)
    x, y = page.evaluate(ON_SCREEN, [g[0] + 175, lane_box[list(LANES)[2]][0] + 100])
    page.mouse.move(x, y, steps=10)
    page.mouse.down()
    page.mouse.up()
    t4 = new_element(page, before)
    if page.locator(".djs-direct-editing-parent").is_visible():
        page.keyboard.press("Escape")
    click_shape(page, t4)
    pad(page, "replace")
    page.locator(".djs-popup [data-id='replace-with-user-task']").click()
    # the end event dragged into the third lane beside it
    end = page.evaluate("() => { const e = window.alurModeler.get('elementRegistry').get('selesai'); return [e.x, e.y]; }")
    drag_by(page, "selesai", g[0] + 330 - end[0], lane_box[list(LANES)[2]][0] + 82 - end[1])
    approve = connect(page, gateway, t4)
    connect(page, t4, "selesai")
    reject = connect(page, gateway, t1)  # the loop back
    move_segment(page, reject, lane_box[list(LANES)[0]][0] + 30)  # round the second task, not through it
    x1, y1, x2, y2 = page.evaluate(REGISTRY_BOX, t2)
    points = page.evaluate(WAYPOINTS, reject)
    assert not any(min(a[0], b[0]) <= x2 and max(a[0], b[0]) >= x1 and min(a[1], b[1]) <= y2 and max(a[1], b[1]) >= y1
                   for a, b in zip(points, points[1:])), points  # no segment of the loop crosses task 2

    tasks = [t1, t2, t3, t4]
    for task_id, task in zip(tasks, TASKS):
        rename(page, task_id, task["name"])
    rename(page, gateway, "Ruang dapat dipinjam?")
    for task_id, task in zip(tasks, TASKS):
        found = describe(page, task_id)
        assert (found["type"], found["lane"]) == ("bpmn:UserTask", list(LANES)[task["lane"]]), (task_id, found)
    assert describe(page, gateway)["lane"] == list(LANES)[1]
    assert describe(page, "selesai")["lane"] == list(LANES)[2]
    assert describe(page, "mulai")["outgoing"] == [[describe(page, "mulai")["outgoing"][0][0], t1]]
    assert sorted(target for _, target in describe(page, gateway)["outgoing"]) == sorted([t1, t4])

    # the SOP row of each task in the panel; the tenggat marker follows each Waktu code
    for task_id, task in zip(tasks, TASKS):
        fill_sop_row(page, task_id, task)
    # forms made in the form editor: the first task's with a text and a required choice, the
    # deciding task's with the decision field
    form = make_form(page, t1, [
        {"name": "unit_pemohon", "label": "Unit kerja pemohon"},
        {"name": "ruang", "label": "Ruang yang diminta", "type": "choice",
         "choices": ["Ruang Garuda", "Ruang Merpati"], "required": True}])
    assert form["properties"]["unit_pemohon"] == {"type": "string", "title": "Unit kerja pemohon", "maxLength": 200}
    assert form["properties"]["ruang"] == {"type": "string", "title": "Ruang yang diminta",
                                           "enum": ["Ruang Garuda", "Ruang Merpati"]}
    assert form["required"] == ["ruang"]
    click_shape(page, t1)
    shot(page, "owner-modeler-form-editor-desktop")
    make_form(page, t2, [{"name": "jadwal", "label": "Jadwal ruang pada hari itu"}])
    decision = make_form(page, t3, [
        {"name": "keputusan", "label": "Ruang dapat dipinjam?", "type": "decision", "choices": ["Setuju", "Tolak"],
         "reject": ["Tolak"], "required": True},
        {"name": "alasan", "label": "Alasan", "type": "textarea"}])
    assert decision["properties"]["keputusan"] == {"type": "string", "title": "Ruang dapat dipinjam?",
                                                   "enum": ["Setuju", "Tolak"], "x-alur-widget": "decision",
                                                   "x-alur-reject": ["Tolak"]}
    assert decision["required"] == ["keputusan"]
    make_form(page, t4, [{"name": "nomor_arsip", "label": "Nomor arsip", "required": True}])

    # 3. The SOP lint's error: the decision's flows have no labels and no conditions. Listed,
    # marked on the flows, deploy disabled; a click on the finding selects the flow.
    saved(page)
    for flow in (approve, reject):
        expect(server_finding(page, flow).filter(has_text="tidak berlabel")).to_have_count(1, timeout=SAVED)
        expect(server_finding(page, flow).filter(has_text="tidak memiliki kondisi")).to_have_count(1)
        expect(page.locator(f"#modeler g.djs-element.alur-lint-error[data-element-id={json.dumps(flow)}]")).to_have_count(1)
    # nothing else is an error by then
    expect(page.locator(".alur-finding-error[data-source=server]")).to_have_count(4)
    expect(page.locator(".djs-overlay .alur-lint-mark-error")).to_have_count(4)
    deploy = page.get_by_role("button", name="Terapkan versi baru")
    note = page.get_by_label("Catatan perubahan (wajib)")
    note.fill("Versi pertama SOP peminjaman ruang rapat.")
    expect(deploy).to_be_disabled()
    expect(page.locator(".alur-deploy-reason")).to_have_text("Perbaiki galat pemeriksaan SOP dahulu.")
    picture(page, "owner-lint-marks-desktop", zoom=0.6)
    server_finding(page, reject).first.locator("button").click()
    assert page.evaluate(SELECTED) == [reject]

    # the fix: the gateway's "Keputusan" group, a value per flow
    click_shape(page, gateway)
    keputusan = group(page, "alur-decision")
    type_into(keputusan.locator(f"#bio-properties-panel-alur-decision-{approve}"), "Setuju")
    type_into(keputusan.locator(f"#bio-properties-panel-alur-decision-{reject}"), "Tolak")
    page.wait_for_function("(id) => !!window.alurModeler.get('elementRegistry').get(id).businessObject.conditionExpression",
                           arg=reject)
    assert (describe(page, approve)["name"], describe(page, approve)["condition"]) == ("Setuju", 'keputusan == "Setuju"')
    assert (describe(page, reject)["name"], describe(page, reject)["condition"]) == ("Tolak", 'keputusan == "Tolak"')
    expect(group(page, "alur-decision").locator("#bio-properties-panel-alur-decision-field")).to_have_value("keputusan")
    saved(page)
    expect(page.locator(".alur-finding-error[data-source=server]")).to_have_count(0, timeout=SAVED)
    expect(page.locator("#modeler g.djs-element.alur-lint-error")).to_have_count(0)
    expect(deploy).to_be_enabled()
    deploy.click()
    expect(page.locator(".alur-deploy-done")).to_contain_text("Versi 1 diterapkan.")
    no_problems(page, problems)

    # 4. The lanes' staff (granted the new lanes as an administrator would) run version 1 to its end.
    for lane, username in LANES.items():
        people.grant(seeded, username, "kemenpora", [lane])
    staff = {}
    for username in LANES.values():
        staff[username] = new_page(viewport=DESKTOP)
        staff[username].problems = watch(staff[username])
        login(staff[username], live_server, username)
    petugas, kasubbag, arsip = (staff[u] for u in LANES.values())
    petugas.get_by_role("link", name="Mulai SOP").click()
    petugas.locator(f"a.start-link[data-key={KEY}]").click()
    petugas.locator("button#submit-start").click()
    expect(petugas).to_have_url(re.compile(r"/tugas/\d+$"))  # the starter's lane has the first task
    instance_id = instances.list_instances(seeded, actor(seeded, "kemenpora.anggota"))["items"][0]["id"]
    expect(petugas.locator("section#sop-step")).to_contain_text("Formulir permohonan")
    request = {"unit_pemohon": "Biro Perencanaan", "ruang": "Ruang Garuda"}
    complete(petugas, request, sample_files)
    for outcome in ("Tolak", "Setuju"):
        open_from_inbox(petugas, t2)
        complete(petugas, {"jadwal": "Kosong pukul 09.00-12.00"}, sample_files)
        open_from_inbox(kasubbag, t3)
        expect(kasubbag.locator("section#sop-step")).to_contain_text("Keputusan peminjaman")
        if outcome == "Tolak":
            complete(kasubbag, {"keputusan": "Tolak", "alasan": "Ruang Garuda dipakai rapat pimpinan."}, sample_files)
            open_from_inbox(petugas, t1)  # back to the first task, through the loop
            complete(petugas, {**request, "ruang": "Ruang Merpati"}, sample_files)
        else:
            complete(kasubbag, {"keputusan": "Setuju"}, sample_files)
    open_from_inbox(arsip, t4)
    complete(arsip, {"nomor_arsip": "RR/2026/041"}, sample_files)
    visit(arsip, f"/instans/{instance_id}")
    expect(arsip.locator("#instance-status")).to_have_text("Selesai")
    history = arsip.locator("section#history")
    expect(history.locator("ol.history > li")).to_have_count(7)
    expect(history).to_contain_text("Ruang Garuda dipakai rapat pimpinan.")
    shot(arsip, "owner-sop-run-to-its-end-desktop")
    with seeded.db.transaction() as s:
        walked = list(s.execute(select(HumanTask.element_id, User.username)
                                .join(User, User.id == HumanTask.completed_by_id)
                                .where(HumanTask.instance_id == instance_id).order_by(HumanTask.id)))
        status = s.scalar(select(ProcessInstance.status).where(ProcessInstance.id == instance_id))
    users = list(LANES.values())
    assert [tuple(w) for w in walked] == [(t1, users[0]), (t2, users[0]), (t3, users[1]), (t1, users[0]),
                                          (t2, users[0]), (t3, users[1]), (t4, users[2])]
    assert status == "completed"
    for username, tab in staff.items():
        no_problems(tab, tab.problems)

    # 5. Version 2: the archiving task's Waktu becomes one day; the schedule check is removed
    # (Delete) and the request goes straight to the decision.
    visit(page, f"/model/kemenpora/{KEY}/edit")
    open_modeler(page)
    click_shape(page, t4)
    row = group(page, "alur-sop-row")
    type_into(row.locator("#bio-properties-panel-alur-sop-waktu"), "1 hari")
    type_into(row.locator("#bio-properties-panel-alur-sop-waktu-kode"), "P1D")
    expect(row.locator(".alur-waktu-preview.alur-ok")).to_contain_text("1 hari kerja")
    page.wait_for_function("(id) => window.alurModeler.get('elementRegistry').get(id).businessObject"
                           ".extensionElements.values.find(v => v.$type === 'spiffworkflow:Properties')"
                           ".properties.some(p => p.name === 'sop.waktu.kode' && p.value === 'P1D')", arg=t4)
    expect(gfx(page, f"batas_{t4}")).to_have_count(1)
    click_shape(page, t2)
    page.keyboard.press("Delete")
    expect(gfx(page, t2)).to_have_count(0)
    expect(gfx(page, f"batas_{t2}")).to_have_count(0)
    # bpmn-js joins the flow into the removed task to the task after it
    assert [target for _, target in describe(page, t1)["outgoing"]] == [t3]
    assert sorted(source for _, source in describe(page, t3)["incoming"]) == [t1]
    saved(page)
    expect(page.locator(".alur-lint-counts")).to_have_text(re.compile(r"^\(0 galat"), timeout=SAVED)
    page.get_by_label("Catatan perubahan (wajib)").fill("Pemeriksaan jadwal digabung; arsip dalam 1 hari.")
    deploy = page.get_by_role("button", name="Terapkan versi baru")
    expect(deploy).to_be_enabled()
    deploy.click()
    expect(page.locator(".alur-deploy-done")).to_contain_text("Versi 2 diterapkan.")
    no_problems(page, problems)
    deployed = versions.list_versions(seeded, actor(seeded, OWNER), KEY)
    assert [(v["version"], v["note"], v["active"], v["deployed_by"]["id"] is not None) for v in deployed] == [
        (2, "Pemeriksaan jadwal digabung; arsip dalam 1 hari.", True, True),
        (1, "Versi pertama SOP peminjaman ruang rapat.", False, True)]

    # The diff of versions 1 and 2: the changed Waktu in the table and coloured in both diagrams,
    # the removed task listed and coloured in version 1's.
    visit(page, f"/model/kemenpora/{KEY}/diff?from=1&to=2")
    expect(page.locator("[data-alur-mount=diff][data-alur-ready]")).to_have_count(1, timeout=READY)
    old, new = page.locator(".alur-diff-from"), page.locator(".alur-diff-to")
    table = page.locator("#diff-table")
    entry = table.locator(f"tbody[data-element-id={json.dumps(t4)}]")
    kode = entry.locator("tr", has=page.locator("code", has_text=re.compile(r"^sop\.waktu\.kode$")))
    expect(kode.locator(".alur-old")).to_have_text("PT30M")
    expect(kode.locator(".alur-new")).to_have_text("P1D")
    waktu = entry.locator("tr", has=page.locator("code", has_text=re.compile(r"^sop\.waktu$")))
    expect(waktu.locator(".alur-old")).to_have_text("30 menit")
    expect(waktu.locator(".alur-new")).to_have_text("1 hari")
    for pane in (old, new):
        expect(pane.locator(f"g.djs-element.alur-diff-changed[data-element-id={json.dumps(t4)}]")).to_have_count(1)
    removed = table.locator(f"tbody.alur-diff-removed[data-element-id={json.dumps(t2)}]")
    expect(removed).to_contain_text("Memeriksa jadwal ruang")
    expect(removed).to_contain_text("dihapus")
    expect(old.locator(f"g.djs-element.alur-diff-removed[data-element-id={json.dumps(t2)}]")).to_have_count(1)
    expect(new.locator(f"g.djs-element[data-element-id={json.dumps(t2)}]")).to_have_count(0)
    shot(page, "owner-diff-removed-desktop")
    entry.get_by_role("button").click()  # both diagrams show the changed task
    assert page.evaluate("() => ['from', 'to'].map(side => window.alurDiff[side].get('selection').get().map(e => e.id))") \
        == [[t4], [t4]]
    shot(page, "owner-diff-changed-desktop")
    no_problems(page, problems)

    # 6. On a phone: the modeler with its panel (a task selected), and the diff.
    phone = new_page(viewport=PHONE)
    phone_problems = watch(phone)
    login(phone, live_server, OWNER)
    visit(phone, f"/model/kemenpora/{KEY}/edit")
    expect(phone.locator("[data-alur-mount=modeler][data-alur-ready]")).to_have_count(1, timeout=READY)
    canvas_in_view(phone)
    phone.mouse.click(*spot(phone, t1))
    assert phone.evaluate(SELECTED) == [t1]
    row = group(phone, "alur-sop-row")
    expect(row.locator("#bio-properties-panel-alur-sop-no")).to_have_value("1")
    expect(row.locator(".alur-waktu-preview.alur-ok")).to_contain_text("30 menit kerja")
    shot(phone, "owner-modeler-phone")
    visit(phone, f"/model/kemenpora/{KEY}/diff?from=1&to=2")
    expect(phone.locator("[data-alur-mount=diff][data-alur-ready]")).to_have_count(1, timeout=READY)
    expect(phone.locator(f"#diff-table tbody.alur-diff-removed[data-element-id={json.dumps(t2)}]")).to_have_count(1)
    shot(phone, "owner-diff-phone")
    no_problems(phone, phone_problems)
