"""The draft's BPMN text from an interpreted procedure: one pool, a lane per actor column, a user
task per row with its Mutu Baku, gateways with labelled, conditioned flows, the terminators, the
tenggat markers, forms embedded as `<alur:form>`, and the layout (layout.py). The rules are
docs/authoring-sops.md; every guess carries `alur.tafsiran`."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..embedded_forms import ALUR, dump_form
from ..slugs import fresh, slug
from . import forms, layout
from .procedure import Procedure, Step
from .waktu import EVENT_DATE, KIND_FIELD

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NSMAP = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "spiffworkflow": SPIFF, "alur": ALUR}
FORMAL = "bpmn:tFormalExpression"

_QUESTIONS = {"ya": "Disetujui?", "terima": "Diterima?", "setuju": "Disetujui?", "disetujui": "Disetujui?",
              "diterima": "Diterima?", "sesuai": "Sesuai?", "lengkap": "Lengkap?"}


@dataclass
class _Edge:
    id: str
    source: str
    target: str
    name: str = ""
    condition: str = ""
    tafsiran: str = ""


def _q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def _sub(parent, ns: str, tag: str, **attrs):
    return etree.SubElement(parent, _q(ns, tag), {k: str(v) for k, v in attrs.items()})


def _properties(el, props: list[tuple[str, str]], form: dict | None = None) -> None:
    if not props and form is None:
        return
    ext = _sub(el, BPMN, "extensionElements")
    if props:
        holder = _sub(ext, SPIFF, "properties")
        for name, value in props:
            _sub(holder, SPIFF, "property", name=name, value=value)
    if form is not None:
        _sub(ext, ALUR, "form").text = dump_form(form)


def write(proc: Procedure, key: str, process_props: list[tuple[str, str]]) -> str:
    """The BPMN text of `proc` as the process `key`."""
    root = etree.Element(_q(BPMN, "definitions"), nsmap=NSMAP, id=f"defs_{key}",
                         targetNamespace="http://bpmn.io/schema/bpmn", exporter="Alur impor SOP", exporterVersion="1")
    collab = _sub(root, BPMN, "collaboration", id=f"collab_{key}")
    _sub(collab, BPMN, "participant", id=f"pool_{key}", name=proc.name, processRef=key)
    process = _sub(root, BPMN, "process", id=key, name=proc.name, isExecutable="true")
    _properties(process, process_props)
    nodes, edges, markers, kinds = _graph(proc)
    lane_ids = _lane_ids(proc.table.actors)
    lane_set = _sub(process, BPMN, "laneSet", id=f"laneset_{key}")
    lane_of = {n.id: n.lane for n in nodes}
    lane_of.update({m: lane_of[t] for m, t in markers.items()})
    for index, (name, lane_id) in enumerate(zip(proc.table.actors, lane_ids)):
        lane = _sub(lane_set, BPMN, "lane", id=lane_id, name=name)
        for node_id in [n.id for n in nodes] + list(markers):
            if lane_of[node_id] == index:
                _sub(lane, BPMN, "flowNodeRef").text = node_id
    incoming: dict[str, list[str]] = {}
    outgoing: dict[str, list[str]] = {}
    for e in edges:
        outgoing.setdefault(e.source, []).append(e.id)
        incoming.setdefault(e.target, []).append(e.id)
    for node in nodes:
        kinds[node.id](process, node.id, incoming.get(node.id, []), outgoing.get(node.id, []))
        for marker, task in markers.items():
            if task == node.id:
                ev = _sub(process, BPMN, "boundaryEvent", id=marker, attachedToRef=task, cancelActivity="false")
                timer = _sub(ev, BPMN, "timerEventDefinition", id=f"timer_{marker}")
                date = _sub(timer, BPMN, "timeDate", **{_q(XSI, "type"): FORMAL})
                date.text = f'tenggat("{task}")'
    for e in edges:
        flow = _sub(process, BPMN, "sequenceFlow", id=e.id, sourceRef=e.source, targetRef=e.target,
                    **({"name": e.name} if e.name else {}))
        _properties(flow, [("alur.tafsiran", e.tafsiran)] if e.tafsiran else [])
        if e.condition:
            _sub(flow, BPMN, "conditionExpression", **{_q(XSI, "type"): FORMAL}).text = e.condition
    drawing = layout.lay_out(nodes, [layout.Flow(e.id, e.source, e.target) for e in edges],
                             len(proc.table.actors), markers)
    _diagram(root, key, lane_ids, drawing)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True).decode("utf-8")


def _lane_ids(actors: list[str]) -> list[str]:
    taken: set[str] = set()
    return [fresh(f"lane_{slug(actor, limit=50)}" if slug(actor) else f"lane_{index}", taken)
            for index, actor in enumerate(actors, 1)]


def _graph(proc: Procedure):
    """Nodes in column order, edges, tenggat markers, and how to write each node."""
    nodes: list[layout.Node] = []
    edges: list[_Edge] = []
    markers: dict[str, str] = {}
    kinds: dict = {}
    ids: set[str] = set()

    def edge(source: str, target: str, short_s: str, short_t: str, **kw) -> None:
        edges.append(_Edge(fresh(f"f_{short_s}_{short_t}", ids), source, target, **kw))

    start, end = proc.start, proc.end
    taken = {start.id, end.id} | {s.id for s in proc.steps} | {f"batas_{s.id}" for s in proc.steps}
    nodes.append(layout.Node(start.id, "event", start.column))
    kinds[start.id] = _start_writer(proc)
    previous, prev_short = start.id, "mulai"
    for step in proc.steps:
        short = step.id.split("_")[0]
        nodes.append(layout.Node(step.id, "task", step.column))
        kinds[step.id] = _task_writer(proc, step)
        if step.waktu.kode:
            markers[f"batas_{step.id}"] = step.id
        if previous is not None:
            edge(previous, step.id, prev_short, short, name=step.flow_label)
        previous, prev_short = step.id, short
        d = step.decision
        if d is None:
            continue
        gateway = fresh(f"g{short[1:]}_{slug(_question(d.accept), 3) or 'keputusan'}", taken)
        nodes.append(layout.Node(gateway, "gateway", step.column))
        kinds[gateway] = _gateway_writer(_question(d.accept), d.why.id if d.why.guessed else "")
        edge(step.id, gateway, short, f"g{short[1:]}")
        target = proc.step_of(d.target)
        back_tafsiran = " ".join(r for r in (
            "" if d.reject_printed else f"SOP tidak mencetak label \"{d.reject}\"; diambil dari kata-kata baris {step.no}.",
            d.target_reason.id if d.target_reason and d.target_reason.guessed else "") if r)
        if d.ending is not None:
            second = fresh(f"g{short[1:]}b_{slug(d.ending.question, 3)}", taken)
            end_id = fresh(f"selesai_{slug(d.ending.end_name, 3)}", taken)
            lane = d.ending.column if d.ending.column >= 0 else step.column
            nodes.append(layout.Node(second, "gateway", step.column))
            nodes.append(layout.Node(end_id, "event", lane))
            kinds[second] = _gateway_writer(d.ending.question, d.ending.reason.id)
            kinds[end_id] = _end_writer(d.ending.end_name, "", d.ending.reason.id)
            edge(gateway, second, f"g{short[1:]}", f"g{short[1:]}b", name=d.reject,
                 condition=f'keputusan == "{d.reject}"', tafsiran=back_tafsiran)
            edge(second, end_id, f"g{short[1:]}b", "selesai", name="Ya", condition=f"{d.ending.field} == True",
                 tafsiran=d.ending.reason.id)
            edge(second, target.id, f"g{short[1:]}b", target.id.split("_")[0], name="Tidak",
                 condition=f"{d.ending.field} == False", tafsiran=d.ending.reason.id)
        else:
            edge(gateway, target.id, f"g{short[1:]}", target.id.split("_")[0], name=d.reject,
                 condition=f'keputusan == "{d.reject}"', tafsiran=back_tafsiran)
        previous, prev_short = None, ""
        accept_tafsiran = "" if d.accept_printed else (
            f"SOP tidak mencetak label \"{d.accept}\" untuk keputusan baris {step.no}; label diambil sebagai "
            f"pasangan \"{d.reject}\".")
        following = _next_step(proc, step)
        target_id = following.id if following is not None else end.id
        edge(gateway, target_id, f"g{short[1:]}", target_id.split("_")[0], name=d.accept,
             condition=f'keputusan == "{d.accept}"', tafsiran=accept_tafsiran)
    nodes.append(layout.Node(end.id, "event", end.column))
    kinds[end.id] = _end_writer(end.name, end.baris, end.reason.id if end.reason else "")
    if previous is not None:
        edge(previous, end.id, prev_short, "selesai")
    return nodes, edges, markers, kinds


def _next_step(proc: Procedure, step: Step) -> Step | None:
    index = proc.steps.index(step)
    return proc.steps[index + 1] if index + 1 < len(proc.steps) else None


def _question(accept: str) -> str:
    return _QUESTIONS.get(accept.lower(), f"{accept[:1].upper()}{accept[1:].lower()}?")


# -- the nodes ---------------------------------------------------------------------------------

def _start_needs(proc: Procedure) -> tuple[bool, tuple[str, ...]]:
    event_date = any(s.waktu.acuan == EVENT_DATE for s in proc.steps)
    kinds = next((s.waktu.kinds for s in proc.steps if s.waktu.kinds), ())
    return event_date, kinds


def _refs(el, incoming: list[str], outgoing: list[str]) -> None:
    for ref in incoming:
        _sub(el, BPMN, "incoming").text = ref
    for ref in outgoing:
        _sub(el, BPMN, "outgoing").text = ref


def _start_writer(proc: Procedure):
    start = proc.start

    def write_start(process, node_id, incoming, outgoing):
        el = _sub(process, BPMN, "startEvent", id=start.id, name=start.name)
        props = []
        if start.timer:
            props += [("sop.waktu", start.timer[0]), ("sop.waktu.kode", start.timer[1])]
        if start.baris:
            props.append(("sop.baris", start.baris))
        if start.reason is not None and start.reason.guessed:
            props.append(("alur.tafsiran", start.reason.id))
        form = None
        if not start.timer:
            event_date, kinds = _start_needs(proc)
            form = forms.start_form(proc.name, event_date, kinds, KIND_FIELD)
        _properties(el, props, form)
        _refs(el, incoming, outgoing)
        if start.timer:
            timer = _sub(el, BPMN, "timerEventDefinition", id=f"{start.id}_timer")
            months = start.timer[1].split("/")[1] if start.timer[1].startswith("R/") else "P1M"
            _sub(timer, BPMN, "timeCycle", **{_q(XSI, "type"): FORMAL}).text = f'"R1/{months}"'
    return write_start


def _end_writer(name: str, baris: str, tafsiran: str):
    def write_end(process, node_id, incoming, outgoing):
        el = _sub(process, BPMN, "endEvent", id=node_id, name=name)
        props = ([("sop.baris", baris)] if baris else []) + ([("alur.tafsiran", tafsiran)] if tafsiran else [])
        _properties(el, props)
        _refs(el, incoming, outgoing)
    return write_end


def _gateway_writer(question: str, tafsiran: str):
    def write_gateway(process, node_id, incoming, outgoing):
        el = _sub(process, BPMN, "exclusiveGateway", id=node_id, name=question)
        _properties(el, [("alur.tafsiran", tafsiran)] if tafsiran else [])
        _refs(el, incoming, outgoing)
    return write_gateway


def _task_writer(proc: Procedure, step: Step):
    def write_task(process, node_id, incoming, outgoing):
        row = step.row
        el = _sub(process, BPMN, "userTask", id=step.id, name=step.name)
        _sub(el, BPMN, "documentation").text = " ".join(row.kegiatan.split())
        props = [("sop.no", step.no)]
        if step.printed:
            props.append(("sop.no.cetak", step.printed))
        for name, value in (("kelengkapan", row.kelengkapan), ("waktu", row.waktu)):
            props.append((f"sop.{name}", value.strip()))
            if row.lists.get(name):
                props.append((f"sop.daftar.{name}", row.lists[name]))
        props.append(("sop.waktu.kode", step.waktu.kode))
        if step.waktu.acuan:
            props.append(("sop.waktu.acuan", step.waktu.acuan))
        elif step.waktu.acuan_row >= 0:
            ref = proc.steps[step.waktu.acuan_row]
            props.append(("sop.waktu.acuan", f"selesai:{ref.id}"))
        props.append(("sop.output", row.output.strip()))
        if row.lists.get("output"):
            props.append(("sop.daftar.output", row.lists["output"]))
        if row.keterangan.strip():
            props.append(("sop.keterangan", row.keterangan.strip()))
            if row.lists.get("keterangan"):
                props.append(("sop.daftar.keterangan", row.lists["keterangan"]))
        guesses = [r.id for r in (step.actor, step.waktu.reason) if r is not None and r.guessed]
        if guesses:
            props.append(("alur.tafsiran", " ".join(guesses)))
        form = forms.task_form(step.name, row.kelengkapan, row.kegiatan)
        if step.decision is not None:
            d = step.decision
            forms.add_decision(form, d.accept, d.reject, d.ending.field if d.ending else "",
                               d.ending.question.rstrip("?") if d.ending else "")
        _properties(el, props, form)
        _refs(el, incoming, outgoing)
    return write_task


# -- the layout --------------------------------------------------------------------------------

def _diagram(root, key: str, lane_ids: list[str], drawing: layout.Drawing) -> None:
    diagram = _sub(root, BPMNDI, "BPMNDiagram", id=f"diagram_{key}")
    plane = _sub(diagram, BPMNDI, "BPMNPlane", id=f"plane_{key}", bpmnElement=f"collab_{key}")

    def shape(element_id, bounds, horizontal=False):
        el = _sub(plane, BPMNDI, "BPMNShape", id=f"{element_id}_di", bpmnElement=element_id,
                  **({"isHorizontal": "true"} if horizontal else {}))
        x, y, w, h = bounds
        _sub(el, DC, "Bounds", x=_n(x), y=_n(y), width=_n(w), height=_n(h))

    shape(f"pool_{key}", drawing.pool, True)
    for lane_id, bounds in zip(lane_ids, drawing.lanes):
        shape(lane_id, bounds, True)
    for element_id, bounds in drawing.shapes.items():
        shape(element_id, bounds)
    for flow_id, points in drawing.edges.items():
        el = _sub(plane, BPMNDI, "BPMNEdge", id=f"{flow_id}_di", bpmnElement=flow_id)
        for x, y in points:
            _sub(el, DI, "waypoint", x=_n(x), y=_n(y))


def _n(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
