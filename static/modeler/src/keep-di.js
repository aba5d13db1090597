// Round-trip fidelity for diagrams made elsewhere (the BPMN MIWG reference files, other tools):
// - DI that bpmn-js does not draw (shapes of a process no pool shows, an edge without bpmnElement)
//   goes back into its plane on save: bpmn-js's BpmnDiOrdering rebuilds every rendered plane from
//   what is drawn and would drop it;
// - CR LF and lone CR in names and texts become LF on import: moddle writes a CR raw into an
//   attribute, where any XML parser turns it into a space (a line break stays a line break);
// - a reference to a root element that the file does not define (e.g. Trisotech's
//   `<outMessageRef>triso:unspecified</outMessageRef>`) is kept as written: moddle drops it.
import { getDi } from "bpmn-js/lib/util/ModelUtil";

// after BpmnDiOrdering (priority 2000) rebuilt the planes
const AFTER_DI_ORDERING = 1500;

// Kinds of root element a reference may name although the file lacks it: nothing is drawn for
// them, so a stand-in that only carries the id is safe (never flow nodes, processes or DI).
const KEPT_REFERENCE_TYPES = [
  "bpmn:Message", "bpmn:Error", "bpmn:Escalation", "bpmn:Signal", "bpmn:ItemDefinition",
  "bpmn:Operation", "bpmn:Interface",
];

const CR = /\r\n?/g;

/** Every string property of the model with a CR, rewritten with LF (references not followed). */
function normaliseLineEnds(root) {
  const seen = new Set();
  const visit = (element) => {
    if (!element || typeof element !== "object" || seen.has(element) || !element.$descriptor) return;
    seen.add(element);
    for (const property of element.$descriptor.properties || []) {
      if (property.isReference) continue;
      const value = element.get(property.name);
      if (typeof value === "string") {
        if (value.includes("\r")) element.set(property.name, value.replace(CR, "\n"));
      } else if (Array.isArray(value)) {
        value.forEach(visit);
      } else {
        visit(value);
      }
    }
    (element.$children || []).forEach(visit); // extension elements moddle does not know
    if (typeof element.$body === "string" && element.$body.includes("\r")) element.$body = element.$body.replace(CR, "\n");
  };
  visit(root);
}

/** Unresolved references to root elements, each set again to a stand-in with the id as written. */
function keepUnresolvedReferences(moddle, warnings) {
  for (const warning of warnings || []) {
    const { element, property: name, value } = warning;
    if (!element || !name || !value || !/^unresolved reference/.test(warning.message || "")) continue;
    const property = element.$descriptor && element.$descriptor.propertiesByName[name];
    if (!property || !property.isReference) continue;
    if (!KEPT_REFERENCE_TYPES.includes(property.type)) continue;
    const standIn = moddle.create(property.type, { id: value });
    if (property.isMany) element.get(name).push(standIn);
    else element.set(name, standIn);
  }
}

function KeepDi(eventBus, canvas, elementRegistry, moddle) {
  // plane -> {original: planeElement at import, undrawn: Set of DI elements nothing drew}
  let planes = new Map();

  eventBus.on("import.parse.complete", ({ definitions, warnings }) => {
    planes = new Map();
    if (!definitions) return;
    normaliseLineEnds(definitions);
    keepUnresolvedReferences(moddle, warnings);
  });

  // importXML and open(diagram) both render through here
  eventBus.on("import.render.complete", () => {
    const drawn = new Set();
    elementRegistry.forEach((element) => { if (element.di) drawn.add(element.di); });
    for (const root of canvas.getRootElements()) {
      const plane = root.businessObject && getDi(root);
      if (!plane || !plane.planeElement || planes.has(plane)) continue;
      const original = plane.planeElement.slice();
      const undrawn = new Set(original.filter((di) => !drawn.has(di)));
      if (undrawn.size) planes.set(plane, { original, undrawn });
    }
  });

  eventBus.on("saveXML.start", AFTER_DI_ORDERING, () => {
    for (const root of canvas.getRootElements()) {
      const plane = root.businessObject && getDi(root);
      const kept = plane && planes.get(plane);
      if (!kept) continue;
      const result = (plane.planeElement || []).slice();
      const present = new Set(result);
      kept.original.forEach((di, index) => {
        if (!kept.undrawn.has(di) || present.has(di)) return;
        // right after the nearest element that preceded it at import and is still there
        let at = 0;
        for (let before = index - 1; before >= 0; before--) {
          if (present.has(kept.original[before])) {
            at = result.indexOf(kept.original[before]) + 1;
            break;
          }
        }
        result.splice(at, 0, di);
        present.add(di);
      });
      plane.set("planeElement", result);
    }
  });
}
KeepDi.$inject = ["eventBus", "canvas", "elementRegistry", "moddle"];

export default { __init__: ["alurKeepDi"], alurKeepDi: ["type", KeepDi] };
