"""The rules of docs/authoring-sops.md for a process's steps: forms, SOP rows, Waktu, decisions
and deadline timers (lint.py holds the file-level and whole-process rules, lint_sheet.py those
of the printed SOP sheet).

Each rule reads a `View` of the process and reports to a `Report`; a rule that fails on input
nobody foresaw becomes a finding of its own, so that the other rules still run.
"""
from __future__ import annotations

import re

from lxml import etree

from server.errors import AlurError
from server.formschema import FormNotFound, check_schema
from server.sop import form_filename, form_text, parse_form
from server.sop.markers import TENGGAT
from server.timeplan import Conditional, check_acuan, parse_kode

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
      "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
      "dc": "http://www.omg.org/spec/DD/20100524/DC", "di": "http://www.omg.org/spec/DD/20100524/DI"}
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
    "businessRuleTask", "subProcess", "callActivity", "transaction", "exclusiveGateway",
    "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
MUTU_BAKU = ("sop.kelengkapan", "sop.waktu", "sop.waktu.kode", "sop.output")
SCHEMA_DRAFT = "https://json-schema.org/draft/2020-12/schema"
ESKALASI = "Eskalasi"  # the end event a deadline timer leads to
_DECISION = re.compile(r'\s*keputusan\s*==\s*"([^"]*)"\s*')
_WORDS = {"userTask": ("tugas", "task"), "exclusiveGateway": ("gerbang", "gateway"),
          "startEvent": ("peristiwa mulai", "start event"), "endEvent": ("peristiwa selesai", "end event"),
          "boundaryEvent": ("peristiwa batas", "boundary event"), "sequenceFlow": ("alur", "flow"),
          "lane": ("lajur", "lane")}


def local(el) -> str:
    return etree.QName(el).localname


def words(el) -> tuple[str, str]:
    """The element as a process owner knows it: 'tugas "Membahas konsep" (s03_bahas)'."""
    kind_id, kind_en = _WORDS.get(local(el), ("elemen", "element"))
    name = " ".join((el.get("name") or "").split())
    label = f"\"{name}\" ({el.get('id')})" if name else str(el.get("id"))
    return f"{kind_id} {label}", f"{kind_en} {label}"


def properties(el) -> dict[str, str]:
    return {p.get("name"): p.get("value", "") for p in
            el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}


class Report:
    """Findings as (element_id, severity, code, message_id, message_en), in the order found.

    `where` is an element (its words open both messages), an id, or None for the file."""

    def __init__(self):
        self.items: list[tuple] = []

    def error(self, where, code: str, message_id: str, message_en: str) -> None:
        self._add(where, "error", code, message_id, message_en)

    def warning(self, where, code: str, message_id: str, message_en: str) -> None:
        self._add(where, "warning", code, message_id, message_en)

    def _add(self, where, severity, code, message_id, message_en) -> None:
        if isinstance(where, etree._Element):
            (w_id, w_en), gap = words(where), "" if message_id.startswith(":") else " "
            message_id = f"{w_id[0].upper()}{w_id[1:]}{gap}{message_id}"
            message_en = f"{w_en[0].upper()}{w_en[1:]}{gap}{message_en}"
            where = where.get("id")
        self.items.append((where, severity, code, message_id, message_en))


