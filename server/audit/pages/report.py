"""The conformance reports for the Auditor (`audit.read`):

- /audit/sop: per agency they audit, its SOPs with the official version and the instances;
- /audit/sop/<agency>/<key>: the report of Alur's own instances of the SOP against its official
  version (GET filters from, to, version: the address is the filter): the figures as tiles, the
  official diagram coloured by deviations per element, the steps (time, deviations), the cases
  with findings, each with a drill-down, and the form to check an outside log;
- /audit/sop/<agency>/<key>/kasus/<id>: one case: its alignment as two rows (log / model), the
  time of its steps, its role and four-eyes findings, the supervisors' interventions;
- POST /audit/sop/<agency>/<key>/log-luar: an uploaded event log (XES or CSV) checked the same
  way and shown on the same page, nothing stored; its cases open in place (<details>).

Everything is HTML that works without JavaScript; the bpmn-js bundle draws the diagram (mount
"marked-diagram"), static/js/audit-report.js makes the "Cetak" (print) button work. The print
view (@media print in static/alur.css) leaves out navigation and forms and fits A4 landscape.
"""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import InvalidInput
from ...sop.ordering import sop_order
from ...timeplan.step_time import working_words
from ...web.common import actor, alur, locale
from ...web.listing import form_errors
from ..services import log_import, report as service, sop_index
from . import pages

CASES_SHOWN = 200  # cases with findings listed on the page (the API gives them all)
FILTERS = ("from", "to", "version")
# Fills of the diagram's tasks by what the cases did there (the classes colour the outline).
FILLS = {"skipped": "#fbeaea", "extra": "#fff1e0", "ok": "#e7f4ec"}


@pages.get("/sop")
@login_required
def report_index():
    return render_template("audit/report_index.html", agencies=sop_index.audited_sops(alur(), actor()))


@pages.get("/sop/<agency>/<key>")
@login_required
def report(agency: str, key: str):
    args = {name: request.args.get(name, "").strip() for name in FILTERS}
    errors, status = {}, 200
    try:
        found = service.sop_report(alur(), actor(), key, agency=agency, date_from=args["from"] or None,
                                   date_to=args["to"] or None, version=args["version"] or None)
    except InvalidInput as exc:  # a bad filter: the message by its field, the report unfiltered
        errors, status = form_errors(exc), 422
        found = service.sop_report(alur(), actor(), key, agency=agency)
        args = {name: "" for name in FILTERS}
    return render_template("audit/report.html", **_page(found, agency, key), args=args, errors=errors,
                           upload_errors={}, imported=None), status


@pages.post("/sop/<agency>/<key>/log-luar")
@login_required
def report_log(agency: str, key: str):
    """An outside log checked against the SOP: the same report, for this response only."""
    sop = service.sop_facts(alur(), actor(), key, agency)  # 403 / 404 before the file is read
    upload = request.files.get("log")
    match = request.form.get("match", "auto")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Pilih berkas log (XES atau CSV).", "Choose a log file (XES or CSV).",
                               fields={"log": [{"id": "Wajib diisi.", "en": "This field is required."}]})
        imported = log_import.read_log(upload.filename, upload.read(), tz=sop["agency"]["timezone"])
        found = service.log_report(alur(), actor(), key, imported, agency=agency, match=match, locale=locale())
    except InvalidInput as exc:
        errors = form_errors(exc)
        return render_template("audit/report.html", report=None, sop=sop, agency=agency, key=key,
                               args={}, errors={}, upload_errors=errors, imported=None, match=match), 422
    page = _page(found, agency, key)
    return render_template("audit/report.html", **page, args={}, errors={}, upload_errors={},
                           imported={"filename": upload.filename, "format": found["log"].get("format"),
                                     "warnings": found["log"].get("warnings", []), "match": match})


@pages.get("/sop/<agency>/<key>/kasus/<id:instance_id>")
@login_required
def report_case(agency: str, key: str, instance_id: int):
    found = service.case_report(alur(), actor(), key, instance_id, agency=agency)
    names = _names(found["elements"])
    case = _case_view(found["case"], names, found["agency"])
    return render_template("audit/report_case.html", found=found, case=case, agency=agency, key=key,
                           version=found["version"], zone=found["agency"]["timezone"],
                           diagram=_diagram(found, names, focus_case=found["case"]),
                           monitoring_url=url_for("monitoring.instance", instance_id=instance_id),
                           fitness=_fitness, percent=_percent)


# --- what the templates show -------------------------------------------------------------------

def _page(found: dict, agency: str, key: str) -> dict:
    names = _names(found["elements"])
    lang = locale()
    day = found["agency"]["working_day_seconds"]
    steps = sorted((dict(e, element_id=i, worked_text=working_words(e["median_worked_seconds"], day, lang))
                    for i, e in found["elements"].items() if e.get("task")), key=_sop_order)
    flagged = [c for c in found["traces"] if c["findings"]]
    flagged.sort(key=lambda c: (not c["deviating"], c["fitness"] if c["fitness"] is not None else 2,
                                -len(c["findings"]), c["case"]))
    cases = [_case_view(c, names, found["agency"]) for c in flagged[:CASES_SHOWN]]
    return {"report": found, "log": found["log"], "version": found["version"], "agency": agency, "key": key,
            "sop": {"name": found["version"]["name"], "key": key, "agency": found["agency"]},
            "zone": found["agency"]["timezone"], "steps": steps, "cases": cases, "flagged": len(flagged),
            "shown": len(cases), "diagram": _diagram(found, names), "percent": _percent,
            "fitness": _fitness}


def _names(elements: dict) -> dict:
    return {i: {"name": e.get("name") or i, "row": e.get("row") or "", "waktu": e.get("waktu") or ""}
            for i, e in elements.items()}


