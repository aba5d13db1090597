"""Optimal alignments of a trace and a net, and alignment-based fitness.

Written from the definitions in A. Adriansyah, "Aligning Observed and Modeled Behavior", PhD thesis,
Eindhoven University of Technology, 2014, and W.M.P. van der Aalst, Process Mining: Data Science in
Action, 2nd ed., Springer 2016, section 8.3 (see README.md here).

An alignment pairs the trace with a complete run of the net (initial to final marking) in moves:

    sync   (a, t)  the event a and a transition t labelled a fire together     cost 0
    log    (a, ≫)  the event happened, the model did not do it                  cost 1
    model  (≫, t)  the model did a visible t that the trace does not show       cost 1
    model  (≫, τ)  a silent transition (gateway, event, automated task)        cost 0

An optimal alignment has the least total cost δ. It is found with an A* search over the
synchronous product, a state being (marking, events consumed): the goal is the whole trace
consumed and the final marking reached. Silent moves cost a tiny amount more than 0 (1/1,000,000
of a visible move) so the search never wanders through silent cycles and prefers fewer of them; the
reported cost counts them as 0. The heuristic is admissible: from the model's reachability graph
(built once per net, up to 20,000 markings) it knows, per marking, the fewest visible firings D still
needed and the labels that can still fire; of the k events left, the u that can no longer fire are
moves on log, and at most k - u of the D firings can be synchronous: h = u + max(0, D - (k - u)).
Markings from which the final marking cannot be reached are not explored. The search stops after
`max_states` states: the alignment is then `computed=False` (no cost, no fitness), never a hang.

    fitness(σ, N) = 1 - δ(γ_opt(σ)) / (|σ| + δ(γ_opt(⟨⟩)))

δ(γ_opt(⟨⟩)) is the cost of the cheapest complete run of the net (moves on model only), computed
once per net; |σ| + δ(γ_opt(⟨⟩)) is the cost of the worst alignment (every event on log only, then
the cheapest run). For a log, with frequencies L(σ):

    fitness(L, N) = 1 - Σ L(σ)·δ(γ_opt(σ)) / Σ L(σ)·(|σ| + δ(γ_opt(⟨⟩)))

A trace that token replay fits (no missing, no remaining, no unknown activity) has an alignment of
cost 0 made of synchronous moves only; it is returned without a search. `align_log` aligns each
distinct trace (variant) once.
"""
from __future__ import annotations

import heapq
import itertools
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .net import Net
from .replay import replay
from .variants import per_variant, weighted

MAX_STATES = 50_000
UNIT = 1_000_000      # a visible move; a silent move costs 1 (so silent moves only break ties)


@dataclass(frozen=True)
class Move:
    kind: str             # "sync" | "log" | "model"
    log: str | None       # the trace's activity (sync, log)
    model: str | None     # the model's activity: the visible transition's label (sync, model)


@dataclass(frozen=True)
class Alignment:
    computed: bool        # False: the search passed max_states (no cost, no fitness)
    cost: int | None      # moves on log plus visible moves on model
    fitness: float | None
    moves: tuple[Move, ...]   # silent model moves left out
    trace_length: int
    worst: int | None     # |σ| + cost of the cheapest complete model run (the fitness denominator)
    states: int           # states the search visited

    @property
    def deviations(self) -> tuple[Move, ...]:
        return tuple(m for m in self.moves if m.kind != "sync")


def cheapest_run(net: Net, *, max_states: int = MAX_STATES) -> int | None:
    """The cost of the cheapest complete run of the net (visible moves from initial to final
    marking): δ(γ_opt(⟨⟩)). Cached per net. None if the final marking cannot be reached."""
    if "cheapest_run" not in net.cache:
        found = _search(net, (), max_states)
        net.cache["cheapest_run"] = None if found is None else found[0]
    return net.cache["cheapest_run"]


