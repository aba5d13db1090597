// A read-only diagram with marks: where an instance's tokens are, the path it took, the overdue
// tasks (the supervisor's instance page), or per-element figures (the dashboard's heatmap).
//
// <div data-alur-mount="marked-diagram" data-alur-config="ID"> with a JSON config:
//   {"lang": "id"|"en", "xml": "<bpmn…>",
//    "marks": {"<element id>": {"classes": ["active"|"visited"|"overdue"|…], "badge": "2x",
//              "title": "tooltip", "fill": "#hex" or null, "href": "url" or null}},
//    "flows": {"<flow id>": count},                  // flows taken: highlighted, "2x" from two on
//    "labels": {"<element id>": "text" | {"text": "…", "tone": "overdue"|"due"|…}},
//    "focus": ["<element id>"]}                      // where a small screen starts (else the start)
// Each class becomes the marker `alur-mark-<class>`; a mark with `href` makes the element a link.
// The mount returns (and stores as element.alurHandle) a handle whose `update(config)` re-marks
// without reloading the XML (the dashboard's refresh), and `ready`, a promise of the import.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

import { translator } from "./i18n.js";
import { moddleExtensions } from "./moddle/index.js";
import { onConnection } from "./overlay-spot.js";
import { showError } from "./viewer.js";
import { language } from "./workspace-texts.js";
import "./marked-view.css";

const OVERLAY = "alur-mark";
const SVG = "http://www.w3.org/2000/svg";
// Below this scale a whole diagram is not legible: a small screen starts at the focus instead.
const LEGIBLE = 0.45;
const PAD = 8; // px around the fitted diagram
const BUTTONS = 44; // px kept free on the right for the zoom buttons
const TEXTS = {
  id: { failed: "Diagram tidak dapat ditampilkan: {message}", zoomIn: "Perbesar", zoomOut: "Perkecil",
        fit: "Tampilkan seluruh diagram", taken: "Dilalui {count} kali" },
  en: { failed: "The diagram cannot be shown: {message}", zoomIn: "Zoom in", zoomOut: "Zoom out",
        fit: "Show the whole diagram", taken: "Taken {count} times" },
};

