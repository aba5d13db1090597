// One deployed version, read-only: bpmn-js' NavigatedViewer on its XML (the version's bpmn from
// the API), interpretation marks as in the modeler, and the page's SOP rows (No, Kegiatan,
// Waktu; rendered by the server in #sop-rows) tied to the diagram: a click on a task highlights
// its row, a click on a row selects its task.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

import { translator } from "./i18n.js";
import { moddleExtensions } from "./moddle/index.js";
import { showStart } from "./modeler.js";
import { markInterpretations } from "./tafsiran.js";
import { language, serverMessage, texts } from "./workspace-texts.js";
import "./workspace.css";

/** The XML at `url` (a version's bpmn); an Error with the server's message otherwise. */
export async function fetchXml(url, lang) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/xml" } });
  const text = await response.text();
  if (!response.ok) {
    let message = `HTTP ${response.status}`;
    try {
      message = serverMessage(JSON.parse(text), lang) || message;
    } catch (error) { /* not JSON */ }
    throw new Error(message);
  }
  return text;
}

/** A read-only viewer in `container`, in the page's language, with interpretation marks. */
export function createViewer(container, lang) {
  const viewer = new NavigatedViewer({ container, moddleExtensions, additionalModules: [translator(lang)] });
  markInterpretations(viewer, lang);
  return viewer;
}

/** Selects the element and brings it into view (a shape or a flow, by id); false when absent. */
export function focusElement(viewer, id) {
  const registry = viewer.get("elementRegistry");
  const shape = registry.get(id);
  if (!shape) {
    viewer.get("selection").select(null);
    return false;
  }
  viewer.get("selection").select(shape);
  const canvas = viewer.get("canvas");
  if (typeof canvas.scrollToElement === "function") canvas.scrollToElement(shape, { top: 60, bottom: 60, left: 60, right: 60 });
  return true;
}

export function showError(element, text) {
  const box = document.createElement("p");
  box.className = "alur-viewer-error";
  box.setAttribute("role", "alert");
  box.textContent = text;
  element.replaceChildren(box);
}

export async function mountViewer(element, config) {
  const lang = language(config);
  const t = texts(lang);
  element.classList.add("alur-viewer-canvas");
  const viewer = createViewer(element, lang);
  try {
    await viewer.importXML(await fetchXml(config.urls.bpmn, lang));
  } catch (error) {
    showError(element, t("viewer.failed", { message: error.message }));
    return null;
  }
  showStart(viewer);

  const rows = new Map();
  document.querySelectorAll("#sop-rows tr[data-element-id]").forEach((row) => rows.set(row.dataset.elementId, row));
  const hint = document.getElementById("row-hint");
  if (hint && rows.size) hint.hidden = false;

  const pick = (id, scroll) => {
    rows.forEach((row, rowId) => {
      row.classList.toggle("alur-row-picked", rowId === id);
      if (rowId === id) row.setAttribute("aria-current", "true");
      else row.removeAttribute("aria-current");
    });
    const row = rows.get(id);
    if (row && scroll) row.scrollIntoView({ block: "nearest" });
  };

  viewer.on("element.click", ({ element: clicked }) => {
    const id = clicked.labelTarget ? clicked.labelTarget.id : clicked.id;
    pick(rows.has(id) ? id : null, true);
  });
  rows.forEach((row, id) => {
    row.tabIndex = 0;
    row.classList.add("alur-row-link");
    const choose = () => {
      pick(id, false);
      focusElement(viewer, id);
    };
    row.addEventListener("click", choose);
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        choose();
      }
    });
  });
  element.dataset.alurReady = "1";
  window.alurViewer = viewer; // for the browser tests and the console
  return viewer;
}
