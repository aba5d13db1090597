// The modeler page: bpmn-js with the BPMN and SOP properties panels, in the page's language,
// on the SOP's draft; the workspace (lint, autosave, deploy: workspace.js) beside it.
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";

import { translator, t } from "./i18n.js";
import keepDiModule from "./keep-di.js";
import { moddleExtensions } from "./moddle/index.js";
import sopPropertiesModule from "./properties/index.js";
import { isMarker } from "./properties/props.js";
import { markInterpretations } from "./tafsiran.js";
import * as workspace from "./workspace.js";

function part(parent, className, label) {
  const el = document.createElement("div");
  el.className = className;
  if (label) el.setAttribute("aria-label", label);
  parent.appendChild(el);
  return el;
}

/** Tenggat markers carry no label: hide any label bpmn-js made for one (e.g. from an old name). */
function MarkerLabels(eventBus, canvas) {
  const hide = (element) => {
    if (element && element.labelTarget && isMarker(element.labelTarget)) canvas.addMarker(element, "alur-hidden");
  };
  eventBus.on(["shape.added", "element.changed"], ({ element }) => hide(element));
}
MarkerLabels.$inject = ["eventBus", "canvas"];
const markerLabelsModule = { __init__: ["alurMarkerLabels"], alurMarkerLabels: ["type", MarkerLabels] };

export async function fetchDraft(config) {
  const response = await fetch(config.urls.draft, { credentials: "same-origin", headers: { Accept: "application/xml" } });
  const text = await response.text();
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try { message = JSON.parse(text).message || message; } catch (e) { /* not JSON */ }
    throw new Error(message);
  }
  return {
    xml: text,
    etag: response.headers.get("ETag"),
    saved_by: decodeURIComponent(response.headers.get("X-Alur-Saved-By") || ""),
    saved_at: response.headers.get("X-Alur-Saved-At") || "",
  };
}

/** Where a reader starts: the top-left corner of the pool (the first participant; the whole
 * diagram's without one), with a small margin. */
export function startPoint(viewer) {
  const canvas = viewer.get("canvas");
  const pool = viewer.get("elementRegistry").filter((e) => e.type === "bpmn:Participant")[0];
  const { inner } = canvas.viewbox();
  const at = pool || inner;
  return { x: (at.x || 0) - 20, y: (at.y || 0) - 20 };
}

/** The diagram at 100% from the pool's top-left corner (the start): process owners read it at
 * full size and scroll or zoom (bpmn-js's Ctrl+wheel, Ctrl +/-) from there. */
export function showStart(viewer, point = startPoint(viewer)) {
  const canvas = viewer.get("canvas");
  canvas.resized();
  const { outer } = canvas.viewbox();
  if (!outer.width || !outer.height) return;
  canvas.viewbox({ x: point.x, y: point.y, width: outer.width, height: outer.height });
}

export async function mountModeler(element, config) {
  const lang = config.lang === "en" ? "en" : "id";
  element.classList.add("alur-modeler");
  element.replaceChildren();
  const canvasEl = part(element, "alur-modeler-canvas", t(lang, "Diagram"));
  const column = part(element, "alur-modeler-column");
  const sideEl = part(column, "alur-modeler-side");
  const panelEl = part(column, "alur-modeler-panel", t(lang, "Properties"));
  panelEl.id = "alur-properties";

  const modeler = new BpmnModeler({
    container: canvasEl,
    propertiesPanel: { parent: panelEl },
    moddleExtensions,
    additionalModules: [
      BpmnPropertiesPanelModule,
      BpmnPropertiesProviderModule,
      sopPropertiesModule,
      markerLabelsModule,
      keepDiModule,
      translator(lang, workspace.translations),
      { alurConfig: ["value", config] },
      ...(workspace.modelerModules || []),
    ],
    ...(workspace.modelerOptions || {}),
  });
  markInterpretations(modeler, lang);
  window.alurModeler = modeler; // for the browser tests and the console

  const draft = config.xml ? { xml: config.xml } : await fetchDraft(config);
  config.draft = draft;
  const { warnings } = await modeler.importXML(draft.xml);
  if (warnings && warnings.length) console.warn("import warnings", warnings);
  // the palette floats over the canvas's left edge: start right of it, the lane titles in view
  const palette = canvasEl.querySelector(".djs-palette");
  const inset = palette ? Math.max(0, palette.getBoundingClientRect().right - canvasEl.getBoundingClientRect().left) : 0;
  const start = startPoint(modeler);
  showStart(modeler, { x: start.x - inset, y: start.y });
  await workspace.mountWorkspace(modeler, config, sideEl);
  element.dataset.alurReady = "1";
  element.dispatchEvent(new CustomEvent("alur:modeler-ready", { bubbles: true, detail: { modeler } }));
  return modeler;
}