function say(lang, key, values = {}) {
  return (TEXTS[lang] || TEXTS.id)[key].replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

function safeClass(name) {
  return String(name).toLowerCase().replace(/[^a-z0-9_-]/g, "");
}

/** What a mark's element is drawn with: the first shape of its visual (a task's box, an event's circle). */
function visualOf(registry, id) {
  const gfx = registry.getGraphics(id);
  const visual = gfx && gfx.querySelector(".djs-visual");
  return visual ? visual.firstElementChild : null;
}

function badge(text, className, title) {
  const box = document.createElement("div");
  box.className = className;
  box.textContent = text;
  if (title) box.title = title;
  box.setAttribute("aria-hidden", "true");
  return box;
}

export function mountMarkedDiagram(element, config) {
  const lang = language(config);
  element.classList.add("alur-marked");
  element.replaceChildren();
  const canvasEl = document.createElement("div");
  canvasEl.className = "alur-marked-canvas";
  element.append(canvasEl);
  const viewer = new NavigatedViewer({ container: canvasEl, moddleExtensions, additionalModules: [translator(lang)] });
  let applied = { markers: [], titles: [], fills: [], links: new Map() };

  function clear() {
    const canvas = viewer.get("canvas");
    for (const [id, marker] of applied.markers) canvas.removeMarker(id, marker);
    for (const title of applied.titles) title.remove();
    for (const [visual] of applied.fills) visual.style.removeProperty("fill");
    viewer.get("overlays").remove({ type: OVERLAY });
    applied = { markers: [], titles: [], fills: [], links: new Map() };
  }

  function apply(next) {
    clear();
    const registry = viewer.get("elementRegistry");
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const addMarker = (id, marker) => {
      canvas.addMarker(id, marker);
      applied.markers.push([id, marker]);
    };
    const addTitle = (id, text) => {
      const gfx = registry.getGraphics(id);
      if (!gfx || !text) return;
      const title = document.createElementNS(SVG, "title");
      title.textContent = text;
      gfx.prepend(title);
      applied.titles.push(title);
    };

    for (const [id, mark] of Object.entries(next.marks || {})) {
      const shape = registry.get(id);
      if (!shape || !mark) continue;
      addMarker(id, "alur-mark");
      for (const name of mark.classes || []) addMarker(id, `alur-mark-${safeClass(name)}`);
      addTitle(id, mark.title);
      if (mark.fill && /^#[0-9a-fA-F]{3,8}$/.test(mark.fill)) {
        const visual = visualOf(registry, id);
        if (visual) {
          visual.style.setProperty("fill", mark.fill, "important");
          applied.fills.push([visual, mark.fill]);
        }
      }
      if (mark.href) {
        addMarker(id, "alur-mark-link");
        applied.links.set(id, mark.href);
      }
      if (mark.badge) {
        const position = shape.waypoints ? onConnection(shape, 22) : { top: -11, right: 13 };
        overlays.add(id, OVERLAY, { position, html: badge(mark.badge, "alur-mark-badge", mark.title) });
      }
    }

    for (const [id, count] of Object.entries(next.flows || {})) {
      const flow = registry.get(id);
      if (!flow || !flow.waypoints || !(count > 0)) continue;
      addMarker(id, "alur-mark-taken");
      const text = say(lang, "taken", { count });
      addTitle(id, text);
      if (count > 1) {
        const html = badge(`${count}x`, "alur-mark-badge alur-mark-flow-badge", text);
        overlays.add(id, OVERLAY, { position: onConnection(flow, 22), html });
      }
    }

    for (const [id, label] of Object.entries(next.labels || {})) {
      const shape = registry.get(id);
      if (!shape || shape.waypoints || !label) continue;
      const { text, tone } = typeof label === "string" ? { text: label, tone: "" } : label;
      if (!text) continue;
      const box = badge(text, `alur-mark-label${tone ? ` alur-mark-label-${safeClass(tone)}` : ""}`);
      box.removeAttribute("aria-hidden");
      overlays.add(id, OVERLAY, { position: { bottom: -4, left: -10 }, html: box });
    }
  }

  /** The whole diagram, centred, clear of the zoom buttons on the right. */
  function fitAll() {
    const canvas = viewer.get("canvas");
    canvas.resized();
    const { inner, outer } = canvas.viewbox();
    if (!inner.width || !outer.width) return;
    const room = { width: Math.max(80, outer.width - 2 * PAD - BUTTONS), height: Math.max(80, outer.height - 2 * PAD) };
    const scale = Math.min(1, room.width / inner.width, room.height / inner.height);
    const width = outer.width / scale, height = outer.height / scale;
    canvas.viewbox({ x: inner.x - (room.width / scale - inner.width) / 2 - PAD / scale,
                     y: inner.y - (height - inner.height) / 2, width, height });
  }

  function fit(focus) {
    const canvas = viewer.get("canvas");
    fitAll();
    if (canvas.zoom() >= LEGIBLE) return;
    // a small screen: legible at the first focus element (or the diagram's left edge), panning shows the rest
    const registry = viewer.get("elementRegistry");
    const target = (focus || []).map((id) => registry.get(id)).find(Boolean);
    const { inner, outer } = canvas.viewbox();
    const scale = Math.max(LEGIBLE, 0.7);
    const width = outer.width / scale, height = outer.height / scale;
    const cx = target ? target.x + target.width / 2 : inner.x + width / 2;
    const cy = target ? target.y + target.height / 2 : inner.y + inner.height / 2;
    canvas.viewbox({ x: cx - width / 2, y: cy - height / 2, width, height });
  }

  function zoomControls() {
    const bar = document.createElement("div");
    bar.className = "alur-marked-zoom";
    const button = (text, label, action) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = text;
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      bar.append(b);
    };
    const canvas = viewer.get("canvas");
    button("+", say(lang, "zoomIn"), () => canvas.zoom(Math.min(4, canvas.zoom() * 1.25), "auto"));
    button("−", say(lang, "zoomOut"), () => canvas.zoom(Math.max(0.2, canvas.zoom() / 1.25), "auto"));
    button("⤢", say(lang, "fit"), fitAll);
    element.append(bar);
  }

  viewer.on("element.click", ({ element: clicked }) => {
    const target = clicked.labelTarget || clicked;
    const href = applied.links.get(target.id);
    if (href) window.location.assign(href);
  });

  const ready = viewer.importXML(config.xml || "").then(() => {
    fit(config.focus);
    apply(config);
    zoomControls();
    element.dataset.alurReady = "1";
  });
  const handle = {
    viewer,
    ready,
    /** Re-marks with a new config's marks, flows and labels (the XML stays). */
    update(next) {
      return ready.then(() => apply(next || {}));
    },
    fit: () => ready.then(() => fit(config.focus)),
  };
  element.alurHandle = handle;
  return ready.then(() => handle, (error) => {
    showError(element, say(lang, "failed", { message: error.message || String(error) }));
    throw error;
  });
}
