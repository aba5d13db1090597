"""Between HTML forms and services: read a posted form as JSON data, show errors per field."""
from __future__ import annotations

from flask import request

from ...errors import AlurError
from ...formschema import file_fields
from ..services import attachments
from ...web.common import actor, alur, locale
from .files import file_views
from .formview import add_row_request, build_fields, parse_form


def read_form(schema: dict, agency: str) -> tuple[dict, dict[str, list[str]]]:
    """The posted data shaped by the schema; new files are stored first (the upload errors come back)."""
    def store(file_storage, accept):
        try:
            return attachments.upload(alur(), actor(), file_storage.stream, file_storage.filename or "berkas",
                                      agency=agency)["id"]
        except AlurError as exc:
            exc.message_id = exc.message(locale())  # the form shows it in the user's language
            raise
    return parse_form(schema, request.form, request.files, store=store)


def merge_errors(*parts: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in parts:
        for name, msgs in (part or {}).items():
            out.setdefault(name, []).extend(m for m in msgs if m not in out.get(name, []))
    return out


def fields_for(schema: dict, values: dict, errors: dict) -> list:
    """The form's fields to render, with the files already attached and a requested extra row."""
    ids = [v for name in file_fields(schema) for v in (values.get(name) or []) if isinstance(v, str)]
    grow = add_row_request(request.form) if request.method == "POST" else None
    return build_fields(schema, values, errors, file_views(ids), extra_rows={grow: 1} if grow else None)
