// The "Formulir" group: a small editor of a task's or start event's form, written as JSON Schema
// into <alur:form> (an undoable command per change).
import { useEffect, useRef, useState } from "@bpmn-io/properties-panel/preact/hooks";
import { useService } from "bpmn-js-properties-panel";

import { FORM_FILE, formOf, getProperty, setProperties } from "./props.js";
import { FIELD_TYPES, TYPE_LABELS, buildForm, nameProblem, newField, parseForm } from "./formschema.js";

function useT() {
  const translate = useService("translate");
  return (text, replacements) => translate(text, replacements);
}

export function FormEditorEntry({ element, id }) {
  const t = useT();
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const form = formOf(element);
  const body = form ? form.body || "" : null;
  const file = getProperty(element, FORM_FILE);
  const [state, setState] = useState(() => (body === null ? null : parseForm(body)));
  const written = useRef(body);
  const commitRef = useRef(null);

  // A change from outside (undo, another element, import) replaces the local copy.
  useEffect(() => {
    if (body !== written.current) {
      written.current = body;
      setState(body === null ? null : parseForm(body));
    }
  }, [body, element]);

  if (!commitRef.current) {
    commitRef.current = debounce((el, text) => {
      written.current = text;
      setProperties(commandStack, el, { form: text });
    });
  }

  const update = (next, immediate) => {
    setState(next);
    const names = next.fields.map((f) => f.name);
    const valid = next.fields.every((f, i) => !nameProblem(f.name, names.filter((_, j) => j !== i)));
    if (!valid) return;
    const text = buildForm(next);
    if (immediate) {
      commitRef.current.cancel && commitRef.current.cancel();
      written.current = text;
      setProperties(commandStack, element, { form: text });
    } else {
      commitRef.current(element, text);
    }
  };

  if (state === null) {
    return (
      <div class="bio-properties-panel-entry alur-form-editor" data-entry-id={id}>
        {file ? (
          <div class="alur-form-file">
            <p class="alur-form-path">{t("Form file (forms/): {path}", { path: file })}</p>
            <p class="bio-properties-panel-description">
              {t("This form lives in forms/ until deploy embeds it; it is shown here read-only.")}
            </p>
          </div>
        ) : <p class="bio-properties-panel-description">{t("No form.")}</p>}
        <button type="button" class="alur-button" id="alur-form-create"
          onClick={() => update({ title: "", fields: [newField([])], rest: {} }, true)}>
          {file ? t("Replace with a form made here") : t("Make a form")}
        </button>
      </div>
    );
  }

  const fields = state.fields;
  const setField = (index, changes, immediate) => {
    const next = { ...state, fields: fields.map((f, i) => (i === index ? { ...f, ...changes } : f)) };
    update(next, immediate);
  };
  const move = (index, by) => {
    const list = [...fields];
    const [item] = list.splice(index, 1);
    list.splice(index + by, 0, item);
    update({ ...state, fields: list }, true);
  };

  return (
    <div class="bio-properties-panel-entry alur-form-editor" data-entry-id={id}>
      {state.error ? <p class="alur-error">{state.error}</p> : null}
      <label class="bio-properties-panel-label" for="alur-form-title">{t("Form title")}</label>
      <input id="alur-form-title" class="bio-properties-panel-input" value={state.title}
        onInput={(e) => update({ ...state, title: e.target.value })} />
      <ol class="alur-form-fields">
        {fields.map((field, index) => (
          <FieldEditor key={index} index={index} field={field} count={fields.length} t={t}
            others={fields.filter((_, j) => j !== index).map((f) => f.name)}
            onChange={(changes, immediate) => setField(index, changes, immediate)}
            onMove={(by) => move(index, by)}
            onRemove={() => update({ ...state, fields: fields.filter((_, j) => j !== index) }, true)} />
        ))}
      </ol>
      <div class="alur-form-actions">
        <button type="button" class="alur-button" id="alur-form-add"
          onClick={() => update({ ...state, fields: [...fields, newField(fields)] }, true)}>
          {t("Add field")}
        </button>
        <button type="button" class="alur-button alur-button-quiet" id="alur-form-remove"
          onClick={() => { written.current = null; setState(null); setProperties(commandStack, element, { form: null }); }}>
          {t("Remove form")}
        </button>
      </div>
    </div>
  );
}

