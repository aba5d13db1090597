"""The signed-in user's own account: who they are in which agency, and their password."""
from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user
from flask_wtf import FlaskForm
from wtforms import PasswordField

from ..errors import AlurError
from ..kernel import accounts
from . import web
from .common import actor, alur, field_errors, locale


class PasswordForm(FlaskForm):
    current = PasswordField()
    new = PasswordField()
    repeated = PasswordField()


@web.route("/akun", methods=["GET", "POST"])
@login_required
def account():
    form = PasswordForm()
    errors = {}
    status = 200
    if form.validate_on_submit():
        try:
            accounts.change_password(alur(), actor(), form.current.data, form.new.data, form.repeated.data)
        except AlurError as exc:  # wrong fields, or the account is locked after too many guesses
            errors, status = field_errors(exc, locale()), exc.status
        else:
            login_user(accounts.actor_by_id(alur(), actor().id))  # this session goes on with the new key
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("web.account"))
    return render_template("account.html", form=form, errors=errors,
                           min_length=accounts.MIN_PASSWORD_LENGTH), status
