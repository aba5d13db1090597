"""An agency's users: the list with search, adding one, and one user's lanes, roles and account.

A generated password is shown once: kept in the admin's own (signed) session only until the
user's page shows it, then gone. Whoever holds that session could reset the password anyway.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import InvalidInput
from ...web.common import actor, alur, locale
from ..services import account_control, members, staff
from . import pages
from .helpers import form_errors, lane_options, role_names, role_options

NEW_USER_FIELDS = ("username", "display_name", "email", "lanes", "agency_roles")
ROLE_FIELDS = ("lanes", "agency_roles")
ONE_TIME = "admin_one_time_password"


@pages.get("/<slug>/", endpoint="staff")
@login_required
def staff_list(slug: str):
    listing = staff.overview(alur(), actor(), slug, request.args.get("q"))
    return render_template("admin/staff.html", agency=listing["agency"], listing=listing, role_names=role_names())


@pages.route("/<slug>/tambah-pengguna", methods=["GET", "POST"])
@login_required
def new_user(slug: str):
    lanes = staff.lane_choices(alur(), actor(), slug)  # the access check comes before reading the form
    values = {"username": "", "display_name": "", "email": "", "lanes": [], "agency_roles": []}
    errors, status = {}, 200
    if request.method == "POST":
        form = request.form
        values = {"username": form.get("username", "").strip(), "display_name": form.get("display_name", ""),
                  "email": form.get("email", ""), "lanes": form.getlist("lanes"),
                  "agency_roles": form.getlist("agency_roles")}
        try:
            added = members.add(alur(), actor(), slug, values["username"], values["display_name"],
                                email=values["email"], lanes=values["lanes"], agency_roles=values["agency_roles"])
        except InvalidInput as exc:
            errors, status = form_errors(exc, NEW_USER_FIELDS), 422
        else:
            _keep_password(slug, added["username"], added["password"])
            flash(_("User %(name)s added.", name=added["username"]), "success")
            return redirect(url_for("admin.member", slug=slug, username=added["username"]))
    return render_template("admin/new_user.html", agency=lanes["agency"], all_lanes=lanes["all_lanes"],
                           lane_options=lane_options(lanes["all_lanes"]), role_options=role_options(),
                           values=values, errors=errors), status


@pages.get("/<slug>/pengguna/<username>")
@login_required
def member(slug: str, username: str):
    return _member_page(slug, username)


@pages.post("/<slug>/pengguna/<username>/peran")
@login_required
def member_roles(slug: str, username: str):
    chosen = {"lanes": request.form.getlist("lanes"), "agency_roles": request.form.getlist("agency_roles")}
    try:
        done = members.set_roles(alur(), actor(), slug, username, chosen["lanes"], chosen["agency_roles"])
    except InvalidInput as exc:
        return _member_page(slug, username, errors=form_errors(exc, ROLE_FIELDS), chosen=chosen, status=422)
    flash(_roles_message(done), "success")
    return redirect(url_for("admin.member", slug=slug, username=username))


@pages.post("/<slug>/pengguna/<username>/status")
@login_required
def member_status(slug: str, username: str):
    active = request.form.get("active") == "1"
    try:
        done = account_control.set_active(alur(), actor(), slug, username, active)
    except account_control.Refused as exc:  # e.g. their own account: say why on the same page
        flash(exc.message(locale()), "error")
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=username), "success")
        else:
            flash(_("%(name)s is deactivated and can no longer sign in. Claimed tasks given back to the team: "
                    "%(num)d.", name=username, num=done["released_tasks"]), "success")
    return redirect(url_for("admin.member", slug=slug, username=username))


@pages.post("/<slug>/pengguna/<username>/kata-sandi")
@login_required
def member_password(slug: str, username: str):
    try:
        password = account_control.reset_password(alur(), actor(), slug, username)
    except account_control.Refused as exc:
        flash(exc.message(locale()), "error")
    else:
        _keep_password(slug, username, password)
        flash(_("A new password was made for %(name)s; their sessions have ended.", name=username), "success")
    return redirect(url_for("admin.member", slug=slug, username=username))


def _member_page(slug: str, username: str, errors: dict | None = None, chosen: dict | None = None,
                 status: int = 200):
    found = staff.member(alur(), actor(), slug, username)
    one_time = None
    kept = session.get(ONE_TIME)
    if kept and kept.get("agency") == slug and kept.get("username") == username and status == 200:
        one_time = session.pop(ONE_TIME)["password"]
    user = found["user"]
    chosen = chosen or {"lanes": user["lanes"], "agency_roles": user["agency_roles"]}
    response = render_template("admin/member.html", agency=found["agency"], found=found, user=user,
                               chosen=chosen, errors=errors or {}, one_time=one_time,
                               lane_options=lane_options(found["all_lanes"]), role_options=role_options())
    headers = {"Cache-Control": "no-store"} if one_time else {}
    return response, status, headers


def _keep_password(slug: str, username: str, password: str) -> None:
    session[ONE_TIME] = {"agency": slug, "username": username, "password": password}


def _roles_message(done: dict) -> str:
    names = role_names()
    added = done["added"]["lanes"] + [names[k] for k in done["added"]["agency_roles"]]
    removed = done["removed"]["lanes"] + [names[k] for k in done["removed"]["agency_roles"]]
    if not added and not removed:
        return _("Nothing changed.")
    parts = []
    if added:
        parts.append(_("Granted: %(names)s.", names=", ".join(added)))
    if removed:
        parts.append(_("Revoked: %(names)s.", names=", ".join(removed)))
    if done["released_tasks"]:
        parts.append(_("Claimed tasks given back to the team: %(num)d.", num=done["released_tasks"]))
    return " ".join(parts)
