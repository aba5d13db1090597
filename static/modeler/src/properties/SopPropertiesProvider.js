// The "SOP" properties provider: a task's SOP row, interpretation marks, forms, a gateway's
// decision, the SOP's identity block and what the printed SOP sheet keeps (headings, labels,
// list styles, documents of several processes, terminator rows), over Alur's extension properties.
import { useEffect, useState } from "@bpmn-io/properties-panel/preact/hooks";
import {
  CheckboxEntry, Group, SelectEntry, TextAreaEntry, TextFieldEntry, isSelectEntryEdited,
  isTextAreaEntryEdited, isTextFieldEntryEdited,
} from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is } from "bpmn-js/lib/util/ModelUtil";

import { FormEditorEntry } from "./FormEditor.js";
import {
  allProperties, getProperty, hasProperty, isMarker, readCondition, setProperties, sopObject,
} from "./props.js";

export const IDENTITY_FIELDS = [
  ["sop.instansi", "Instansi", true],
  ["sop.nomor", "SOP number"],
  ["sop.nama", "SOP name"],
  ["sop.tanggal_pembuatan", "Date made"],
  ["sop.tanggal_revisi", "Date revised"],
  ["sop.tanggal_efektif", "Effective date"],
  ["sop.disahkan_oleh", "Approved by (position)", true],
  ["sop.disahkan_oleh.nama", "Signer's name"],
  ["sop.disahkan_oleh.nip", "Signer's NIP"],
  ["sop.dasar_hukum", "Legal basis", true],
  ["sop.kualifikasi_pelaksana", "Implementer qualifications", true],
  ["sop.keterkaitan", "Related SOPs", true],
  ["sop.peralatan_perlengkapan", "Equipment", true],
  ["sop.peringatan", "Warning", true],
  ["sop.pencatatan_pendataan", "Recording and data", true],
  ["alur.agency", "Agency (slug)"],
  ["alur.eskalasi", "Escalation to (lane)"],
];

// The identity fields printed with a label (sop.instansi is the letterhead: none), by the
// property's name without "sop.", and the multi-line ones that may be printed as a list.
const LABELLED = IDENTITY_FIELDS.filter(([name]) => name.startsWith("sop.") && name !== "sop.instansi"
  && !name.startsWith("sop.disahkan_oleh."));
const IDENTITY_LISTS = new Set(["sop.dasar_hukum", "sop.kualifikasi_pelaksana", "sop.keterkaitan",
  "sop.peralatan_perlengkapan", "sop.peringatan", "sop.pencatatan_pendataan"]);

const SOP_ROW = [
  ["sop.no", "No", false, "No as printed in the SOP"],
  ["sop.no.cetak", "No as printed, if different", false,
    "Only where the SOP prints another number than No (e.g. a second row 5)"],
  ["kegiatan", "Kegiatan", true, "Activity, full text (the shape shows the short name)"],
  ["sop.kelengkapan", "Kelengkapan", true, "One item per line"],
  ["sop.daftar.kelengkapan", "Kelengkapan"],
  ["sop.waktu", "Waktu", false, "Time standard in the SOP's words, e.g. 1 hari"],
  ["sop.daftar.waktu", "Waktu"],
  ["sop.waktu.kode", "Waktu code"],
  ["sop.waktu.acuan", "Waktu reference", false, "For H+n/H-n: a date field, or selesai:<element id>"],
  ["sop.output", "Output", true, "One item per line"],
  ["sop.daftar.output", "Output"],
  ["sop.keterangan", "Keterangan", true, "One item per line"],
  ["sop.daftar.keterangan", "Keterangan"],
];

// The table's headings as printed (empty: the standard heading).
const HEADINGS = [
  ["no", "No"], ["kegiatan", "Kegiatan"], ["pelaksana", "Pelaksana"], ["mutu_baku", "Mutu Baku"],
  ["kelengkapan", "Kelengkapan"], ["waktu", "Waktu"], ["output", "Output"], ["keterangan", "Keterangan"],
];

const LIST_STYLES = [
  ["", "Plain lines"], ["angka", "Numbered (1. 2. 3.)"], ["strip", "Dashes (- item)"], ["huruf", "Letters (a. b. c.)"],
];
const WHOLE = /^[1-9][0-9]*$/;

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
  const list = IDENTITY_LISTS.has(name);
  return (
    <div class={`alur-identity${why ? " alur-needs-confirmation" : ""}`} data-property={name}>
      <PropertyEntry element={element} id={id} name={name} label={label} multiline={multiline}
        description={list ? "One item per line" : undefined} />
      {why ? <p class="alur-confirm" role="note">⚠ {translate("Agency must confirm: {why}", { why })}</p> : null}
      {list ? <ListStyleEntry element={element} id={`alur-sop-daftar-${name.slice(4)}`} field={name.slice(4)}
        label={label} /> : null}
    </div>
  );
}

