"""The user's notifications (overdue tasks and the like)."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from ..kernel import notifications
from . import web
from .common import actor, alur, locale


@web.get("/pemberitahuan")
@login_required
def notices():
    listing = notifications.unread(alur(), actor(), locale=locale())
    notifications.mark_read(alur(), actor())  # seen now
    return render_template("notices.html", listing=listing)
