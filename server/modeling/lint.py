"""The SOP lint: everything wrong with a diagram, at once, before it is deployed.

Deploy refuses at the first fault; a process owner fixing a diagram wants the whole list, each
finding naming its element, in Bahasa Indonesia and English. Deploy, the CLI, the API and the
browser modeler all call `lint`, so they agree on what is wrong.

Errors are what would stop the diagram from deploying or from running right (the engine refuses
it, a deadline can never be computed, a task nobody can work); warnings are what the rulebook
(docs/authoring-sops.md) asks for but Alur can run without (documentation, labels, layout).

`forms` is the FormCatalog the diagram will be deployed with. A form embedded in the diagram
(`<alur:form>`, which wins over a file) is always checked; without a catalog (None) the checks
that read form files (existence, schema validity, decision labels, date fields, field-dependent
Waktu) are skipped: only the diagram is checked, as the modeler does before forms exist.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from lxml import etree

from server.engine import load_diagram, safe_xml
from server.engine.expressions import check_diagram_expressions
from server.engine.specs import DIAGRAM_FUNCTIONS
from server.errors import DiagramRejected, ExpressionRejected
from server.sop.identity import PROPERTIES
from server.timeplan import Recurrence

from .lint_rules import (BPMN, NS, Report, View, check_process, local, parse_kode_of, properties,
                         rule_deadline_timers, rule_forms, rule_gateways, rule_tasks)
from .lint_sheet import rule_sheet

ERROR = "error"  # the severity that stops a deploy; the other is "warning"

# Elements whose children are flow elements: each child is checked on its own, so that every
# refused expression is reported, not only the first one.
_CONTAINERS = {f"{{{BPMN}}}{name}" for name in
               ("definitions", "process", "subProcess", "transaction", "adHocSubProcess")}

# Findings the engine would refuse anyway: with one of them, asking the engine adds nothing.
_ENGINE_CODES = {"id-reserved", "id-duplicate", "process-missing", "process-not-executable",
                 "expression-rejected", "gateway-flow-no-condition", "flow-ref-unknown"}


@dataclass(frozen=True)
class Finding:
    """One problem of a diagram; `element_id` is the BPMN id (process id, or None for the file)."""

    element_id: str | None
    severity: str  # "error" | "warning"
    code: str      # stable, for machines: "waktu-kode-invalid", "task-outside-lane", ...
    message_id: str
    message_en: str

    def as_dict(self) -> dict:
        return asdict(self)


def lint(data: bytes, filename: str, forms) -> list[Finding]:
    """Every finding for the BPMN file `data`, file-level checks first; never raises on bad input."""
    report = Report()
    try:
        _lint(data.encode("utf-8") if isinstance(data, str) else data, filename, forms, report)
    except Exception as exc:  # noqa: BLE001 - a lint bug must not break deploy, the CLI or the API
        report.error(None, "lint-failed", f"Pemeriksaan diagram gagal ({type(exc).__name__}: {exc}).",
                     f"Checking the diagram failed ({type(exc).__name__}: {exc}).")
    return [Finding(*item) for item in report.items]


def _lint(data: bytes, filename: str, forms, report: Report) -> None:
    root = _parse(data, report)
    if root is None:
        return
    _check_ids(root, report)
    _check_expressions(root, report)
    processes = _check_processes(root, report)
    for process in processes:
        check_process(View(root, process, forms, report), RULES)
    if processes and not any(item[2] in _ENGINE_CODES for item in report.items):
        _check_engine(data, filename, processes[0].get("id"), report)


def errors(findings: list[Finding]) -> list[Finding]:
    """The findings that stop a deploy."""
    return [f for f in findings if f.severity == ERROR]


def _parse(data, report: Report):
    """The safe parser of the engine; a refusal is the only finding, as nothing else can be read."""
    try:
        return safe_xml.parse_bpmn(data)
    except DiagramRejected as exc:
        report.error(None, _parse_code(exc), exc.message_id, exc.message_en)
    except (TypeError, ValueError) as exc:
        report.error(None, "xml-malformed", f"Berkas tidak dapat dibaca ({exc}).",
                     f"The file cannot be read ({exc}).")
    return None


def _parse_code(exc: DiagramRejected) -> str:
    text = exc.message_en
    if "DOCTYPE" in text:
        return "xml-unsafe"
    if "bpmn:definitions" in text:
        return "not-bpmn"
    if "over the limit" in text:
        return "file-too-large"
    return "xml-malformed"


def _check_ids(root, report: Report) -> None:
    """Like the engine's check, but reporting every reserved or repeated id."""
    seen: set[str] = set()
    for el in root.iter(etree.Element):
        el_id = el.get("id")
        if el_id is None:
            continue
        tag = etree.QName(el).localname
        if el_id in safe_xml.RESERVED_IDS:
            report.error(
                el_id, "id-reserved",
                f"Elemen {tag} memakai id \"{el_id}\", yang dipakai mesin alur kerja untuk keperluan "
                "internal; ganti, misalnya \"mulai_permohonan\" atau \"selesai_dipublikasikan\".",
                f"Element {tag} uses the id \"{el_id}\", which the workflow engine uses internally; "
                "rename it, e.g. \"mulai_permohonan\" or \"selesai_dipublikasikan\".")
        elif el_id in seen:
            report.error(el_id, "id-duplicate",
                         f"Id \"{el_id}\" dipakai lebih dari sekali; setiap elemen harus ber-id unik.",
                         f"The id \"{el_id}\" is used more than once; every element needs a unique id.")
        seen.add(el_id)


