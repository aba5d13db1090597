// Starts every mount point on the page without inline script (the CSP allows none):
// <div data-alur-mount="modeler|viewer|diff" data-alur-config="ID"> with
// <script type="application/json" id="ID">{...}</script> holding its configuration.
import { mountModeler } from "./modeler.js";
import { mountViewer } from "./viewer.js";
import { mountDiff } from "./diff.js";

const MOUNTS = { modeler: mountModeler, viewer: mountViewer, diff: mountDiff };

export function readConfig(element) {
  const id = element.dataset.alurConfig;
  const source = id && document.getElementById(id);
  return source ? JSON.parse(source.textContent) : {};
}

/** `more`: further mount types the entry registers (index.js), by their data-alur-mount name. */
export function start(more = {}) {
  const mounts = { ...MOUNTS, ...more };
  const run = () => {
    document.querySelectorAll("[data-alur-mount]").forEach((element) => {
      const mount = mounts[element.dataset.alurMount];
      if (!mount || element.dataset.alurMounted) return;
      element.dataset.alurMounted = "1";
      Promise.resolve(mount(element, readConfig(element))).catch((error) => {
        console.error(error);
        element.setAttribute("data-alur-error", String(error && error.message || error));
      });
    });
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
}
