"""The official SOP document on the process owners' side: a version's (or the draft's) SOP AP
sheet, framed in a page with its downloads, and the import of an SOP table as draft diagrams
with the import report. The sheet itself is the standalone HTML the API serves."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import login_required

from ...api.views import required_file
from ...errors import InvalidInput
from ...web.common import actor, alur, field_errors, locale
from ..sheet_response import as_signed, sheet_response
from ..services import catalogue, importing, sheets
from . import pages


def _sheet_page(agency: str, key: str, number: int | None):
    found = sheets.describe(alur(), actor(), agency, key, number)
    signed = as_signed()
    draft = number is None
    args = {"agency": agency, "key": key, **({} if draft else {"number": number})}
    endpoint = "modeling.draft_sheet_file" if draft else "modeling.version_sheet_file"
    files = {fmt: url_for(endpoint, fmt=fmt, **args, **({"as_signed": 1} if signed else {}))
             for fmt in sheets.FORMATS}
    toggle = url_for("modeling.draft_sheet" if draft else "modeling.version_sheet", **args,
                     **({} if signed else {"as_signed": 1}))
    return render_template("modeling/sheet.html", **found, files=files, as_signed=signed, toggle=toggle)


@pages.get("/<agency>/<key>/versions/<int:number>/sop", endpoint="version_sheet")
@login_required
def version_sheet(agency: str, key: str, number: int):
    return _sheet_page(agency, key, number)


@pages.get("/<agency>/<key>/draft/sop", endpoint="draft_sheet")
@login_required
def draft_sheet(agency: str, key: str):
    return _sheet_page(agency, key, None)


@pages.get("/<agency>/<key>/versions/<int:number>/sop.<any(html, pdf, docx):fmt>", endpoint="version_sheet_file")
@login_required
def version_sheet_file(agency: str, key: str, number: int, fmt: str):
    return sheet_response(sheets.version_sheet(alur(), actor(), key, number, fmt, agency=agency,
                                               as_signed=as_signed()))


@pages.get("/<agency>/<key>/draft/sop.<any(html, pdf, docx):fmt>", endpoint="draft_sheet_file")
@login_required
def draft_sheet_file(agency: str, key: str, fmt: str):
    return sheet_response(sheets.draft_sheet(alur(), actor(), key, fmt, agency=agency, as_signed=as_signed()))


@pages.route("/import", methods=["GET", "POST"], endpoint="import_sop")
@login_required
def import_sop():
    """The form, then the report of the drafts made (or the form again with why the file was
    refused: nothing stored)."""
    agencies = catalogue.overview(alur(), actor())  # 403 before reading anything for a non-owner
    values, errors = {"agency": request.form.get("agency", "")}, {}
    if request.method == "POST":
        try:
            upload = required_file("Pilih berkas tabel SOP.", "Choose the SOP table's file.", named=True)
            imported = importing.import_table(alur(), actor(), upload.read(), upload.filename,
                                              values["agency"] or None)
        except InvalidInput as exc:
            errors = field_errors(exc, locale())
            errors.setdefault("_form", []).insert(0, exc.message(locale()))
            return render_template("modeling/import.html", agencies=agencies, values=values, errors=errors), 422
        return render_template("modeling/import_report.html", imported=imported, filename=upload.filename,
                               agency=imported["agency"])
    return render_template("modeling/import.html", agencies=agencies, values=values, errors=errors)
