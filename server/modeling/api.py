"""Process owners' JSON API: lint a diagram, deploy it (under /api/v1)."""
from __future__ import annotations

from flask import g, jsonify, request

from ..api.views import alur, api
from ..errors import InvalidInput
from .services import checking, deployment


def _uploaded_diagram() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Sertakan berkas BPMN pada isian 'file' (multipart/form-data).",
                           "Send the BPMN file in the 'file' field (multipart/form-data).",
                           fields={"file": [{"id": "Wajib diisi.", "en": "This field is required."}]})
    return upload.read(), upload.filename or "diagram.bpmn"


@api.post("/lint")
def lint_diagram():
    data, filename = _uploaded_diagram()
    return jsonify(checking.lint_for(alur(), g.actor, data, filename))


@api.post("/deployments")
def deploy_diagram():
    data, filename = _uploaded_diagram()
    deployed = deployment.deploy(alur(), data, filename, agency_slug=request.form.get("agency") or None,
                                 actor=g.actor)
    return jsonify({"items": deployed}), 201
