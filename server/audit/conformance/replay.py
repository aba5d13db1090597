"""Token-based replay: how well each trace fits the net, counted in tokens.

Written from the definitions in A. Rozinat, W.M.P. van der Aalst, "Conformance checking of processes
based on monitoring real behavior", Information Systems 33(1):64-95, 2008, and W.M.P. van der Aalst,
Process Mining: Data Science in Action, 2nd ed., Springer 2016, section 8.2 (see README.md here).

Replaying a trace σ on a net N with initial marking i and final marking o counts four numbers:

    p  produced tokens   (the environment's tokens of i count as produced)
    c  consumed tokens   (the environment's consumption of o at the end counts as consumed)
    m  missing tokens    (added because a transition had to fire without them)
    r  remaining tokens  (left in the net after o was consumed)

    fitness(σ, N) = 1/2 (1 - m/c) + 1/2 (1 - r/p)

and for a log L (each trace with its frequency L(σ)):

    fitness(L, N) = 1/2 (1 - Σ L(σ)·m_σ / Σ L(σ)·c_σ) + 1/2 (1 - Σ L(σ)·r_σ / Σ L(σ)·p_σ)

Silent transitions (gateways, events, automated tasks) are not in the log. Before a visible
transition that is not enabled fires, a breadth-first search (bounded by `max_silent_states`
markings) looks for the shortest sequence of silent transitions that enables it (or, when several
transitions carry the label, any of them); the silent firings count in p and c like any other. Only
when none exists are the missing tokens added (`missing_at`: per BPMN element, the element the token
should have been waiting for). At the end the same search looks for silent firings that bring the
tokens to the final marking (fewest missing plus remaining, then fewest firings); the final marking
is consumed (missing if absent) and what is left is `remaining_at`, per element the token waits for.

Activities that the net does not know (not one of its labels) are listed in `unknown` and not
fired: they are neither produced nor consumed tokens (an alignment counts them as moves on log).

Searches are cached per net by marking and label, so a log with few variants replays fast.
"""
from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .net import Compiled, Net
from .variants import per_variant, weighted

SILENT_SEARCH_LIMIT = 2_000   # markings one silent-move search may visit
_CACHE_LIMIT = 200_000        # cached searches per net before the cache starts over
_NOT_CACHED = object()


@dataclass(frozen=True)
class Replay:
    """One trace replayed on a net (see the module docstring for the counts and the formula)."""

    produced: int
    consumed: int
    missing: int
    remaining: int
    fitness: float
    missing_at: dict[str, int]     # BPMN element -> tokens missing there
    remaining_at: dict[str, int]   # BPMN element -> tokens left waiting there
    unknown: tuple[str, ...]       # activities of the trace that the net does not know, in trace order
    forced: tuple[str, ...]        # activities that fired without being enabled (with missing tokens)

    @property
    def fits(self) -> bool:
        return self.missing == 0 and self.remaining == 0 and not self.unknown


def fitness_of(produced: int, consumed: int, missing: int, remaining: int) -> float:
    """1/2 (1 - m/c) + 1/2 (1 - r/p); c and p are at least 1 in any replay (initial and final tokens)."""
    return 0.5 * (1 - missing / consumed) + 0.5 * (1 - remaining / produced)


def replay(net: Net, labels: Sequence[str], *, max_silent_states: int = SILENT_SEARCH_LIMIT) -> Replay:
    """Replay one trace (the labels of its completed activities, in order) on `net`."""
    cn = net.compiled()
    cache = net.cache.setdefault("replay", {})
    if len(cache) > _CACHE_LIMIT:
        cache.clear()
    element = cn.place_element
    m = list(cn.initial)
    produced, consumed, missing = sum(m), 0, 0
    missing_at: Counter = Counter()
    unknown: list[str] = []
    forced: list[str] = []

    def fire(t: int) -> None:
        nonlocal produced, consumed
        for p, n in cn.pre[t]:
            m[p] -= n
            consumed += n
        for p, n in cn.post[t]:
            m[p] += n
            produced += n

    for label in labels:
        candidates = cn.by_label.get(label)
        if candidates is None:
            unknown.append(label)
            continue
        chosen = next((t for t in candidates if cn.enabled(m, t)), None)
        if chosen is None:
            key = (tuple(m), label)
            found = cache.get(key, _NOT_CACHED)
            if found is _NOT_CACHED:
                found = cache[key] = _enabling_path(cn, key[0], candidates, max_silent_states)
            if found is not None:
                path, chosen = found
                for s in path:
                    fire(s)
        if chosen is None:
            chosen = min(candidates, key=lambda t: sum(max(0, n - m[p]) for p, n in cn.pre[t]))
            for p, n in cn.pre[chosen]:
                lack = n - m[p]
                if lack > 0:
                    missing += lack
                    missing_at[element[p] or cn.place_ids[p]] += lack
                    m[p] += lack
            forced.append(label)
        fire(chosen)

    key = ("end", tuple(m))
    path = cache.get(key)
    if path is None:
        path = cache[key] = _ending_path(cn, key[1], max_silent_states)
    for s in path:
        fire(s)

    # the environment consumes the final marking
    for p, want in enumerate(cn.final):
        if not want:
            continue
        if p == cn.sink:           # absorbing sink: every token that reached an end event
            if m[p] == 0:
                missing += 1
                missing_at[element[p] or cn.place_ids[p]] += 1
                consumed += 1
            else:
                consumed += m[p]
                m[p] = 0
            continue
        lack = max(0, want - m[p])
        if lack:
            missing += lack
            missing_at[element[p] or cn.place_ids[p]] += lack
        consumed += want
        m[p] = max(0, m[p] - want)

    remaining_at: Counter = Counter()
    for p, n in enumerate(m):
        if n:
            remaining_at[element[p] or cn.place_ids[p]] += n
    remaining = sum(remaining_at.values())
    return Replay(produced, consumed, missing, remaining, fitness_of(produced, consumed, missing, remaining),
                  dict(missing_at), dict(remaining_at), tuple(unknown), tuple(forced))


