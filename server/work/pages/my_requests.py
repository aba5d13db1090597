"""Permohonan saya: the instances I started, newest first, with where each one stands."""
from __future__ import annotations

from flask import render_template, request
from flask_login import login_required

from ..services import instances
from . import pages
from ...web.common import actor, alur

PAGE = 20


@pages.get("/permohonan")
@login_required
def my_requests():
    page = max(1, request.args.get("hal", 1, type=int) or 1)
    listing = instances.list_instances(alur(), actor(), "started", limit=PAGE, offset=(page - 1) * PAGE)
    return render_template("work/my_requests.html", listing=listing, page=page, per_page=PAGE)
