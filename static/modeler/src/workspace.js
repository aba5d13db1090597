// The modeler's side column: the lint findings (bpmnlint as one edits, the server's SOP lint after
// each save) listed and marked on their elements, the draft saved as one works (and refused, never
// overwritten, when another owner saved first), and deploy with its change note.
//
// mountModeler (modeler.js) builds the Modeler with `modelerModules` and `modelerOptions` below,
// imports the draft, then calls mountWorkspace(modeler, config, sideElement). From config:
// lang, csrf_token, timezone?, draft {etag, saved_by, saved_at}, urls {draft, lint, deploy|versions,
// versions_page}.
import { onConnection } from "./overlay-spot.js";
import lintModule from "bpmn-js-bpmnlint";
import bpmnlintConfig from "alur:bpmnlint-config";

import { bpmnlintMessage, bpmnlintTranslations, clockTime, language, serverMessage, texts } from "./workspace-texts.js";
import "./workspace.css";

export const modelerModules = [lintModule];
export const modelerOptions = { linting: { bpmnlint: bpmnlintConfig, active: true } };
// for translator(lang, translations) in modeler.js: bpmnlint's overlays on the canvas in Indonesian
export const translations = bpmnlintTranslations;

const AUTOSAVE_MS = 1500;
const MARKERS = { error: "alur-lint-error", warning: "alur-lint-warning" };

