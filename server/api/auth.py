"""Who calls the API: a bearer token, or the browser session (then with a CSRF token on writes)."""
from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from ..errors import Forbidden, Unauthenticated
from ..kernel import accounts

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def authenticate_request() -> None:
    alur = current_app.extensions["alur"]
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        g.actor = accounts.actor_for_token(alur, header[7:].strip())
        return
    if getattr(current_user, "is_authenticated", False):
        if request.method not in SAFE_METHODS:
            try:
                validate_csrf(request.headers.get("X-CSRFToken", ""))
            except (ValidationError, CSRFError) as exc:
                raise Forbidden("Token CSRF tidak ada atau tidak sah.", "Missing or invalid CSRF token.") from exc
        g.actor = current_user._get_current_object()
        return
    raise Unauthenticated("Silakan masuk terlebih dahulu.", "Please sign in first.")
