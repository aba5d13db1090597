"""A task: its SOP step, the instance's history and the form; save a draft or submit."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import AlurError, InvalidInput
from ..services import tasks
from . import pages
from ...web.common import actor, alur, locale
from .files import history_files
from ...web.common import field_errors
from .forms_io import fields_for, merge_errors, read_form

EMPTY = {"type": "object", "properties": {}}


@pages.route("/tugas/<id:task_id>", methods=["GET", "POST"])
@login_required
def task_page(task_id: int):
    task = tasks.get_task(alur(), actor(), task_id)
    schema = task["form"] or EMPTY
    values = task["draft"] or task["previous"] or {}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        action = request.form.get("action", "submit")
        values, upload_errors = read_form(schema, task["agency"])
        try:
            if action == "draft":
                tasks.save_draft(alur(), actor(), task_id, values)
                flash(_("Draft saved."), "success")
                return redirect(url_for("work.task_page", task_id=task_id))
            if action.startswith("add-row:") or upload_errors:
                errors = upload_errors
            else:
                tasks.complete(alur(), actor(), task_id, values)
                flash(_("Step %(no)s done: %(name)s", no=task["sop_no"], name=task["name"]), "success")
                return redirect(url_for("work.inbox"))
        except InvalidInput as exc:
            errors = merge_errors(upload_errors, field_errors(exc, locale()))
        except AlurError as exc:
            flash(exc.message(locale()), "error")
            return redirect(url_for("work.inbox"))
        status = 422 if errors else 200
    return render_template("work/task.html", task=task, errors=errors, fields=fields_for(schema, values, errors),
                           history_files=history_files(task["history"], task["request"])), status
