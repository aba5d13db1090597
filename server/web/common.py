"""What every page needs: the services context, the signed-in actor, errors as pages."""
from __future__ import annotations

from flask import Response, current_app, make_response, render_template
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import AlurError, http_error
from ..hardening import body_too_large
from . import dates, web


def alur():
    return current_app.extensions["alur"]


def actor():
    return current_user._get_current_object()


def locale() -> str:
    return str(get_locale() or "id")


def attachment(chunks, filename: str, content_type: str) -> Response:
    """A file download, streamed as the chunks come and never cached (the pages' and the API's
    exports alike)."""
    return Response(chunks, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@web.app_template_filter("moment")
def _moment(value, tz=None):
    return dates.moment(value, tz, locale())


@web.app_template_filter("day")
def _day(value):
    return dates.day(value, locale())


def field_errors(exc: AlurError, lang: str) -> dict[str, list[str]]:
    """A service's error as messages per form field (or for the whole form), in the user's language."""
    errors = {name: [m["en"] if lang == "en" else m["id"] for m in msgs] for name, msgs in exc.fields.items()}
    if not errors:
        errors["_form"] = [exc.message(lang)]
    return errors


@web.app_errorhandler(AlurError)
def _error_page(exc: AlurError):
    from flask import request

    if request.path.startswith("/api/"):
        response = make_response({"error": exc.code, "message": exc.message(locale())}, exc.status)
    else:
        response = make_response(render_template("message.html", title=_title(exc.status),
                                                 message=exc.message(locale())), exc.status)
    if exc.detail.get("retry_after"):
        response.headers["Retry-After"] = str(exc.detail["retry_after"])
    return response


# An error page's title by status, in Indonesian and English.
_TITLES = {
    400: ("Permintaan ditolak", "Request refused"),
    401: ("Belum masuk", "Not signed in"),
    403: ("Akses ditolak", "Access denied"),
    404: ("Tidak ditemukan", "Not found"),
    405: ("Tidak diizinkan", "Not allowed"),
    409: ("Tidak dapat dilanjutkan", "Cannot continue"),
    413: ("Kiriman terlalu besar", "Upload too large"),
    429: ("Terlalu banyak percobaan", "Too many attempts"),
    500: ("Kesalahan server", "Server error"),
}
# What the page says for HTTP errors no service raised (no message of their own).
_HTTP_MESSAGES = {
    400: ("Permintaan ini tidak dapat diproses.", "This request cannot be processed."),
    404: ("Halaman yang dicari tidak ada.", "The page you are looking for does not exist."),
    405: ("Alamat ini tidak menerima cara kirim tersebut.", "This address does not accept that method."),
    500: ("Terjadi kesalahan di server; tidak ada yang diubah. Coba lagi nanti; bila terulang, "
          "beri tahu pengelola Alur.",
          "Something went wrong on the server; nothing was changed. Try again later, and tell the Alur "
          "administrators if it happens again."),
}


def _title(status: int) -> str:
    return _TITLES.get(status, ("Kesalahan", "Error"))[1 if locale() == "en" else 0]


_CSRF_EXPIRED = ("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi; "
                 "tidak ada yang diubah.",
                 "This form has expired or is not valid. Reload the page and send it again; nothing was changed.")


@web.app_errorhandler(HTTPException)
def _http_error_page(exc: HTTPException):
    """HTTP errors no service raised, the unexpected 500 included (Flask hands it over as an
    InternalServerError after logging it): Alur's own page, never Werkzeug's."""
    from flask import request

    too_large = body_too_large() if exc.code == 413 else None  # with this route's limit
    if request.path.startswith("/api/"):  # an address no API route matched, or not with this method
        error = too_large or http_error(exc.code, exc.name, exc.description)
        return _with_http_headers(make_response(error.to_dict(locale())), exc), exc.code
    if too_large is not None:
        message = too_large.message(locale())
    elif exc.code in _HTTP_MESSAGES:
        message = (_CSRF_EXPIRED if isinstance(exc, CSRFError) else _HTTP_MESSAGES[exc.code])[1 if locale() == "en" else 0]
    else:
        return exc
    try:
        page = make_response(render_template("message.html", title=_title(exc.code), message=message))
        return _with_http_headers(page, exc), exc.code
    except Exception:  # noqa: BLE001  (e.g. the database is what failed: the layout needs it)
        if exc.code != 500:
            raise
        current_app.logger.exception("the error page could not be rendered")
        return _BARE_ERROR_PAGE.format(title=_title(500), message=message), 500


def _with_http_headers(response, exc: HTTPException):
    """Keeps what the HTTP error says beside its body, e.g. a 405's Allow."""
    response.headers.extend((k, v) for k, v in exc.get_headers() if k.lower() != "content-type")
    return response


_BARE_ERROR_PAGE = ('<!doctype html><html><head><meta charset="utf-8"><title>{title} · Alur</title></head>'
                    '<body><main><h1>{title}</h1><p>{message}</p></main></body></html>')


def header_link(blueprint, name: str, allowed) -> None:
    """Registers `name` for the layout's header: True for a signed-in user `allowed(user)` says
    may open the domain (each domain's pages register their own link this way)."""
    def link() -> dict:
        return {name: bool(getattr(current_user, "is_authenticated", False) and allowed(current_user))}
    blueprint.app_context_processor(link)


@web.app_context_processor
def _template_globals():
    unread = 0
    if getattr(current_user, "is_authenticated", False):
        from ..kernel import notifications

        unread = notifications.unread_count(alur(), current_user)
    return {"lang": locale(), "unread_notices": unread}
