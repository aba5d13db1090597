// Interpretation marks: every element with `alur.tafsiran` (drawn although the seed SOP does not
// draw it) gets a dashed outline (marker class) and a small badge whose tooltip and accessible
// name give the reason. The badge goes where it covers nothing: beside a shape's top-right corner,
// beside a flow's label or along the flow's longest segment, clear of every shape, label, lane
// title and other badge (the first free spot of a list of candidates).
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";
import { getBBox } from "diagram-js/lib/util/Elements";
import { t } from "./i18n.js";

const MARKER = "alur-tafsiran";
const SIZE = 16; // px at 100%, as in alur-modeler.css
const GAP = 3;
const HEADER = 30; // the title strip of a pool or lane

function reasonOf(element) {
  const bo = getBusinessObject(element);
  const values = (bo && bo.extensionElements && bo.extensionElements.values) || [];
  for (const v of values) {
    if (!is(v, "spiffworkflow:Properties")) continue;
    const found = (v.properties || []).find((p) => p.name === "alur.tafsiran");
    if (found && (found.value || "").trim()) return found.value.trim();
  }
  return "";
}

function badge(reason, lang) {
  const box = document.createElement("div");
  box.className = "alur-tafsiran-note";
  box.textContent = "≈";
  box.title = t(lang, "Interpretation: {reason}", { reason });
  box.setAttribute("role", "img");
  box.setAttribute("aria-label", box.title);
  return box;
}

const overlaps = (a, b, margin = 1) => Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x) > -margin
  && Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y) > -margin;

function crossesSegment(rect, [p, q]) {
  // sampled: good enough for badges of 16 px against straight segments
  const steps = Math.max(2, Math.ceil(Math.hypot(q.x - p.x, q.y - p.y) / 4));
  for (let i = 0; i <= steps; i++) {
    const x = p.x + (q.x - p.x) * i / steps, y = p.y + (q.y - p.y) * i / steps;
    if (x > rect.x - 2 && x < rect.x + rect.width + 2 && y > rect.y - 2 && y < rect.y + rect.height + 2) return true;
  }
  return false;
}

const segmentsOf = (connection) => connection.waypoints.slice(1).map((q, i) => [connection.waypoints[i], q]);

function isVisible(canvas, element) {
  return !element.hidden && !canvas.hasMarker(element, "alur-hidden");
}

/** What a badge must not cover: shapes, labels, lane and pool titles; flows' lines (soft). */
function obstaclesOf(registry, canvas) {
  const hard = [], lines = [];
  registry.forEach((element) => {
    if (!element.parent || !isVisible(canvas, element)) return;
    if (element.waypoints) {
      lines.push(...segmentsOf(element));
    } else if (is(element, "bpmn:Participant") || is(element, "bpmn:Lane")) {
      const di = element.di || {};
      const horizontal = di.isHorizontal !== false;
      hard.push(horizontal ? { x: element.x, y: element.y, width: HEADER, height: element.height }
        : { x: element.x, y: element.y, width: element.width, height: HEADER });
    } else if (element.type === "label") {
      if (getBusinessObject(element).name) hard.push(element);
    } else {
      hard.push(element);
    }
  });
  return { hard, lines };
}

const at = (x, y) => ({ x, y, width: SIZE, height: SIZE });

function shapeCandidates(s) {
  const right = s.x + s.width, bottom = s.y + s.height;
  return [
    at(right - SIZE + 4, s.y - SIZE - GAP), // above, at the top-right corner
    at(right + GAP, s.y - 4), // right of the top-right corner
    at(right + GAP, s.y - SIZE - GAP), // diagonal
    at(s.x - 4, s.y - SIZE - GAP), // above, at the top-left corner
    at(s.x - SIZE - GAP, s.y - 4),
    at(right - SIZE + 4, bottom + GAP),
    at(right + GAP, bottom - SIZE + 4),
  ];
}

function flowCandidates(connection) {
  const out = [];
  const label = connection.label;
  if (label && getBusinessObject(connection).name) {
    const middle = label.y + label.height / 2 - SIZE / 2;
    out.push(at(label.x + label.width + GAP, middle), at(label.x - SIZE - GAP, middle),
      at(label.x + label.width + GAP, label.y - SIZE - GAP), at(label.x - SIZE - GAP, label.y - SIZE - GAP));
  }
  const segments = segmentsOf(connection)
    .map((segment) => ({ segment, length: Math.hypot(segment[1].x - segment[0].x, segment[1].y - segment[0].y) }))
    .sort((a, b) => b.length - a.length);
  for (const { segment: [p, q] } of segments) {
    const vertical = Math.abs(q.x - p.x) < Math.abs(q.y - p.y);
    for (const f of [0.5, 0.3, 0.7, 0.15, 0.85]) {
      const x = p.x + (q.x - p.x) * f, y = p.y + (q.y - p.y) * f;
      if (vertical) out.push(at(x + GAP + 1, y - SIZE / 2), at(x - SIZE - GAP - 1, y - SIZE / 2));
      else out.push(at(x - SIZE / 2, y - SIZE - GAP - 1), at(x - SIZE / 2, y + GAP + 1));
    }
  }
  return out;
}

/** The first candidate clear of everything; clear of shapes and labels if none avoids lines too. */
function place(element, candidates, obstacles) {
  // its own label is text: kept clear like any other
  const free = (rect, withLines) => !obstacles.hard.some((o) => o !== element && overlaps(rect, o, 2))
    && !(withLines && obstacles.lines.some((segment) => crossesSegment(rect, segment)));
  return candidates.find((r) => free(r, true)) || candidates.find((r) => free(r, false)) || candidates[0];
}

/** Marks every interpretation of the diagram now, after each import and (modeler) each change. */
export function markInterpretations(viewer, lang) {
  const markAll = () => {
    const registry = viewer.get("elementRegistry");
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    overlays.remove({ type: MARKER });
    const obstacles = obstaclesOf(registry, canvas);
    registry.forEach((element) => {
      if (element.type === "label" || element.labelTarget || !element.parent) return;
      const reason = reasonOf(element);
      if (!reason) {
        canvas.removeMarker(element, MARKER);
        return;
      }
      canvas.addMarker(element, MARKER);
      const spot = place(element, element.waypoints ? flowCandidates(element) : shapeCandidates(element), obstacles);
      obstacles.hard.push(spot); // the next badge keeps clear of this one
      const box = element.waypoints ? getBBox(element) : element;
      overlays.add(element, MARKER, { html: badge(reason, lang), position: { left: spot.x - box.x, top: spot.y - box.y } });
    });
  };
  const eventBus = viewer.get("eventBus");
  eventBus.on("import.done", markAll);
  // a change can move an element onto another's badge: place them all again
  eventBus.on("elements.changed", markAll);
  markAll();
}
