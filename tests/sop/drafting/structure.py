"""The structure of an SOP diagram, as the SOP sheet would show it: what an import must reproduce.

Read once, the same way, from the hand-made diagrams in bpmn/ and from the drafts an import makes,
so that the two can be compared without their ids, names, forms or layout:

- lanes: the lane names, top to bottom;
- rows: `sop.no` -> the lane of the row's task;
- decisions: the deciding row -> the sorted labels of the gateway right after its task;
- loops: the deciding row -> the sorted rows a decision sends the work back to (at or before it);
- next: each row -> the sorted rows (and "end") it leads to, following flows through gateway chains;
- start: the lane of the (first) start event, and whether it is a timer.
"""
from __future__ import annotations

from lxml import etree

from server.sop.ordering import sop_order
from tests.bpmn_props import BPMN, NS, properties
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"}


def _local(el) -> str:
    return etree.QName(el).localname


def structures(xml: bytes | str) -> list[dict]:
    """The structure of every executable process in the file, in document order."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    return [structure_of(p) for p in root.findall("bpmn:process", NS) if p.get("isExecutable") == "true"]


def structure_of(process) -> dict:
    lanes = [lane for lane in process.iter(f"{{{BPMN}}}lane")]
    lane_of = {(ref.text or "").strip(): lane.get("name")
               for lane in lanes for ref in lane.findall("bpmn:flowNodeRef", NS)}
    nodes = {el.get("id"): el for el in process if isinstance(el.tag, str) and el.get("id")}
    flows = [el for el in process if isinstance(el.tag, str) and _local(el) == "sequenceFlow"]
    out: dict[str, list] = {}
    for flow in flows:
        out.setdefault(flow.get("sourceRef"), []).append(flow)
    row_of = {el_id: properties(el).get("sop.no", "").strip() for el_id, el in nodes.items()
              if _local(el) == "userTask"}

    def reach(node_id: str, seen: frozenset = frozenset()) -> set[str]:
        """Rows (or "end") reached from node_id's outgoing flows, through gateways."""
        found: set[str] = set()
        for flow in out.get(node_id, []):
            target = flow.get("targetRef")
            kind = _local(nodes[target]) if target in nodes else ""
            if target in row_of:
                found.add(row_of[target])
            elif kind == "endEvent":
                found.add("end")
            elif kind in GATEWAYS and target not in seen:
                found |= reach(target, seen | {target})
        return found

    rows, decisions, loops, following = {}, {}, {}, {}
    for task_id, no in sorted(row_of.items(), key=lambda item: sop_order(item[1])):
        rows[no] = lane_of.get(task_id)
        successors = reach(task_id)
        following[no] = sorted(successors, key=sop_order)
        gateways = [f.get("targetRef") for f in out.get(task_id, [])
                    if f.get("targetRef") in nodes and _local(nodes[f.get("targetRef")]) in GATEWAYS]
        if gateways:
            decisions[no] = sorted((f.get("name") or "").strip() for f in out.get(gateways[0], []))
        back = sorted((s for s in successors if s != "end" and sop_order(s) <= sop_order(no)), key=sop_order)
        if back:
            loops[no] = back
    starts = [el for el in nodes.values() if _local(el) == "startEvent"]
    start = starts[0] if starts else None
    return {
        "lanes": [lane.get("name") for lane in lanes],
        "rows": rows,
        "decisions": decisions,
        "loops": loops,
        "next": following,
        "start": None if start is None else {
            "lane": lane_of.get(start.get("id")),
            "timer": start.find("bpmn:timerEventDefinition", NS) is not None},
    }
