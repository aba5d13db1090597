// A form's JSON Schema (forms/' format, draft 2020-12) <-> the form editor's list of fields.
// Only what the editor shows is rewritten; anything else a field carries (a pattern, a
// description, a decision's x-alur-reject, rows of objects) is kept as it was.

export const FIELD_TYPES = ["text", "textarea", "number", "integer", "date", "datetime", "choice",
  "multichoice", "decision", "file", "files"];
export const TYPE_LABELS = {
  text: "text", textarea: "long text", number: "number", integer: "whole number", date: "date",
  datetime: "date-time", choice: "choice", multichoice: "multiple choice", file: "file", files: "files",
  decision: "decision", other: "other (kept as written)",
};
export const SAFE_NAME = /^[a-z][a-z0-9_]*$/;
const SCHEMA = "https://json-schema.org/draft/2020-12/schema";

function isObject(v) {
  return v && typeof v === "object" && !Array.isArray(v);
}

/** The editor's type of a field's schema. */
export function fieldType(prop) {
  const widget = prop["x-alur-widget"];
  if (widget === "decision") return "decision";
  if (widget === "file") return prop.maxItems === 1 ? "file" : "files";
  const items = isObject(prop.items) ? prop.items : {};
  if (prop.type === "array") {
    if (widget === "checkboxes" || Array.isArray(items.enum)) return "multichoice";
    return "other";
  }
  if (prop.type === "integer") return "integer";
  if (prop.type === "number") return "number";
  if (prop.type !== "string") return "other";
  if (Array.isArray(prop.enum)) return "choice";
  if (prop.format === "date") return "date";
  if (prop.format === "date-time") return "datetime";
  if (prop.format) return "other";
  return widget === "textarea" ? "textarea" : "text";
}