class View:
    """One process, read once for all rules; each form is loaded once, its failure reported."""

    def __init__(self, root, process, forms, report: Report):
        self.root, self.process, self.forms, self.report = root, process, forms, report
        self.pid = process.get("id")
        children = [el for el in process if isinstance(el.tag, str)]
        self.nodes = {el.get("id"): el for el in children if local(el) in FLOW_NODES and el.get("id")}
        self.flows = [el for el in children if local(el) == "sequenceFlow"]
        self.lanes = [lane for lane in process.iter(f"{{{BPMN}}}lane")
                      if lane.find("bpmn:childLaneSet", NS) is None]
        self.lanes_of: dict[str, list] = {}
        for lane in self.lanes:
            for ref in lane.findall("bpmn:flowNodeRef", NS):
                self.lanes_of.setdefault((ref.text or "").strip(), []).append(lane)
        self.schemas: dict[str, dict] = {}  # element id -> its form's schema
        self.form_failed = False  # some form could not be read: the process's fields are not known

    def of_kind(self, kind: str) -> list:
        return [el for el in self.nodes.values() if local(el) == kind]

    def out_of(self, node_id: str) -> list:
        return [f for f in self.flows if f.get("sourceRef") == node_id]

    def into(self, node_id: str) -> list:
        return [f for f in self.flows if f.get("targetRef") == node_id]

    def form(self, el) -> dict | None:
        """The element's form: embedded (`<alur:form>`, which wins) or the forms/ file it names.
        None when it has none, when it is missing or invalid (reported on `el`), or when it is a
        file and there is no catalog to read it."""
        text = form_text(el)
        if text is not None:
            return self._embedded(el, text)
        path = form_filename(el)
        if not path:
            return None
        if self.forms is None:
            self.form_failed = True
            return None
        try:
            schema = self.forms.get(path)
        except FormNotFound as exc:
            self.report.error(el, "form-not-found", f": {exc.message_id}", f": {exc.message_en}")
        except AlurError as exc:
            self.report.error(el, "form-invalid", f": {exc.message_id}", f": {exc.message_en}")
        except (OSError, ValueError, RecursionError) as exc:
            self.report.error(el, "form-invalid", f": formulir {path} tidak terbaca ({exc}).",
                              f": the form {path} cannot be read ({exc}).")
        else:
            self.schemas[el.get("id")] = schema
            return schema
        self.form_failed = True
        return None

    def _embedded(self, el, text: str) -> dict | None:
        """An embedded form must be a JSON object and a valid schema, checked as forms/ files are."""
        try:
            schema = parse_form(text)
            check_schema(schema, "alur:form")
        except AlurError as exc:
            self.report.error(el, "form-invalid", f": {exc.message_id}", f": {exc.message_en}")
        except (ValueError, RecursionError) as exc:
            self.report.error(el, "form-invalid",
                              f": formulir tertanam (alur:form) bukan objek JSON yang sah ({exc}).",
                              f": the embedded form (alur:form) is not a valid JSON object ({exc}).")
        else:
            self.schemas[el.get("id")] = schema
            return schema
        self.form_failed = True
        return None

    def fields(self) -> dict | None:
        """Every field the process's forms ask for; None when that is not known for sure."""
        if self.form_failed:
            return None
        out: dict = {}
        for schema in self.schemas.values():
            props = schema.get("properties")
            out.update(props if isinstance(props, dict) else {})
        return out


def check_process(view: View, rules) -> None:
    """Run `rules` in order, each on its own: one rule failing hides none of the others."""
    for rule in rules:
        try:
            rule(view)
        except Exception as exc:  # noqa: BLE001 - lint never raises
            view.report.error(view.pid, "lint-failed",
                              f"Pemeriksaan {rule.__name__} gagal dijalankan ({type(exc).__name__}: {exc}).",
                              f"The check {rule.__name__} could not run ({type(exc).__name__}: {exc}).")


def rule_forms(v: View) -> None:
    """A user task needs its form; a form (embedded, or a forms/ file) must exist, be a valid schema
    and follow the rulebook."""
    for el in v.nodes.values():
        kind, embedded, path = local(el), form_text(el) is not None, form_filename(el)
        if kind == "userTask" and not embedded and not path:
            v.report.error(el, "form-missing",
                           "tidak memiliki formulir (alur:form atau properti formJsonSchemaFilename).",
                           "has no form (alur:form or the property formJsonSchemaFilename).")
        if kind not in ("userTask", "startEvent") or not (embedded or path):
            continue
        expected = f"{v.pid}/{el.get('id')}.schema.json"
        if not embedded and path != expected:
            v.report.warning(el, "form-path-convention",
                             f"sebaiknya memakai formulir {expected}, bukan {path}.",
                             f"should use the form {expected}, not {path}.")
        if embedded:
            path = "alur:form"
        schema = v.form(el)
        if schema is None:
            continue
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        required = schema.get("required") if isinstance(schema.get("required"), list) else []
        lacks = [text for text, ok in (
            (f"\"$schema\": \"{SCHEMA_DRAFT}\"", schema.get("$schema") == SCHEMA_DRAFT),
            ("\"type\": \"object\"", schema.get("type") == "object"),
            ("\"additionalProperties\": false", schema.get("additionalProperties") is False),
            ("catatan", kind != "userTask" or "catatan" in props),
            ("judul (required)", kind != "startEvent" or "judul" in required)) if not ok]
        if lacks:
            v.report.warning(el, "form-convention", f": formulir {path} tidak memuat {', '.join(lacks)}.",
                             f": the form {path} lacks {', '.join(lacks)}.")


