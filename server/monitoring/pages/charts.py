"""The dashboard's charts as geometry for inline SVG, drawn on the server: no chart library, no
JavaScript, readable by a screen reader (each chart has a title and description, and its numbers
are in a table next to it). The templates draw the shapes; here only the arithmetic."""
from __future__ import annotations

import math

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 14, 34


def nice_max(value: float) -> int:
    """A round upper bound for an axis (1, 2, 5 x 10^n) at or above `value`."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return int(step * power) if step * power >= 1 else 1
    return int(10 * power)


def _ticks(top: int) -> list[dict]:
    plot = HEIGHT - TOP - BOTTOM
    values = sorted({0, top // 2 if top >= 2 else 0, top})
    return [{"value": v, "y": round(TOP + plot - plot * v / top, 1)} for v in values]


def _label(day: str) -> str:
    """'2026-11-23' -> '23/11'."""
    return f"{day[8:10]}/{day[5:7]}"


def weekly_bars(weeks: list[dict]) -> dict:
    """Two bars a week (started, completed), the week's Monday below every other group when
    crowded."""
    top = nice_max(max([w["started"] for w in weeks] + [w["completed"] for w in weeks] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(1, len(weeks))
    bar = group * 0.36
    every = 1 if len(weeks) <= 8 else 2
    groups = []
    for n, w in enumerate(weeks):
        x = LEFT + n * group + group * 0.12
        bars = []
        for k, name in enumerate(("started", "completed")):
            h = plot_h * w[name] / top
            bars.append({"kind": name, "value": w[name], "x": round(x + k * bar, 1), "y": round(TOP + plot_h - h, 1),
                         "w": round(bar, 1), "h": round(h, 1)})
        groups.append({"week": w, "bars": bars, "label": _label(w["start"]) if (len(weeks) - 1 - n) % every == 0
                       else "", "label_x": round(LEFT + n * group + group / 2, 1)})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": TOP + plot_h,
            "ticks": _ticks(top), "groups": groups, "label_y": HEIGHT - 12}


def running_line(weeks: list[dict]) -> dict:
    """A line of the cases running at the end of each week (now, for the current one)."""
    top = nice_max(max([w["running"] for w in weeks] + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(1, len(weeks))
    every = 1 if len(weeks) <= 8 else 2
    points = []
    for n, w in enumerate(weeks):
        x = LEFT + n * step + step / 2
        y = TOP + plot_h - plot_h * w["running"] / top
        points.append({"x": round(x, 1), "y": round(y, 1), "value": w["running"], "week": w,
                       "label": _label(w["start"]) if (len(weeks) - 1 - n) % every == 0 else ""})
    return {"width": WIDTH, "height": HEIGHT, "left": LEFT, "right": WIDTH - RIGHT, "bottom": TOP + plot_h,
            "ticks": _ticks(top), "points": points, "path": " ".join(f"{p['x']},{p['y']}" for p in points),
            "label_y": HEIGHT - 12}


def on_time_bars(steps: list[dict], width: int = 400) -> dict:
    """A bar per SOP row under its label: its share on time (0-100 %), coloured by delay; a row
    without a judged task shows an empty track. Stacked, so it stays legible on a phone."""
    row_h, bar_h, label_h = 42, 14, 17
    rows = []
    for n, step in enumerate(steps):
        ratio = step.get("on_time_ratio")
        label = f"{step['no']}. {step['name']}" if step.get("no") else step["name"]
        rows.append({"step": step, "label_y": n * row_h + label_h - 3, "y": n * row_h + label_h + 2,
                     "label": label if len(label) <= 48 else label[:47] + "…", "full": label,
                     "w": round(width * ratio, 1) if ratio is not None else 0,
                     "percent": None if ratio is None else round(ratio * 100)})
    return {"width": width, "height": max(1, len(steps)) * row_h, "track": width, "rows": rows, "bar_h": bar_h,
            "value_x": width}