def replay_log(net: Net, traces: Iterable[Sequence[str]], *,
               max_silent_states: int = SILENT_SEARCH_LIMIT) -> list[Replay]:
    """Every trace replayed, each distinct trace (variant) once; results in the order of `traces`."""
    return per_variant(traces, lambda key: replay(net, key, max_silent_states=max_silent_states))


def log_fitness(replays: Iterable[Replay], weights: Iterable[int] | None = None) -> float | None:
    """fitness(L, N): the four counts summed over the traces (each `weights[i]` times, default once)
    before the formula is applied, as van der Aalst (2016, §8.2) defines it. None for an empty log."""
    p = c = m = r = 0
    for result, w in weighted(replays, weights):
        p += w * result.produced
        c += w * result.consumed
        m += w * result.missing
        r += w * result.remaining
    if not p:
        return None
    return fitness_of(p, c, m, r)


def _enabling_path(cn: Compiled, start: tuple, candidates: tuple[int, ...], limit: int):
    """The shortest sequence of silent firings from `start` after which one of `candidates` is
    enabled: (path, candidate), or None when none is found within `limit` markings."""
    if not cn.silent:
        return None
    parents: dict[tuple, tuple] = {start: None}
    for nxt in _silent_reach(cn, parents):
        for t in candidates:
            if cn.enabled(nxt, t):
                return _path(parents, nxt), t
        if len(parents) >= limit:
            return None
    return None


def _ending_path(cn: Compiled, start: tuple, limit: int) -> tuple[int, ...]:
    """Silent firings from `start` that leave the fewest missing plus remaining tokens at the end
    (then the fewest firings); () when no silent firing helps."""
    best, best_score = start, _end_score(cn, start)
    if best_score == 0 or not cn.silent:
        return ()
    parents: dict[tuple, tuple] = {start: None}
    for nxt in _silent_reach(cn, parents, limit):
        score = _end_score(cn, nxt)
        if score < best_score:
            best, best_score = nxt, score
            if score == 0:
                break
    return _path(parents, best)


def _silent_reach(cn: Compiled, parents: dict, limit: int | None = None) -> Iterator[tuple]:
    """The markings silent firings reach from the one in `parents` (start: None), breadth first,
    each new one yielded once its way there is in `parents` (marking -> (previous, transition)):
    the one search both silent-path questions ask. With `limit`, no marking is expanded once
    `parents` holds that many; a caller may stop sooner."""
    queue = deque(parents)
    while queue and (limit is None or len(parents) < limit):
        marking = queue.popleft()
        for s in cn.silent:
            if not cn.enabled(marking, s):
                continue
            nxt = cn.fire(marking, s)
            if nxt in parents:
                continue
            parents[nxt] = (marking, s)
            yield nxt
            queue.append(nxt)


def _end_score(cn: Compiled, marking: tuple) -> int:
    """Missing plus remaining tokens if the replay ended in `marking`."""
    if cn.sink is not None:
        return (sum(marking) - marking[cn.sink]) + (0 if marking[cn.sink] else 1)
    return sum(abs(have - want) for have, want in zip(marking, cn.final))


def _path(parents: dict, marking: tuple) -> tuple[int, ...]:
    steps = []
    while parents[marking] is not None:
        marking, s = parents[marking]
        steps.append(s)
    return tuple(reversed(steps))
