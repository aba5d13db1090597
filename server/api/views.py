"""API routes: parse the request, call one service, return JSON. No business logic here."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request, send_file
from werkzeug.exceptions import HTTPException

from ..errors import AlurError, InvalidInput, http_error
from ..services import accounts, attachments, instances, notifications, processes, tasks
from .auth import authenticate_request
from .openapi import openapi_document

api = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC = {"api.token", "api.openapi"}


def _alur():
    return current_app.extensions["alur"]


def _locale() -> str:
    lang = request.args.get("lang") or request.accept_languages.best_match(["id", "en"])
    return "en" if lang == "en" else "id"


def _json_body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise AlurError("Badan permintaan harus JSON yang sah (Content-Type: application/json).",
                           "The request body must be valid JSON (Content-Type: application/json).")
    if not isinstance(body, dict):
        raise InvalidInput("Badan permintaan harus objek JSON.", "The request body must be a JSON object.")
    return body


@api.before_request
def _authenticate():
    if request.endpoint not in PUBLIC:
        authenticate_request()


@api.errorhandler(AlurError)
def _alur_error(exc: AlurError):
    return jsonify(exc.to_dict(_locale())), exc.status


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    err = http_error(exc.code, exc.name, exc.description)
    return jsonify(err.to_dict(_locale())), exc.code


@api.errorhandler(Exception)
def _unexpected(exc: Exception):
    current_app.logger.exception("unexpected error")
    err = AlurError("Terjadi kesalahan di server; tidak ada yang diubah.", "Server error; nothing was changed.")
    err.code = "server_error"
    return jsonify(err.to_dict(_locale())), 500


@api.post("/auth/token")
def token():
    body = _json_body()
    actor = accounts.authenticate(_alur(), str(body.get("username", "")), str(body.get("password", "")))
    value, expires = accounts.issue_token(_alur(), actor)
    return jsonify({"token": value, "token_type": "Bearer", "expires_at": expires.isoformat(),
                    "user": _me(actor)}), 201


@api.get("/me")
def me():
    return jsonify(_me(g.actor))


def _me(actor) -> dict:
    return {"id": actor.id, "username": actor.username, "display_name": actor.display_name,
            "locale": actor.locale, "roles": actor.roles}


@api.get("/notifications")
def list_notifications():
    return jsonify(notifications.unread(_alur(), g.actor, locale=_locale()))


@api.get("/processes")
def list_processes():
    return jsonify({"items": processes.list_processes(_alur(), g.actor)})


@api.post("/processes/<key>/instances")
def start_instance(key: str):
    body = _json_body()
    result = instances.start(_alur(), g.actor, key, body.get("data", {}), agency=body.get("agency"))
    return jsonify(result), 201


@api.get("/instances/<id:instance_id>")
def get_instance(instance_id: int):
    return jsonify(instances.get(_alur(), g.actor, instance_id))


@api.get("/tasks")
def list_tasks():
    try:
        limit = int(request.args.get("limit", 50))
        offset = max(0, int(request.args.get("offset", 0)))
    except ValueError as exc:
        raise InvalidInput("limit dan offset harus bilangan bulat.", "limit and offset must be integers.") from exc
    return jsonify(tasks.list_tasks(_alur(), g.actor, request.args.get("scope", "mine"), limit, offset))


@api.get("/tasks/<id:task_id>")
def get_task(task_id: int):
    return jsonify(tasks.get_task(_alur(), g.actor, task_id))


@api.post("/tasks/<id:task_id>/claim")
def claim_task(task_id: int):
    return jsonify(tasks.claim(_alur(), g.actor, task_id))


@api.post("/tasks/<id:task_id>/release")
def release_task(task_id: int):
    return jsonify(tasks.release(_alur(), g.actor, task_id))


@api.post("/tasks/<id:task_id>/complete")
def complete_task(task_id: int):
    body = _json_body()
    return jsonify(tasks.complete(_alur(), g.actor, task_id, body.get("data", {})))


@api.post("/attachments")
def upload_attachment():
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Sertakan berkas pada isian 'file' (multipart/form-data).",
                           "Send the file in the 'file' field (multipart/form-data).",
                           fields={"file": [{"id": "Wajib diisi.", "en": "This field is required."}]})
    result = attachments.upload(_alur(), g.actor, upload.stream, upload.filename or "berkas",
                                agency=request.form.get("agency"))
    return jsonify(result), 201


@api.get("/attachments/<attachment_id>")
def download_attachment(attachment_id: str):
    info, fh = attachments.open_for_download(_alur(), g.actor, attachment_id)
    return send_file(fh, mimetype=info["content_type"], download_name=info["filename"], as_attachment=True)


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
