"""Small BPMN diagrams written by the tests themselves, so each new sheet property is tested on a
diagram that holds exactly it."""
from __future__ import annotations

from xml.sax.saxutils import quoteattr

from tests.sop.seeds import seed_diagrams


def props(values: dict) -> str:
    if not values:
        return ""
    inner = "".join(f'<spiffworkflow:property name={quoteattr(k)} value={quoteattr(v)}/>' for k, v in values.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"


def diagram(process_id: str, lanes: dict, nodes: list, flows: list, process_props: dict | None = None) -> str:
    """lanes: name -> [node ids]; nodes: (tag, id, name, props); flows: (source, target, name, props).
    Nodes are laid out left to right in list order (DI x), so the fallback ordering can be tested."""
    lane_xml = "".join(
        f'<bpmn:lane id="lane_{i}" name={quoteattr(name)}>' + "".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in ids)
        + "</bpmn:lane>" for i, (name, ids) in enumerate(lanes.items()))
    node_xml = "".join(f'<bpmn:{tag} id="{nid}" name={quoteattr(name)}>{props(p or {})}</bpmn:{tag}>'
                       for tag, nid, name, p in nodes)
    flow_xml = "".join(f'<bpmn:sequenceFlow id="f{i}" sourceRef="{s}" targetRef="{t}"'
                       + (f" name={quoteattr(n)}" if n else "") + f">{props(p or {})}</bpmn:sequenceFlow>"
                       for i, (s, t, n, p) in enumerate(flows))
    shapes = "".join(f'<bpmndi:BPMNShape id="{nid}_di" bpmnElement="{nid}"><dc:Bounds x="{100 + 120 * i}" y="100" '
                     f'width="100" height="80"/></bpmndi:BPMNShape>' for i, (_, nid, _, _) in enumerate(nodes))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="x">'
        f'<bpmn:process id="{process_id}" name="Proses {process_id}" isExecutable="true">{props(process_props or {})}'
        f'<bpmn:laneSet id="ls">{lane_xml}</bpmn:laneSet>{node_xml}{flow_xml}</bpmn:process>'
        f'<bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="{process_id}">{shapes}'
        '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>')


def chain(process_id: str, count: int, *, actors=("A", "B", "C"), process_props=None, task_props=None,
          text: str = "Langkah", start_props=None, end_props=None) -> str:
    """A straight procedure of `count` steps walking over the actor columns, with a start and an end."""
    lanes = {a: [] for a in actors}
    nodes = [("startEvent", "mulai", "Mulai", start_props)]
    lanes[actors[0]].append("mulai")
    for i in range(1, count + 1):
        p = {"sop.no": str(i), "sop.waktu": f"{i} menit", "sop.output": f"Hasil {i}"}
        p.update((task_props or {}).get(i, {}))
        nodes.append(("userTask", f"s{i:02d}", f"{text} {i}", p))
        lanes[actors[(i - 1) % len(actors)]].append(f"s{i:02d}")
    nodes.append(("endEvent", "selesai", "Selesai", end_props))
    lanes[actors[(count - 1) % len(actors)]].append("selesai")
    ids = [n[1] for n in nodes]
    flows = [(a, b, "", None) for a, b in zip(ids, ids[1:])]
    return diagram(process_id, lanes, nodes, flows, process_props)


def seed(name: str) -> tuple[str, str]:
    """The one seed diagram whose file name starts with name, as (xml, process id)."""
    (found,) = seed_diagrams(name)
    return found