def _expression_units(root):
    """Children of processes and sub-processes (and of the definitions), one check each."""
    for el in root.iter(etree.Element):
        parent = el.getparent()
        if el.tag not in _CONTAINERS and (parent is None or parent.tag in _CONTAINERS):
            yield el


def _check_expressions(root, report: Report) -> None:
    """The engine's sandbox check, element by element, so that every refusal is listed."""
    found = False
    for unit in _expression_units(root):
        found |= _check_expression_unit(unit, report)
    if not found:  # a safety net: whatever the units missed, the whole-file check still sees
        _check_expression_unit(root, report)


def _check_expression_unit(el, report: Report) -> bool:
    try:
        check_diagram_expressions(el, functions=DIAGRAM_FUNCTIONS)
    except ExpressionRejected as exc:
        report.error(exc.detail.get("element_id"), "expression-rejected", exc.message_id, exc.message_en)
        return True
    return False


def _check_processes(root, report: Report) -> list:
    """The processes to check: the executable ones, or all of them when none is (to say more)."""
    processes = root.findall(f"{{{BPMN}}}process")
    if not processes:
        report.error(None, "process-missing", "Diagram tidak memuat proses (bpmn:process).",
                     "The diagram holds no process (bpmn:process).")
        return []
    executable = [p for p in processes if p.get("isExecutable") == "true" and p.get("id")]
    if not executable:
        for p in processes:
            report.error(p.get("id"), "process-not-executable",
                         f"Proses \"{p.get('name') or p.get('id')}\" tidak ditandai dapat dijalankan; "
                         "setel isExecutable=\"true\".",
                         f"The process \"{p.get('name') or p.get('id')}\" is not marked executable; "
                         "set isExecutable=\"true\".")
        return [p for p in processes if p.get("id")]
    if len(executable) > 1:
        report.warning(executable[1].get("id"), "process-several",
                       "Satu berkas berisi lebih dari satu proses yang dapat dijalankan; "
                       "buat satu berkas per prosedur.",
                       "The file holds more than one executable process; write one file per procedure.")
    return executable


def _check_engine(data: bytes, filename: str, process_id: str | None, report: Report) -> None:
    """What only the engine itself knows: whether it can build and instantiate the process."""
    try:
        load_diagram(data, filename or "diagram.bpmn")
    except DiagramRejected as exc:
        report.error(exc.detail.get("element_id") or process_id, "engine-rejected",
                     exc.message_id, exc.message_en)
    except Exception as exc:  # noqa: BLE001 - lint never raises; the engine may fail oddly on odd input
        report.error(process_id, "engine-rejected",
                     f"Mesin alur kerja tidak dapat membaca diagram ({type(exc).__name__}: {exc}).",
                     f"The workflow engine cannot read the diagram ({type(exc).__name__}: {exc}).")


# -- the process as a whole: identity, lanes, flows, starts ------------------------------------

def rule_identity(v: View) -> None:
    """The SOP's identity block, the agency, the pool, the escalation lane and the report list."""
    props, pid, report = properties(v.process), v.pid, v.report
    if not (v.process.get("name") or "").strip():
        report.warning(pid, "process-unnamed", "Proses tidak bernama; beri nama SOP-nya.",
                       "The process has no name; give it the SOP's name.")
    pools = v.root.iterfind("bpmn:collaboration/bpmn:participant", NS)
    if not any(pool.get("processRef") == pid for pool in pools):
        report.warning(pid, "pool-missing", "Proses tidak berada dalam kolam (bpmn:participant).",
                       "The process is not inside a pool (bpmn:participant).")
    missing = ", ".join(k for k in PROPERTIES if k not in props)
    if missing:
        report.warning(pid, "identity-missing", f"Blok identitas SOP tidak memuat {missing}.",
                       f"The SOP identity block lacks {missing}.")
    if not props.get("alur.agency", "").strip():
        report.error(pid, "agency-missing", "Proses tidak menyebut instansinya (properti alur.agency).",
                     "The process does not name its agency (property alur.agency).")
    eskalasi = props.get("alur.eskalasi", "").strip()
    if eskalasi and eskalasi not in {(lane.get("name") or "").strip() for lane in v.lanes}:
        report.error(pid, "eskalasi-lane-unknown",
                     f"alur.eskalasi \"{eskalasi}\" bukan nama lajur proses ini.",
                     f"alur.eskalasi \"{eskalasi}\" is not the name of a lane of this process.")
    daftar, fields = props.get("alur.laporan.daftar", "").strip(), v.fields()
    unknown = not daftar or (fields is not None and daftar not in fields)
    if props.get("alur.laporan.sumber", "").strip() and unknown:
        report.warning(pid, "laporan-field-unknown",
                       f"alur.laporan.daftar \"{daftar}\" bukan isian formulir proses ini.",
                       f"alur.laporan.daftar \"{daftar}\" is not a field of this process's forms.")


