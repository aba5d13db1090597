// Reading and writing Alur's extension elements through bpmn-js commands, so that every change
// is undoable, and the rule "the Waktu is the one source of the due-time timer" in the same batch.
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

// Mutu Baku cells stay in the file with an empty value when cleared (the SOP lint asks for them);
// other properties are removed, unless the command names them in `keepEmpty` (an empty
// sop.kolom.keterangan says "no Keterangan column", which a missing one does not).
const KEEP_EMPTY = new Set(["sop.kelengkapan", "sop.waktu", "sop.waktu.kode", "sop.output"]);
export const FORM_FILE = "formJsonSchemaFilename";

export function extensionValues(bo) {
  return (bo && bo.extensionElements && bo.extensionElements.values) || [];
}

/** The business object that carries an element's SOP properties: a pool's process. */
export function sopObject(element) {
  const bo = getBusinessObject(element);
  return is(bo, "bpmn:Participant") && bo.processRef ? bo.processRef : bo;
}

export function propertiesOf(element) {
  return extensionValues(sopObject(element)).find((v) => is(v, "spiffworkflow:Properties")) || null;
}

export function findProperty(element, name) {
  const container = propertiesOf(element);
  return (container && (container.properties || []).find((p) => p.name === name)) || null;
}

export function getProperty(element, name) {
  const found = findProperty(element, name);
  return (found && found.value) || "";
}

export function hasProperty(element, name) {
  return !!findProperty(element, name);
}

/** Every property as {name: value} (the first of a name wins, as the server reads them). */
export function allProperties(element) {
  const out = {};
  const container = propertiesOf(element);
  for (const p of (container && container.properties) || []) {
    if (p.name && !(p.name in out)) out[p.name] = p.value || "";
  }
  return out;
}

export function formOf(element) {
  return extensionValues(sopObject(element)).find((v) => is(v, "alur:Form")) || null;
}

export function markerId(task) {
  return `batas_${task.id}`;
}

export function isTask(element) {
  return is(element, "bpmn:Task");
}

/** A task's tenggat marker: the boundary timer `batas_<task id>` attached to it. */
export function markerOf(elementRegistry, task) {
  return (task.attachers || []).find((a) => a.id === markerId(task))
    || elementRegistry.get(markerId(task)) || null;
}

/**
 * Command "alur.properties.set": {element, properties: {name: value|""}, form?: string|null,
 * keepEmpty?: [name]}. Sets or clears SOP properties and the embedded form, creating extensionElements and
 * spiffworkflow:properties when missing; keeps a task's tenggat marker in step with its
 * sop.waktu.kode. Every change is a nested bpmn-js command: one undo step for the whole batch.
 */
export function AlurPropertiesHandler(injector) {
  this._injector = injector;
}
AlurPropertiesHandler.$inject = ["injector"];

AlurPropertiesHandler.prototype.preExecute = function (context) {
  const { element, properties = {}, form, documentation, keepEmpty = [] } = context;
  const keep = (name) => KEEP_EMPTY.has(name) || keepEmpty.includes(name);
  const modeling = this._injector.get("modeling");
  const bpmnFactory = this._injector.get("bpmnFactory");
  const bo = sopObject(element);

  const ensureExtensions = () => {
    if (!bo.extensionElements) {
      const ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
      ext.$parent = bo;
      modeling.updateModdleProperties(element, bo, { extensionElements: ext });
    }
    return bo.extensionElements;
  };

  const names = Object.keys(properties);
  if (names.length) {
    let container = propertiesOf(element);
    const wanted = names.filter((n) => properties[n] !== "" || keep(n) || findProperty(element, n));
    if (!container && names.some((n) => properties[n] !== "" || keep(n))) {
      const ext = ensureExtensions();
      container = bpmnFactory.create("spiffworkflow:Properties", { properties: [] });
      container.$parent = ext;
      modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), container] });
    }
    if (container) {
      let list = [...(container.properties || [])];
      let listChanged = false;
      for (const name of wanted) {
        const value = properties[name] == null ? "" : String(properties[name]);
        const existing = list.find((p) => p.name === name);
        if (existing && value === "" && !keep(name)) {
          list = list.filter((p) => p !== existing);
          listChanged = true;
        } else if (existing) {
          if ((existing.value || "") !== value) modeling.updateModdleProperties(element, existing, { value });
        } else {
          const created = bpmnFactory.create("spiffworkflow:Property", { name, value });
          created.$parent = container;
          list.push(created);
          listChanged = true;
        }
      }
      if (listChanged) modeling.updateModdleProperties(element, container, { properties: list });
    }
  }

  if (documentation !== undefined) {
    const text = documentation || "";
    const docs = bo.get("documentation");
    if (!text) {
      if (docs.length) modeling.updateModdleProperties(element, bo, { documentation: [] });
    } else if (docs.length) {
      if (docs[0].text !== text) modeling.updateModdleProperties(element, docs[0], { text });
    } else {
      const doc = bpmnFactory.create("bpmn:Documentation", { text });
      doc.$parent = bo;
      modeling.updateModdleProperties(element, bo, { documentation: [doc] });
    }
  }
  if (form !== undefined) this._setForm(element, form, ensureExtensions);
  if ("sop.waktu.kode" in properties && isTask(element)) {
    this._syncMarker(element, String(properties["sop.waktu.kode"] || "").trim() !== "");
  }
};

