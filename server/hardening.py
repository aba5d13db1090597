"""What every request and response passes through, whatever the view.

- A request with a NUL character anywhere a user can put text is refused with a clear 400
  before any view or service sees it: PostgreSQL cannot store or even compare such text (SQLite
  would take it, and the two databases would behave differently), and no honest form needs one.
- Every response carries security headers: no sniffing, no framing (clickjacking), no third-party
  scripts, styles or images (the pages use none: no CDN), no referrer beyond this site.
"""
from __future__ import annotations

from flask import Response, request

from .errors import AlurError

NUL = "\x00"


def refuse_nul_characters() -> None:
    if NUL in request.path or _has_nul(request.args) or _has_nul(request.form) \
            or any(NUL in (f.filename or "") for _, f in request.files.items(multi=True)) \
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


# blob: for the previews forms.js makes of chosen photos and videos before they are uploaded
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)  # attachments set a stricter one
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response
