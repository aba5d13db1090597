"""What every page needs: the services context, the signed-in actor, errors as pages."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..errors import AlurError, http_error
from . import dates, web


def alur():
    return current_app.extensions["alur"]


def actor():
    return current_user._get_current_object()


def locale() -> str:
    return str(get_locale() or "id")


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
        return {"error": exc.code, "message": exc.message(locale())}, exc.status
    return render_template("message.html", title=_title(exc.status), message=exc.message(locale())), exc.status


# An error page's title by status, in Indonesian and English.
_TITLES = {
    400: ("Permintaan ditolak", "Request refused"),
    403: ("Akses ditolak", "Access denied"),
    404: ("Tidak ditemukan", "Not found"),
    405: ("Tidak diizinkan", "Not allowed"),
    409: ("Tidak dapat dilanjutkan", "Cannot continue"),
    413: ("Kiriman terlalu besar", "Upload too large"),
}
# What the page says for HTTP errors no service raised (no message of their own).
_HTTP_MESSAGES = {
    400: ("Permintaan ini tidak dapat diproses.", "This request cannot be processed."),
    404: ("Halaman yang dicari tidak ada.", "The page you are looking for does not exist."),
    405: ("Alamat ini tidak menerima cara kirim tersebut.", "This address does not accept that method."),
    413: ("Kiriman melebihi batas ukuran berkas; kirim berkas yang lebih kecil.",
          "The upload is over the size limit; send smaller files."),
}


def _title(status: int) -> str:
    return _TITLES.get(status, ("Kesalahan", "Error"))[1 if locale() == "en" else 0]


_CSRF_EXPIRED = ("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi; "
                 "tidak ada yang diubah.",
                 "This form has expired or is not valid. Reload the page and send it again; nothing was changed.")


@web.app_errorhandler(HTTPException)
def _http_error_page(exc: HTTPException):
    from flask import request

    if request.path.startswith("/api/"):  # an address no API route matched
        return http_error(exc.code, exc.name, exc.description).to_dict(locale()), exc.code
    if exc.code not in _HTTP_MESSAGES:
        return exc
    message = (_CSRF_EXPIRED if isinstance(exc, CSRFError) else _HTTP_MESSAGES[exc.code])[1 if locale() == "en" else 0]
    return render_template("message.html", title=_title(exc.code), message=message), exc.code


@web.app_context_processor
def _template_globals():
    unread = 0
    if getattr(current_user, "is_authenticated", False):
        from ..kernel import notifications

        unread = notifications.unread_count(alur(), current_user)
    return {"lang": locale(), "unread_notices": unread}