AlurPropertiesHandler.prototype._setForm = function (element, body, ensureExtensions) {
  const modeling = this._injector.get("modeling");
  const bpmnFactory = this._injector.get("bpmnFactory");
  const existing = formOf(element);
  if (body === null) {
    if (existing) {
      const ext = existing.$parent;
      modeling.updateModdleProperties(element, ext, { values: ext.values.filter((v) => v !== existing) });
    }
    return;
  }
  if (existing) {
    if (existing.body !== body) modeling.updateModdleProperties(element, existing, { body });
  } else {
    const ext = ensureExtensions();
    const created = bpmnFactory.create("alur:Form", { body });
    created.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: [...(ext.values || []), created] });
  }
  // An embedded form wins over a forms/ file: the file reference goes.
  const container = propertiesOf(element);
  const file = findProperty(element, FORM_FILE);
  if (container && file) {
    modeling.updateModdleProperties(element, container, {
      properties: container.properties.filter((p) => p !== file),
    });
  }
};

AlurPropertiesHandler.prototype._syncMarker = function (task, wanted) {
  const modeling = this._injector.get("modeling");
  const elementRegistry = this._injector.get("elementRegistry");
  const existing = markerOf(elementRegistry, task);
  if (wanted && !existing) {
    const shape = createMarkerShape(this._injector, task);
    modeling.createShape(shape, markerPosition(task), task, { attach: true });
  } else if (!wanted && existing) {
    modeling.removeShape(existing);
  }
};

AlurPropertiesHandler.prototype.execute = function () { return []; };
AlurPropertiesHandler.prototype.revert = function () { return []; };

/** Where a new marker sits: on the task's bottom edge, near its right corner. */
export function markerPosition(task) {
  return { x: task.x + task.width - 22, y: task.y + task.height };
}

export function createMarkerShape(injector, task) {
  const bpmnFactory = injector.get("bpmnFactory");
  const elementFactory = injector.get("elementFactory");
  const expression = bpmnFactory.create("bpmn:FormalExpression", { body: `tenggat("${task.id}")` });
  const timer = bpmnFactory.create("bpmn:TimerEventDefinition", { timeDate: expression });
  expression.$parent = timer;
  const event = bpmnFactory.create("bpmn:BoundaryEvent", {
    id: markerId(task), cancelActivity: false, eventDefinitions: [timer],
  });
  timer.$parent = event;
  return elementFactory.createShape({ type: "bpmn:BoundaryEvent", businessObject: event });
}

/** Whether an element is a tenggat marker (drawn without a label, not edited as an SOP row). */
export function isMarker(element) {
  const bo = getBusinessObject(element);
  return is(element, "bpmn:BoundaryEvent") && bo.attachedToRef && bo.id === `batas_${bo.attachedToRef.id}`;
}

/** One undoable change: `changes` = {properties?, form?, documentation?}. */
export function setProperties(commandStack, element, changes) {
  commandStack.execute("alur.properties.set", { element, ...changes });
}

/**
 * Command "alur.decision.set": {element: gateway, field, values: {flowId: value}}. Each outgoing
 * flow gets the value as its name and `<field> == "<value>"` as its condition, as the seeds write
 * them; a flow without a value loses both.
 */
export function DecisionHandler(modeling, bpmnFactory) {
  this._modeling = modeling;
  this._bpmnFactory = bpmnFactory;
}
DecisionHandler.$inject = ["modeling", "bpmnFactory"];

DecisionHandler.prototype.preExecute = function ({ element, field, values }) {
  for (const flow of element.outgoing || []) {
    if (!is(flow, "bpmn:SequenceFlow")) continue;
    const value = (values[flow.id] || "").trim();
    const condition = value && field ? this._bpmnFactory.create("bpmn:FormalExpression",
      { body: `${field} == ${JSON.stringify(value)}` }) : undefined;
    const bo = flow.businessObject;
    const same = (bo.name || "") === value
      && ((bo.conditionExpression && bo.conditionExpression.body) || "") === ((condition && condition.body) || "");
    if (!same) this._modeling.updateProperties(flow, { name: value || undefined, conditionExpression: condition });
  }
};
// The gateway itself is "changed" too, so that its panel (the decision field) redraws.
DecisionHandler.prototype.execute = function ({ element }) { return [element]; };
DecisionHandler.prototype.revert = function ({ element }) { return [element]; };

const CONDITION = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*"((?:[^"\\]|\\.)*)"\s*$/;

/** {field, value} read from a seed-style condition, or null. */
export function readCondition(flow) {
  const body = flow.businessObject.conditionExpression && flow.businessObject.conditionExpression.body;
  const match = body && CONDITION.exec(body);
  if (!match) return null;
  let value = match[2];
  try { value = JSON.parse(`"${match[2]}"`); } catch (e) { /* kept as written */ }
  return { field: match[1], value };
}
