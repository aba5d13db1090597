"""The dashboard per SOP (Pengawas; read-only for the Auditor) and the index of the agency's SOPs.

The page works without JavaScript: tiles, charts (inline SVG drawn here) and tables are HTML.
With it, the bpmn-js bundle draws the heatmap on the active version's diagram (mount
"marked-diagram") and refreshes the numbers every 30 s (mount "dashboard-refresh",
static/modeler/src/dashboard.js) from `dashboard_numbers`, which answers 304 while the ETag of
the numbers is the one the page holds."""
from __future__ import annotations

from flask import jsonify, make_response, render_template, request, url_for
from flask_login import login_required
from werkzeug.routing import BuildError

from ...web.common import actor, alur, locale
from ..services import dashboard as service
from . import charts, pages

REFRESH_MS = 30_000


def _url(endpoint: str, **values) -> str | None:
    """A link to a page another part of the monitoring builds; None while it does not exist."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def _weeks_arg() -> int:
    value = request.args.get("weeks", type=int)
    return value if value and value > 0 else 12


def _numbers(agency: str, key: str) -> dict:
    found = service.dashboard(alur(), actor(), key, agency, _weeks_arg(), lang=locale())
    for element_id, mark in found["marks"].items():
        mark["href"] = _url("monitoring.instances", process=key, element=element_id)
    return found


def _parts(found: dict) -> dict[str, str]:
    """The refreshed fragments of the page, by element id."""
    context = _context(found)
    return {"dashboard-tiles": render_template("monitoring/_dashboard_tiles.html", **context),
            "dashboard-details": render_template("monitoring/_dashboard_details.html", **context)}


def _context(found: dict) -> dict:
    lang = locale()

    def days(value) -> str:
        if value is None:
            return "—"
        text = f"{value:.1f}"
        return text.replace(".", ",") if lang != "en" else text

    def percent(ratio) -> str:
        return "—" if ratio is None else f"{round(ratio * 100)}%"

    def working(seconds) -> str:
        return service.format_working(seconds, found["day_seconds"], lang)

    return {"d": found, "bars": charts.weekly_bars(found["weeks"]), "line": charts.running_line(found["weeks"]),
            "on_time": charts.on_time_bars(found["steps"]), "days": days, "percent": percent, "working": working,
            "list_url": _url("monitoring.instances", process=found["sop"]["key"])}


@pages.get("/sop")
@login_required
def dashboards():
    agencies = service.overview(alur(), actor())
    return render_template("monitoring/dashboards.html", agencies=agencies)


@pages.get("/sop/<agency>/<key>")
@login_required
def dashboard(agency: str, key: str):
    found = _numbers(agency, key)
    sop = found["sop"]
    refresh = {"url": url_for("monitoring.dashboard_numbers", agency=agency, key=key, weeks=_weeks_arg()),
               "etag": found["etag"], "interval": REFRESH_MS, "heatmap": "heatmap", "lang": locale()}
    late = sorted((step for step in found["steps"] if step["overdue"]), key=lambda step: -step["overdue"])
    focus = [step["element_id"] for step in late[:1] or found["steps"][:1]]  # where a phone starts
    heatmap = {"xml": found["xml"], "marks": found["marks"], "flows": {}, "lang": locale(), "labels": {},
               "focus": focus}
    links = {"list": _url("monitoring.instances", process=sop["key"]),
             "migration": _url("monitoring.migration", agency=sop["agency"], key=sop["key"]),
             "index": url_for("monitoring.dashboards")}
    return render_template("monitoring/dashboard.html", refresh=refresh, heatmap=heatmap, links=links,
                           **_context(found))


@pages.get("/sop/<agency>/<key>/angka")
@login_required
def dashboard_numbers(agency: str, key: str):
    """The numbers for the page's refresh: {"etag", "parts": {id: html}, "marks"}; 304 when
    If-None-Match names the ETag they have now."""
    found = _numbers(agency, key)
    if request.if_none_match.contains(found["etag"]):
        response = make_response("", 304)
    else:
        response = jsonify({"etag": found["etag"], "as_of": found["as_of"], "parts": _parts(found),
                            "marks": found["marks"]})
    response.set_etag(found["etag"])
    return response
