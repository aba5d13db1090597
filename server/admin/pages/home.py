"""The way in: the header link for Admin Instansi, and the choice of agency."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user, login_required

from ...web.common import actor, alur
from ..services import scope
from . import pages


@pages.app_context_processor
def _admin_link():
    """`admin_link` for the layout: the header shows "Admin Instansi" to admins only."""
    signed_in = getattr(current_user, "is_authenticated", False)
    return {"admin_link": signed_in and scope.administers_any(current_user)}


@pages.get("/")
@login_required
def home():
    mine = scope.agencies(alur(), actor())
    if len(mine) == 1:
        return redirect(url_for("admin.staff", slug=mine[0]["slug"]))
    return render_template("admin/choose.html", agencies=mine)