/** How a multi-line value is printed: sop.daftar.<field> = angka | strip | huruf, or plain lines. */
function ListStyleEntry({ element, id, field, label }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const name = `sop.daftar.${field}`;
  return (
    <SelectEntry element={element} id={id} label={translate("{field}: list style", { field: translate(label) })}
      getValue={() => getProperty(element, name)}
      getOptions={() => LIST_STYLES.map(([value, text]) => ({ value, label: translate(text) }))}
      setValue={(value) => setProperties(commandStack, element, { properties: { [name]: value || "" } })} />
  );
}

/** The Keterangan heading, and whether the sheet has that column at all (an empty
 * sop.kolom.keterangan says it has not; a missing one prints the standard heading). */
function KeteranganColumnEntry({ element, id }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const absent = hasProperty(element, "sop.kolom.keterangan") && !getProperty(element, "sop.kolom.keterangan");
  return (
    <div class="alur-keterangan-column">
      <CheckboxEntry element={element} id={`${id}-ada`} label={translate("The table has a Keterangan column")}
        getValue={() => !absent}
        setValue={(present) => setProperties(commandStack, element, present
          ? { properties: { "sop.kolom.keterangan": "" } }
          : { properties: { "sop.kolom.keterangan": "" }, keepEmpty: ["sop.kolom.keterangan"] })} />
      {absent ? null : <PropertyEntry element={element} id={id} name="sop.kolom.keterangan"
        label={translate("Heading: {column}", { column: translate("Keterangan") })}
        description="Empty: the standard heading" />}
    </div>
  );
}

function TableNumberEntry({ element, id }) {
  const translate = useService("translate");
  const commandStack = useService("commandStack");
  const debounce = useService("debounceInput");
  return (
    <TextFieldEntry element={element} id={id} debounce={debounce} label={translate("Table number in the document")}
      description={translate("1, 2, ...: processes with the same document and number form one table")}
      validate={(value) => (value && !WHOLE.test(value.trim()) ? translate("A table number is a whole number from 1.") : null)}
      getValue={() => getProperty(element, "sop.dokumen.tabel")}
      setValue={(value, error) => {
        if (error) return;
        setProperties(commandStack, element, { properties: { "sop.dokumen.tabel": (value || "").trim() } });
      }} />
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
      if (name.startsWith("sop.daftar.")) {
        return entry(`alur-${name.replace(/\./g, "-")}`, ListStyleEntry,
          { element, field: name.slice("sop.daftar.".length), label }, isSelectEntryEdited);
      }
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
        entries: [
          ...IDENTITY_FIELDS.map(([name, label, multiline]) => entry(`alur-${name.replace(/\./g, "-")}`,
            IdentityEntry, { element, name, label, multiline }, multiline ? isTextAreaEntryEdited : isTextFieldEntryEdited)),
          ...LABELLED.map(([name, label]) => entry(`alur-sop-label-${name.slice(4)}`, PropertyEntry, {
            element, name: `sop.label.${name.slice(4)}`,
            label: translate("Label as printed: {field}", { field: translate(label) }),
            description: "Empty: the standard label",
          })),
        ],
      });
      added.push({
        id: "alur-sheet", label: translate("SOP sheet"), component: Group,
        entries: [
          entry("alur-sop-judul_tabel", PropertyEntry, {
            element, name: "sop.judul_tabel", label: "Table title", description: "Printed above the table (optional)",
          }),
          ...HEADINGS.filter(([key]) => key !== "keterangan").map(([key, heading]) => entry(`alur-sop-kolom-${key}`,
            PropertyEntry, {
              element, name: `sop.kolom.${key}`, label: translate("Heading: {column}", { column: translate(heading) }),
              description: "Empty: the standard heading",
            })),
          entry("alur-sop-kolom-keterangan", KeteranganColumnEntry, { element }),
          entry("alur-sop-dokumen", PropertyEntry, {
            element, name: "sop.dokumen", label: "Document",
            description: "The same id on every process of one SOP document, e.g. nomporejo-produksi-konten",
          }),
          entry("alur-sop-dokumen-tabel", TableNumberEntry, { element }),
        ],
      });
    }
    if (is(element, "bpmn:StartEvent") || is(element, "bpmn:EndEvent")) {
      added.push({
        id: "alur-sheet", label: translate("SOP sheet"), component: Group,
        entries: [entry("alur-sop-baris", PropertyEntry, {
          element, name: "sop.baris", label: "Terminator row",
          description: "The No of the row whose band holds this terminator; empty: a row of its own",
        })],
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
