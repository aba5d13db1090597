"""Refuses requests that carry a NUL character anywhere a user can put text.

PostgreSQL cannot store or even compare text with NUL in it, and no honest form needs one, so
such a request gets a clear 400 before any view or service sees it (on SQLite it would pass,
and the two databases would behave differently).
"""
from __future__ import annotations

from flask import request

from .errors import AlurError

NUL = "\x00"


def refuse_nul_characters() -> None:
    if NUL in request.path or _has_nul(request.args) or _has_nul(request.form) \
            or any(NUL in (f.filename or "") for f in request.files.values()) \
            or (request.is_json and _contains_nul(request.get_json(silent=True))):
        raise AlurError("Permintaan berisi karakter NUL (\\u0000) yang tidak diizinkan; tidak ada yang diubah.",
                        "The request contains a NUL character (\\u0000), which is not allowed; nothing was changed.")


def _has_nul(multidict) -> bool:
    return any(NUL in key or NUL in value for key, value in multidict.items(multi=True))


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False
