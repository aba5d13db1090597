"""Quantiles of durations as PostgreSQL computes them, for the dashboard's figures computed in
Python (working-time medians and p90)."""
from __future__ import annotations


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile by linear interpolation (PostgreSQL's percentile_cont); None for none."""
    if not values:
        return None
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
