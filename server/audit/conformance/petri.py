"""A BPMN diagram as a labelled Petri net, the model that replay and alignments check a log against.

The translation follows R.M. Dijkman, M. Dumas, C. Ouyang, "Semantics and analysis of business
process models in BPMN", Information and Software Technology 50(12), 2008, and W.M.P. van der Aalst,
Process Mining (2016), ch. 3; the full table is in README.md here. In short:

- a place per sequence flow; a source place with the initial token and ONE sink place;
- a task people do (userTask, manualTask, task) is one visible transition labelled with its element
  id; automated work (service, script, send, receive, business-rule tasks, call activities) is one
  silent transition; an activity with several incoming flows merges them (a silent transition per
  flow into a place before it), with several outgoing flows forks them (AND);
- exclusive and event-based gateways: a silent transition per (incoming, outgoing) pair; parallel
  gateway: one silent transition from all inputs to all outputs; inclusive gateway: a silent
  transition per non-empty subset of its branches (at most 4; a gateway both joining and splitting
  is refused);
- start events: silent alternatives out of the source place; end events: silent transitions into
  the sink; intermediate events: silent; link events: a place per link name;
- boundary events: interrupting = a silent transition that takes the activity's input token (for a
  subprocess also any token inside it) to the event's outgoing flows; non-interrupting = the same but
  the activity keeps its token; Alur's due-time markers (non-interrupting `tenggat("<task>")` timers
  leading nowhere) and other non-interrupting events leading nowhere are left out;
- embedded subprocesses are translated inside (their start and end events silent); loop and
  multi-instance activities may repeat (one or more times; a standard loop testing before, zero or
  more).

Refused with a clear message (Indonesian and English): event subprocesses, ad-hoc subprocesses,
compensation, complex gateways, choreographies, elements without incoming flow other than start
events, inclusive gateways with more than 4 branches, and subprocesses whose parallel branches end
at separate end events. Message flows and other pools are ignored: with several processes the one
named `process_id` is taken, else the executable one, else the only one with lanes or flow nodes.
"""
from __future__ import annotations

import itertools
import re

from lxml import etree

from server.engine import safe_xml
from server.errors import AlurError, InvalidInput
from server.sop.markers import is_deadline_marker

from .net import Net, Place, Transition

__all__ = ["Net", "Place", "Transition", "NotTranslatable", "net_from_bpmn", "VISIBLE_TASKS", "SILENT_TASKS"]

BPMN = safe_xml.BPMN_NS
VISIBLE_TASKS = frozenset({"userTask", "manualTask", "task"})
SILENT_TASKS = frozenset({"serviceTask", "scriptTask", "sendTask", "receiveTask", "businessRuleTask",
                          "callActivity"})
SUBPROCESSES = frozenset({"subProcess", "transaction"})
GATEWAYS = frozenset({"exclusiveGateway", "eventBasedGateway", "parallelGateway", "inclusiveGateway"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent",
                    "boundaryEvent"})
REFUSED = {
    "adHocSubProcess": ("subproses ad-hoc", "ad-hoc subprocesses"),
    "complexGateway": ("gateway kompleks", "complex gateways"),
    "choreographyTask": ("koreografi", "choreographies"),
    "subChoreography": ("koreografi", "choreographies"),
    "callChoreography": ("koreografi", "choreographies"),
}
MAX_INCLUSIVE = 4
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class NotTranslatable(InvalidInput, ValueError):
    """A diagram (or part of it) that has no Petri-net translation here; nothing was checked."""


def net_from_bpmn(xml: str | bytes, process_id: str | None = None) -> Net:
    """The Petri net of one process of a BPMN diagram (see the module docstring for the mapping).

    `xml` is the diagram as Alur stores it (a str) or the bytes of an uploaded file; it is read with
    Alur's safe parser (no DTD, no entities, no network). A str is already decoded, so its XML
    declaration (and the encoding it names) is dropped before parsing.
    """
    process = _pick_process(read_diagram(xml), process_id)
    try:
        return _Translation(process).net
    except NotTranslatable:
        raise
    except ValueError as exc:   # e.g. an id used twice
        raise _refuse(f"struktur diagram tidak sah ({exc}).", f"the diagram's structure is not valid ({exc}).") \
            from None