/** {title, fields: [{name, label, type, required, maxLength, choices, accept, minItems, maxItems, schema}], rest} */
export function parseForm(text) {
  let schema;
  try {
    schema = JSON.parse(text || "{}");
  } catch (e) {
    return { error: String(e.message || e), title: "", fields: [], rest: {} };
  }
  if (!isObject(schema)) schema = {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const props = isObject(schema.properties) ? schema.properties : {};
  const fields = Object.entries(props).map(([name, prop]) => {
    prop = isObject(prop) ? prop : {};
    const type = fieldType(prop);
    const items = isObject(prop.items) ? prop.items : {};
    return {
      name, type, label: typeof prop.title === "string" ? prop.title : "",
      required: required.has(name),
      maxLength: Number.isInteger(prop.maxLength) ? prop.maxLength : null,
      choices: Array.isArray(prop.enum) ? prop.enum.map(String) : Array.isArray(items.enum) ? items.enum.map(String) : [],
      accept: Array.isArray(prop["x-alur-accept"]) ? prop["x-alur-accept"].map(String) : [],
      minItems: Number.isInteger(prop.minItems) ? prop.minItems : null,
      maxItems: Number.isInteger(prop.maxItems) ? prop.maxItems : null,
      reject: Array.isArray(prop["x-alur-reject"]) ? prop["x-alur-reject"].map(String) : [],
      schema: prop,
    };
  });
  const { properties, required: _r, title, ...rest } = schema;
  return { title: typeof title === "string" ? title : "", fields, rest };
}

const STRING_KEYS = ["maxLength", "minLength", "format", "enum", "x-alur-widget", "x-alur-accept", "items",
  "minItems", "maxItems", "uniqueItems", "minimum", "maximum", "x-alur-reject"];

/** A field's schema from what the editor holds, over what it carried before. */
export function fieldSchema(field) {
  const base = { ...(field.schema || {}) };
  const type = field.type;
  if (type === "other") {
    if (field.label) base.title = field.label; else delete base.title;
    return base;
  }
  const previous = fieldType(base);
  if (previous !== type) for (const key of STRING_KEYS) delete base[key];
  const out = { ...base };
  delete out.type;
  delete out.title;
  const prop = { type: "string" };
  if (field.label) prop.title = field.label;
  const maxLength = positive(field.maxLength);
  if (type === "text" || type === "textarea") {
    delete out.maxLength;
    if (maxLength) prop.maxLength = maxLength;
    if (field.required) prop.minLength = Math.max(1, out.minLength || 1);
    else if (out.minLength === 1) delete out.minLength;
    if (type === "textarea") prop["x-alur-widget"] = "textarea"; else delete out["x-alur-widget"];
  } else if (type === "number" || type === "integer") {
    prop.type = type;
  } else if (type === "date" || type === "datetime") {
    prop.format = type === "date" ? "date" : "date-time";
  } else if (type === "choice") {
    prop.enum = cleanList(field.choices);
  } else if (type === "decision") {
    // The task page shows one button per value; a value in x-alur-reject sends the work back
    // and asks for a reason (server/formschema/validation.py decision_field).
    prop.enum = cleanList(field.choices);
    prop["x-alur-widget"] = "decision";
    const reject = cleanList(field.reject).filter((v) => prop.enum.includes(v));
    if (reject.length) prop["x-alur-reject"] = reject; else delete out["x-alur-reject"];
  } else if (type === "multichoice") {
    prop.type = "array";
    prop.items = { type: "string", enum: cleanList(field.choices) };
    prop.uniqueItems = true;
    if (field.required) prop.minItems = Math.max(1, positive(field.minItems) || 1);
    else delete out.minItems;
    prop["x-alur-widget"] = "checkboxes";
  } else if (type === "file" || type === "files") {
    prop.type = "array";
    prop.items = { type: "string" };
    delete out.minItems;
    delete out.maxItems;
    const min = type === "file" ? (field.required ? 1 : 0) : Math.max(field.required ? 1 : 0, positive(field.minItems) || 0);
    if (min) prop.minItems = min;
    const max = type === "file" ? 1 : positive(field.maxItems);
    if (max) prop.maxItems = Math.max(max, min || 0);
    prop["x-alur-widget"] = "file";
    const accept = cleanList(field.accept);
    if (accept.length) prop["x-alur-accept"] = accept; else delete out["x-alur-accept"];
  }
  return { ...prop, ...withoutKeys(out, Object.keys(prop)) };
}

function withoutKeys(obj, keys) {
  const copy = { ...obj };
  for (const k of keys) delete copy[k];
  return copy;
}

function positive(value) {
  const n = typeof value === "number" ? value : parseInt(value, 10);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function cleanList(values) {
  const seen = [];
  for (const v of values || []) {
    const text = String(v).trim();
    if (text && !seen.includes(text)) seen.push(text);
  }
  return seen;
}

/** The JSON Schema text for a form (2-space indented, as the files under forms/ are). */
export function buildForm(form) {
  const properties = {};
  const required = [];
  for (const field of form.fields) {
    properties[field.name] = fieldSchema(field);
    if (field.required) required.push(field.name);
  }
  const rest = { ...(form.rest || {}) };
  const schema = { $schema: rest.$schema || SCHEMA };
  if (form.title) schema.title = form.title;
  if (rest.description) schema.description = rest.description;
  schema.type = "object";
  schema.additionalProperties = rest.additionalProperties === undefined ? false : rest.additionalProperties;
  schema.properties = properties;
  if (required.length) schema.required = required;
  for (const [k, v] of Object.entries(rest)) if (!(k in schema) && k !== "$schema") schema[k] = v;
  return JSON.stringify(schema, null, 2);
}

/** Problems of a field name ("" when fine). */
export function nameProblem(name, others) {
  if (!SAFE_NAME.test(name || "")) return "A field name: lowercase letters, digits and _, starting with a letter.";
  if (others.includes(name)) return "Another field has this name.";
  return "";
}

export function newField(existing) {
  let n = existing.length + 1;
  while (existing.some((f) => f.name === `isian_${n}`)) n += 1;
  return { name: `isian_${n}`, label: "", type: "text", required: false, maxLength: 200, choices: [],
    accept: [], minItems: null, maxItems: null, reject: [], schema: {} };
}
