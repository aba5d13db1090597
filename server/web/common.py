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


@web.app_errorhandler(AlurError)
def _error_page(exc: AlurError):
    from flask import request

    if request.path.startswith("/api/"):
        return {"error": exc.code, "message": exc.message(locale())}, exc.status
    titles = {403: "Akses ditolak", 404: "Tidak ditemukan", 409: "Tidak dapat dilanjutkan"}
    title_en = {403: "Access denied", 404: "Not found", 409: "Cannot continue"}
    title = (title_en if locale() == "en" else titles).get(exc.status, "Kesalahan" if locale() != "en" else "Error")
    return render_template("message.html", title=title, message=exc.message(locale())), exc.status


# status -> (title, explanation) in Indonesian and English, for the pages' HTTP errors
_HTTP_PAGES = {
    400: (("Permintaan ditolak", "Permintaan ini tidak dapat diproses."),
          ("Request refused", "This request cannot be processed.")),
    404: (("Tidak ditemukan", "Halaman yang dicari tidak ada."),
          ("Not found", "The page you are looking for does not exist.")),
    405: (("Tidak diizinkan", "Alamat ini tidak menerima cara kirim tersebut."),
          ("Not allowed", "This address does not accept that method.")),
    413: (("Kiriman terlalu besar", "Kiriman melebihi batas ukuran berkas; kirim berkas yang lebih kecil."),
          ("Upload too large", "The upload is over the size limit; send smaller files.")),
}
_CSRF_EXPIRED = ("Formulir ini sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi; "
                 "tidak ada yang diubah.",
                 "This form has expired or is not valid. Reload the page and send it again; nothing was changed.")


@web.app_errorhandler(HTTPException)
def _http_error_page(exc: HTTPException):
    from flask import request

    if request.path.startswith("/api/"):  # an address no API route matched
        return http_error(exc.code, exc.name, exc.description).to_dict(locale()), exc.code
    en = locale() == "en"
    pages = _HTTP_PAGES.get(exc.code)
    if pages is None:
        return exc
    title, message = pages[1 if en else 0]
    if isinstance(exc, CSRFError):
        message = _CSRF_EXPIRED[1 if en else 0]
    return render_template("message.html", title=title, message=message), exc.code


@web.app_context_processor
def _template_globals():
    unread = 0
    if getattr(current_user, "is_authenticated", False):
        from ..services import notifications

        unread = notifications.unread_count(alur(), current_user)
    return {"lang": locale(), "unread_notices": unread}
