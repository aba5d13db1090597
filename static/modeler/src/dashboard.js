// The dashboard's numbers refresh while the page is open: every `interval` ms (30 s) the page asks
// `url` with If-None-Match (the ETag of the numbers it shows). 304: nothing changed, nothing to do.
// 200: {"etag", "parts": {"<element id>": "<html>"}, "marks"}: the tiles and tables are replaced
// by the server's fragments, and the heatmap is re-marked through the marked diagram's handle
// (`alurHandle.update`), without reloading its XML. Nothing polls while the tab is hidden.
//
// <div data-alur-mount="dashboard-refresh" data-alur-config="ID"> with a JSON config:
//   {"url": "...", "etag": "...", "interval": 30000, "heatmap": "<id of the marked diagram>"}
import { readConfig } from "./boot.js";

export function mountDashboardRefresh(element, config) {
  let etag = config.etag || "";
  const interval = Math.max(1000, Number(config.interval) || 30000);
  let busy = false;

  async function refresh() {
    if (busy || !config.url) return false;
    busy = true;
    try {
      const response = await fetch(config.url, {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "application/json", "If-None-Match": `"${etag}"` },
      });
      if (response.status === 304 || !response.ok) return false;
      const data = await response.json();
      etag = data.etag || etag;
      for (const [id, html] of Object.entries(data.parts || {})) {
        const part = document.getElementById(id);
        if (part) part.innerHTML = html; // the server's own template output, no script in it
      }
      const heatmap = config.heatmap && document.getElementById(config.heatmap);
      if (heatmap && heatmap.alurHandle && data.marks) {
        heatmap.alurHandle.update({ ...readConfig(heatmap), marks: data.marks });
      }
      element.dataset.alurEtag = etag;
      element.dispatchEvent(new CustomEvent("alur:refreshed", { bubbles: true, detail: { etag } }));
      return true;
    } catch (error) {
      console.warn("dashboard refresh failed", error);
      return false;
    } finally {
      busy = false;
    }
  }

  const timer = window.setInterval(() => {
    if (!document.hidden) refresh();
  }, interval);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  element.dataset.alurEtag = etag;
  const handle = { refresh, stop: () => window.clearInterval(timer) };
  element.alurHandle = handle;
  return handle;
}
