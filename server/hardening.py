"""What every request and response passes through, whatever the view.

- The body is capped by route before anything reads it (`limit_request_body`): JSON and forms
  SMALL_BODY; only the routes that take files (UPLOAD_ENDPOINTS) accept more, up to the largest
  file they take (the file store's per-type limit, the BPMN parser's), and only from a signed-in
  caller, so nothing large is read before authentication. A declared length over the cap is
  refused unread; a chunked body is read up to the cap and no further (413 either way).
- Text that cannot be stored is refused with a clear 400 before any view or service sees it
  (`refuse_unstorable_input`): NUL characters (PostgreSQL cannot store or even compare such
  text, SQLite would take it, and the two databases would behave differently), lone surrogates
  and bytes that are not UTF-8 (they cannot be encoded for the database or a page: stored once,
  the page showing them would fail for everyone), and JSON nested deeper than MAX_JSON_DEPTH (no
  form needs it, and checking it must not exhaust the stack). No honest form sends any of these.
- Every response carries security headers: no sniffing, no framing (clickjacking), no third-party
  scripts, styles or images (the pages use none: no CDN), no referrer beyond this site. Private
  responses (to a signed-in user, and the API's) are not kept by browsers or proxies
  (Cache-Control: no-store), so a shared computer shows nothing after signing out.
"""
from __future__ import annotations

import re
import tempfile
from urllib.parse import unquote_to_bytes

from flask import Response, current_app, request
from flask_login import current_user

from .engine import safe_xml
from .errors import AlurError, Unauthenticated
from .kernel import accounts

MiB = 1024 * 1024
SMALL_BODY = 1 * MiB
# Beside the files themselves: the form's text fields and the multipart framing.
FORM_ENVELOPE = 1 * MiB
# The routes that take files or diagrams (multipart/form-data, application/xml or JSON carrying
# the XML; POST or PUT) and what bounds them: "files" the file store's largest per-type limit
# (attachments, and the start and task forms that carry them), "diagram" the BPMN parser's (an
# XML body over the parser's own limit but under this cap is refused by the parser, 422). A new
# route that takes files or diagrams must be added here, or its bodies are refused as too large.
UPLOAD_ENDPOINTS = {"api.upload_attachment": "files", "work.start_form": "files", "work.task_page": "files",
                    "api.lint_diagram": "diagram", "api.deploy_diagram": "diagram",
                    "api.save_draft": "diagram", "api.deploy_version": "diagram",
                    "api.process_conformance": "event_log", "audit.report_log": "event_log",
                    "api.import_sop_table": "sop_table", "modeling.import_sop": "sop_table"}
# An auditor's uploaded event log (XES or CSV, checked and never stored): the largest file the log
# import reads (server/audit/services/log_import.py MAX_BYTES; kept equal, not imported, since
# the front door sits below the domains).
EVENT_LOG_BYTES = 100 * MiB
# An SOP table to import (XLSX, DOCX, CSV or text; never stored when refused): the largest file the
# reader takes (server/sop/reading/zipped.py MAX_FILE_BYTES; kept equal, not imported, as above).
SOP_TABLE_BYTES = 10 * MiB
MAX_JSON_DEPTH = 64
_CHUNK = 64 * 1024

NUL = "\x00"
_SURROGATE = re.compile("[\ud800-\udfff]")


class BodyTooLarge(AlurError):
    status = 413
    code = "too_large"


def limit_request_body() -> None:
    """Sets this request's body limit by route, and refuses a declared length over it unread."""
    limit = SMALL_BODY
    if request.method in ("POST", "PUT") and request.endpoint in UPLOAD_ENDPOINTS:
        if _signed_in():
            limit = upload_limit(UPLOAD_ENDPOINTS[request.endpoint])
        elif (request.content_length or 0) > limit:
            raise Unauthenticated("Silakan masuk terlebih dahulu.", "Please sign in first.")
    request.max_content_length = limit
    if _chunked():
        _buffer_chunked_body(limit)
    elif (request.content_length or 0) > limit:
        raise body_too_large()


def _chunked() -> bool:
    """A body without Content-Length that the WSGI server ends itself (Werkzeug reads nothing of
    one the server does not end)."""
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower() \
        and bool(request.environ.get("wsgi.input_terminated"))


def _buffer_chunked_body(limit: int) -> None:
    """Reads a chunked body up to the limit (into memory, or a temporary file past SMALL_BODY), so
    that one over it gets the same clear 413 (Werkzeug alone would cut it off quietly), and
    hands it on as an ordinary body with a length."""
    source = request.environ["wsgi.input"]
    spool = tempfile.SpooledTemporaryFile(max_size=SMALL_BODY)
    size = 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            spool.close()
            raise body_too_large()
        spool.write(chunk)
    spool.seek(0)
    request.environ.update({"wsgi.input": spool, "CONTENT_LENGTH": str(size)})
    request.environ.pop("HTTP_TRANSFER_ENCODING", None)
    request.__dict__.pop("content_length", None)  # Werkzeug caches the header's (absent) value