function FieldEditor({ index, field, count, others, onChange, onMove, onRemove, t }) {
  const prefix = `alur-field-${index}`;
  const problem = nameProblem(field.name, others);
  const fixed = field.type === "other";
  const textual = field.type === "text" || field.type === "textarea";
  const choices = field.type === "choice" || field.type === "multichoice" || field.type === "decision";
  const files = field.type === "file" || field.type === "files";
  const types = fixed ? [field.type] : FIELD_TYPES;
  return (
    <li class="alur-form-field" data-field={field.name}>
      <div class="alur-form-row">
        <label for={`${prefix}-name`}>{t("Field name")}</label>
        <input id={`${prefix}-name`} class={`bio-properties-panel-input${problem ? " alur-invalid" : ""}`}
          value={field.name} spellCheck="false" autoComplete="off"
          onInput={(e) => onChange({ name: e.target.value.trim() })} />
        {problem ? <p class="alur-error" id={`${prefix}-name-error`}>{t(problem)}</p> : null}
      </div>
      <div class="alur-form-row">
        <label for={`${prefix}-label`}>{t("Label")}</label>
        <input id={`${prefix}-label`} class="bio-properties-panel-input" value={field.label}
          onInput={(e) => onChange({ label: e.target.value })} />
      </div>
      <div class="alur-form-row alur-form-row-inline">
        <label for={`${prefix}-type`}>{t("Field type")}</label>
        <select id={`${prefix}-type`} class="bio-properties-panel-input" value={field.type} disabled={fixed}
          onChange={(e) => onChange({ type: e.target.value }, true)}>
          {types.map((type) => <option value={type}>{t(TYPE_LABELS[type])}</option>)}
        </select>
        <label class="alur-check" for={`${prefix}-required`}>
          <input type="checkbox" id={`${prefix}-required`} checked={field.required}
            onChange={(e) => onChange({ required: e.target.checked }, true)} />
          {t("Required")}
        </label>
      </div>
      {textual ? (
        <div class="alur-form-row">
          <label for={`${prefix}-maxlength`}>{t("Maximum length")}</label>
          <input id={`${prefix}-maxlength`} type="number" min="1" class="bio-properties-panel-input"
            value={field.maxLength == null ? "" : field.maxLength}
            onInput={(e) => onChange({ maxLength: e.target.value === "" ? null : parseInt(e.target.value, 10) })} />
        </div>
      ) : null}
      {choices ? (
        <div class="alur-form-row">
          <label for={`${prefix}-choices`}>{t("Choices (one per line)")}</label>
          <textarea id={`${prefix}-choices`} rows="3" class="bio-properties-panel-input"
            value={field.choices.join("\n")}
            onInput={(e) => onChange({ choices: e.target.value.split("\n") })} />
        </div>
      ) : null}
      {field.type === "decision" ? (
        <div class="alur-form-row">
          <label for={`${prefix}-reject`}>{t("Values that send the work back (comma-separated)")}</label>
          <input id={`${prefix}-reject`} class="bio-properties-panel-input" value={field.reject.join(", ")}
            onInput={(e) => onChange({ reject: e.target.value.split(",").map((s) => s.trim()).filter(Boolean) })} />
        </div>
      ) : null}
      {files ? (
        <div class="alur-form-row">
          <label for={`${prefix}-accept`}>{t("Accepted types (e.g. image/*, application/pdf)")}</label>
          <input id={`${prefix}-accept`} class="bio-properties-panel-input" value={field.accept.join(", ")}
            onInput={(e) => onChange({ accept: e.target.value.split(",").map((s) => s.trim()).filter(Boolean) })} />
        </div>
      ) : null}
      {field.type === "files" ? (
        <div class="alur-form-row alur-form-row-inline">
          <label for={`${prefix}-min`}>{t("Minimum count")}</label>
          <input id={`${prefix}-min`} type="number" min="0" class="bio-properties-panel-input alur-narrow"
            value={field.minItems == null ? "" : field.minItems}
            onInput={(e) => onChange({ minItems: e.target.value === "" ? null : parseInt(e.target.value, 10) })} />
          <label for={`${prefix}-max`}>{t("Maximum count")}</label>
          <input id={`${prefix}-max`} type="number" min="1" class="bio-properties-panel-input alur-narrow"
            value={field.maxItems == null ? "" : field.maxItems}
            onInput={(e) => onChange({ maxItems: e.target.value === "" ? null : parseInt(e.target.value, 10) })} />
        </div>
      ) : null}
      <div class="alur-form-row alur-form-buttons">
        <button type="button" class="alur-button alur-button-quiet" disabled={index === 0}
          title={t("Move up")} aria-label={t("Move up")} onClick={() => onMove(-1)}>↑</button>
        <button type="button" class="alur-button alur-button-quiet" disabled={index === count - 1}
          title={t("Move down")} aria-label={t("Move down")} onClick={() => onMove(1)}>↓</button>
        <button type="button" class="alur-button alur-button-quiet" id={`${prefix}-remove`}
          onClick={onRemove}>{t("Remove")}</button>
      </div>
    </li>
  );
}
