"""The home page: my tasks and my team's, most urgent first."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import AlurError
from ..services import processes, tasks
from . import pages
from ...web.common import actor, alur, locale

PAGE = 20
TABS = {"saya": "mine", "tim": "team"}


@pages.get("/")
@login_required
def inbox():
    """Opens where the work is: my tasks when I have claimed some, else my team's when it has
    any (an explicit ?tab= is kept)."""
    asked = request.args.get("tab")
    process = request.args.get("proses") or None
    search = (request.args.get("q") or "").strip()[:100] or None
    page = max(1, request.args.get("hal", 1, type=int) or 1)
    me = actor()

    def listing_of(name: str, offset: int = 0) -> dict:
        return tasks.list_tasks(alur(), me, TABS[name], limit=PAGE, offset=offset, process=process, search=search)

    listing = {name: listing_of(name) for name in TABS}
    if asked in TABS:
        tab = asked
    else:
        tab = "tim" if not listing["saya"]["total"] and listing["tim"]["total"] else "saya"
    if page > 1:
        listing[tab] = listing_of(tab, (page - 1) * PAGE)
    return render_template("work/inbox.html", tab=tab, listing=listing, current=listing[tab], page=page, per_page=PAGE,
                           process=process, search=search or "",
                           processes=[p for p in processes.list_processes(alur(), me)])


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