def upload_limit(kind: str) -> int:
    """The largest body an upload route takes: the largest file it accepts, and the form around it."""
    if kind == "diagram":
        return safe_xml.DEFAULT_MAX_BYTES + FORM_ENVELOPE
    if kind == "event_log":
        return EVENT_LOG_BYTES + FORM_ENVELOPE
    if kind == "sop_table":
        return SOP_TABLE_BYTES + FORM_ENVELOPE
    return max(current_app.extensions["alur"].files.max_bytes_by_kind.values()) + FORM_ENVELOPE


def _signed_in() -> bool:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        try:
            accounts.actor_for_token(current_app.extensions["alur"], header[7:].strip())
        except Unauthenticated:
            return False
        return True
    return bool(getattr(current_user, "is_authenticated", False))


def body_too_large() -> BodyTooLarge:
    """The 413 for this request, naming its limit (also for Werkzeug's own 413)."""
    limit = request.max_content_length or SMALL_BODY
    size_id, size_en = _megabytes(limit)
    if limit > SMALL_BODY:
        return BodyTooLarge(
            f"Kiriman melebihi batas ukuran berkas (paling besar {size_id} sekaligus); kirim berkas yang "
            "lebih kecil. Tidak ada yang diubah.",
            f"The upload is over the size limit (at most {size_en} at once); send smaller files. "
            "Nothing was changed.", limit=limit)
    return BodyTooLarge(f"Permintaan terlalu besar: paling besar {size_id}; tidak ada yang diubah.",
                        f"The request is too large: at most {size_en}; nothing was changed.", limit=limit)


def _megabytes(n: int) -> tuple[str, str]:
    text = f"{n / MiB:.1f}".removesuffix(".0")
    return text.replace(".", ",") + " MB", text + " MB"


def refuse_unstorable_input() -> None:
    """A 400 for NUL characters, lone surrogates, bytes that are not UTF-8 and JSON nested too
    deep, in the path, the query, form fields, file names and JSON keys and values."""
    if NUL in request.path:
        raise _nul()
    _check_percent_encoded(request.query_string)
    if request.mimetype == "application/x-www-form-urlencoded":
        # Werkzeug would quietly keep bytes that are not UTF-8 as "%ED" text: look at the raw body
        # (already capped); the form parser then reads this cached copy.
        _check_percent_encoded(request.get_data(cache=True))
    for fields in (request.args, request.form):
        for key, value in fields.items(multi=True):
            _check_text(_named(key))
            _check_text(value)
    for key, upload in request.files.items(multi=True):
        _named(key)
        _check_text(upload.filename or "")
    if request.is_json:
        _check_json(_json_body())


def _check_text(text: str) -> None:
    if NUL in text:
        raise _nul()
    if _SURROGATE.search(text):
        raise _not_utf8()


def _named(key: str | None) -> str:
    """A multipart part must have a name (RFC 7578); Werkzeug hands one without as None."""
    if key is None:
        raise AlurError("Permintaan berisi bagian formulir tanpa nama; tidak ada yang diubah.",
                        "The request contains a form part without a name; nothing was changed.")
    return key


def _check_percent_encoded(raw: bytes) -> None:
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise _not_utf8() from None


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:  # the parser's own stack gave out: far deeper than allowed
        raise _too_deep() from None


def _check_json(value) -> None:
    """Walks the parsed body with a stack of its own, so no depth can exhaust Python's."""
    pending = [(value, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                for key, item in value.items():
                    _check_text(key)
                    pending.append((item, depth + 1))
            else:
                pending.extend((item, depth + 1) for item in value)


def _nul() -> AlurError:
    return AlurError("Permintaan berisi karakter NUL (\\u0000) yang tidak diizinkan; tidak ada yang diubah.",
                     "The request contains a NUL character (\\u0000), which is not allowed; nothing was changed.")


def _not_utf8() -> AlurError:
    return AlurError("Permintaan berisi teks yang bukan UTF-8 yang sah (misalnya surrogate tunggal seperti "
                     "\\ud800); tidak ada yang diubah.",
                     "The request contains text that is not valid UTF-8 (such as a lone surrogate like "
                     "\\ud800); nothing was changed.")


def _too_deep() -> AlurError:
    return AlurError(f"Data JSON bersarang terlalu dalam (paling banyak {MAX_JSON_DEPTH} tingkat); "
                     "tidak ada yang diubah.",
                     f"The JSON data is nested too deeply (at most {MAX_JSON_DEPTH} levels); nothing was changed.")


# blob: for the previews forms.js makes of chosen photos and videos before they are uploaded
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
                           "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PUBLIC_PATHS = ("/api/v1/openapi.json",)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)  # attachments set a stricter one
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    if _private():
        headers["Cache-Control"] = "no-store"  # replaces any caching a view asked for
        headers.pop("Expires", None)
    return response


def _private() -> bool:
    path = request.path
    if path.startswith("/static/") or path in PUBLIC_PATHS:
        return False
    if path.startswith("/api/"):
        return True
    try:
        return bool(getattr(current_user, "is_authenticated", False))
    except Exception:  # noqa: BLE001  (the user could not be loaded: an error page, kept private)
        return True
