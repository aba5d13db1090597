"""The event-log export form of one SOP (/audit/sop/<agency>/<key>/log), for its Auditor: the
version (or all), the range of start dates and the format (XES, CSV with ',' or ';'). The form
is a GET form to the page itself; with a format chosen the page answers with the file, streamed,
or shows the form again with what was wrong (422)."""
from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from ...errors import InvalidInput
from ...web.common import actor, alur, attachment
from ...web.listing import form_errors
from ..services import event_log, log_export
from . import pages

# The form's choice -> (format, CSV separator)
CHOICES = {"xes": ("xes", None), "csv": ("csv", "comma"), "csv-semicolon": ("csv", "semicolon")}


@pages.get("/sop/<agency>/<key>/log", endpoint="log_export")
@login_required
def log_export_page(agency: str, key: str):
    who = actor()
    chosen = event_log.scope(alur(), who, key, agency=agency)  # 403/404 before anything else
    args = request.args
    errors, status = {}, 200
    choice = args.get("format")
    if choice is not None:
        try:
            fmt, sep = CHOICES.get(choice, (choice, None))
            found = log_export.download(alur(), who, key, fmt, agency=agency, version=args.get("version"),
                                        date_from=args.get("from"), date_to=args.get("to"), sep=sep)
            return attachment(found.chunks, found.filename, found.content_type)
        except InvalidInput as exc:
            errors, status = form_errors(exc), 422
    return render_template("audit/logs.html", sop=chosen, args=args, errors=errors,
                           choice=choice or "xes"), status
