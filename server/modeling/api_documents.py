"""The official SOP document through the JSON API (under /api/v1): a version's or the draft's SOP AP
sheet as HTML, PDF or DOCX (`?as_signed=1` leaves the marked interpretations out), and the import
of an SOP table an agency already keeps as draft diagrams (multipart `file`, `agency`)."""
from __future__ import annotations

from flask import g, jsonify, request

from ..api.views import alur, api, required_file
from .services import importing, sheets
from .sheet_response import as_signed, sheet_response

@api.get("/processes/<key>/versions/<id:n>/sop.html", defaults={"fmt": "html"})
@api.get("/processes/<key>/versions/<id:n>/sop.pdf", defaults={"fmt": "pdf"})
@api.get("/processes/<key>/versions/<id:n>/sop.docx", defaults={"fmt": "docx"})
def version_sheet(key: str, n: int, fmt: str):
    return sheet_response(sheets.version_sheet(alur(), g.actor, key, n, fmt, agency=request.args.get("agency"),
                                               as_signed=as_signed()))


@api.get("/processes/<key>/draft/sop.html", defaults={"fmt": "html"})
@api.get("/processes/<key>/draft/sop.pdf", defaults={"fmt": "pdf"})
@api.get("/processes/<key>/draft/sop.docx", defaults={"fmt": "docx"})
def draft_sheet(key: str, fmt: str):
    return sheet_response(sheets.draft_sheet(alur(), g.actor, key, fmt, agency=request.args.get("agency"),
                                             as_signed=as_signed()))


@api.post("/imports")
def import_sop_table():
    upload = required_file("Sertakan tabel SOP pada isian 'file' (multipart/form-data).",
                           "Send the SOP table in the 'file' field (multipart/form-data).")
    imported = importing.import_table(alur(), g.actor, upload.read(), upload.filename or "",
                                      request.form.get("agency") or None)
    return jsonify(imported), 201
