"""Four eyes: a decision is not made by the person who prepared what it decides on.

The pairs of an SOP (deciding task -> the tasks whose work it judges) come from its diagram:

- by default each *deciding task*, a user task with an outgoing flow straight into an exclusive
  gateway (the SOP's decision symbol), judges the nearest user tasks before it on the paths into
  it (what it receives: found walking back through gateways and events along the flows that
  bring work forward, stopping at the first task on each path) and the tasks its gateway's branches send the work back to (the first task
  on a branch out of the gateway that comes before the deciding task in the process, i.e. is
  found before it walking the diagram depth-first from its start: the rejection loop; the
  branch that goes on is not judged);
- per SOP, a task may say otherwise with the extension property `alur.empat_mata`
  (`spiffworkflow:property`, like the SOP's `sop.*` properties) on the deciding task: a
  comma-separated list of the element ids it judges, or "-" for none. A task that is not a
  deciding task by default becomes one when it names tasks.

The rule, per case: a violation when the person who completed a deciding task completed ANY
occurrence of a task it judges in the same case: earlier, in a parallel branch or later (YAWL
users found four-eyes rules that only counted earlier completers not to hold: yawl#292, #559).
Each (deciding task, judged task, person) counts once per case. Events without a person
(an imported log without `org:resource`) are left out, not counted as violations.
"""
from __future__ import annotations

from collections import deque

from lxml import etree

from ..conformance.petri import VISIBLE_TASKS, read_diagram

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
PROPERTY = "alur.empat_mata"
NONE = "-"
TASKS = VISIBLE_TASKS  # the tasks people do; the rest are passed through


def pairs_from_xml(xml: str | bytes, process_id: str | None = None) -> dict[str, tuple[str, ...]]:
    """Deciding task id -> the ids of the tasks it judges (sorted), for the process `process_id`
    (the first process when None). See the module's docstring for the rule."""
    root = read_diagram(xml)
    processes = root.findall(f"{{{BPMN}}}process")
    process = next((p for p in processes if process_id is None or p.get("id") == process_id), None)
    if process is None:
        return {}
    kinds, overrides = {}, {}
    successors: dict[str, list[str]] = {}
    predecessors: dict[str, list[str]] = {}

    def link(a: str, b: str) -> None:
        successors.setdefault(a, []).append(b)
        predecessors.setdefault(b, []).append(a)

    for element in process.iter():
        if not isinstance(element.tag, str) or not element.get("id"):
            continue
        tag = etree.QName(element).localname
        kinds[element.get("id")] = tag
        if tag in TASKS:
            for prop in element.iterfind(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}properties/{{{SPIFF}}}property"):
                if prop.get("name") == PROPERTY:
                    overrides[element.get("id")] = prop.get("value", "")
    for element in process.iter(f"{{{BPMN}}}sequenceFlow"):
        if element.get("sourceRef") and element.get("targetRef"):
            link(element.get("sourceRef"), element.get("targetRef"))
    for element in process.iter(f"{{{BPMN}}}boundaryEvent"):
        if element.get("attachedToRef"):  # what leaves a task's edge leaves the task
            link(element.get("attachedToRef"), element.get("id"))

    def is_task(node: str) -> bool:
        return kinds.get(node) in TASKS

    def nearest(start: str, step: dict, keep=lambda node, source: True) -> set[str]:
        """The first tasks met walking from `start` along `step` (successors or predecessors),
        following a link from `source` to `node` only where `keep(node, source)`."""
        found, seen = set(), {start}
        queue = deque((n, start) for n in step.get(start, ()))
        while queue:
            node, source = queue.popleft()
            if node in seen or not keep(node, source):
                continue
            seen.add(node)
            if is_task(node):
                found.add(node)
            else:
                queue.extend((n, node) for n in step.get(node, ()))
        return found

    order = _discovery_order([n for n in kinds if kinds[n] == "startEvent"] + list(kinds), successors)
    out: dict[str, tuple[str, ...]] = {}
    for task in (n for n in kinds if is_task(n)):
        gateways = [n for n in successors.get(task, ()) if kinds.get(n) == "exclusiveGateway"]
        if gateways:
            # back along the flows that bring the work forward (not the loops that send it back)
            judged = nearest(task, predecessors, lambda node, source: order[node] < order[source])
            for gateway in gateways:
                judged |= {t for t in nearest(gateway, successors) if order[t] < order[task]}
            judged.discard(task)
            if judged:
                out[task] = tuple(sorted(judged))
    for task, value in overrides.items():
        value = value.strip()
        if value == NONE:
            out.pop(task, None)
            continue
        named = tuple(sorted({v.strip() for v in value.split(",") if v.strip() and v.strip() != task
                              and is_task(v.strip())}))
        if named:
            out[task] = named
    return out


def element_names(xml: str | bytes, process_id: str | None = None) -> dict[str, str]:
    """Every flow element's id -> its name (its id when unnamed), for the report's labels."""
    root = read_diagram(xml)
    out = {}
    for process in root.findall(f"{{{BPMN}}}process"):
        if process_id is None or process.get("id") == process_id:
            for element in process.iter():
                if isinstance(element.tag, str) and element.get("id"):
                    out[element.get("id")] = (element.get("name") or "").strip() or element.get("id")
    return out


def _discovery_order(roots: list[str], successors: dict[str, list[str]]) -> dict[str, int]:
    """Each node's place in a depth-first walk from the start events (flows in document order):
    a branch target found before the deciding task lies before it in the process."""
    order: dict[str, int] = {}
    for root in roots:
        stack = [root]
        while stack:
            node = stack.pop()
            if node in order:
                continue
            order[node] = len(order)
            stack.extend(reversed([n for n in successors.get(node, ()) if n not in order]))
    return order


def check(pairs: dict[str, tuple[str, ...]], completions) -> list[dict]:
    """The violations of one case. `completions`: (element id, person key, person shown, at) of
    each completed step; people None are skipped. One finding per (deciding task, judged task,
    person), with the first completion of each."""
    by_element: dict[str, dict] = {}
    for element_id, person, shown, at in completions:
        if person is None or element_id is None:
            continue
        first = by_element.setdefault(element_id, {})
        if person not in first or at < first[person][1]:
            first[person] = (shown, at)
    out = []
    for decision, judged in pairs.items():
        deciders = by_element.get(decision)
        if not deciders:
            continue
        for prepared in judged:
            doers = by_element.get(prepared, {})
            for person in sorted(set(deciders) & set(doers), key=str):
                shown, decided_at = deciders[person]
                out.append({"decision": decision, "judged": prepared, "person": shown,
                            "decided_at": decided_at, "prepared_at": doers[person][1]})
    return out
