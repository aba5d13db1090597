"""Sign-in, sign-out and the interface language."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..errors import Unauthenticated
from ..kernel import accounts
from . import web
from .common import alur, locale


class LoginForm(FlaskForm):
    username = StringField(validators=[DataRequired()])
    password = PasswordField(validators=[DataRequired()])


@web.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(alur(), form.username.data.strip(), form.password.data)
        except Unauthenticated as exc:
            error = exc.message(locale())
        else:
            login_user(user)
            return redirect(_local_target(request.args.get("next", "")) or url_for("work.inbox"))
    elif request.method == "POST":
        error = _("Please fill in your username and password.")
    return render_template("login.html", form=form, error=error), (401 if error else 200)


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
