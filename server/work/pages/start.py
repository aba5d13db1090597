"""Starting an SOP: the list of what this user may start, and each start form."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import InvalidInput
from ..services import instances, processes
from . import pages
from ...web.common import actor, alur, locale
from ...web.common import field_errors
from .forms_io import fields_for, read_form


@pages.get("/mulai")
@login_required
def start_list():
    mine = [p for p in processes.list_processes(alur(), actor()) if p["startable"]]
    return render_template("work/start_list.html", processes=mine)


def _process(key: str) -> dict:
    found = next((p for p in processes.list_processes(alur(), actor()) if p["key"] == key and p["startable"]), None)
    if found is None:
        abort(404)
    return found


@pages.route("/mulai/<key>", methods=["GET", "POST"])
@login_required
def start_form(key: str):
    process = _process(key)
    schema = process["start_form"] or {"type": "object", "properties": {}}
    values, errors = {}, {}
    if request.method == "POST":
        values, errors = read_form(schema, process["agency"])
        if not errors and not request.form.get("action", "").startswith("add-row:"):
            try:
                started = instances.start(alur(), actor(), key, values, agency=process["agency"])
            except InvalidInput as exc:
                errors = field_errors(exc, locale())
            else:
                flash(_("Started: %(title)s", title=started["title"]), "success")
                mine = [t for t in started["open_tasks"] if t["lane"] in actor().roles.get(process["agency"], [])]
                if mine:
                    return redirect(url_for("work.task_page", task_id=mine[0]["id"]))
                return redirect(url_for("work.instance_page", instance_id=started["id"]))
    status = 422 if errors else 200
    return render_template("work/start_form.html", process=process, errors=errors,
                           fields=fields_for(schema, values, errors)), status
