"""Sign-in, sign-out and the interface language.

A browser session is two things in the signed session cookie: the user's id with a digest of
their password (flask-login's id: a new password ends every other session), and the token of a
server-side session (SESSION_TOKEN), which signing out revokes, so a copy of the cookie taken
before signing out opens nothing afterwards. Remember-me cookies are not used, and without the
token they would sign nobody in.
"""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..errors import Unauthenticated
from ..kernel.actors import Actor
from ..kernel import accounts
from . import web
from .common import alur, locale


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


SESSION_TOKEN = "alur_session"


def load_user(user_key: str) -> Actor | None:
    """flask-login's user loader: the user of this cookie while its server-side session is live
    and the password is the one it was signed in with."""
    user_id, _, key = user_key.partition(":")
    token = session.get(SESSION_TOKEN)
    if not user_id.isdigit() or not isinstance(token, str):
        return None
    actor = accounts.actor_for_session(alur(), token, int(user_id))
    return actor if actor is not None and key == actor.session_key else None  # else the password changed


@web.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error, status, retry_after = None, 200, None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(alur(), form.username.data.strip(), form.password.data,
                                         address=request.remote_addr or "")
        except Unauthenticated as exc:  # a wrong password, or too many of them from here (429)
            error, status, retry_after = exc.message(locale()), exc.status, exc.detail.get("retry_after")
        else:
            if isinstance(previous := session.get(SESSION_TOKEN), str):
                accounts.end_session(alur(), previous)  # signing in over another sign-in ends that one
            login_user(user)
            session[SESSION_TOKEN] = accounts.start_session(alur(), user)
            return redirect(_local_target(request.args.get("next", "")) or url_for("work.inbox"))
    elif request.method == "POST":
        error, status = _("Please fill in your username and password."), 401
    response = make_response(render_template("login.html", form=form, error=error), status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def _local_target(target: str) -> str | None:
    """`next` only when it is a path on this site. Browsers read "/\\host" as "//host" and drop
    tabs and newlines, so either one makes the target untrusted."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target \
            or any(ch.isspace() or ord(ch) < 32 for ch in target):
        return None
    return target


@web.post("/logout")
@login_required
def logout():
    """Ends the session on the server too, not only in this browser's cookie."""
    token = session.pop(SESSION_TOKEN, None)
    if isinstance(token, str):
        accounts.end_session(alur(), token)
    logout_user()
    return redirect(url_for("web.login"))


@web.post("/bahasa")
def language():
    """Remembers the chosen language in a cookie (and on the account, when signed in)."""
    lang = request.form.get("lang", "id")
    lang = lang if lang in ("id", "en") else "id"
    if current_user.is_authenticated:
        accounts.set_locale(alur(), current_user, lang)
    target = request.referrer if request.referrer and request.referrer.startswith(request.host_url) else "/"
    response = make_response(redirect(target))
    response.set_cookie("alur_lang", lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response
