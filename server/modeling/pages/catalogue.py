"""The process owner's catalogue pages: their agencies' SOPs, a new SOP (template or copy), an
SOP's versions with activation. Forms post back to themselves; errors show beside their
fields with everything typed kept; no JavaScript needed."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import DraftConflict, InvalidInput
from ...web.common import actor, alur, field_errors, locale, header_link
from ..services import catalogue, creation, drafts, lookup, versions
from . import pages

NEW_FIELDS = ("name", "nomor", "lanes", "agency", "copy_of")


header_link(pages, "model_link", lookup.may_model)  # the header's link, for whoever may open these pages


@pages.get("/")
@login_required
def home():
    agencies = catalogue.overview(alur(), actor())
    return render_template("modeling/home.html", agencies=agencies)


@pages.route("/new", methods=["GET", "POST"], endpoint="new_process")
@login_required
def new_process():
    agencies = catalogue.overview(alur(), actor())  # 403 before reading anything for a non-owner
    sources = [{"value": f"{a['slug']}/{s['key']}", "label": s["name"], "agency": a["name"]}
               for a in agencies for s in a["sops"]]
    values = {"name": "", "nomor": "", "lanes": "", "agency": "", "copy_of": ""}
    errors, status = {}, 200
    if request.method == "POST":
        values = {name: request.form.get(name, "") for name in NEW_FIELDS}
        copy_agency, _slash, copy_key = values["copy_of"].partition("/")
        try:
            created = creation.create(alur(), actor(), values["name"], values["nomor"],
                                      values["lanes"].splitlines(), agency=values["agency"] or None,
                                      copy_of=copy_key or None, copy_agency=copy_agency or None)
        except InvalidInput as exc:
            errors, status = _form_errors(exc), 422
        else:
            flash(_("SOP %(name)s created; its draft is open in the modeler.", name=values["name"].strip()),
                  "success")
            return redirect(url_for("modeling.edit", agency=created["agency"], key=created["key"]))
    return render_template("modeling/new.html", agencies=agencies, sources=sources, values=values,
                           errors=errors), status


def _form_errors(exc: InvalidInput) -> dict:
    errors = field_errors(exc, locale())
    for name in [n for n in errors if n not in NEW_FIELDS and n != "_form"]:
        errors.setdefault("_form", []).extend(errors.pop(name))
    errors.setdefault("_form", []).insert(0, exc.message(locale()))
    return errors


@pages.get("/<agency>/<key>/versions", endpoint="versions")
@login_required
def versions_page(agency: str, key: str):
    found = catalogue.sop_versions(alur(), actor(), agency, key)
    return render_template("modeling/versions.html", sop=found["sop"], versions=found["versions"],
                           draft=found["draft"], modeler_url=url_for("modeling.edit", agency=agency, key=key))


@pages.post("/<agency>/<key>/versions/<int:number>/activate", endpoint="activate")
@login_required
def activate(agency: str, key: str, number: int):
    versions.activate(alur(), actor(), key, number, agency)
    flash(_("Version %(number)s is active: new instances start on it; running ones keep their version.",
            number=number), "success")
    return redirect(url_for("modeling.versions", agency=agency, key=key))


@pages.post("/<agency>/<key>/versions/<int:number>/official", endpoint="mark_official")
@login_required
def mark_official(agency: str, key: str, number: int):
    versions.mark_official(alur(), actor(), key, number, agency)
    flash(_("Version %(number)s is marked as the signed SOP: auditors compare the executions with it.",
            number=number), "success")
    return redirect(url_for("modeling.versions", agency=agency, key=key))


@pages.post("/<agency>/<key>/versions/<int:number>/draft", endpoint="draft_from_version")
@login_required
def draft_from_version(agency: str, key: str, number: int):
    """The draft starts again from this version; refused (nothing changed) when another owner
    saved the draft after this page was shown."""
    try:
        drafts.start_from_version(alur(), actor(), key, number, request.form.get("etag"), agency)
    except DraftConflict as exc:
        flash(exc.message(locale()), "error")
        return redirect(url_for("modeling.versions", agency=agency, key=key))
    flash(_("The draft now starts from version %(number)s.", number=number), "success")
    return redirect(url_for("modeling.edit", agency=agency, key=key))