def parse_kode_of(v: View, el, kode: str):
    """The time standard of `el`, or None when its code is not one (reported)."""
    try:
        return parse_kode(kode)
    except (ValueError, TypeError) as exc:
        v.report.error(el, "waktu-kode-invalid", f": kode Waktu \"{kode}\" tidak dikenal ({exc}).",
                       f": the Waktu code \"{kode}\" is not valid ({exc}).")
        return None


def rule_tasks(v: View) -> None:
    """Each user task carries its SOP row: number, Kegiatan, Mutu Baku, and a Waktu that computes."""
    fields = v.fields()
    for task in v.of_kind("userTask"):
        props = properties(task)
        if not props.get("sop.no", "").strip():
            v.report.error(task, "task-no-sop-row", "tidak menyebut nomor baris SOP-nya (sop.no).",
                           "does not give its SOP row number (sop.no).")
        doc = task.find("bpmn:documentation", NS)
        if doc is None or not (doc.text or "").strip():
            v.report.warning(task, "task-no-documentation", "tidak memiliki dokumentasi (teks Kegiatan "
                             "lengkap dari SOP).", "has no documentation (the SOP's full Kegiatan text).")
        missing = ", ".join(k for k in MUTU_BAKU if k not in props)
        if missing:
            v.report.warning(task, "sop-property-missing", f"tidak memuat {missing} (tulis sel Mutu Baku "
                             "yang kosong sebagai nilai kosong).",
                             f"lacks {missing} (write an empty Mutu Baku cell as an empty value).")
        kode, waktu = props.get("sop.waktu.kode", "").strip(), props.get("sop.waktu", "").strip()
        if waktu and not kode and "sop.waktu.kode" in props:
            v.report.warning(task, "waktu-kode-missing",
                             f"memiliki Waktu \"{waktu}\" tanpa sop.waktu.kode; tenggatnya tidak terhitung.",
                             f"has the Waktu \"{waktu}\" but no sop.waktu.kode; no due time can be computed.")
        if kode and not waktu and "sop.waktu" in props:
            v.report.warning(task, "waktu-words-missing",
                             "memiliki sop.waktu.kode tanpa kata-kata Waktu SOP (sop.waktu).",
                             "has a sop.waktu.kode but not the SOP's Waktu words (sop.waktu).")
        standard = parse_kode_of(v, task, kode) if kode else None
        if standard is not None:
            _check_acuan(v, task, standard, props.get("sop.waktu.acuan", "").strip(), fields)
        if isinstance(standard, Conditional) and fields is not None:
            _check_conditional(v, task, standard, fields)