def read_diagram(xml: str | bytes) -> etree._Element:
    """A diagram's root, read with Alur's safe parser; a str (as Alur stores diagrams) is already
    decoded, so its XML declaration (and the encoding it names) is dropped first."""
    if isinstance(xml, str):
        data = _XML_DECLARATION.sub("", xml, count=1).encode("utf-8")
    elif isinstance(xml, (bytes, bytearray, memoryview)):
        data = bytes(xml)
    else:
        raise TypeError("a diagram is str or bytes")
    try:
        return safe_xml.parse_bpmn(data)
    except AlurError as exc:
        raise NotTranslatable(exc.message_id, exc.message_en) from None


def _refuse(id_text: str, en_text: str, element_id: str | None = None) -> NotTranslatable:
    detail = {"element_id": element_id} if element_id else {}
    return NotTranslatable(f"Diagram tidak dapat diterjemahkan ke jaring Petri untuk uji kesesuaian: {id_text}",
                           f"The diagram cannot be translated to a Petri net for conformance checking: {en_text}",
                           **detail)


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _pick_process(root, process_id: str | None):
    processes = root.findall(f"{{{BPMN}}}process")
    if process_id is not None:
        for process in processes:
            if process.get("id") == process_id:
                return process
        raise _refuse(f"proses \"{process_id}\" tidak ada dalam diagram.",
                      f"there is no process \"{process_id}\" in the diagram.")
    if not processes:
        raise _refuse("diagram tidak memuat proses.", "the diagram holds no process.")
    if len(processes) == 1:
        return processes[0]
    for choose in (lambda p: p.get("isExecutable") == "true",
                   lambda p: p.find(f".//{{{BPMN}}}lane") is not None,
                   _has_flow_nodes):
        chosen = [p for p in processes if choose(p)]
        if len(chosen) == 1:
            return chosen[0]
        if chosen:
            processes = chosen
    ids = ", ".join(p.get("id") or "?" for p in processes)
    raise _refuse(f"diagram memuat beberapa proses ({ids}); sebutkan proses yang diuji.",
                  f"the diagram holds several processes ({ids}); name the process to check.")


