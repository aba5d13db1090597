"""The Flask application factory: wires settings, services and blueprints together."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from werkzeug.routing import IntegerConverter

from .config import REPO_ROOT, Settings
from .hardening import add_security_headers, refuse_nul_characters
from .kernel import accounts
from .kernel.context import Alur

csrf = CSRFProtect()
login_manager = LoginManager()
babel = Babel()

LOCALES = ("id", "en")


def pick_locale() -> str:
    from flask_login import current_user

    chosen = request.cookies.get("alur_lang")
    if chosen in LOCALES:
        return chosen
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    return "id"


class RowId(IntegerConverter):
    """A row id in a URL: 1 up to the largest INTEGER, so an absurd number is a plain 404
    instead of a database overflow."""

    def __init__(self, url_map):
        super().__init__(url_map, min=1, max=2**31 - 1)


def create_app(settings: Settings | None = None, alur: Alur | None = None) -> Flask:
    settings = settings or (alur.settings if alur else Settings.from_env())
    alur = alur or Alur.create(settings)
    app = Flask(__name__, static_folder=str(REPO_ROOT / "static"), static_url_path="/static",
                instance_path=str(settings.instance_dir))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=settings.secure_cookies,
        MAX_CONTENT_LENGTH=max(alur.files.max_bytes_by_kind.values()) + 1024 * 1024,
        BABEL_DEFAULT_LOCALE="id",
        BABEL_DEFAULT_TIMEZONE="Asia/Jakarta",
        BABEL_TRANSLATION_DIRECTORIES=str(REPO_ROOT / "server" / "translations"),
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions["alur"] = alur
    app.url_map.converters["id"] = RowId
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)

    csrf.init_app(app)
    babel.init_app(app, locale_selector=pick_locale)
    login_manager.init_app(app)
    login_manager.login_view = "web.login"

    @login_manager.user_loader
    def _load_user(session_id: str):
        user_id, _, key = session_id.partition(":")
        actor = accounts.actor_by_id(alur, int(user_id)) if user_id.isdigit() else None
        return actor if actor is not None and key == actor.session_key else None  # the password changed

    from .api import api
    from .web import web
    from .modeling import api as modeling_api  # noqa: F401  (routes on the API blueprint)
    from .work import api as work_api  # noqa: F401
    from .work.pages import pages as work_pages

    csrf.exempt(api)  # the API checks CSRF itself for cookie sessions; bearer tokens need none
    app.register_blueprint(api)
    app.register_blueprint(web)
    app.register_blueprint(work_pages)
    return app