def _check_acuan(v: View, task, standard, acuan: str, fields) -> None:
    """H+n/H-n counts from a date: a date field of the forms, or the completion of a node."""
    if not standard.needs_acuan:
        if acuan:
            v.report.warning(task, "waktu-acuan-unused",
                             f": sop.waktu.acuan tidak berarti untuk kode {standard.kode}.",
                             f": sop.waktu.acuan has no meaning for the code {standard.kode}.")
        return
    try:
        check_acuan(acuan)
    except ValueError as exc:
        v.report.error(task, "waktu-acuan-invalid",
                       f": kode {standard.kode} dihitung dari suatu tanggal; isi sop.waktu.acuan dengan "
                       f"isian tanggal (tanggal_kegiatan) atau selesai:<id> ({exc}).",
                       f": the code {standard.kode} counts from a date; set sop.waktu.acuan to a date field "
                       f"(tanggal_kegiatan) or selesai:<id> ({exc}).")
        return
    if acuan.startswith("selesai:"):
        known = acuan.split(":", 1)[1] in v.nodes
    elif fields is None:
        return
    else:
        known = isinstance(fields.get(acuan), dict) and fields[acuan].get("format") in ("date", "date-time")
    if not known:
        v.report.error(task, "waktu-acuan-unknown",
                       f": sop.waktu.acuan \"{acuan}\" bukan isian tanggal formulir proses ini "
                       "dan bukan selesai:<id elemennya>.",
                       f": sop.waktu.acuan \"{acuan}\" is neither a date field of this process's forms "
                       "nor selesai:<one of its element ids>.")


def _check_conditional(v: View, task, standard: Conditional, fields: dict) -> None:
    """A Waktu chosen by a field: the field must be asked for, each value one of its choices."""
    field = fields.get(standard.field)
    enum = field.get("enum") if isinstance(field, dict) else None
    values = [value for value, _ in standard.branches]
    unknown = ", ".join(value for value in values if isinstance(enum, list) and value not in enum)
    if field is None or unknown:
        what_id, what_en = (f"nilai {unknown}", f"the values {unknown}") if unknown else ("isiannya", "it")
        v.report.error(task, "waktu-kode-field-unknown",
                       f": kode Waktu bergantung pada {standard.field}, tetapi formulir proses ini "
                       f"tidak memuat {what_id}.",
                       f": the Waktu code depends on {standard.field}, "
                       f"but the process's forms lack {what_en}.")


def rule_gateways(v: View) -> None:
    """A decision's flows carry the seed's labels and explicit conditions on `keputusan`."""
    for gw in v.of_kind("exclusiveGateway"):
        out, default = v.out_of(gw.get("id")), gw.get("default")
        if len(out) < 2:
            continue
        if default:
            v.report.warning(gw, "gateway-default-flow",
                             "memakai alur bawaan; tulis kondisi untuk setiap jalur.",
                             "has a default flow; give every path its condition.")
        labels, simple, (gw_id, gw_en) = {}, True, words(gw)
        for flow in out:
            cond = flow.find("bpmn:conditionExpression", NS)
            text = ((cond.text or "") if cond is not None else "").strip()
            if not (flow.get("name") or "").strip():
                v.report.error(flow, "gateway-flow-unnamed",
                                 f"dari {gw_id} tidak berlabel; beri label keputusan SOP (mis. Ya/Tidak).",
                                 f"from {gw_en} has no label; give it the SOP's label (e.g. Ya/Tidak).")
            if not text and flow.get("id") != default:
                v.report.error(flow, "gateway-flow-no-condition", f"dari {gw_id} tidak memiliki kondisi.",
                               f"from {gw_en} has no condition.")
            match = _DECISION.fullmatch(text)
            if match:
                labels[match[1]] = flow
            elif flow.get("id") != default:
                simple = False
        if simple and labels:
            _check_decision(v, gw, labels)