/** fetch() with the session cookie and, on writes, the CSRF token; the JSON body when there is one. */
export async function request(url, { method = "GET", body, headers = {}, csrf } = {}) {
  const sent = { ...headers };
  if (csrf && method !== "GET") sent["X-CSRFToken"] = csrf;
  const response = await fetch(url, { method, body, headers: sent, credentials: "same-origin" });
  let data = null;
  if ((response.headers.get("Content-Type") || "").includes("json")) {
    data = await response.json().catch(() => null);
  }
  return { response, status: response.status, data };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function decodeHeader(value) {
  if (!value) return "";
  try {
    return decodeURIComponent(value);
  } catch (error) {
    return value;
  }
}

export function mountWorkspace(modeler, config, sideElement) {
  const lang = language(config);
  const t = texts(lang);
  const urls = config.urls || {};
  const csrf = config.csrf_token;
  const canvas = modeler.get("canvas");
  const elementRegistry = modeler.get("elementRegistry");
  const overlays = modeler.get("overlays");
  const selection = modeler.get("selection");
  const eventBus = modeler.get("eventBus");

  const state = {
    etag: config.draft && config.draft.etag || null,
    changes: 0,          // edits so far; a save covers the edits made before it started
    savedChanges: 0,
    saving: false,
    timer: null,
    conflict: null,
    editorIssues: [],    // bpmnlint, as one edits
    serverFindings: null, // SOP lint of the last saved XML (null: not checked yet)
    serverFailed: null,
    deployFindings: null,
    deploying: false,
    leaving: false,
  };

  // --- the side column ------------------------------------------------------------------------
  sideElement.classList.add("alur-workspace");
  sideElement.replaceChildren();

  const banner = element("div", "alur-conflict");
  banner.setAttribute("role", "alert");
  banner.hidden = true;

  const draftBox = element("section", "alur-ws-section alur-draft");
  draftBox.append(element("h2", "alur-ws-heading", t("draft.title")));
  const status = element("p", "alur-draft-status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  draftBox.append(status);

  const lintBox = element("section", "alur-ws-section alur-lint");
  const lintHeading = element("h2", "alur-ws-heading", t("lint.title"));
  const lintCounts = element("span", "alur-lint-counts");
  lintHeading.append(" ", lintCounts);
  const lintList = element("ul", "alur-findings");
  const lintNote = element("p", "alur-lint-note");
  lintBox.append(lintHeading, lintNote, lintList);

  const deployBox = element("section", "alur-ws-section alur-deploy");
  deployBox.append(element("h2", "alur-ws-heading", t("deploy.title")));
  const noteId = `alur-deploy-note-${Math.random().toString(36).slice(2, 8)}`;
  const noteLabel = element("label", "alur-deploy-label", t("deploy.note"));
  noteLabel.htmlFor = noteId;
  const note = element("textarea", "alur-deploy-note");
  note.id = noteId;
  note.name = "note";
  note.rows = 3;
  note.required = true;
  note.maxLength = 2000;
  const noteHint = element("p", "alur-hint", t("deploy.note_hint"));
  noteHint.id = `${noteId}-hint`;
  const reason = element("p", "alur-deploy-reason");
  reason.id = `${noteId}-reason`;
  note.setAttribute("aria-describedby", `${noteHint.id} ${reason.id}`);
  const deployButton = element("button", "alur-deploy-button", t("deploy.button"));
  deployButton.type = "button";
  const deployResult = element("p", "alur-deploy-result");
  deployResult.setAttribute("role", "status");
  deployBox.append(noteLabel, noteHint, note, reason, deployButton, deployResult);

  sideElement.append(banner, draftBox, lintBox, deployBox);

  // --- lint: list and marks -------------------------------------------------------------------
  function shapeFor(id) {
    if (!id) return null;
    const direct = elementRegistry.get(id);
    if (direct) return direct;
    // a finding on the process: its participant (pool) when the diagram has one
    return elementRegistry.find((e) => e.businessObject && e.businessObject.processRef
      && e.businessObject.processRef.id === id) || null;
  }

  function elementLabel(shape, id) {
    const name = shape && shape.businessObject && shape.businessObject.name;
    return name ? `${name} (${id})` : id;
  }

  function allFindings() {
    const server = (state.deployFindings || state.serverFindings || []).map((f) => ({
      source: "server", id: f.element_id, severity: f.severity === "error" ? "error" : "warning",
      code: f.code, message: serverMessage(f, lang),
    }));
    const editor = state.editorIssues.map((issue) => ({
      source: "editor", id: issue.id, severity: issue.category === "error" ? "error" : "warning",
      code: issue.rule, message: bpmnlintMessage(issue.message, lang),
    }));
    const order = { error: 0, warning: 1 };
    return [...server, ...editor].sort((a, b) => order[a.severity] - order[b.severity]);
  }

  let marked = [];
  function renderFindings() {
    for (const [id, marker] of marked) {
      if (elementRegistry.get(id)) canvas.removeMarker(id, marker);
    }
    marked = [];
    overlays.remove({ type: "alur-lint" });
    lintList.replaceChildren();

    const findings = allFindings();
    const errors = findings.filter((f) => f.severity === "error").length;
    lintCounts.textContent = `(${t("lint.counts", { errors, warnings: findings.length - errors })})`;
    lintNote.textContent = state.serverFailed ? t("lint.failed", { message: state.serverFailed })
      : state.serverFindings === null ? t("lint.pending") : findings.length ? "" : t("lint.none");
    lintNote.hidden = !lintNote.textContent;

    const worst = {};
    for (const finding of findings) {
      const shape = shapeFor(finding.id);
      const item = element("li", `alur-finding alur-finding-${finding.severity}`);
      item.dataset.elementId = finding.id || "";
      item.dataset.source = finding.source;
      const target = shape ? element("button", "alur-finding-target") : element("div", "alur-finding-target");
      if (shape) {
        target.type = "button";
        target.addEventListener("click", () => focusElement(shape));
      }
      const badge = element("span", `alur-badge alur-badge-${finding.severity}`,
        t(finding.severity === "error" ? "lint.error" : "lint.warning"));
      const where = element("span", "alur-finding-element",
        finding.id ? elementLabel(shape, finding.id) : t("lint.file"));
      const source = element("span", "alur-finding-source", t(finding.source === "server" ? "lint.server" : "lint.editor"));
      source.title = finding.code || "";
      target.append(badge, " ", where, " ", source, element("span", "alur-finding-message", finding.message));
      item.append(target);
      lintList.append(item);
      if (shape) {
        const id = shape.id;
        if (worst[id] !== "error") worst[id] = finding.severity;
        if (finding.source === "server") {
          overlays.add(shape, "alur-lint", {
            position: shape.waypoints ? onConnection(shape) : { bottom: -2, left: -6 },
            html: serverMark(finding),
          });
        }
      }
    }
    for (const [id, severity] of Object.entries(worst)) {
      canvas.addMarker(id, MARKERS[severity]);
      marked.push([id, MARKERS[severity]]);
    }
    updateDeploy();
  }

  function serverMark(finding) {
    const mark = element("div", `alur-lint-mark alur-lint-mark-${finding.severity}`, "!");
    mark.title = finding.message;
    mark.setAttribute("aria-hidden", "true");
    return mark;
  }

  function focusElement(shape) {
    selection.select(shape);
    if (typeof canvas.scrollToElement === "function") canvas.scrollToElement(shape, { top: 80, bottom: 80, left: 80, right: 80 });
  }

  eventBus.on("linting.completed", (event) => {
    state.editorIssues = Object.values(event.issues || {}).flat()
      .filter((issue) => !issue.isChildIssue || issue.actualElementId)
      .map((issue) => ({ ...issue, id: issue.actualElementId || issue.id }));
    renderFindings();
  });

  async function serverLint(xml) {
    if (!urls.lint) return;
    try {
      const { status: code, data } = await request(urls.lint, {
        method: "POST", body: xml, headers: { "Content-Type": "application/xml", Accept: "application/json" }, csrf,
      });
      if (code === 200 && data) {
        state.serverFindings = data.findings || [];
        state.serverFailed = null;
      } else {
        state.serverFailed = serverMessage(data, lang) || t("network", { status: code });
      }
    } catch (error) {
      state.serverFailed = t("network", { status: error.message });
    }
    state.deployFindings = null;
    renderFindings();
  }

  // --- the draft ------------------------------------------------------------------------------
  function showStatus(text, kind = "") {
    status.textContent = text;
    status.className = `alur-draft-status${kind ? ` alur-draft-${kind}` : ""}`;
  }

  function showSaved(savedAt, savedBy) {
    const time = clockTime(savedAt || new Date(), lang, config.timezone);
    showStatus(savedBy ? t("draft.saved_by", { time, name: savedBy }) : t("draft.saved", { time }), "saved");
  }

  function dirty() {
    return state.changes !== state.savedChanges;
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(save, AUTOSAVE_MS);
  }

  async function save() {
    clearTimeout(state.timer);
    if (state.conflict || !urls.draft) return;
    if (state.saving) {  // the edits since are saved once this save is done
      return;
    }
    state.saving = true;
    const covers = state.changes;
    showStatus(t("draft.saving"), "saving");
    updateDeploy();
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const headers = { "Content-Type": "application/xml", Accept: "application/json" };
      if (state.etag) headers["If-Match"] = state.etag;
      const { response, status: code, data } = await request(urls.draft, { method: "PUT", body: xml, headers, csrf });
      if (code === 200) {
        state.etag = response.headers.get("ETag") || (data && data.etag ? `"${data.etag.replace(/"/g, "")}"` : state.etag);
        state.savedChanges = covers;
        showSaved(data && data.saved_at);
        serverLint(xml);
      } else if (code === 412) {
        conflict(data || {});
      } else {
        showStatus(t("draft.failed", { message: serverMessage(data, lang) || t("network", { status: code }) }), "failed");
      }
    } catch (error) {
      showStatus(t("draft.failed", { message: error.message }), "failed");
    } finally {
      state.saving = false;
      if (!state.conflict && state.changes !== covers) schedule();
      updateDeploy();
    }
  }

  function conflict(data) {
    state.conflict = data;
    clearTimeout(state.timer);
    const name = data.saved_by && data.saved_by.name || t("draft.someone");
    const time = data.saved_at ? clockTime(data.saved_at, lang, config.timezone) : "";
    banner.replaceChildren();
    const text = element("p", "alur-conflict-text",
      time ? t("draft.conflict", { name, time }) : serverMessage(data, lang) || t("draft.conflict", { name, time: "?" }));
    const noteText = element("p", "alur-conflict-note", t("draft.conflict_note"));
    const reload = element("button", "alur-conflict-reload", t("draft.reload"));
    reload.type = "button";
    reload.addEventListener("click", () => {
      state.leaving = true;
      window.location.reload();
    });
    banner.append(text, noteText, reload);
    banner.hidden = false;
    showStatus(t("draft.unsaved"), "failed");
    updateDeploy();
  }

  eventBus.on("commandStack.changed", () => {
    state.changes += 1;
    if (state.conflict) return;
    showStatus(t("draft.unsaved"), "dirty");
    schedule();
    updateDeploy();
  });

  window.addEventListener("beforeunload", (event) => {
    if (!state.leaving && (dirty() || state.saving)) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- deploy ---------------------------------------------------------------------------------
  function serverErrors() {
    return (state.deployFindings || state.serverFindings || []).filter((f) => f.severity === "error").length;
  }

  function blocked() {
    if (state.conflict) return t("deploy.blocked_conflict");
    if (state.deploying) return t("deploy.deploying");
    if (dirty() || state.saving || state.serverFindings === null) return t("deploy.blocked_unsaved");
    if (serverErrors()) return t("deploy.blocked_errors");
    if (!note.value.trim()) return t("deploy.blocked_note");
    return "";
  }

  function updateDeploy() {
    const why = blocked();
    deployButton.disabled = Boolean(why);
    reason.textContent = why;
    reason.hidden = !why;
  }

  note.addEventListener("input", updateDeploy);

  deployButton.addEventListener("click", async () => {
    if (blocked()) return;
    state.deploying = true;
    deployResult.replaceChildren();
    deployResult.className = "alur-deploy-result";
    updateDeploy();
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const { status: code, data } = await request(urls.deploy || urls.versions, {
        method: "POST", body: JSON.stringify({ bpmn: xml, note: note.value.trim() }),
        headers: { "Content-Type": "application/json", Accept: "application/json" }, csrf,
      });
      if (code === 201 || code === 200) {
        const created = !data || data.created !== false;
        deployResult.classList.add("alur-deploy-done");
        deployResult.append(t(created ? "deploy.done" : "deploy.unchanged", { version: data ? data.version : "?" }));
        if (urls.versions_page) {
          const link = element("a", "alur-deploy-link", t("deploy.versions"));
          link.href = urls.versions_page;
          deployResult.append(" ", link);
        }
        if (created) note.value = "";
      } else if (code === 422 && data && data.findings) {
        state.deployFindings = data.findings;
        deployResult.classList.add("alur-deploy-failed");
        deployResult.textContent = data.findings.length ? t("deploy.rejected") : serverMessage(data, lang);
        renderFindings();
      } else {
        deployResult.classList.add("alur-deploy-failed");
        deployResult.textContent = t("deploy.failed", { message: serverMessage(data, lang) || t("network", { status: code }) });
      }
    } catch (error) {
      deployResult.classList.add("alur-deploy-failed");
      deployResult.textContent = t("deploy.failed", { message: error.message });
    } finally {
      state.deploying = false;
      updateDeploy();
    }
  });

  // --- start ----------------------------------------------------------------------------------
  const draft = config.draft || {};
  if (draft.saved_at) showSaved(draft.saved_at, decodeHeader(draft.saved_by));
  else showStatus("");
  renderFindings();
  const linting = modeler.get("linting", false);
  if (linting) linting.update();  // its first run may have ended before this listened
  // the draft as loaded, checked by the server at once (deploy needs a check of what is on screen)
  modeler.saveXML({ format: true }).then(({ xml }) => serverLint(xml));

  return { save, focusElement, findings: allFindings, state };
}
