"""The eight seed diagrams are legible in bpmn-js at 100% zoom, checked on what Chromium draws.

Each seed opens as its owner in the read-only viewer (`/model/<agency>/<key>/versions/<n>`, the
version the demo data deployed from bpmn/), falling back to the modeler (importXML of the file)
where that page is missing. At zoom 1.0 two screenshots go to test-output/screenshots/: the desktop
view (1366x900, scrolled to the pool) and the whole diagram (a canvas as large as the diagram).
Then, per shape of the element registry and the SVG text bpmn-js rendered for it:
- a task's, gateway's, event's or flow's label breaks into lines only between words (the lines,
  joined, are the name's words in order: no "Mengidentifi|kasi");
- a task's text lies inside its box (2 px tolerance) and clear of its type icon (the user-task
  icon at the top left: the icon's drawn paths, at least the box's top-left 22x22 px);
- an external label (events, gateways, flows) overlaps no shape but its own, and no other label;
- Alur's badges over the canvas (the "Tafsiran" marks) cover no name and no other shape.
Offenders are listed per diagram in the assertion message.

tests/diagrams/test_legible.py checks the same on the DI with the font's metrics, without a browser.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import REPO_ROOT, expect, login, shot, visit, watch_page
from .test_miwg import EXPECTED_REFUSAL

BPMN_DIR = REPO_ROOT / "bpmn"
# file, process id (= key), agency, owner: bpmn/README.md's table
SEEDS = [
    ("000_kemenpora_publikasi_media_sosial", "kemenpora_publikasi_media_sosial", "kemenpora", "kemenpora.pemilik"),
    ("001_bsip_informasi_media_sosial", "bsip_informasi_media_sosial", "bsip", "bsip.pemilik"),
    ("002_nomporejo_konten_media_sosial", "nomporejo_konten_media_sosial", "nomporejo", "nomporejo.pemilik"),
    ("002_nomporejo_konten_website", "nomporejo_konten_website", "nomporejo", "nomporejo.pemilik"),
    ("002_nomporejo_laporan_media_sosial", "nomporejo_laporan_media_sosial", "nomporejo", "nomporejo.pemilik"),
    ("002_nomporejo_laporan_website", "nomporejo_laporan_website", "nomporejo", "nomporejo.pemilik"),
    ("003_ponjong_upload_konten_media_sosial", "ponjong_upload_konten_media_sosial", "ponjong", "ponjong.pemilik"),
    ("004_dki_ksd_pengelolaan_media_sosial", "dki_ksd_pengelolaan_media_sosial", "dki-ksd", "dki.pemilik"),
]
DESKTOP = (1366, 900)
MAX_WIDTH = 2400
TOLERANCE = 2  # px, at zoom 1.0 one px is one diagram unit
ICON = 22  # px: the top-left corner of a task box that its type icon takes at least

# Zoom 1.0, the viewbox's top-left corner at the pool's (the first participant, else the diagram).
ZOOM_TO_POOL = """(viewer) => {
    const canvas = window[viewer].get('canvas');
    const registry = window[viewer].get('elementRegistry');
    canvas.resized();
    canvas.zoom(1);
    const pool = registry.filter(e => e.type === 'bpmn:Participant')[0];
    const inner = canvas.viewbox().inner;
    const x = pool ? pool.x : inner.x, y = pool ? pool.y : inner.y;
    const outer = canvas.viewbox().outer;
    canvas.viewbox({x: x - 10, y: y - 10, width: outer.width, height: outer.height});
    return {scale: canvas.zoom(), inner};
}"""

# The whole diagram at zoom 1.0: the canvas moved into a layer over the page's top-left corner,
# as large as the diagram (the page's own frame is smaller), for one picture of all of it.
WHOLE = """([viewer, maxWidth]) => {
    const canvas = window[viewer].get('canvas');
    const container = canvas.getContainer();
    canvas.zoom(1);
    const inner = canvas.viewbox().inner;
    let layer = document.getElementById('alur-test-whole');
    if (!layer) {
        layer = document.createElement('div');
        layer.id = 'alur-test-whole';
        Object.assign(layer.style, {position: 'absolute', left: '0', top: '0', zIndex: '10000', background: '#fff'});
        document.body.appendChild(layer);
        layer.appendChild(container);
        Object.assign(container.style, {width: '100%', height: '100%'});
    }
    layer.style.width = Math.min(maxWidth, Math.ceil(inner.width + 40)) + 'px';
    layer.style.height = Math.ceil(inner.height + 40) + 'px';
    canvas.resized();
    canvas.zoom(1);
    canvas.viewbox({x: inner.x - 20, y: inner.y - 20, width: layer.clientWidth, height: layer.clientHeight});
    return {width: layer.clientWidth, height: layer.clientHeight, scale: canvas.zoom(), inner};
}"""

# Per element: its kind, name, label lines and the client rects (px) of its box, text and icon.
MEASURE = """(viewer) => {
    const registry = window[viewer].get('elementRegistry');
    const rect = (node) => { const r = node.getBoundingClientRect();
        return {x: r.left, y: r.top, w: r.width, h: r.height}; };
    const union = (rects) => rects.length ? rects.reduce((a, b) => {
        const x = Math.min(a.x, b.x), y = Math.min(a.y, b.y);
        return {x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y};
    }) : null;
    const out = [];
    for (const element of registry.getAll()) {
        const gfx = registry.getGraphics(element);
        if (!gfx || !element.parent || element.hidden) continue;  // the root: the process or collaboration
        const visual = gfx.querySelector('.djs-visual');
        if (!visual) continue;
        const texts = [...visual.querySelectorAll(':scope > text')];
        const lines = texts.flatMap(t => [...t.querySelectorAll('tspan')].map(s => s.textContent));
        const textRects = texts.filter(t => t.textContent.trim()).map(rect);
        const target = element.labelTarget || element;
        const bo = target.businessObject || {};
        const item = {id: element.id, type: element.type, label: Boolean(element.labelTarget),
                      target: target.id, targetType: target.type, name: bo.name || '',
                      waypoints: Boolean(element.waypoints), lines, text: union(textRects),
                      hidden: gfx.classList.contains('alur-hidden') || getComputedStyle(gfx).display === 'none'};
        if (!element.waypoints && !element.labelTarget) {
            const box = visual.querySelector(':scope > rect, :scope > circle, :scope > polygon');
            item.box = box ? rect(box) : rect(visual);
            // a task's type icon: the paths drawn in the box's top half (markers sit at the bottom)
            if (/Task$/.test(element.type)) {
                const top = item.box.y + item.box.h / 2;
                item.icon = union([...visual.querySelectorAll(':scope > path')].map(rect)
                                  .filter(r => r.w > 0 && r.y < top));
            }
        }
        out.push(item);
    }
    // Alur's HTML overlays on the canvas (the tafsiran badges, lint marks), by their element
    for (const overlay of document.querySelectorAll('.djs-overlays .djs-overlay')) {
        const r = rect(overlay);
        if (!r.w || !r.h || getComputedStyle(overlay).display === 'none') continue;
        out.push({id: 'overlay', type: 'overlay', overlay: true, target: overlay.parentElement.dataset.containerId,
                  text: r, lines: [], label: false, hidden: false, targetType: 'overlay',
                  name: overlay.textContent.trim(), classes: overlay.firstElementChild
                  ? overlay.firstElementChild.className : ''});
    }
    return out;
}"""

WORDED = re.compile(r"^bpmn:(\w*Task|Task|\w*Gateway|\w*Event|SequenceFlow|SubProcess|CallActivity)$")


def _intersects(a: dict, b: dict, margin: float = 1.0) -> bool:
    """True when the rects overlap by more than `margin` px both ways."""
    return (min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]) > margin
            and min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]) > margin)


def _inside(inner: dict, outer: dict, tolerance: float) -> bool:
    return (inner["x"] >= outer["x"] - tolerance and inner["y"] >= outer["y"] - tolerance
            and inner["x"] + inner["w"] <= outer["x"] + outer["w"] + tolerance
            and inner["y"] + inner["h"] <= outer["y"] + outer["h"] + tolerance)


def _fmt(r: dict | None) -> str:
    return "-" if r is None else f"({r['x']:.0f},{r['y']:.0f} {r['w']:.0f}x{r['h']:.0f})"


def legibility_offenders(items: list[dict]) -> list[str]:
    """Every label broken inside a word, every task text out of its box or over its icon, every
    external label over another shape or label."""
    offenders = []
    # where each element's name is drawn: inside the shape (tasks) or on its external label
    for item in items:
        if item["hidden"] or not item["lines"] or not WORDED.match(item["targetType"]):
            continue
        words = item["name"].split()
        drawn = " ".join(line.strip() for line in item["lines"]).split()
        if drawn != words:
            offenders.append(f"{item['target']}: {item['name']!r} drawn as lines {item['lines']!r} "
                             f"(broken inside a word or changed)")
    shapes = [i for i in items if "box" in i and not i["hidden"]
              and i["type"] not in ("bpmn:Participant", "bpmn:Lane")]
    for task in shapes:
        if not re.match(r"^bpmn:\w*Task$", task["type"]) or not task["text"]:
            continue
        box, text = task["box"], task["text"]
        if not _inside(text, box, TOLERANCE):
            offenders.append(f"{task['id']}: text {_fmt(text)} outside its box {_fmt(box)}")
        if task["type"] != "bpmn:Task":
            corner = {"x": box["x"], "y": box["y"], "w": ICON, "h": ICON}
            for area in filter(None, (corner, task.get("icon"))):
                if _intersects(text, area):
                    offenders.append(f"{task['id']}: text {_fmt(text)} over the type icon {_fmt(area)} "
                                     f"of its box {_fmt(box)}")
                    break
    labels = [i for i in items if i["label"] and i["text"] and not i["hidden"]]
    for label in labels:
        for shape in shapes:
            if shape["id"] != label["target"] and _intersects(label["text"], shape["box"]):
                offenders.append(f"label of {label['target']} {label['name']!r} {_fmt(label['text'])} "
                                 f"overlaps {shape['id']} {_fmt(shape['box'])}")
    # Alur's badges (tafsiran) must not hide a name or another shape
    texts = [i for i in items if i["text"] and not i["hidden"] and not i.get("overlay")]
    for overlay in (i for i in items if i.get("overlay")):
        own = {overlay["target"], f"{overlay['target']}_label"}
        for other in texts:
            if _intersects(overlay["text"], other["text"]):  # its own name included
                offenders.append(f"badge {overlay['name']!r} of {overlay['target']} {_fmt(overlay['text'])} "
                                 f"covers the text of {other['target']} {other['name']!r}")
        for shape in shapes:
            if shape["id"] not in own and _intersects(overlay["text"], shape["box"]):
                offenders.append(f"badge {overlay['name']!r} of {overlay['target']} {_fmt(overlay['text'])} "
                                 f"covers {shape['id']} {_fmt(shape['box'])}")
    for n, a in enumerate(labels):
        for b in labels[n + 1:]:
            if _intersects(a["text"], b["text"]):
                offenders.append(f"labels of {a['target']} {a['name']!r} and {b['target']} {b['name']!r} overlap")
    return offenders


def _open(page, live_server, owner: str, agency: str, key: str, stem: str) -> str:
    """Opens the seed read-only (else in the modeler); the name of its window global."""
    login(page, live_server, owner)
    response = page.goto(f"/model/{agency}/{key}/versions/1", wait_until="domcontentloaded")
    if response is not None and response.status == 200:
        expect(page.locator("[data-alur-mount='viewer'][data-alur-ready='1']")).to_have_count(1, timeout=15_000)
        return "alurViewer"
    visit(page, f"/model/{agency}/{key}/edit")
    expect(page.locator("[data-alur-mount='modeler'][data-alur-ready='1']")).to_have_count(1, timeout=15_000)
    xml = (BPMN_DIR / f"{stem}.bpmn").read_text(encoding="utf-8")
    page.evaluate("async (xml) => { await window.alurModeler.importXML(xml); }", xml)
    return "alurModeler"


@pytest.mark.viewport(*DESKTOP)
@pytest.mark.parametrize("stem,key,agency,owner", SEEDS, ids=[s[0] for s in SEEDS])
def test_seed_diagram_is_legible_at_100_percent(page, live_server, stem, key, agency, owner):
    problems = watch_page(page, allowed=(EXPECTED_REFUSAL,))
    viewer = _open(page, live_server, owner, agency, key, stem)
    state = page.evaluate(ZOOM_TO_POOL, viewer)
    assert abs(state["scale"] - 1) < 1e-6, state
    desktop = shot(page, f"seed-{stem}-desktop")

    whole = page.evaluate(WHOLE, [viewer, MAX_WIDTH])
    width = min(MAX_WIDTH, max(DESKTOP[0], whole["width"] + 80))
    page.set_viewport_size({"width": width, "height": max(DESKTOP[1], min(4000, whole["height"] + 80))})
    whole = page.evaluate(WHOLE, [viewer, MAX_WIDTH])
    assert abs(whole["scale"] - 1) < 1e-6, whole
    path = Path(desktop).with_name(f"seed-{stem}-whole.png")
    page.locator("#alur-test-whole").screenshot(path=str(path))

    offenders = legibility_offenders(page.evaluate(MEASURE, viewer))
    errors = list(problems)
    assert not errors, f"{stem}: console errors: {errors}"
    assert not offenders, (f"{stem} ({'viewer' if viewer == 'alurViewer' else 'modeler'}, zoom 1.0, "
                           f"screenshots {desktop.name}, {path.name}): {len(offenders)} offender(s):\n  "
                           + "\n  ".join(offenders))