def _check_decision(v: View, gw, labels: dict) -> None:
    """The deciding task's form offers exactly the labels the gateway tests, and requires one."""
    incoming = [f.get("sourceRef") for f in v.into(gw.get("id"))]
    decider = v.nodes.get(incoming[0]) if len(incoming) == 1 else None
    if decider is None or local(decider) != "userTask":
        return
    schema = v.schemas.get(decider.get("id"))
    if schema is None:
        return
    field = (schema.get("properties") or {}).get("keputusan")
    if not isinstance(field, dict) or "keputusan" not in (schema.get("required") or []):
        v.report.error(decider, "decision-field",
                       f": formulirnya harus mewajibkan isian keputusan yang diuji {words(gw)[0]}.",
                       f": its form must require the field keputusan that {words(gw)[1]} tests.")
        return
    enum = [str(x) for x in field.get("enum")] if isinstance(field.get("enum"), list) else []
    untested = ", ".join(x for x in enum if x not in labels) if not gw.get("default") else ""
    unknown = ", ".join(x for x in labels if x not in enum)
    if untested or unknown:
        v.report.error(gw, "decision-labels",
                       f": label keputusan tanpa jalur: {untested or '-'}; "
                       f"jalur untuk label yang tidak ada di formulir: {unknown or '-'}.",
                       f": decision labels with no path: {untested or '-'}; "
                       f"paths for labels the form does not offer: {unknown or '-'}.")
    for label, flow in labels.items():
        if (flow.get("name") or "").strip() not in ("", label):
            v.report.warning(flow, "decision-flow-name", f"sebaiknya bernama \"{label}\", sesuai kondisinya.",
                             f"should be named \"{label}\", as its condition.")


def rule_deadline_timers(v: View) -> None:
    """A task with a Waktu carries one tenggat marker: a non-interrupting tenggat() timer on its
    edge, unnamed and leading nowhere (Alur's deadline service enforces it, see docs/time-standards.md).
    The older drawing, a "Lewat tenggat" timer leading to an Eskalasi end, still runs but is flagged."""
    kodes = {t.get("id"): properties(t).get("sop.waktu.kode", "").strip() for t in v.of_kind("userTask")}
    timed, timers = set(), set()
    for ev in v.of_kind("boundaryEvent"):
        date = ev.find("bpmn:timerEventDefinition/bpmn:timeDate", NS)
        match = TENGGAT.fullmatch(date.text or "") if date is not None else None
        if not match:
            continue
        host, target = ev.get("attachedToRef"), match[1]
        timed.add(host)
        timers.add(ev.get("id"))
        if target not in kodes:
            v.report.error(ev, "deadline-timer-invalid", f": tenggat(\"{target}\") tidak menyebut tugas.",
                           f": tenggat(\"{target}\") names no user task.")
        elif target != host or not kodes[target]:
            v.report.warning(ev, "deadline-timer-mismatch",
                             f"harus memakai tenggat(\"{host}\") pada tugas yang memiliki sop.waktu.kode.",
                             f"must use tenggat(\"{host}\") on a task that has a sop.waktu.kode.")
        if ev.get("cancelActivity") != "false":
            v.report.error(ev, "deadline-timer-invalid",
                           "akan membatalkan tugasnya saat lewat tenggat; setel cancelActivity=\"false\".",
                           "would cancel its task when overdue; set cancelActivity=\"false\".")
        if v.out_of(ev.get("id")):
            v.report.warning(ev, "deadline-timer-path",
                             f"tidak perlu alur keluar: Alur sendiri yang mengeskalasi tugas yang lewat tenggat; "
                             f"hapus alur dan peristiwa \"{ESKALASI}\"-nya.",
                             f"needs no outgoing flow: Alur itself escalates an overdue task; "
                             f"remove the flow and its \"{ESKALASI}\" event.")
        if (ev.get("name") or "").strip():
            v.report.warning(ev, "deadline-timer-label", "sebaiknya tanpa nama: tenggatnya tertulis pada Waktu tugas.",
                             "should have no name: its due time is the task's Waktu.")
    for task_id, kode in kodes.items():
        if kode and task_id not in timed:
            v.report.warning(v.nodes[task_id], "deadline-timer-missing",
                             f"memiliki Waktu tetapi tidak memiliki timer batas tenggat(\"{task_id}\").",
                             f"has a Waktu but no boundary timer tenggat(\"{task_id}\").")
    for end in v.of_kind("endEvent"):
        sources = {f.get("sourceRef") for f in v.into(end.get("id"))}
        if end.get("name") == ESKALASI and not sources <= timers:
            v.report.warning(end, "eskalasi-end-misused", "hanya boleh dicapai dari timer tenggat.",
                             "must be reached from a deadline timer only.")
