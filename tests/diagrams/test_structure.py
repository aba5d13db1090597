"""Structural checks for every diagram in bpmn/.

The server, the inbox and the audit rely on the conventions of docs/authoring-sops.md; these tests
check the ones a machine can check, for every *.bpmn file, so that a new diagram is covered as soon
as it lands in bpmn/.
"""
import json
import math
import re
from functools import lru_cache
from itertools import combinations
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from lxml import etree
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from server.engine.expressions import check_diagram_expressions
from server.errors import ExpressionRejected

REPO = Path(__file__).resolve().parents[2]
FORMS = REPO / "forms"
BPMN_FILES = sorted((REPO / "bpmn").glob("*.bpmn"))

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {
    "bpmn": BPMN_NS,
    "bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
    "dc": "http://www.omg.org/spec/DD/20100524/DC",
    "di": "http://www.omg.org/spec/DD/20100524/DI",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FLOW_NODES = {
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
    "businessRuleTask", "subProcess", "callActivity", "transaction",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway",
}
IDENTITY = [
    "sop.instansi", "sop.nomor", "sop.nama", "sop.tanggal_pembuatan", "sop.tanggal_revisi",
    "sop.tanggal_efektif", "sop.disahkan_oleh", "sop.dasar_hukum", "sop.kualifikasi_pelaksana",
    "sop.keterkaitan", "sop.peralatan_perlengkapan", "sop.peringatan", "sop.pencatatan_pendataan",
    "alur.agency",
]
TASK_PROPERTIES = ["sop.no", "sop.kelengkapan", "sop.waktu", "sop.waktu.kode", "sop.output"]
# Machine forms of Waktu (docs/authoring-sops.md, "Machine form of Waktu").
SIMPLE_KODE = re.compile(r"PT\d+[MH]|P\d+[DWM]|H[+-]\d+|R/P1M/W[1-5]")
TOL = 3  # pixels
# Functions Alur registers for diagram expressions (server/engine/specs.py, DIAGRAM_FUNCTIONS).
DIAGRAM_FUNCTIONS = {"tenggat"}
ESKALASI = "Eskalasi"  # name of the end event a deadline timer leads to


def parse_xml(path):
    """Parse without entities, DTDs or network: diagrams are uploaded by users."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, remove_comments=True)
    return etree.parse(str(path), parser).getroot()


def local(el):
    return etree.QName(el).localname


@lru_cache(maxsize=None)
def load(path):
    root = parse_xml(path)
    process = root.find("bpmn:process[@isExecutable='true']", NS)
    return root, process


def properties(el):
    return {p.get("name"): p.get("value") for p in el.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}


def flow_nodes(process):
    return [el for el in process.iter(f"{{{BPMN_NS}}}*") if local(el) in FLOW_NODES]


def bounds(root):
    """bpmnElement id -> (x, y, w, h) of its shape."""
    out = {}
    for shape in root.iterfind(".//bpmndi:BPMNShape", NS):
        b = shape.find("dc:Bounds", NS)
        out[shape.get("bpmnElement")] = tuple(float(b.get(k)) for k in ("x", "y", "width", "height"))
    return out


def leaf_lanes(process):
    return [lane for lane in process.iter(f"{{{BPMN_NS}}}lane") if lane.find("bpmn:childLaneSet", NS) is None]


def load_form(filename):
    return json.loads((FORMS / filename).read_text(encoding="utf-8"))


def process_forms(process):
    """All forms the process references, by element id."""
    out = {}
    for el in flow_nodes(process):
        name = properties(el).get("formJsonSchemaFilename")
        if name and (FORMS / name).is_file():
            out[el.get("id")] = load_form(name)
    return out


params = pytest.mark.parametrize("path", BPMN_FILES, ids=[p.name for p in BPMN_FILES])


@params
def test_one_executable_process_in_one_pool(path):
    root, process = load(path)
    assert len(root.findall("bpmn:process[@isExecutable='true']", NS)) == 1
    participants = root.findall("bpmn:collaboration/bpmn:participant", NS)
    assert [p.get("processRef") for p in participants] == [process.get("id")]
    assert process.get("name"), "the process name is the SOP's name"


@params
def test_spiffworkflow_parses_and_instantiates(path):
    """Parse like the server does; BpmnWorkflow() catches what parsing lets through (ids Start/End)."""
    root, process = load(path)
    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(root, filename=path.name)
    pid = process.get("id")
    BpmnWorkflow(parser.get_spec(pid), parser.get_subprocess_specs(pid))


@params
def test_no_reserved_ids(path):
    root, _ = load(path)
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert not {"Start", "End"} & set(ids)
    assert len(ids) == len(set(ids)), "ids must be unique"


@params
def test_every_element_has_di(path):
    root, process = load(path)
    shapes = {s.get("bpmnElement") for s in root.iterfind(".//bpmndi:BPMNShape", NS)}
    edges = {e.get("bpmnElement") for e in root.iterfind(".//bpmndi:BPMNEdge", NS)}
    missing = [el.get("id") for el in flow_nodes(process) + leaf_lanes(process) if el.get("id") not in shapes]
    missing += [f.get("id") for f in process.iter(f"{{{BPMN_NS}}}sequenceFlow") if f.get("id") not in edges]
    assert not missing


@params
def test_every_flow_node_in_exactly_one_lane_and_inside_it(path):
    root, process = load(path)
    box = bounds(root)
    lanes = leaf_lanes(process)
    assert lanes, "one lane per actor column"
    refs = {}
    for lane in lanes:
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            refs.setdefault(ref.text.strip(), []).append(lane)
    for node in flow_nodes(process):
        nid = node.get("id")
        assert len(refs.get(nid, [])) == 1, f"{nid} must be in exactly one lane"
        lx, ly, lw, lh = box[refs[nid][0].get("id")]
        x, y, w, h = box[nid]
        inside = lx <= x and ly <= y and x + w <= lx + lw and y + h <= ly + lh
        assert inside, f"{nid} lies outside its lane {refs[nid][0].get('name')!r}"


@params
def test_flow_node_shapes_do_not_overlap(path):
    root, process = load(path)
    box = bounds(root)
    nodes = flow_nodes(process)
    attached = {(n.get("id"), n.get("attachedToRef")) for n in nodes if local(n) == "boundaryEvent"}
    for a, b in combinations(nodes, 2):
        pair = (a.get("id"), b.get("id"))
        if pair in attached or pair[::-1] in attached:
            continue  # a boundary event sits on its own task's border by design (and on no other shape)
        ax, ay, aw, ah = box[pair[0]]
        bx, by, bw, bh = box[pair[1]]
        overlap = ax < bx + bw and bx < ax + aw and ay < by + bh and by < ay + ah
        assert not overlap, f"{pair[0]} overlaps {pair[1]}"


@params
def test_boundary_events_sit_on_their_task_border(path):
    root, process = load(path)
    box = bounds(root)
    for event in process.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        x, y, w, h = box[event.get("id")]
        centre = (x + w / 2, y + h / 2)
        tx, ty, tw, th = box[event.get("attachedToRef")]
        on_edge = (min(abs(centre[0] - tx), abs(centre[0] - tx - tw)) <= TOL and ty <= centre[1] <= ty + th) or \
                  (min(abs(centre[1] - ty), abs(centre[1] - ty - th)) <= TOL and tx <= centre[0] <= tx + tw)
        assert on_edge, f"{event.get('id')} is not centred on the border of {event.get('attachedToRef')}"


def on_outline(point, box, kind):
    """True when point touches the shape: its bounds, or the diamond/circle drawn inside them."""
    (px, py), (x, y, w, h) = point, box
    if not (x - TOL <= px <= x + w + TOL and y - TOL <= py <= y + h + TOL):
        return False
    if min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) <= TOL:
        return True
    dx, dy, rx, ry = abs(px - x - w / 2), abs(py - y - h / 2), w / 2, h / 2
    if kind.endswith("Gateway"):
        return abs(dx * ry + dy * rx - rx * ry) / math.hypot(rx, ry) <= TOL
    if kind.endswith("Event"):
        return abs(math.hypot(dx, dy) - rx) <= TOL
    return False


@params
def test_edges_touch_their_shapes(path):
    root, process = load(path)
    box = bounds(root)
    kinds = {n.get("id"): local(n) for n in flow_nodes(process)}
    for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        edge = root.find(f".//bpmndi:BPMNEdge[@bpmnElement='{flow.get('id')}']", NS)
        points = [(float(p.get("x")), float(p.get("y"))) for p in edge.findall("di:waypoint", NS)]
        assert len(points) >= 2
        src, dst = flow.get("sourceRef"), flow.get("targetRef")
        assert on_outline(points[0], box[src], kinds[src]), f"{flow.get('id')} does not start on {src}"
        assert on_outline(points[-1], box[dst], kinds[dst]), f"{flow.get('id')} does not end on {dst}"


@params
def test_forms_exist_and_are_valid_schemas(path):
    _, process = load(path)
    pid = process.get("id")
    for node in flow_nodes(process):
        kind, nid = local(node), node.get("id")
        filename = properties(node).get("formJsonSchemaFilename")
        if kind == "userTask":
            assert filename, f"user task {nid} has no form"
        if not filename:
            continue
        assert filename == f"{pid}/{nid}.schema.json", "forms/<process_id>/<element_id>.schema.json"
        assert (FORMS / filename).is_file(), f"missing forms/{filename}"
        schema = load_form(filename)
        Draft202012Validator.check_schema(schema)
        assert schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
        assert schema.get("type") == "object" and schema.get("additionalProperties") is False
        if kind == "userTask":
            assert "catatan" in schema["properties"], f"{nid}: every task form has catatan"
        if kind == "startEvent":
            assert "judul" in schema.get("required", []), f"{nid}: every start form asks for judul"


@params
def test_exclusive_gateway_flows_are_named_and_conditioned(path):
    _, process = load(path)
    flows = list(process.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    forms = process_forms(process)
    kinds = {n.get("id"): local(n) for n in flow_nodes(process)}
    for gw in process.iter(f"{{{BPMN_NS}}}exclusiveGateway"):
        gid = gw.get("id")
        assert not gw.get("default"), f"{gid}: no default flows, every path is explicit"
        out = [f for f in flows if f.get("sourceRef") == gid]
        conditions = {}
        for f in out:
            cond = f.find("bpmn:conditionExpression", NS)
            assert f.get("name"), f"{f.get('id')} needs the seed's label as name"
            assert cond is not None and (cond.text or "").strip(), f"{f.get('id')} needs a condition"
            m = re.fullmatch(r'\s*keputusan\s*==\s*"([^"]*)"\s*', cond.text)
            if m:
                conditions[m.group(1)] = f.get("name")
        # A decision gateway right after a deciding task: one flow per label of its form, named by it.
        incoming = [f.get("sourceRef") for f in flows if f.get("targetRef") == gid]
        decider = incoming[0] if len(incoming) == 1 else None
        if conditions and kinds.get(decider) == "userTask" and decider in forms:
            keputusan = forms[decider]["properties"].get("keputusan", {})
            assert "keputusan" in forms[decider].get("required", []), f"{decider}: keputusan is required"
            assert sorted(conditions) == sorted(keputusan.get("enum", [])), f"{gid}: one flow per label"
            assert all(label == name for label, name in conditions.items()), f"{gid}: flow name = label"


def check_kode(kode, fields):
    """Check a sop.waktu.kode against the conventions; return the simple forms it uses."""
    if "=" not in kode:
        assert SIMPLE_KODE.fullmatch(kode), f"unknown Waktu kode {kode!r}"
        return [kode]
    field, alternatives = kode.split("=", 1)
    assert field in fields, f"kode depends on {field!r}, which no form of the process asks for"
    used = []
    for alt in alternatives.split("|"):
        value, simple = alt.rsplit(":", 1)
        assert value in fields[field].get("enum", []), f"{value!r} is not a choice of {field}"
        assert SIMPLE_KODE.fullmatch(simple), f"unknown Waktu kode {simple!r}"
        used.append(simple)
    return used


@params
def test_user_tasks_carry_the_sop_row(path):
    _, process = load(path)
    node_ids = {n.get("id") for n in flow_nodes(process)}
    fields = {}
    for schema in process_forms(process).values():
        fields.update(schema.get("properties", {}))
    for task in process.iter(f"{{{BPMN_NS}}}userTask"):
        tid, props = task.get("id"), properties(task)
        doc = task.find("bpmn:documentation", NS)
        assert doc is not None and (doc.text or "").strip(), f"{tid}: documentation = the full Kegiatan"
        missing = [k for k in TASK_PROPERTIES if k not in props]
        assert not missing, f"{tid} lacks {missing}"
        assert props["sop.no"].strip(), f"{tid}: sop.no"
        kode, waktu = props["sop.waktu.kode"], props["sop.waktu"]
        assert bool(kode) == bool(waktu.strip()), f"{tid}: a kode exactly where the seed gives a Waktu"
        if kode and any(k.startswith("H") for k in check_kode(kode, fields)):
            acuan = props.get("sop.waktu.acuan", "")
            if acuan.startswith("selesai:"):
                assert acuan[len("selesai:"):] in node_ids, f"{tid}: {acuan} names no element"
            else:
                assert fields.get(acuan, {}).get("format") == "date", f"{tid}: sop.waktu.acuan must name a date field"


@params
def test_process_has_identity_block(path):
    _, process = load(path)
    props = properties(process)
    missing = [k for k in IDENTITY if k not in props]
    assert not missing, f"identity block lacks {missing}"
    assert props["alur.agency"] and props["sop.nama"]


def deadline_timers(process):
    """attachedToRef -> the timer boundary events on that task."""
    out = {}
    for event in process.iter(f"{{{BPMN_NS}}}boundaryEvent"):
        if event.find("bpmn:timerEventDefinition", NS) is not None:
            out.setdefault(event.get("attachedToRef"), []).append(event)
    return out


@params
def test_tasks_with_a_time_standard_have_a_deadline_timer(path):
    """A task with a sop.waktu.kode shows its escalation: a non-interrupting timer at tenggat("<id>")."""
    _, process = load(path)
    timers = deadline_timers(process)
    tasks = list(process.iter(f"{{{BPMN_NS}}}userTask"))
    assert set(timers) <= {t.get("id") for t in tasks}, "deadline timers sit on user tasks"
    for task in tasks:
        tid = task.get("id")
        if not properties(task).get("sop.waktu.kode"):
            assert tid not in timers, f"{tid} has no time standard, so no deadline timer"
            continue
        assert len(timers.get(tid, [])) == 1, f"{tid}: exactly one deadline timer"
        (event,) = timers[tid]
        assert event.get("cancelActivity") == "false", f"{event.get('id')}: non-interrupting"
        defs = event.findall("bpmn:timerEventDefinition", NS)
        assert len(defs) == 1 and len(defs[0]) == 1, f"{event.get('id')}: one timer definition, one value"
        date = defs[0].find("bpmn:timeDate", NS)
        assert date is not None and date.text == f'tenggat("{tid}")', f"{event.get('id')}: timeDate"


@params
def test_deadline_timers_lead_to_an_eskalasi_end_in_the_tasks_lane(path):
    _, process = load(path)
    lane = {ref.text.strip(): l.get("id") for l in leaf_lanes(process) for ref in l.findall("bpmn:flowNodeRef", NS)}
    nodes = {n.get("id"): n for n in flow_nodes(process)}
    flows = list(process.iter(f"{{{BPMN_NS}}}sequenceFlow"))
    timer_ids = {e.get("id") for events in deadline_timers(process).values() for e in events}
    for tid, events in deadline_timers(process).items():
        for event in events:
            eid = event.get("id")
            assert lane[eid] == lane[tid], f"{eid} lies in its task's lane"
            out = [f for f in flows if f.get("sourceRef") == eid]
            assert len(out) == 1, f"{eid}: one outgoing flow"
            end = nodes[out[0].get("targetRef")]
            assert local(end) == "endEvent" and end.get("name") == ESKALASI, f"{eid} leads to an Eskalasi end"
            assert lane[end.get("id")] == lane[tid], f"{end.get('id')} lies in its task's lane"
    # An Eskalasi end is reached from a deadline timer only: never a process outcome.
    for end in process.iter(f"{{{BPMN_NS}}}endEvent"):
        if end.get("name") == ESKALASI:
            sources = {f.get("sourceRef") for f in flows if f.get("targetRef") == end.get("id")}
            assert len(sources) == 1 and sources <= timer_ids, f"{end.get('id')}: only a deadline timer leads here"


@params
def test_expressions_pass_the_deploy_check(path):
    """What the server checks at deploy: tenggat is a registered function, nothing else is called."""
    root, process = load(path)
    check_diagram_expressions(root, functions=DIAGRAM_FUNCTIONS)
    if deadline_timers(process):
        with pytest.raises(ExpressionRejected):
            check_diagram_expressions(root, functions=())  # proof the check above saw tenggat
