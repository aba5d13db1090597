"""The Flask application factory: wires settings, services and blueprints together."""
from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from .config import REPO_ROOT, Settings
from .hardening import SMALL_BODY, add_security_headers, limit_request_body, refuse_unstorable_input
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
        MAX_CONTENT_LENGTH=SMALL_BODY,  # limit_request_body raises it for the upload routes
        BABEL_DEFAULT_LOCALE="id",
        BABEL_DEFAULT_TIMEZONE="Asia/Jakarta",
        BABEL_TRANSLATION_DIRECTORIES=str(REPO_ROOT / "server" / "translations"),
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.extensions["alur"] = alur
    app.url_map.converters["id"] = RowId
    app.before_request(limit_request_body)  # first: before anything reads the body
    app.before_request(refuse_unstorable_input)
    if settings.trusted_proxies:  # the client address comes from X-Forwarded-For only behind proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)
    app.after_request(add_security_headers)

    csrf.init_app(app)
    babel.init_app(app, locale_selector=pick_locale)
    login_manager.init_app(app)
    login_manager.login_view = "web.login"
    from .web.auth import load_user

    login_manager.user_loader(load_user)  # a live server-side session, and the password it began with

    from .api import api
    from .web import web
    from .modeling import api as modeling_api  # noqa: F401  (routes on the API blueprint)
    from .work import api as work_api  # noqa: F401
    from .monitoring import api as monitoring_api  # noqa: F401
    from .monitoring import api_listing, api_migrations, api_stats  # noqa: F401
    from .audit import api_trail, api_logs, api_conformance  # noqa: F401
    from .work.pages import pages as work_pages
    from .admin.pages import pages as admin_pages
    from .modeling.pages import pages as modeling_pages
    from .monitoring.pages import pages as monitoring_pages
    from .audit.pages import pages as audit_pages

    csrf.exempt(api)  # the API checks CSRF itself for cookie sessions; bearer tokens need none
    app.register_blueprint(api)
    app.register_blueprint(web)
    app.register_blueprint(work_pages)
    app.register_blueprint(admin_pages)
    app.register_blueprint(modeling_pages)
    app.register_blueprint(monitoring_pages)
    app.register_blueprint(audit_pages)
    return app
