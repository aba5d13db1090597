"""Process owners' JSON API for an SOP's drafts, versions, diff and new SOPs (under /api/v1).

Each route parses the request and calls one modeling service (they ask the access policy:
Pemilik Proses of the SOP's agency). `?agency=<slug>` names the agency when two of the
owner's agencies have the same key. XML bodies are capped in server/hardening.py.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, g, jsonify, request

from ..api.views import alur, api, json_body
from ..errors import InvalidInput
from .services import creation, diff, drafts, versions

def _agency() -> str | None:
    return request.args.get("agency") or None


def _xml(text: str) -> Response:
    return Response(text, mimetype="application/xml")


@api.get("/processes/<key>/versions")
def list_versions(key: str):
    return jsonify({"items": versions.list_versions(alur(), g.actor, key, _agency())})


@api.get("/processes/<key>/versions/<id:n>/bpmn")
def version_bpmn(key: str, n: int):
    return _xml(versions.version_xml(alur(), g.actor, key, n, _agency()))


@api.post("/processes/<key>/versions/<id:n>/activate")
def activate_version(key: str, n: int):
    return jsonify(versions.activate(alur(), g.actor, key, n, _agency()))


@api.post("/processes/<key>/versions/<id:n>/official")
def mark_official_version(key: str, n: int):
    return jsonify(versions.mark_official(alur(), g.actor, key, n, _agency()))


@api.post("/processes/<key>/versions")
def deploy_version(key: str):
    """JSON {"bpmn", "note"}, or multipart `file` and `note` (checked by the service, after the policy)."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        data, note = (upload.read() if upload is not None else None), request.form.get("note")
    else:
        body = json_body()
        data, note = body.get("bpmn"), body.get("note")
    return jsonify(versions.deploy(alur(), g.actor, key, data, note, _agency())), 201


@api.get("/processes/<key>/draft")
def get_draft(key: str):
    draft = drafts.get(alur(), g.actor, key, _agency())
    response = _xml(draft["xml"])
    _draft_headers(response, draft)
    return response


@api.put("/processes/<key>/draft")
def save_draft(key: str):
    saved = drafts.save(alur(), g.actor, key, request.get_data(cache=True), request.headers.get("If-Match"),
                        _agency())
    response = jsonify({"etag": saved["etag"], "saved_at": saved["saved_at"].isoformat(),
                        "saved_by": saved["saved_by"]})
    _draft_headers(response, saved)
    return response


def _draft_headers(response: Response, draft: dict) -> None:
    response.headers["ETag"] = draft["etag"]
    response.headers["X-Alur-Saved-By"] = quote(draft["saved_by"]["name"] or "") if draft["saved_by"] else ""
    response.headers["X-Alur-Saved-At"] = draft["saved_at"].isoformat()


@api.post("/processes")
def create_process():
    body = json_body()
    created = creation.create(alur(), g.actor, body.get("name"), body.get("nomor"), body.get("lanes"),
                              agency=body.get("agency"), copy_of=body.get("copy_of"))
    return jsonify(created), 201


@api.get("/processes/<key>/diff")
def diff_versions(key: str):
    numbers = {}
    for name in ("from", "to"):
        value = request.args.get(name, "")
        if not value.isdigit() or not 1 <= int(value) <= 2**31 - 1:
            raise InvalidInput(f"Parameter '{name}' harus nomor versi (bilangan bulat positif).",
                               f"The parameter '{name}' must be a version number (a positive integer).")
        numbers[name] = int(value)
    return jsonify(diff.diff_versions(alur(), g.actor, key, numbers["from"], numbers["to"], _agency()))