def rule_interpretations(v: View) -> None:
    """An element the seed SOP does not draw says why it is there (alur.tafsiran); the modeler
    and bpmn/README.md show that reason, so an empty one hides an interpretation."""
    for el in list(v.nodes.values()) + v.flows:
        if "alur.tafsiran" in properties(el) and not properties(el)["alur.tafsiran"].strip():
            v.report.warning(el, "interpretation-unexplained",
                             "ditandai sebagai tafsiran (alur.tafsiran) tanpa alasan; tulis alasannya.",
                             "is marked as an interpretation (alur.tafsiran) without a reason; write it.")


def rule_lanes(v: View) -> None:
    """One lane per actor, named as the SOP's column (the role that works it); each node in one lane."""
    if not v.lanes:
        v.report.error(v.pid, "lanes-missing",
                       "Proses tidak memiliki lajur; buat satu lajur per pelaksana SOP.",
                       "The process has no lanes; add one lane per actor of the SOP.")
        return
    seen: set[str] = set()
    for lane in v.lanes:
        name = (lane.get("name") or "").strip()
        if not name:
            v.report.error(lane, "lane-unnamed", "tidak bernama; namanya adalah peran pelaksananya.",
                           "has no name; its name is the role that works it.")
        elif name in seen:
            v.report.error(lane, "lane-name-duplicate", "memakai nama yang sudah dipakai lajur lain.",
                           "has a name another lane already has.")
        seen.add(name)
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            if (ref.text or "").strip() not in v.nodes:
                v.report.warning(lane, "lane-ref-unknown", f"merujuk elemen yang tidak ada: {ref.text}.",
                                 f"refers to a missing element: {ref.text}.")
    for node_id, node in v.nodes.items():
        count, task = len(v.lanes_of.get(node_id, [])), local(node) == "userTask"
        if count == 0 and task:
            v.report.error(node, "task-outside-lane", "tidak berada di lajur mana pun; tidak ada yang dapat "
                           "mengerjakannya.", "lies in no lane; nobody could work it.")
        elif count == 0:
            v.report.warning(node, "node-outside-lane", "tidak berada di lajur mana pun.", "lies in no lane.")
        elif count > 1:
            (v.report.error if task else v.report.warning)(
                node, "task-in-several-lanes" if task else "node-in-several-lanes",
                f"berada di {count} lajur; seharusnya tepat satu.",
                f"lies in {count} lanes; it must be in one.")


def rule_flows(v: View) -> None:
    """A flow joins two nodes of its process (the engine's word for a dangling one is cryptic)."""
    for flow in v.flows:
        ends = (flow.get("sourceRef"), flow.get("targetRef"))
        dangling = ", ".join(str(end) for end in ends if end not in v.nodes)
        if dangling:
            v.report.error(flow, "flow-ref-unknown", f"merujuk elemen yang tidak ada: {dangling}.",
                           f"refers to missing elements: {dangling}.")


def rule_starts(v: View) -> None:
    """A start event exists; a timer start needs a recurrence, or the scheduler never starts it."""
    starts = v.of_kind("startEvent")
    if not starts:
        v.report.error(v.pid, "start-missing", "Proses tidak memiliki peristiwa mulai.",
                       "The process has no start event.")
    for start in starts:
        kode = properties(start).get("sop.waktu.kode", "").strip()
        standard = parse_kode_of(v, start, kode) if kode else None
        timer = start.find("bpmn:timerEventDefinition", NS) is not None
        if timer and (not kode or standard is not None) and not isinstance(standard, Recurrence):
            v.report.error(start, "timer-start-unscheduled", "adalah timer tanpa jadwal berulang: isi "
                           "sop.waktu.kode, misalnya R/P1M/W1, agar penjadwal memulai prosesnya.",
                           "is a timer without a recurrence: set sop.waktu.kode, e.g. R/P1M/W1, so that the "
                           "scheduler starts the process.")


