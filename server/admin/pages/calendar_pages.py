"""The agency's working-day calendar: its own days off and working days, and its working week."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...errors import InvalidInput
from ...web.common import actor, alur, locale
from ...web.dates import day as day_text
from ..services import calendar_days
from . import pages
from .helpers import form_errors, weekday_options

DAY_FIELDS = ("day", "kind", "note")
WEEK_FIELDS = ("workdays", "opens", "closes")


@pages.get("/<slug>/kalender")
@login_required
def calendar(slug: str):
    return _calendar_page(slug)


@pages.post("/<slug>/kalender/hari")
@login_required
def calendar_add_day(slug: str):
    values = {n: request.form.get(n, "") for n in DAY_FIELDS}
    try:
        done = calendar_days.add_day(alur(), actor(), slug, values["day"], values["kind"], values["note"])
    except InvalidInput as exc:
        return _calendar_page(slug, day_values=values, day_errors=form_errors(exc, DAY_FIELDS), status=422)
    when = day_text(done["day"], locale())
    flash(_("%(day)s is now an extra day off.", day=when) if done["kind"] == "off"
          else _("%(day)s is now an extra working day.", day=when), "success")
    return redirect(url_for("admin.calendar", slug=slug))


@pages.post("/<slug>/kalender/hari/<day>/hapus")
@login_required
def calendar_remove_day(slug: str, day: str):
    removed = calendar_days.remove_day(alur(), actor(), slug, day)
    flash(_("%(day)s follows the normal calendar again.", day=day_text(removed, locale())), "success")
    return redirect(url_for("admin.calendar", slug=slug))


@pages.post("/<slug>/kalender/minggu")
@login_required
def calendar_week(slug: str):
    values = {"workdays": request.form.getlist("workdays"), "opens": request.form.get("opens", ""),
              "closes": request.form.get("closes", "")}
    try:
        calendar_days.set_week(alur(), actor(), slug, values["workdays"], values["opens"], values["closes"])
    except InvalidInput as exc:
        return _calendar_page(slug, week_values=values, week_errors=form_errors(exc, WEEK_FIELDS), status=422)
    flash(_("The working week is saved."), "success")
    return redirect(url_for("admin.calendar", slug=slug))


def _calendar_page(slug: str, day_values=None, day_errors=None, week_values=None, week_errors=None, status=200):
    found = calendar_days.overview(alur(), actor(), slug)
    week = found["week"]
    if week_values is None:
        week_values = {"workdays": [str(d) for d in week["workdays"]], "opens": week["opens"], "closes": week["closes"]}
    return render_template("admin/calendar.html", agency=found["agency"], found=found,
                           day_values=day_values or {"day": "", "kind": "off", "note": ""},
                           day_errors=day_errors or {}, week_values=week_values, week_errors=week_errors or {},
                           weekday_options=weekday_options()), status
