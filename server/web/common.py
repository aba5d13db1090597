"""What every page needs: the services context, the signed-in actor, errors as pages."""
from __future__ import annotations

from flask import current_app, render_template
from flask_babel import get_locale
from flask_login import current_user

from ..errors import AlurError
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


@web.app_errorhandler(404)
def _not_found(_exc):
    from flask import request

    if request.path.startswith("/api/"):
        return {"error": "not_found", "message": "Alamat tidak ditemukan."}, 404
    return render_template("message.html", title="Tidak ditemukan" if locale() != "en" else "Not found",
                           message=""), 404


@web.app_errorhandler(400)
def _bad_request(exc):
    return render_template("message.html", title="Permintaan ditolak" if locale() != "en" else "Request refused",
                           message=getattr(exc, "description", "")), 400


@web.app_context_processor
def _template_globals():
    unread = 0
    if getattr(current_user, "is_authenticated", False):
        from ..services import notifications

        unread = notifications.unread_count(alur(), current_user)
    return {"lang": locale(), "unread_notices": unread}
