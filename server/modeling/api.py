"""Process owners' JSON API: lint a diagram (multipart `file` or an application/xml body), deploy it
(under /api/v1); an SOP's drafts, versions, diff and new SOPs are in api_processes."""
from __future__ import annotations

from flask import g, jsonify, request

from ..api.views import alur, api, required_file
from .services import checking, deployment
from . import api_processes  # noqa: F401,E402  (drafts, versions, diff, new SOPs: same blueprint)
from . import api_documents  # noqa: F401,E402  (the SOP AP sheet and table imports: same blueprint)


def _uploaded_diagram() -> tuple[bytes, str]:
    """The diagram of a multipart `file`, or the body itself when sent as application/xml."""
    if request.mimetype in ("application/xml", "text/xml"):
        return request.get_data(cache=True), "diagram.bpmn"
    upload = required_file("Sertakan berkas BPMN pada isian 'file' (multipart/form-data).",
                           "Send the BPMN file in the 'file' field (multipart/form-data).")
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


from . import api_waktu  # noqa: E402,F401  (the modeler's Waktu preview route)
