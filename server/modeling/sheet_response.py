"""How a rendered SOP sheet leaves Alur, for the API and the pages alike: the HTML shown inline (and
framed by Alur's own sheet page), PDF and DOCX as downloads; `?as_signed=1` read the same way."""
from __future__ import annotations

from flask import Response, request

from .services.sheets import Document

# The sheet is a standalone document: its styles inline, its drawings inline SVG; it runs no
# script, fetches nothing, posts nowhere, and only Alur's own page may frame it.
SHEET_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
                "form-action 'none'; frame-ancestors 'self'")


def sheet_response(document: Document) -> Response:
    response = Response(document.data, mimetype=document.mimetype)
    disposition = "inline" if document.filename.endswith(".html") else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{document.filename}"'
    response.headers["Content-Security-Policy"] = SHEET_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def as_signed() -> bool:
    """The sheet as signed: Alur's marked interpretations left out."""
    return request.args.get("as_signed", "").lower() in ("1", "true")
