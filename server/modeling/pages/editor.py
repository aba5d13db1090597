"""The modeler page: bpmn-js with the SOP's properties on the SOP's draft (static/modeler/).

The page carries its configuration as JSON data (no inline script: the Content-Security-Policy
allows none); the bundle reads it, fetches the draft and saves it through the API."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from ...web.common import actor, alur, locale
from ..services import editing
from . import pages

@pages.get("/<agency>/<key>/edit")
@login_required
def edit(agency: str, key: str):
    sop = editing.modeler_context(alur(), actor(), agency, key)
    process = {"key": sop["key"], "agency": sop["agency"]}
    config = {
        "lang": locale(), "agency": sop["agency"], "key": sop["key"], "name": sop["name"],
        "timezone": sop["timezone"], "lanes": sop["lanes"], "agency_lanes": sop["agency_lanes"],
        "csrf_token": generate_csrf(),
        "urls": {
            "draft": url_for("api.get_draft", **process),
            "lint": url_for("api.lint_diagram"),
            "deploy": url_for("api.deploy_version", **process),
            "versions": url_for("api.list_versions", **process),
            "waktu_preview": url_for("api.preview_waktu"),
            "versions_page": url_for("modeling.versions", **process),
            "home_page": url_for("modeling.home"),
        },
    }
    return render_template("modeling/edit.html", sop=sop, config=config)
