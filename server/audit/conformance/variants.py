"""What replay and alignment both do over a log: judge each distinct trace (variant) once, and
count each trace as often as its variant occurs. A log of thousands of cases has a few dozen
variants, and both judgements depend on the labels alone, so the results are shared."""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from typing import TypeVar

R = TypeVar("R")
T = TypeVar("T")


def per_variant(traces: Iterable[Sequence[Hashable]], judge: Callable[[tuple], R]) -> list[R]:
    """`judge(trace)` once per distinct trace; the results in the order of `traces`."""
    done: dict[tuple, R] = {}
    out = []
    for labels in traces:
        key = tuple(labels)
        result = done.get(key)
        if result is None:
            result = done[key] = judge(key)
        out.append(result)
    return out


def weighted(results: Iterable[T], weights: Iterable[int] | None = None) -> Iterator[tuple[T, int]]:
    """(result, how many cases it stands for): `weights[i]` for the i-th (a variant's frequency),
    once each by default, as the log formulas Σ L(σ)·x_σ count."""
    weights = iter(weights) if weights is not None else None
    for result in results:
        yield result, (next(weights) if weights is not None else 1)
