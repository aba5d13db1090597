"""API routes: parse the request, call one service, return JSON. No business logic here."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import HTTPException

from ..errors import AlurError, InvalidInput, http_error
from ..hardening import body_too_large
from ..kernel import accounts, notifications
from .auth import authenticate_request
from .openapi import openapi_document

api = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC = {"api.token", "api.openapi"}


def alur():
    return current_app.extensions["alur"]


def request_locale() -> str:
    """The language of the API's answer: ?lang=, else Accept-Language; Indonesian by default."""
    lang = request.args.get("lang") or request.accept_languages.best_match(["id", "en"])
    return "en" if lang == "en" else "id"


def json_body() -> dict:
    body = request.get_json(silent=True)
    if body is None:
        raise AlurError("Badan permintaan harus JSON yang sah (Content-Type: application/json).",
                           "The request body must be valid JSON (Content-Type: application/json).")
    if not isinstance(body, dict):
        raise InvalidInput("Badan permintaan harus objek JSON.", "The request body must be a JSON object.")
    return body


def required_file(message_id: str, message_en: str, named: bool = False) -> FileStorage:
    """The multipart `file` a route cannot do without; else a 422 with the route's message and
    the field marked. `named`: a browser form's empty file input (no file name) counts as missing."""
    upload = request.files.get("file")
    if upload is None or (named and not upload.filename):
        raise InvalidInput(message_id, message_en,
                           fields={"file": [{"id": "Wajib diisi.", "en": "This field is required."}]})
    return upload


@api.before_request
def _authenticate():
    if request.endpoint not in PUBLIC:
        authenticate_request()


@api.errorhandler(AlurError)
def _alur_error(exc: AlurError):
    response = jsonify(exc.to_dict(request_locale()))
    if exc.detail.get("retry_after"):  # the sign-in throttle says how long to wait
        response.headers["Retry-After"] = str(exc.detail["retry_after"])
    return response, exc.status


@api.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    err = body_too_large() if exc.code == 413 else http_error(exc.code, exc.name, exc.description)
    return _with_http_headers(jsonify(err.to_dict(request_locale())), exc), exc.code


def _with_http_headers(response, exc: HTTPException):
    """Keeps what the HTTP error says beside its body, e.g. a 405's Allow."""
    response.headers.extend((k, v) for k, v in exc.get_headers() if k.lower() != "content-type")
    return response


@api.errorhandler(Exception)
def _unexpected(exc: Exception):
    current_app.logger.exception("unexpected error")
    err = AlurError("Terjadi kesalahan di server; tidak ada yang diubah.", "Server error; nothing was changed.")
    err.code = "server_error"
    return jsonify(err.to_dict(request_locale())), 500


@api.post("/auth/token")
def token():
    body = json_body()
    actor = accounts.authenticate(alur(), str(body.get("username", "")), str(body.get("password", "")),
                                  address=request.remote_addr or "")
    value, expires = accounts.issue_token(alur(), actor)
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
    return jsonify(notifications.unread(alur(), g.actor, locale=request_locale()))


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