# -- layout (BPMN DI): what the modeler and the printed SOP show; the engine never reads it ------

TOL = 3  # pixels


def rule_layout(v: View) -> None:
    """Every node, lane and flow drawn; shapes inside their lane and apart; edges on their shapes."""
    boxes = {s.get("bpmnElement"): _bounds(s.find("dc:Bounds", NS))
             for s in v.root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement"): _points(e) for e in v.root.iterfind(".//bpmndi:BPMNEdge", NS)}
    if not any(boxes.values()) and not any(edges.values()):
        v.report.warning(v.pid, "di-missing", "Diagram tidak memiliki tata letak (BPMN DI).",
                         "The diagram has no layout (BPMN DI).")
        return
    for el in [*v.nodes.values(), *v.lanes, *v.flows]:
        if not (edges if local(el) == "sequenceFlow" else boxes).get(el.get("id")):
            v.report.warning(el, "di-missing", "tidak digambar di diagram.", "is not drawn in the diagram.")
    placed = [(node_id, node, boxes[node_id]) for node_id, node in v.nodes.items() if boxes.get(node_id)]
    for node_id, node, box in placed:
        lanes = v.lanes_of.get(node_id, [])
        lane_box = boxes.get(lanes[0].get("id")) if len(lanes) == 1 else None
        if lane_box and not _inside(box, lane_box):
            v.report.warning(node, "shape-outside-lane", "digambar di luar lajurnya.",
                             "is drawn outside its lane.")
    attached = {(n.get("id"), n.get("attachedToRef")) for n in v.of_kind("boundaryEvent")}
    for index, (a_id, _, a) in enumerate(placed):
        for b_id, b_node, b in placed[index + 1:]:
            if (a_id, b_id) not in attached and (b_id, a_id) not in attached and _overlap(a, b):
                v.report.warning(b_node, "shapes-overlap", f"menumpuk {a_id}.", f"overlaps {a_id}.")
    for flow in v.flows:
        points, ends = edges.get(flow.get("id")), (flow.get("sourceRef"), flow.get("targetRef"))
        if not points or not all(boxes.get(end) and end in v.nodes for end in ends):
            continue
        if not (_touches(points[0], boxes[ends[0]], local(v.nodes[ends[0]]))
                and _touches(points[-1], boxes[ends[1]], local(v.nodes[ends[1]]))):
            v.report.warning(flow, "edge-detached", "tidak menyentuh bentuk asal atau tujuannya.",
                             "does not touch its source or target shape.")
    for event_id, host in attached:
        if boxes.get(event_id) and boxes.get(host) and not _on_border(boxes[event_id], boxes[host]):
            v.report.warning(v.nodes[event_id], "boundary-detached", f"tidak berada di tepi tugas {host}.",
                             f"is not on the border of the task {host}.")


def _bounds(el) -> tuple[float, float, float, float] | None:
    try:
        return tuple(float(el.get(k)) for k in ("x", "y", "width", "height"))
    except (AttributeError, TypeError, ValueError):
        return None


def _points(edge) -> list[tuple[float, float]] | None:
    try:
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
    except (TypeError, ValueError):
        return None
    return points if len(points) >= 2 else None


def _inside(box, outer) -> bool:
    (x, y, w, h), (ox, oy, ow, oh) = box, outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def _overlap(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _touches(point, box, kind: str) -> bool:
    """Whether an edge's end lies on the shape: its box, or the diamond or circle drawn in it."""
    (px, py), (x, y, w, h) = point, box
    if not (x - TOL <= px <= x + w + TOL and y - TOL <= py <= y + h + TOL):
        return False
    if min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) <= TOL:
        return True
    dx, dy, rx, ry = abs(px - x - w / 2), abs(py - y - h / 2), w / 2, h / 2
    if kind.endswith("Gateway"):  # distance to the diamond's side
        return abs(dx * ry + dy * rx - rx * ry) / math.hypot(rx, ry) <= TOL
    if kind.endswith("Event"):
        return abs(math.hypot(dx, dy) - rx) <= TOL
    return False


def _on_border(event, host) -> bool:
    """A boundary event is centred on its task's border."""
    (cx, cy), (x, y, w, h) = (event[0] + event[2] / 2, event[1] + event[3] / 2), host
    return (min(abs(cx - x), abs(cx - x - w)) <= TOL and y <= cy <= y + h) or \
        (min(abs(cy - y), abs(cy - y - h)) <= TOL and x <= cx <= x + w)


# Forms first: the later rules read the schemas it loaded.
RULES = (rule_forms, rule_identity, rule_interpretations, rule_lanes, rule_flows, rule_starts, rule_tasks,
         rule_sheet, rule_gateways, rule_deadline_timers, rule_layout)
