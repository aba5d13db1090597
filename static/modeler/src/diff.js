// The visual diff of two versions: both diagrams side by side (stacked on phones), coloured from
// the server's semantic diff (GET config.urls.diff): added elements green in the newer version,
// removed ones red in the older, changed ones amber in both, moved-only ones outlined. The page's
// table of changes (rendered by the server, #diff-table) is tied to both: a click on an element
// of the table selects it in both diagrams, a click on a coloured element finds its rows.
import { onConnection } from "./overlay-spot.js";
import { showStart, startPoint } from "./modeler.js";
import { createViewer, fetchXml, focusElement, showError } from "./viewer.js";
import { language, serverMessage, texts } from "./workspace-texts.js";
import "./workspace.css";

const KINDS = {
  added: { marker: "alur-diff-added", sides: ["to"], symbol: "+" },
  removed: { marker: "alur-diff-removed", sides: ["from"], symbol: "−" },
  changed: { marker: "alur-diff-changed", sides: ["from", "to"], symbol: "~" },
  layout: { marker: "alur-diff-layout", sides: ["from", "to"], symbol: "" },
};

function pane(parent, className, title) {
  const section = document.createElement("section");
  section.className = `alur-diff-pane ${className}`;
  const heading = document.createElement("h2");
  heading.className = "alur-diff-pane-title";
  heading.textContent = title;
  const canvas = document.createElement("div");
  canvas.className = "alur-diff-canvas";
  canvas.setAttribute("aria-label", title);
  section.append(heading, canvas);
  parent.append(section);
  return canvas;
}

async function fetchDiff(url, lang) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  const data = await response.json().catch(() => null);
  if (!response.ok || !data) throw new Error(serverMessage(data, lang) || `HTTP ${response.status}`);
  return data;
}

/** The shape that shows element `id` in a viewer: itself, or the pool of a process. */
function shapeId(viewer, id) {
  const registry = viewer.get("elementRegistry");
  if (registry.get(id)) return id;
  const pool = registry.find((e) => e.businessObject && e.businessObject.processRef
    && e.businessObject.processRef.id === id);
  return pool ? pool.id : null;
}

function mark(viewer, id, kind, label) {
  const target = shapeId(viewer, id);
  if (!target) return false;
  const canvas = viewer.get("canvas");
  canvas.addMarker(target, KINDS[kind].marker);
  const shape = viewer.get("elementRegistry").get(target);
  const type = shape.type;
  if (type === "bpmn:Lane" || type === "bpmn:Participant") canvas.addMarker(target, "alur-diff-area");
  if (KINDS[kind].symbol) {
    const badge = document.createElement("div");
    badge.className = `alur-diff-badge alur-diff-badge-${kind}`;
    badge.textContent = KINDS[kind].symbol;
    badge.title = label;
    badge.setAttribute("aria-hidden", "true");
    const position = shape.waypoints ? onConnection(shape) : { top: -10, right: 10 };
    viewer.get("overlays").add(target, "alur-diff", { position, html: badge });
  }
  return true;
}

/** Panning or zooming one diagram moves the other alike (the versions share their coordinates). */
function linkViewboxes(a, b) {
  let busy = false;
  const follow = (source, target) => source.on("canvas.viewbox.changed", ({ viewbox }) => {
    const current = target.get("canvas").viewbox();
    if (busy || ["x", "y", "width", "height"].every((k) => Math.abs(current[k] - viewbox[k]) < 0.5)) return;
    busy = true;
    try {
      target.get("canvas").viewbox({ x: viewbox.x, y: viewbox.y, width: viewbox.width, height: viewbox.height });
    } finally {
      busy = false;
    }
  });
  follow(a, b);
  follow(b, a);
}

/** Both panes as tall as the taller diagram at 100% (at most 56% of the window), both diagrams at
 * 100% from the same point, the pools' top-left corner (the start): their coordinates match, so
 * the side-by-side sync shows the same place in both. */
function showBoth(pairs) {
  const wanted = pairs.map(([viewer]) => {
    const { inner } = viewer.get("canvas").viewbox();
    return inner.height ? inner.height + 40 : 0;
  });
  const height = Math.round(Math.max(200, Math.min(window.innerHeight * 0.56, Math.max(...wanted))));
  const points = pairs.map(([viewer, container]) => {
    container.style.height = `${height}px`;
    viewer.get("canvas").resized();
    return startPoint(viewer);
  });
  const point = { x: Math.min(...points.map((p) => p.x)), y: Math.min(...points.map((p) => p.y)) };
  for (const [viewer] of pairs) showStart(viewer, point);
}

export async function mountDiff(element, config) {
  const lang = language(config);
  const t = texts(lang);
  element.classList.add("alur-diff-canvases");
  element.replaceChildren();
  const fromCanvas = pane(element, "alur-diff-from", t("diff.from", { version: config.from }));
  const toCanvas = pane(element, "alur-diff-to", t("diff.to", { version: config.to }));
  const viewers = { from: createViewer(fromCanvas, lang), to: createViewer(toCanvas, lang) };

  let diff;
  try {
    const [fromXml, toXml, found] = await Promise.all([
      fetchXml(config.urls.from_bpmn, lang), fetchXml(config.urls.to_bpmn, lang), fetchDiff(config.urls.diff, lang),
    ]);
    await viewers.from.importXML(fromXml);
    await viewers.to.importXML(toXml);
    diff = found;
  } catch (error) {
    showError(element, t("diff.failed", { message: error.message }));
    return null;
  }
  showBoth([[viewers.from, fromCanvas], [viewers.to, toCanvas]]);
  linkViewboxes(viewers.from, viewers.to);

  const kindOf = new Map();
  const apply = (items, kind) => {
    for (const item of items || []) {
      const id = typeof item === "string" ? item : item.id;
      kindOf.set(id, kind);
      for (const side of KINDS[kind].sides) mark(viewers[side], id, kind, t(`diff.${kind}`));
    }
  };
  apply(diff.added, "added");
  apply(diff.removed, "removed");
  apply(diff.changed, "changed");
  apply(diff.layout_changed, "layout");

  // the table of changes, tied to both diagrams
  const entries = new Map();
  document.querySelectorAll("#diff-table tbody[data-element-id]").forEach((entry) => {
    const id = entry.dataset.elementId;
    entries.set(id, entry);
    const name = entry.querySelector(".alur-diff-name");
    if (!name) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "alur-diff-jump";
    button.append(...name.childNodes);
    name.replaceChildren(button);
    button.addEventListener("click", () => {
      pickEntry(id, false);
      const shown = ["from", "to"].map((side) => {
        const target = shapeId(viewers[side], id);
        return target ? focusElement(viewers[side], target) : (viewers[side].get("selection").select(null), false);
      });
      if (shown.some(Boolean)) element.scrollIntoView({ block: "nearest", behavior: "smooth" });
    });
  });

  function pickEntry(id, scroll) {
    entries.forEach((entry, entryId) => entry.classList.toggle("alur-diff-picked", entryId === id));
    const entry = entries.get(id);
    if (entry && scroll) entry.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  for (const viewer of Object.values(viewers)) {
    viewer.on("element.click", ({ element: clicked }) => {
      const target = clicked.labelTarget || clicked;
      const bo = target.businessObject || {};
      const id = entries.has(target.id) ? target.id : bo.processRef && entries.has(bo.processRef.id) ? bo.processRef.id : null;
      pickEntry(id, Boolean(id));
    });
  }
  element.dataset.alurReady = "1";
  window.alurDiff = viewers; // for the browser tests and the console
  return viewers;
}