def align(net: Net, labels: Sequence[str], *, max_states: int = MAX_STATES, fits: bool | None = None) -> Alignment:
    """An optimal alignment of one trace (its activity labels in order) with `net`. `fits`: the
    trace's token replay already made (whether it fits), so it is not replayed again."""
    trace = tuple(labels)
    model_cost = cheapest_run(net, max_states=max_states)
    if model_cost is None:
        return Alignment(False, None, None, (), len(trace), None, 0)
    worst = len(trace) + model_cost
    if fits if fits is not None else replay(net, trace).fits:
        # token replay found a complete run with exactly these activities: nothing beats cost 0
        return Alignment(True, 0, 1.0, tuple(Move("sync", a, a) for a in trace), len(trace), worst, 0)
    found = _search(net, trace, max_states)
    if found is None:
        return Alignment(False, None, None, (), len(trace), worst, max_states)
    cost, moves, states = found
    fitness = 1.0 if worst == 0 else 1 - cost / worst
    return Alignment(True, cost, fitness, moves, len(trace), worst, states)


def align_log(net: Net, traces: Iterable[Sequence[str]], *, max_states: int = MAX_STATES) -> list[Alignment]:
    """Every trace aligned, each distinct trace (variant) once; results in the order of `traces`."""
    return per_variant(traces, lambda key: align(net, key, max_states=max_states))


def alignment_log_fitness(alignments: Iterable[Alignment], weights: Iterable[int] | None = None) -> float | None:
    """fitness(L, N) = 1 - Σ L(σ)·δ(γ_opt(σ)) / Σ L(σ)·(|σ| + δ(γ_opt(⟨⟩))), over the computed
    alignments (each `weights[i]` times, default once). None when none was computed."""
    cost = worst = 0
    any_computed = False
    for a, w in weighted(alignments, weights):
        if not a.computed:
            continue
        any_computed = True
        cost += w * a.cost
        worst += w * a.worst
    if not any_computed:
        return None
    return 1.0 if worst == 0 else 1 - cost / worst


_SYNC, _LOG, _MODEL, _SILENT = 0, 1, 2, 3
GUIDE_LIMIT = 20_000   # reachable markings up to which the heuristic's guide is built


def _guide(net: Net):
    """Per reachable marking of the model alone: D, the fewest visible firings to the final
    marking (None: unreachable), and R, the labels that can still fire. Built once per net from its
    reachability graph; None when the graph has more than GUIDE_LIMIT markings."""
    if "guide" in net.cache:
        return net.cache["guide"]
    cn = net.compiled()
    index = {cn.initial: 0}
    markings = [cn.initial]
    edges: list[list[tuple[int, int]]] = [[]]       # per marking: (transition, successor)
    i = 0
    while i < len(markings):
        marking = markings[i]
        for t in range(len(cn.labels)):
            if cn.enabled(marking, t):
                nxt = cn.fire(marking, t)
                j = index.get(nxt)
                if j is None:
                    if len(markings) >= GUIDE_LIMIT:
                        net.cache["guide"] = None
                        return None
                    j = index[nxt] = len(markings)
                    markings.append(nxt)
                    edges.append([])
                edges[i].append((t, j))
        i += 1
    # D: 0-1 breadth-first search backwards from the final markings
    back: list[list[tuple[int, int]]] = [[] for _ in markings]
    for i, out in enumerate(edges):
        for t, j in out:
            back[j].append((0 if cn.labels[t] is None else 1, i))
    distance = [None] * len(markings)
    queue = deque()
    for i, marking in enumerate(markings):
        if cn.is_final(marking):
            distance[i] = 0
            queue.append(i)
    while queue:
        j = queue.popleft()
        for cost, i in back[j]:
            if distance[i] is None or distance[j] + cost < distance[i]:
                distance[i] = distance[j] + cost
                (queue.appendleft if cost == 0 else queue.append)(i)
    # R: the labels of every transition that can fire from here on (a fixpoint over the graph)
    can = [{cn.labels[t] for t, _ in out if cn.labels[t] is not None} for out in edges]
    changed = True
    while changed:
        changed = False
        for i in range(len(markings) - 1, -1, -1):
            before = len(can[i])
            for _, j in edges[i]:
                can[i] |= can[j]
            changed |= len(can[i]) != before
    guide = {m: (distance[i], frozenset(can[i])) for i, m in enumerate(markings)}
    net.cache["guide"] = guide
    return guide