def _sop_order(step: dict) -> tuple:
    return sop_order(step.get("row")), step["name"]


def _percent(ratio) -> str:
    return "—" if ratio is None else f"{round(ratio * 100)}%"


def _fitness(value) -> str:
    if value is None:
        return "—"
    text = f"{value:.3f}"
    return text.replace(".", ",") if locale() != "en" else text


def _label(label: str | None, names: dict) -> dict:
    """A move's activity for people: the task's row and name, or the unmatched activity."""
    if label is None:
        return {"text": "≫", "row": "", "none": True}
    if label.startswith("?"):
        return {"text": label[1:], "row": "", "none": False, "unknown": True}
    found = names.get(label, {"name": label, "row": ""})
    return {"text": found["name"], "row": found["row"], "none": False}


def _case_view(case: dict, names: dict, agency: dict) -> dict:
    lang, day = locale(), agency["working_day_seconds"]
    moves = []
    for m in (case.get("alignment") or {}).get("moves") or []:
        moves.append({"kind": m["kind"], "log": _label(m["log"] if m["kind"] != "model" else None, names),
                      "model": _label(m["model"] if m["kind"] != "log" else None, names)})
    time = [dict(s, name=names.get(s["element_id"], {}).get("name") or s["activity"],
                 row=names.get(s["element_id"], {}).get("row") or "", waktu=names.get(s["element_id"], {}).get("waktu"),
                 worked_text=working_words(s["worked_seconds"], day, lang),
                 late_text=working_words(s["late_seconds"], day, lang) if s["late_seconds"] is not None else None)
            for s in case["time"]]
    roles = [dict(r, name=names.get(r["element_id"], {}).get("name") or r["element_id"] or "—") for r in case["roles"]]
    eyes = [dict(f, decision_name=names.get(f["decision"], {}).get("name") or f["decision"],
                 judged_name=names.get(f["judged"], {}).get("name") or f["judged"]) for f in case["four_eyes"]]
    steps_in = {i: n["name"] for i, n in names.items()}
    acts = [dict(a, to_name=steps_in.get(a.get("to"), a.get("to")),
                 from_names=[steps_in.get(e, e) for e in a.get("from", [])]) for a in case["interventions"]]
    prefix = [{"name": names.get(e, {}).get("name") or e, "count": n}
              for e, n in (case.get("prefix_missing") or {}).items()]
    return {**case, "moves": moves, "time_rows": time, "role_rows": roles,
            "eyes_rows": eyes, "acts": acts, "prefix": prefix,
            "late": sum(1 for s in case["time"] if s["on_time"] is False),
            "role_violations": sum(1 for r in case["roles"] if r["held"] is False),
            "skipped": sum(1 for m in moves if m["kind"] == "model"),
            "extra": sum(1 for m in moves if m["kind"] == "log")}


def _diagram(found: dict, names: dict, focus_case: dict | None = None) -> dict:
    """The marked diagram (static/modeler/src/marked-view.js) of the official version: per element
    what the alignments did there. Red: skipped (moves on the model); orange: done out of order
    or extra (moves on the log); green: done as the model says. The badge counts the moves
    ("−2 +1"); the title says everything, the tokens of the replay too."""
    lang = locale()
    marks, labels = {}, {}
    for element_id, e in found["elements"].items():
        skipped, extra = e["model_moves"], e["log_moves"]
        if skipped:
            classes, fill = ["audit-skipped"], FILLS["skipped"]
        elif extra:
            classes, fill = ["audit-extra"], FILLS["extra"]
        elif e["executions"]:
            classes, fill = ["audit-ok"], FILLS["ok"]
        elif e["missing"] or e["remaining"]:  # a gateway or event the tokens went wrong at
            classes, fill = ["audit-extra"], None
        else:
            continue
        badge = " ".join(part for part in (f"−{skipped}" if skipped else "", f"+{extra}" if extra else "") if part)
        marks[element_id] = {"classes": classes, "badge": badge or None, "fill": fill if e.get("task") else None,
                             "title": _title(e, lang), "href": None}
        if e.get("task") and e["on_time_ratio"] is not None and focus_case is None:
            ratio = e["on_time_ratio"]
            labels[element_id] = {"text": _("%(p)s on time", p=_percent(ratio)),
                                  "tone": "audit-good" if ratio >= 0.9 else "audit-fair" if ratio >= 0.7 else "overdue"}
    deviating = [i for i, e in found["elements"].items() if e["model_moves"] + e["log_moves"]]
    first = sorted(found["elements"], key=lambda i: _sop_order({"row": names.get(i, {}).get("row"), "name": i}))
    return {"xml": found.get("xml") or "", "marks": marks, "labels": labels, "flows": {},
            "lang": lang, "focus": (deviating or first)[:1]}


def _title(e: dict, lang: str) -> str:
    english = lang == "en"
    parts = [f"{e.get('row')}. {e.get('name')}" if e.get("row") else str(e.get("name"))]
    counts = (("executions", "done", "dikerjakan"), ("model_moves", "skipped (moves on the model)",
                                                     "dilewati (langkah model)"),
              ("log_moves", "out of order or extra (moves on the log)", "di luar urutan/tambahan (langkah log)"),
              ("missing", "missing tokens", "token hilang"), ("remaining", "remaining tokens", "token tersisa"))
    for field, en, id_ in counts:
        if e.get(field):
            parts.append(f"{e[field]} {en if english else id_}")
    if e.get("on_time_ratio") is not None:
        parts.append(f"{_percent(e['on_time_ratio'])} {'on time' if english else 'tepat waktu'}")
    return " · ".join(parts)
