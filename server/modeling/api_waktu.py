"""The modeler's Waktu check (under /api/v1): a code parsed as it is typed, with a due-time preview."""
from __future__ import annotations

from flask import g, jsonify

from ..api.views import alur, api, json_body
from .services import waktu_preview


@api.post("/waktu/preview")
def preview_waktu():
    body = json_body()
    return jsonify(waktu_preview.preview(alur(), g.actor, body.get("kode"), body.get("agency"), body.get("start")))