def _search(net: Net, trace: tuple[str, ...], max_states: int):
    """A* over (marking, position): (cost, moves, states) of an optimal alignment, or None past
    `max_states` or when the final marking cannot be reached.

    The heuristic (in visible moves) for the rest of the trace (k events, of which u have a label
    that the model cannot fire any more from this marking) and the fewest visible firings D the
    model still needs: u + max(0, D - (k - u)). Each of the u events is a move on log; of the
    model's D firings at most k - u can be synchronous. It is admissible, not always consistent,
    so a state is expanded again when a cheaper way to it is found."""
    cn = net.compiled()
    n = len(trace)
    by_label = cn.by_label
    guide = _guide(net)
    known_after = [0] * (n + 1)       # without a guide: events of labels the net does not have at all
    for i in range(n - 1, -1, -1):
        known_after[i] = known_after[i + 1] + (trace[i] not in by_label)
    estimates: dict = {}

    def estimate(marking, i) -> int | None:
        key = (marking, i)
        found = estimates.get(key, -1)
        if found != -1:
            return found
        if guide is None:
            found = known_after[i] * UNIT
        else:
            distance, can = guide[marking]
            if distance is None:
                found = None
            else:
                unmatched = sum(1 for j in range(i, n) if trace[j] not in can)
                found = (unmatched + max(0, distance - (n - i - unmatched))) * UNIT
        estimates[key] = found
        return found

    start = (cn.initial, 0)
    h0 = estimate(*start)
    if h0 is None:
        return None
    best = {start: 0}
    parent: dict = {start: None}
    tie = itertools.count()
    heap = [(h0, 0, next(tie), start)]
    enabled, fire, silent, visible = cn.enabled, cn.fire, cn.silent, cn.visible
    while heap:
        _, g, _, state = heapq.heappop(heap)
        if g > best[state]:
            continue                      # a cheaper way here was found after this entry
        marking, i = state
        if i == n and cn.is_final(marking):
            return g // UNIT, _moves(parent, state, trace, cn.labels), len(best)
        if len(best) > max_states:
            return None
        successors = []
        if i < n:
            activity = trace[i]
            successors.append(((marking, i + 1), UNIT, (_LOG, None)))
            for t in by_label.get(activity, ()):
                if enabled(marking, t):
                    successors.append(((fire(marking, t), i + 1), 0, (_SYNC, t)))
        for t in visible:
            if enabled(marking, t):
                successors.append(((fire(marking, t), i), UNIT, (_MODEL, t)))
        for t in silent:
            if enabled(marking, t):
                successors.append(((fire(marking, t), i), 1, (_SILENT, t)))
        for nxt, cost, how in successors:
            ng = g + cost
            if ng >= best.get(nxt, ng + 1):
                continue
            h = estimate(*nxt)
            if h is None:
                continue                  # the final marking cannot be reached from there
            best[nxt] = ng
            parent[nxt] = (state, how)
            heapq.heappush(heap, (ng + h, ng, next(tie), nxt))
    return None


def _moves(parent: dict, state, trace: tuple[str, ...], labels) -> tuple[Move, ...]:
    moves = []
    while parent[state] is not None:
        state, (kind, t) = parent[state]
        i = state[1]
        if kind == _SYNC:
            moves.append(Move("sync", trace[i], labels[t]))
        elif kind == _LOG:
            moves.append(Move("log", trace[i], None))
        elif kind == _MODEL:
            moves.append(Move("model", None, labels[t]))
    return tuple(reversed(moves))
