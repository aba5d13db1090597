// The "SOP" properties provider: a task's SOP row, interpretation marks, forms, a gateway's
// decision and the SOP's identity block, over Alur's extension properties.
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import {
  Group, TextAreaEntry, TextFieldEntry, isTextAreaEntryEdited, isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { FormEditorEntry } from "./FormEditor.js";
import {
  allProperties, getProperty, isMarker, readCondition, setProperties, sopObject,
} from "./props.js";

export const IDENTITY_FIELDS = [
  ["sop.instansi", "Instansi", true],
  ["sop.nomor", "SOP number"],
  ["sop.nama", "SOP name"],
  ["sop.tanggal_pembuatan", "Date made"],
  ["sop.tanggal_revisi", "Date revised"],
  ["sop.tanggal_efektif", "Effective date"],
  ["sop.disahkan_oleh", "Approved by", true],
  ["sop.dasar_hukum", "Legal basis", true],
  ["sop.kualifikasi_pelaksana", "Implementer qualifications", true],
  ["sop.keterkaitan", "Related SOPs", true],
  ["sop.peralatan_perlengkapan", "Equipment", true],
  ["sop.peringatan", "Warning", true],
  ["sop.pencatatan_pendataan", "Recording and data", true],
  ["alur.agency", "Agency (slug)"],
  ["alur.eskalasi", "Escalation to (lane)"],
];

const SOP_ROW = [
  ["sop.no", "No", false, "No as printed in the SOP"],
  ["kegiatan", "Kegiatan", true, "Activity, full text (the shape shows the short name)"],
  ["sop.kelengkapan", "Kelengkapan", true],
  ["sop.waktu", "Waktu", false, "Time standard in the SOP's words, e.g. 1 hari"],
  ["sop.waktu.kode", "Waktu code"],
  ["sop.waktu.acuan", "Waktu reference", false, "For H+n/H-n: a date field, or selesai:<element id>"],
  ["sop.output", "Output", true],
  ["sop.keterangan", "Keterangan", true],
];

const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function PropertyEntry({ element, id, name, label, multiline, description, rows }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const isDoc = name === "kegiatan";
  const getValue = () => (isDoc ? documentationOf(element) : getProperty(element, name));
  const setValue = (value) => setProperties(commandStack, element,
    isDoc ? { documentation: value || "" } : { properties: { [name]: value || "" } });
  const props = {
    element, id, label: translate(label), getValue, setValue, debounce,
    description: description ? translate(description) : undefined,
  };
  return multiline ? <TextAreaEntry {...props} rows={rows || 2} autoResize /> : <TextFieldEntry {...props} />;
}

function documentationOf(element) {
  const docs = getBusinessObject(element).get("documentation") || [];
  return (docs[0] && docs[0].text) || "";
}

/** Waktu kode: checked by the server's parser as it is typed, with a due-time preview. */
function WaktuKodeEntry({ element, id }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const config = useService("alurConfig");
  const kode = getProperty(element, "sop.waktu.kode");
  const [preview, setPreview] = useState(null);

  useEffect(() => {
    if (!kode.trim()) { setPreview(null); return undefined; }
    let cancelled = false;
    setPreview({ pending: true });
    const timer = setTimeout(() => {
      checkWaktu(config, kode).then((answer) => { if (!cancelled) setPreview(answer); },
        (error) => { if (!cancelled) setPreview({ failed: String(error.message || error) }); });
    }, 250);
    return () => { cancelled = true; clearTimeout(timer); };
  }, [kode]);

  const lang = config.lang === "en" ? "en" : "id";
  let line = null;
  if (preview && preview.pending) line = <p class="alur-waktu-preview alur-pending">{translate("checking…")}</p>;
  else if (preview && preview.failed) {
    line = <p class="alur-waktu-preview alur-error">{translate("Could not check the code: {error}", { error: preview.failed })}</p>;
  } else if (preview && preview.valid) {
    const words = lang === "en" ? preview.words_en || preview.words : preview.words;
    const sentence = lang === "en" ? preview.preview_en || preview.preview : preview.preview;
    line = <p class="alur-waktu-preview alur-ok" role="status">{words ? `${words}: ` : ""}{sentence}</p>;
  } else if (preview) {
    line = <p class="alur-waktu-preview alur-error" role="alert">{lang === "en" ? preview.message_en || preview.message : preview.message}</p>;
  }
  return (
    <div class="alur-waktu-kode">
      <TextFieldEntry element={element} id={id} label={translate("Waktu code")} debounce={debounce}
        description={translate("Machine form: PT30M, PT2H, P1D, P1W, H+1, R/P1M/W1, field=value:code|value:code. Sets the due-time timer.")}
        getValue={() => getProperty(element, "sop.waktu.kode")}
        setValue={(value) => setProperties(commandStack, element, { properties: { "sop.waktu.kode": (value || "").trim() } })} />
      {line}
    </div>
  );
}

export async function checkWaktu(config, kode) {
  const response = await fetch(config.urls.waktu_preview, {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": config.csrf_token || "", Accept: "application/json" },
    body: JSON.stringify({ kode, agency: config.agency }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `HTTP ${response.status}`);
  return body;
}

function IdentityEntry({ element, id, name, label, multiline }) {
  const translate = useService("translate");
  const why = allProperties(element)[`alur.konfirmasi.${name}`];
  return (
    <div class={`alur-identity${why ? " alur-needs-confirmation" : ""}`} data-property={name}>
      <PropertyEntry element={element} id={id} name={name} label={label} multiline={multiline} />
      {why ? <p class="alur-confirm" role="note">⚠ {translate("Agency must confirm: {why}", { why })}</p> : null}
    </div>
  );
}

function DecisionFieldEntry({ element, id }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return (
    <TextFieldEntry element={element} id={id} label={translate("Decision field")} debounce={debounce}
      description={translate("The form field whose value chooses the path, e.g. keputusan")}
      validate={(value) => (value && !FIELD_NAME.test(value)
        ? translate("A decision field is a name: letters, digits and _, not starting with a digit.") : null)}
      getValue={() => decisionField(element)}
      setValue={(value, error) => {
        if (error) return;
        commandStack.execute("alur.decision.set", { element, field: value || "", values: flowValues(element) });
      }} />
  );
}

function DecisionValueEntry({ element, id, flow }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  const target = flow.target ? flow.target.businessObject.name || flow.target.id : translate("(no target)");
  return (
    <TextFieldEntry element={element} id={id} debounce={debounce}
      label={translate("Value for the flow to {target}", { target })}
      getValue={() => flowValues(element)[flow.id] || ""}
      setValue={(value) => {
        const values = { ...flowValues(element), [flow.id]: value || "" };
        commandStack.execute("alur.decision.set", { element, field: decisionField(element) || "keputusan", values });
      }} />
  );
}

function outgoingFlows(gateway) {
  return (gateway.outgoing || []).filter((f) => is(f, "bpmn:SequenceFlow"));
}

export function decisionField(gateway) {
  for (const flow of outgoingFlows(gateway)) {
    const found = readCondition(flow);
    if (found) return found.field;
  }
  return "";
}

function flowValues(gateway) {
  const out = {};
  for (const flow of outgoingFlows(gateway)) {
    const found = readCondition(flow);
    out[flow.id] = found ? found.value : flow.businessObject.name || "";
  }
  return out;
}

function entry(id, component, extra = {}, isEdited = isTextFieldEntryEdited) {
  return { id, component, isEdited, ...extra };
}

export default function SopPropertiesProvider(propertiesPanel, translate) {
  propertiesPanel.registerProvider(400, this);
  this._translate = translate;
}
SopPropertiesProvider.$inject = ["propertiesPanel", "translate"];

SopPropertiesProvider.prototype.getGroups = function (element) {
  const translate = this._translate;
  return (groups) => {
    const added = [];
    const rowEntry = ([name, label, multiline, description]) => {
      if (name === "sop.waktu.kode") return entry("alur-sop-waktu-kode", WaktuKodeEntry, { element });
      return entry(`alur-${name.replace(/\./g, "-")}`, PropertyEntry,
        { element, name, label, multiline, description }, multiline ? isTextAreaEntryEdited : isTextFieldEntryEdited);
    };
    if (is(element, "bpmn:Task")) {
      added.push({ id: "alur-sop-row", label: translate("SOP row"), component: Group, entries: SOP_ROW.map(rowEntry) });
    }
    if (is(element, "bpmn:ExclusiveGateway") && outgoingFlows(element).length) {
      added.push({
        id: "alur-decision", label: translate("Decision"), component: Group,
        entries: [entry("alur-decision-field", DecisionFieldEntry, { element }),
          ...outgoingFlows(element).map((flow) => entry(`alur-decision-${flow.id}`, DecisionValueEntry, { element, flow }))],
      });
    }
    if (is(element, "bpmn:Task") || is(element, "bpmn:StartEvent")) {
      added.push({ id: "alur-form", label: translate("Form"), component: Group,
        entries: [entry("alur-form-editor", FormEditorEntry, { element }, () => true)] });
    }
    const sop = sopObject(element);
    if (is(sop, "bpmn:Process") && (is(element, "bpmn:Process") || is(element, "bpmn:Participant"))) {
      added.push({
        id: "alur-identity", label: translate("SOP identity"), component: Group,
        entries: IDENTITY_FIELDS.map(([name, label, multiline]) => entry(`alur-${name.replace(/\./g, "-")}`,
          IdentityEntry, { element, name, label, multiline }, multiline ? isTextAreaEntryEdited : isTextFieldEntryEdited)),
      });
    }
    if ((is(element, "bpmn:FlowNode") || is(element, "bpmn:SequenceFlow")) && !isMarker(element)) {
      added.push({
        id: "alur-tafsiran", label: translate("Interpretation"), component: Group,
        entries: [entry("alur-tafsiran-reason", PropertyEntry, {
          element, name: "alur.tafsiran", label: "Interpretation", multiline: true,
          description: "Reason this element is not drawn in the seed SOP (empty: it is in the SOP)",
        }, isTextAreaEntryEdited)],
      });
    }
    // Alur's groups first after "General": the SOP row is what an owner edits most.
    const general = groups.findIndex((g) => g.id === "general");
    groups.splice(general >= 0 ? general + 1 : 0, 0, ...added);
    return groups;
  };
};
