"""The way in: the header link for Admin Instansi, and the choice of agency."""
from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import login_required

from ...web.common import actor, alur, header_link
from ..services import scope
from . import pages


header_link(pages, "admin_link", scope.administers_any)  # the header's link, for whoever may open these pages


@pages.get("/")
@login_required
def home():
    mine = scope.agencies(alur(), actor())
    if len(mine) == 1:
        return redirect(url_for("admin.staff", slug=mine[0]["slug"]))
    return render_template("admin/choose.html", agencies=mine)