class _Translation:
    """One process translated into `self.net` (see the module docstring)."""

    def __init__(self, process):
        self.net = Net(name=process.get("name") or process.get("id") or "", process_id=process.get("id"))
        self.counter = itertools.count()
        self.links: dict[str, str] = {}        # link name -> place
        ends = [e for e in process if _local(e) == "endEvent"]
        starts = [e for e in process if _local(e) == "startEvent"]
        if not starts:
            raise _refuse("proses tidak memiliki start event.", "the process has no start event.")
        # ids with a colon cannot clash with the diagram's own (XML ids are colon-free NCNames)
        source = self._place(":source", starts[0].get("id") if len(starts) == 1 else process.get("id"))
        sink = self._place(":sink", ends[0].get("id") if len(ends) == 1 else process.get("id"))
        forks, _exits = self._scope(process, source, sink)
        self.net.initial = {source: 1}
        self.net.final = {sink: 1}
        self.net.sink_absorbs = forks

    # --- helpers ----------------------------------------------------------------------------------

    def _place(self, place_id: str, element: str | None, flow: str | None = None) -> str:
        if place_id in self.net.places:
            place_id = f"{place_id}:{next(self.counter)}"
        self.net.add_place(place_id, element=element, flow=flow)
        return place_id

    def _silent(self, transition_id: str, element: str, pre, post) -> str:
        if transition_id in self.net.transitions or transition_id in self.net.places:
            transition_id = f"{transition_id}:{next(self.counter)}"
        self.net.add_transition(transition_id, None, name="", element=element)
        self.net.connect(transition_id, pre, post)
        return transition_id

    # --- one scope: the process or an embedded subprocess -------------------------------------------

    def _scope(self, container, entry: str, exit_: str, thrown: dict | None = None) -> tuple[bool, int]:
        """Translate the flow nodes of `container` between `entry` (what start events consume) and
        `exit_` (what end events produce); `thrown` sends end events that throw an error or an
        escalation to the boundary event that catches it. Returns (forks: whether branches run in
        parallel here, exits: how many transitions produce into `exit_`)."""
        thrown = thrown or {}
        nodes: dict[str, etree._Element] = {}
        flows = []
        for child in container:
            kind = _local(child)
            if kind == "sequenceFlow":
                flows.append(child)
            elif kind in REFUSED:
                raise _refuse(f"{REFUSED[kind][0]} tidak didukung ({child.get('id')}).",
                              f"{REFUSED[kind][1]} are not supported ({child.get('id')}).", child.get("id"))
            elif kind in VISIBLE_TASKS | SILENT_TASKS | SUBPROCESSES | GATEWAYS | EVENTS:
                self._check_supported(child, kind)
                nodes[child.get("id")] = child
        incoming: dict[str, list[str]] = {n: [] for n in nodes}
        outgoing: dict[str, list[str]] = {n: [] for n in nodes}
        conditional: set[str] = set()
        for flow in flows:
            source, target, flow_id = flow.get("sourceRef"), flow.get("targetRef"), flow.get("id")
            if source not in nodes or target not in nodes:
                raise _refuse(f"alur urutan {flow_id} menghubungkan elemen yang tidak ada di lingkup yang sama.",
                              f"sequence flow {flow_id} joins elements that are not in the same scope.", flow_id)
            place = self._place(flow_id, element=target, flow=flow_id)
            outgoing[source].append(place)
            incoming[target].append(place)
            if flow.find(f"{{{BPMN}}}conditionExpression") is not None:
                conditional.add(place)

        forks = False
        exits = 0
        inputs: dict[str, str] = {}          # activity -> the place its token waits in
        inner: dict[str, list[str]] = {}     # subprocess -> the places inside it
        core: dict[str, tuple] = {}          # activity -> (the transition that takes its input, its postset)
        boundaries = [n for n in nodes.values() if _local(n) == "boundaryEvent"]
        routes = self._error_routes(boundaries, outgoing, exit_)

        for node_id, node in nodes.items():
            kind = _local(node)
            ins, outs = incoming[node_id], outgoing[node_id]
            if kind in VISIBLE_TASKS | SILENT_TASKS | SUBPROCESSES:
                if not ins:
                    raise self._no_incoming(node_id)
                inputs[node_id] = self._merge(node_id, ins)
                targets = outs or [exit_]
                exits += not outs
                if len(outs) > 1:
                    forks = True
                done = self._place(f"{node_id}:done", node_id) if (self._loops(node) or
                                                                   len(set(outs) & conditional) and len(outs) > 1) \
                    else None
                produce_into = [done] if done else targets
                if kind in SUBPROCESSES and _has_flow_nodes(node):
                    before = set(self.net.places)
                    sub_entry = self._place(f"{node_id}:entry", node_id)
                    sub_exit = self._place(f"{node_id}:exit", node_id)
                    core[node_id] = (self._silent(f"{node_id}:start", node_id, [inputs[node_id]], [sub_entry]),
                                     [sub_entry])
                    inner_forks, inner_exits = self._scope(node, sub_entry, sub_exit, routes.get(node_id))
                    if inner_forks and inner_exits > 1:
                        raise _refuse(f"cabang paralel dalam subproses {node_id} berakhir di end event yang "
                                      "berbeda; gabungkan dengan parallel gateway sebelum satu end event.",
                                      f"parallel branches inside subprocess {node_id} end at separate end "
                                      "events; join them with a parallel gateway before one end event.", node_id)
                    self._silent(f"{node_id}:end", node_id, [sub_exit], produce_into)
                    inner[node_id] = [p for p in self.net.places if p not in before and p != sub_exit]
                else:   # a task, a call activity, or a collapsed subprocess with nothing inside: atomic
                    label = node_id if kind in VISIBLE_TASKS else None
                    self.net.add_transition(node_id, label, name=node.get("name") or node_id, element=node_id)
                    self.net.connect(node_id, [inputs[node_id]], produce_into)
                    core[node_id] = (node_id, produce_into)
                if done:
                    self._after_loop(node, node_id, done, inputs[node_id], outs, targets, conditional)
            elif kind in GATEWAYS:
                forks |= self._gateway(node, kind, ins, outs)
            elif kind == "startEvent":
                if ins:
                    raise _refuse(f"start event {node_id} memiliki alur masuk.",
                                  f"start event {node_id} has an incoming flow.", node_id)
                self._silent(node_id, node_id, [entry], outs or [exit_])
                exits += not outs
                forks |= len(outs) > 1
            elif kind == "endEvent":
                if not ins:
                    raise self._no_incoming(node_id)
                target = thrown.get(("thrown", node_id), [exit_])
                for flow_id in ins:
                    self._silent(node_id if len(ins) == 1 else f"{node_id}:{flow_id}", node_id, [flow_id], target)
                    exits += target == [exit_]
            elif kind in ("intermediateCatchEvent", "intermediateThrowEvent"):
                sources = list(ins)
                link = node.find(f"{{{BPMN}}}linkEventDefinition")
                if link is not None:
                    link_place = self._link_place(link.get("name") or node_id, node_id)
                    if kind == "intermediateThrowEvent":
                        outs = [link_place]
                    else:
                        sources.append(link_place)
                if not sources:
                    raise self._no_incoming(node_id)
                for source in sources:
                    self._silent(node_id if len(sources) == 1 else f"{node_id}:{source}", node_id, [source],
                                 outs or [exit_])
                    exits += not outs
                forks |= len(outs) > 1

        noticed: dict[str, str] = {}
        # non-interrupting first: an interrupting event may also take the token they leave
        for event in sorted(boundaries, key=lambda e: e.get("cancelActivity") != "false"):
            forks_here, exits_here = self._boundary(event, nodes, inputs, inner, core, noticed, outgoing, exit_,
                                                    routes)
            forks |= forks_here
            exits += exits_here
        return forks, exits

    def _check_supported(self, node, kind: str) -> None:
        node_id = node.get("id")
        if kind == "subProcess" and node.get("triggeredByEvent") == "true":
            raise _refuse(f"subproses peristiwa (event subprocess) tidak didukung ({node_id}).",
                          f"event subprocesses are not supported ({node_id}).", node_id)
        if node.get("isForCompensation") == "true" or node.find(f"{{{BPMN}}}compensateEventDefinition") is not None:
            raise _refuse(f"kompensasi tidak didukung ({node_id}).",
                          f"compensation is not supported ({node_id}).", node_id)

    def _no_incoming(self, node_id: str) -> NotTranslatable:
        return _refuse(f"elemen {node_id} tidak memiliki alur urutan masuk.",
                       f"element {node_id} has no incoming sequence flow.", node_id)

    def _merge(self, node_id: str, ins: list[str]) -> str:
        """The place an activity's token waits in: its one incoming flow, or a place fed by each."""
        if len(ins) == 1:
            return ins[0]
        place = self._place(f"{node_id}:in", node_id)
        for flow_id in ins:
            self._silent(f"{node_id}:merge:{flow_id}", node_id, [flow_id], [place])
        return place

    @staticmethod
    def _loops(node) -> bool:
        return (node.find(f"{{{BPMN}}}standardLoopCharacteristics") is not None
                or node.find(f"{{{BPMN}}}multiInstanceLoopCharacteristics") is not None)

    def _after_loop(self, node, node_id, done, input_place, outs, targets, conditional) -> None:
        """From the activity's `done` place: once more (loops), and on to its outgoing flows (all of
        them, or, when they carry conditions, each non-empty subset)."""
        if self._loops(node):
            self._silent(f"{node_id}:again", node_id, [done], [input_place])
            loop = node.find(f"{{{BPMN}}}standardLoopCharacteristics")
            if loop is not None and loop.get("testBefore") == "true":
                self._silent(f"{node_id}:skip", node_id, [input_place], [done])
        if len(set(outs) & conditional) and len(outs) > 1:
            for subset in _subsets(outs, node_id):
                self._silent(f"{node_id}:to:{'+'.join(subset)}", node_id, [done], list(subset))
        else:
            self._silent(f"{node_id}:leave", node_id, [done], targets)

    def _gateway(self, node, kind: str, ins: list[str], outs: list[str]) -> bool:
        node_id = node.get("id")
        if not ins:
            raise self._no_incoming(node_id)
        if not outs:
            raise _refuse(f"gateway {node_id} tidak memiliki alur keluar.",
                          f"gateway {node_id} has no outgoing flow.", node_id)
        if kind in ("exclusiveGateway", "eventBasedGateway"):
            for flow_in in ins:
                for flow_out in outs:
                    self._silent(f"{node_id}:{flow_in}>{flow_out}", node_id, [flow_in], [flow_out])
            return False
        if kind == "parallelGateway":
            self._silent(node_id, node_id, ins, outs)
            return len(outs) > 1
        # inclusive
        if len(ins) > 1 and len(outs) > 1:
            raise _refuse(f"inclusive gateway {node_id} menggabungkan sekaligus memecah alur; pisahkan "
                          "menjadi dua gateway.",
                          f"inclusive gateway {node_id} both joins and splits; use two gateways.", node_id)
        if len(outs) > 1:
            for subset in _subsets(outs, node_id):
                self._silent(f"{node_id}:to:{'+'.join(subset)}", node_id, ins, list(subset))
            return True
        # a join: the larger subsets first, so that replay takes every token that has arrived
        for subset in sorted(_subsets(ins, node_id), key=len, reverse=True):
            self._silent(f"{node_id}:from:{'+'.join(subset)}", node_id, list(subset), outs)
        return False

    def _link_place(self, name: str, node_id: str) -> str:
        if name not in self.links:
            self.links[name] = self._place(f"link:{name}", node_id)
        return self.links[name]

    def _error_routes(self, boundaries, outgoing, exit_) -> dict:
        """Error and escalation boundary events on a subprocess, caught from the end events inside
        that throw them: {subprocess: {("thrown", end event id): places}} for `_scope`."""
        routes: dict = {}
        for event in boundaries:
            definition = _definition(event, ("errorEventDefinition", "escalationEventDefinition"))
            host = event.getparent().find(f"*[@id='{event.get('attachedToRef')}']")
            if definition is None or host is None or _local(host) not in SUBPROCESSES:
                continue
            ref_attr = "errorRef" if _local(definition) == "errorEventDefinition" else "escalationRef"
            caught = definition.get(ref_attr)
            for end in host.findall(f"{{{BPMN}}}endEvent"):
                thrown = _definition(end, (_local(definition),))
                if thrown is None or (caught and thrown.get(ref_attr) and thrown.get(ref_attr) != caught):
                    continue
                inner = routes.setdefault(host.get("id"), {})
                inner.setdefault(("thrown", end.get("id")), outgoing[event.get("id")] or [exit_])
                inner.setdefault("catchers", set()).add(event.get("id"))
        return routes

    def _boundary(self, event, nodes, inputs, inner, core, noticed, outgoing, exit_, routes) -> tuple[bool, int]:
        """Interrupting: a silent transition from each place that holds the activity's token (its
        input, the place a non-interrupting event left it in, any place inside a subprocess) to the
        event's flows. Non-interrupting: a silent transition from the input to the event's flows and
        to a place where the activity still waits (a copy of its first transition starts it from there),
        so the event is taken at most once per activation and the net stays bounded."""
        event_id, host = event.get("id"), event.get("attachedToRef")
        if host not in nodes or host not in inputs:
            raise _refuse(f"boundary event {event_id} tidak menempel pada aktivitas di lingkup yang sama.",
                          f"boundary event {event_id} is not attached to an activity in the same scope.", event_id)
        interrupting = event.get("cancelActivity") != "false"
        outs = outgoing[event_id]
        if not interrupting and (not outs or is_deadline_marker(event)):
            return False, 0          # a due-time marker, or an event that changes no path
        if event_id in routes.get(host, {}).get("catchers", ()):
            return False, 0          # caught from the end events inside that throw it
        targets = outs or [exit_]
        if not interrupting:
            if host not in noticed:
                noticed[host] = self._place(f"{host}:noticed", host)
                first, post = core[host]
                original = self.net.transitions[first]
                copy = self.net.add_transition(f"{first}:resumed", original.label, name=original.name,
                                               element=original.element)
                self.net.connect(copy.id, [noticed[host]], post)
            self._silent(event_id, event_id, [inputs[host]], [noticed[host]] + targets)
            return True, 0
        holders = [inputs[host]] + ([noticed[host]] if host in noticed else []) + inner.get(host, [])
        for i, place in enumerate(holders):
            self._silent(event_id if i == 0 else f"{event_id}:{place}", event_id, [place], targets)
        return False, (len(holders) if not outs else 0)


def _has_flow_nodes(container) -> bool:
    return any(_local(c) in VISIBLE_TASKS | SILENT_TASKS | SUBPROCESSES | GATEWAYS | EVENTS for c in container)


def _definition(event, kinds: tuple[str, ...]):
    for kind in kinds:
        found = event.find(f"{{{BPMN}}}{kind}")
        if found is not None:
            return found
    return None


def _subsets(items: list[str], node_id: str) -> list[tuple[str, ...]]:
    if len(items) > MAX_INCLUSIVE:
        raise _refuse(f"{node_id} memiliki {len(items)} cabang inklusif; paling banyak {MAX_INCLUSIVE} "
                      "yang dapat diterjemahkan.",
                      f"{node_id} has {len(items)} inclusive branches; at most {MAX_INCLUSIVE} can be "
                      "translated.", node_id)
    return [subset for size in range(1, len(items) + 1) for subset in itertools.combinations(items, size)]
