"""The home page: my tasks and my team's, most urgent first."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import AlurError
from ..services import tasks
from ..services.inbox import inbox as inbox_listing
from . import pages
from ...web.common import actor, alur, locale

PAGE = 20
TABS = {"saya": "mine", "tim": "team"}


@pages.get("/")
@login_required
def inbox():
    """Opens where the work is: my tasks when I have claimed some, else my team's when it has
    any (an explicit ?tab= is kept). Counts stop at 1.000 ("1.000+")."""
    asked = request.args.get("tab")
    process = request.args.get("proses") or None
    search = (request.args.get("q") or "").strip()[:100] or None
    page = max(1, request.args.get("hal", 1, type=int) or 1)
    me = actor()
    found = inbox_listing(alur(), me, tuple(TABS.values()), TABS.get(asked), limit=PAGE, offset=(page - 1) * PAGE,
                        process=process, search=search)
    tab = next(name for name, scope in TABS.items() if scope == found["scope"])
    counts = {name: found["counts"][scope] for name, scope in TABS.items()}
    return render_template("work/inbox.html", tab=tab, counts=counts, items=found["items"], page=page,
                           per_page=PAGE, process=process, search=search or "",
                           processes=found["processes"])


@pages.post("/tugas/<id:task_id>/ambil")
@login_required
def claim(task_id: int):
    try:
        tasks.claim(alur(), actor(), task_id)
        flash(_("The task is now yours."), "success")
    except AlurError as exc:
        flash(exc.message(locale()), "error")
    return redirect(request.form.get("next") or url_for("work.inbox", tab="saya"))


@pages.post("/tugas/<id:task_id>/lepas")
@login_required
def release(task_id: int):
    try:
        tasks.release(alur(), actor(), task_id)
        flash(_("The task went back to your team."), "success")
    except AlurError as exc:
        flash(exc.message(locale()), "error")
    return redirect(url_for("work.inbox", tab="tim"))
