"""Read-only pages of an SOP's versions: one version's diagram with its SOP rows, and the visual
diff of two versions. Both show their facts without JavaScript (the rows, the list of changed
properties); the bpmn-js bundle draws the diagrams over them (static/modeler/src/viewer.js, diff.js)."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...web.common import actor, alur, locale
from ..services import viewing
from . import pages

def _page_urls(agency: str, key: str) -> dict:
    """Links to the other pages of this SOP."""
    return {"versions_page": url_for("modeling.versions", agency=agency, key=key),
            "edit_page": url_for("modeling.edit", agency=agency, key=key)}


def _bpmn(agency: str, key: str, number: int) -> str:
    return url_for("api.version_bpmn", key=key, n=number, agency=agency)


def _config(sop: dict, **extra) -> dict:
    return {"lang": locale(), "agency": sop["agency"], "key": sop["key"], "timezone": sop["timezone"], **extra}


@pages.get("/<agency>/<key>/versions/<int:number>")
@login_required
def version_view(agency: str, key: str, number: int):
    found = viewing.version_page(alur(), actor(), agency, key, number)
    sop = found["sop"]
    links = _page_urls(agency, key)
    numbers = [v["version"] for v in found["versions"]]
    earlier = next((n for n in numbers if n < number), None)
    config = _config(sop, version=number, urls={"bpmn": _bpmn(agency, key, number)})
    return render_template("modeling/version_view.html", sop=sop, version=found["version"], rows=found["rows"],
                           versions=found["versions"], earlier=earlier, links=links, config=config)


@pages.get("/<agency>/<key>/diff")
@login_required
def diff(agency: str, key: str):
    found = viewing.diff_page(alur(), actor(), agency, key, request.args.get("from", type=int),
                              request.args.get("to", type=int))
    sop, old, new = found["sop"], found["from"], found["to"]
    config = _config(sop, **{"from": old, "to": new}, urls={
        "from_bpmn": _bpmn(agency, key, old),
        "to_bpmn": _bpmn(agency, key, new),
        "diff": url_for("api.diff_versions", key=key, agency=agency, **{"from": old, "to": new}),
    })
    return render_template("modeling/diff.html", sop=sop, versions=found["versions"], old=old, new=new,
                           diff=found["diff"], entries=_entries(found["diff"]), links=_page_urls(agency, key),
                           config=config)


def _entries(diff: dict) -> list[dict]:
    """The diff as the page's table: one entry per element (added, removed, changed), each
    change with a label a reader knows beside the property's own name."""
    out = [{**e, "kind": "added", "type_label": _type(e["type"]), "changes": []} for e in diff["added"]]
    out += [{**e, "kind": "removed", "type_label": _type(e["type"]), "changes": []} for e in diff["removed"]]
    names = diff.get("names", {})

    def shown(change: dict, value):  # a flow's ends and a timer's task by name, their id beside
        if change["property"] in ("source", "target", "attached_to") and value in names:
            return f"{names[value]} ({value})"
        return _value(value)
    out += [{**e, "kind": "changed", "type_label": _type(e["type"]),
             "changes": [{**c, "label": _property(c["property"]), "old": shown(c, c["old"]), "new": shown(c, c["new"])}
                         for c in e["changes"]]} for e in diff["changed"]]
    return out


def _type(kind: str) -> str:
    names = {"userTask": _("task"), "task": _("task"), "manualTask": _("task"), "serviceTask": _("automatic task"),
             "exclusiveGateway": _("decision"), "parallelGateway": _("parallel gateway"),
             "startEvent": _("start"), "endEvent": _("end"), "boundaryEvent": _("boundary event"),
             "intermediateCatchEvent": _("intermediate event"), "sequenceFlow": _("flow"), "lane": _("lane"),
             "participant": _("pool"), "process": _("SOP identity")}
    return names.get(kind, kind)


def _property(name: str) -> str:
    """'sop.waktu' -> 'Waktu', 'form.caption.maxLength' -> 'Form: caption · maximum length'."""
    labels = {"name": _("Name"), "kegiatan": _("Kegiatan (activity)"), "lane": _("Lane"), "source": _("From"),
              "target": _("To"), "condition": _("Condition"), "tenggat": _("Due-time timer"),
              "timer": _("Timer"), "attached_to": _("Attached to"), "form": _("Form"),
              "sop.no": _("No"), "sop.kelengkapan": _("Kelengkapan (requirements)"), "sop.waktu": _("Waktu (time)"),
              "sop.waktu.kode": _("Waktu as a code"), "sop.waktu.acuan": _("Waktu counted from"),
              "sop.output": _("Output"), "sop.keterangan": _("Keterangan (notes)"),
              "alur.tafsiran": _("Interpretation"), "alur.eskalasi": _("Escalation to")}
    if name in labels:
        return labels[name]
    if name.startswith("form."):
        attributes = {"title": _("label"), "type": _("type"), "maxLength": _("maximum length"),
                      "required": _("required"), "enum": _("choices"), "x-alur-widget": _("widget"),
                      "x-alur-accept": _("accepted files"), "minItems": _("minimum count"),
                      "maxItems": _("maximum count")}
        field, _dot, attribute = name[5:].rpartition(".")
        if field and attribute in attributes:
            return _("Form field %(field)s: %(attribute)s", field=field, attribute=attributes[attribute])
        return _("Form field %(field)s", field=name[5:])
    return name


def _value(value) -> str | None:
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return None if value is None else str(value)
