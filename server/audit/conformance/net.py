"""Labelled Petri nets with an initial and a final marking: the model that replay and alignments read.

A net is built place by place and transition by transition (`add_place`, `add_transition`,
`add_arc`), or from a list of arcs (`Net.from_arcs`, handy for textbook nets); `petri.net_from_bpmn`
builds one from a diagram. Every transition carries the BPMN element it stands for, silent ones too,
so that a result can be drawn on the diagram; a visible transition's label is the activity it records
(for a diagram: the task's element id).

`compiled()` turns the net into index tuples once (presets, postsets, label -> transitions), so that
replaying or aligning a trace does no dictionary work on place names. Arcs have weight 1; an arc
given twice counts twice.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    id: str
    element: str | None = None   # the BPMN element a token here waits for (where "remaining" is shown)
    flow: str | None = None      # the sequence flow the place stands for, if any


@dataclass(frozen=True)
class Transition:
    id: str
    label: str | None            # the activity it records; None: silent (gateways, events, automated tasks)
    name: str = ""               # what a person reads (the task's name in the diagram)
    element: str | None = None   # the BPMN element it stands for, silent ones too

    @property
    def silent(self) -> bool:
        return self.label is None


@dataclass(frozen=True)
class Compiled:
    """A net as indices, built once per net: what replay and alignment loop over."""

    place_ids: tuple[str, ...]
    place_element: tuple[str | None, ...]
    transition_ids: tuple[str, ...]
    labels: tuple[str | None, ...]                    # per transition
    pre: tuple[tuple[tuple[int, int], ...], ...]      # per transition: (place, tokens needed)
    post: tuple[tuple[tuple[int, int], ...], ...]     # per transition: (place, tokens produced)
    by_label: dict[str, tuple[int, ...]]              # label -> its transitions
    silent: tuple[int, ...]
    visible: tuple[int, ...]
    initial: tuple[int, ...]
    final: tuple[int, ...]
    sink: int | None                                  # the absorbing sink (see Net.sink_absorbs)

    def enabled(self, marking, t: int) -> bool:
        return all(marking[p] >= n for p, n in self.pre[t])

    def fire(self, marking: tuple, t: int) -> tuple:
        m = list(marking)
        for p, n in self.pre[t]:
            m[p] -= n
        for p, n in self.post[t]:
            m[p] += n
        return tuple(m)

    def is_final(self, marking) -> bool:
        """The final marking reached: exactly, or (absorbing sink) every token in the sink and one at least."""
        if self.sink is None:
            return tuple(marking) == self.final
        return marking[self.sink] >= 1 and sum(marking) == marking[self.sink]


class Net:
    """A labelled Petri net (places, transitions, arcs of weight 1) with initial and final marking.

    `sink_absorbs`: set by the BPMN translation when the diagram can run branches in parallel to
    several end events. BPMN then ends the process when every token has reached an end event
    (implicit termination), so the final marking is "every token in the sink, one at least" and the
    final consumption takes them all. Off (the default) the final marking is exact, as in the books.
    """

    def __init__(self, name: str = "", process_id: str | None = None):
        self.name = name
        self.process_id = process_id
        self.places: dict[str, Place] = {}
        self.transitions: dict[str, Transition] = {}
        self.arcs: list[tuple[str, str]] = []
        self.initial: dict[str, int] = {}
        self.final: dict[str, int] = {}
        self.sink_absorbs = False
        self.cache: dict = {}        # per-net results of replay and alignment (cheapest run, silent paths)
        self._compiled: Compiled | None = None

    # --- building -----------------------------------------------------------------------------

    def add_place(self, place_id: str, element: str | None = None, flow: str | None = None) -> Place:
        if place_id in self.places or place_id in self.transitions:
            raise ValueError(f"duplicate node id {place_id!r}")
        place = self.places[place_id] = Place(place_id, element, flow)
        self._changed()
        return place

    def add_transition(self, transition_id: str, label: str | None = None, name: str = "",
                       element: str | None = None) -> Transition:
        if transition_id in self.places or transition_id in self.transitions:
            raise ValueError(f"duplicate node id {transition_id!r}")
        transition = self.transitions[transition_id] = Transition(transition_id, label, name or label or "",
                                                                  element)
        self._changed()
        return transition

    def add_arc(self, source: str, target: str) -> None:
        if not ((source in self.places and target in self.transitions)
                or (source in self.transitions and target in self.places)):
            raise ValueError(f"an arc joins a place and a transition: {source!r} -> {target!r}")
        self.arcs.append((source, target))
        self._changed()

    def connect(self, transition_id: str, pre: Iterable[str], post: Iterable[str]) -> None:
        """Arcs from each place of `pre` into the transition and from it to each place of `post`."""
        for place in pre:
            self.add_arc(place, transition_id)
        for place in post:
            self.add_arc(transition_id, place)

    @classmethod
    def from_arcs(cls, transitions: Mapping[str, str | None], arcs: Iterable[tuple[str, str]],
                  initial: Mapping[str, int], final: Mapping[str, int], name: str = "") -> "Net":
        """A net from its arcs: `transitions` maps each transition to its label (None: silent);
        every other node named in the arcs or the markings is a place."""
        net = cls(name)
        arcs = list(arcs)
        for transition_id, label in transitions.items():
            net.add_transition(transition_id, label, element=transition_id)
        for node in [n for arc in arcs for n in arc] + list(initial) + list(final):
            if node not in transitions and node not in net.places:
                net.add_place(node, element=node)
        for source, target in arcs:
            net.add_arc(source, target)
        net.initial, net.final = dict(initial), dict(final)
        return net

    def _changed(self) -> None:
        self._compiled = None
        self.cache.clear()

    # --- reading ------------------------------------------------------------------------------

    @property
    def labels(self) -> frozenset[str]:
        """The activities the net records (labels of visible transitions)."""
        return frozenset(t.label for t in self.transitions.values() if t.label is not None)

    def element_of(self, transition_id: str) -> str | None:
        """The BPMN element a transition stands for (silent ones too)."""
        return self.transitions[transition_id].element

    def name_of(self, label: str) -> str:
        """What a person reads for an activity label (the first transition's name)."""
        for t in self.transitions.values():
            if t.label == label:
                return t.name or label
        return label

    def preset(self, transition_id: str) -> tuple[str, ...]:
        return tuple(s for s, t in self.arcs if t == transition_id)

    def postset(self, transition_id: str) -> tuple[str, ...]:
        return tuple(t for s, t in self.arcs if s == transition_id)

    def compiled(self) -> Compiled:
        if self._compiled is None:
            self._compiled = self._compile()
        return self._compiled

    def _compile(self) -> Compiled:
        if not self.initial or not self.final:
            raise ValueError("the net needs an initial and a final marking")
        places = list(self.places)
        index = {p: i for i, p in enumerate(places)}
        transitions = list(self.transitions)
        pre: list[dict[int, int]] = [{} for _ in transitions]
        post: list[dict[int, int]] = [{} for _ in transitions]
        t_index = {t: i for i, t in enumerate(transitions)}
        for source, target in self.arcs:
            if source in index:
                counts = pre[t_index[target]]
                counts[index[source]] = counts.get(index[source], 0) + 1
            else:
                counts = post[t_index[source]]
                counts[index[target]] = counts.get(index[target], 0) + 1
        labels = tuple(self.transitions[t].label for t in transitions)
        by_label: dict[str, list[int]] = {}
        for i, label in enumerate(labels):
            if label is not None:
                by_label.setdefault(label, []).append(i)

        def marking(values: Mapping[str, int]) -> tuple[int, ...]:
            m = [0] * len(places)
            for place, count in values.items():
                m[index[place]] = count
            return tuple(m)

        sink = None
        if self.sink_absorbs:
            if len(self.final) != 1 or next(iter(self.final.values())) != 1:
                raise ValueError("an absorbing sink needs a final marking of one token in one place")
            sink = index[next(iter(self.final))]
        return Compiled(
            place_ids=tuple(places),
            place_element=tuple(self.places[p].element for p in places),
            transition_ids=tuple(transitions),
            labels=labels,
            pre=tuple(tuple(sorted(d.items())) for d in pre),
            post=tuple(tuple(sorted(d.items())) for d in post),
            by_label={k: tuple(v) for k, v in by_label.items()},
            silent=tuple(i for i, label in enumerate(labels) if label is None),
            visible=tuple(i for i, label in enumerate(labels) if label is not None),
            initial=marking(self.initial),
            final=marking(self.final),
            sink=sink,
        )

    def __repr__(self) -> str:
        return (f"<Net {self.name or self.process_id or ''} places={len(self.places)} "
                f"transitions={len(self.transitions)} labels={len(self.labels)}>")
