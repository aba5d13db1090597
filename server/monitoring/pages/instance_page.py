"""One instance for its supervisors: the facts, the diagram with where it stands and the path it
took, the timeline of its steps in working time, its data, and the actions (Pengawas only).

The page reads `case_view.case`; each action posts a form (CSRF, a reason) to its own address,
calls the steering service and comes back here with a message. A refusal (409, 422) is that
message and changes nothing; an Auditor's or a staff member's post is a 403 before anything."""
from __future__ import annotations

from datetime import datetime
from typing import Callable
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from ...errors import Conflict, InvalidInput, NotFound
from ...timeplan import ZONE_ABBREVIATIONS
from ...timeplan.step_time import working_words
from ...web.common import actor, alur, locale
from ..services import case_view, moving, steering
from . import pages

REFUSALS = (Conflict, InvalidInput, NotFound)


@pages.get("/instances/<id:instance_id>")
@login_required
def instance(instance_id: int):
    found = case_view.case(alur(), actor(), instance_id)
    # the steps it may be moved to (none unless it is running on one token)
    targets = moving.targets(alur(), actor(), instance_id) if found["can_steer"] else []
    return render_template("monitoring/instance.html", case=found, timeline=_timeline(found),
                           diagram=diagram_config(found), files=_file_views(found["files"]),
                           move_targets=targets)


def _act(instance_id: int, done: str | Callable[[dict], str], call, task_id: int | None = None):
    """Runs a supervisor's action (after the 403 check) and comes back to the page with a message."""
    case_view.require_steer(alur(), actor(), instance_id, task_id)
    try:
        answer = call()
    except REFUSALS as exc:
        flash(exc.message(locale()), "error")
    else:
        flash(done(answer) if callable(done) else done, "success")
    return redirect(url_for("monitoring.instance", instance_id=instance_id))


def _reason() -> str:
    return request.form.get("reason", "")


@pages.post("/instances/<id:instance_id>/suspend")
@login_required
def instance_suspend(instance_id: int):
    return _act(instance_id, _("The instance is suspended: nothing of it can be done until it is resumed."),
                lambda: steering.suspend(alur(), actor(), instance_id, _reason()))


@pages.post("/instances/<id:instance_id>/resume")
@login_required
def instance_resume(instance_id: int):
    return _act(instance_id, _("The instance is resumed."),
                lambda: steering.resume(alur(), actor(), instance_id, _reason()))


@pages.post("/instances/<id:instance_id>/cancel")
@login_required
def instance_cancel(instance_id: int):
    def cancel():
        if request.form.get("confirm") != "1":
            raise InvalidInput("Centang konfirmasi untuk membatalkan instans ini.",
                               "Tick the confirmation to cancel this instance.")
        steering.cancel(alur(), actor(), instance_id, _reason())
    return _act(instance_id, _("The instance is cancelled; its open tasks were cancelled."), cancel)


@pages.post("/instances/<id:instance_id>/retry")
@login_required
def instance_retry(instance_id: int):
    # a new fault leaves it in error and is a Conflict with the new message
    return _act(instance_id, _("The instance runs again."),
                lambda: steering.retry(alur(), actor(), instance_id, _reason()))


@pages.post("/instances/<id:instance_id>/tasks/<id:task_id>/assign")
@login_required
def task_assign(instance_id: int, task_id: int):
    username = request.form.get("username", "").strip() or None
    done = (_("The task is assigned to %(name)s.", name=username) if username
            else _("The task is back with its lane: any holder can take it."))
    return _act(instance_id, done, lambda: steering.assign(alur(), actor(), task_id, username, _reason()),
                task_id=task_id)


@pages.post("/instances/<id:instance_id>/move")
@login_required
def instance_move(instance_id: int):
    def done(answer: dict) -> str:
        steps = ", ".join(t["name"] for t in answer.get("open_tasks", []))
        return _("The instance is moved to: %(steps)s.", steps=steps) if steps else _("The instance is moved.")
    return _act(instance_id, done,
                lambda: moving.move(alur(), actor(), instance_id, request.form.get("to_element", ""), _reason()))


# --- what the template shows ------------------------------------------------------------------

def diagram_config(found: dict) -> dict:
    """The marked diagram's configuration (static/modeler/src/marked-view.js): where the tokens
    are, what was passed and how often, the overdue tasks with their due times in red."""
    tz = found["timezone"]
    marks: dict[str, dict] = {}

    def mark(element_id: str) -> dict:
        return marks.setdefault(element_id, {"classes": [], "badge": None, "title": None, "fill": None,
                                             "href": None})
    titles: dict[str, list[str]] = {}
    for element_id, count in found["visits"].items():
        entry = mark(element_id)
        entry["classes"].append("visited")
        if count > 1:
            entry["badge"] = f"{count}x"
        titles.setdefault(element_id, []).append(ngettext("Passed once", "Passed %(num)d times", count))
    for element_id in found["active_elements"]:
        mark(element_id)["classes"].append("active")
        titles.setdefault(element_id, []).insert(0, _("Active now"))
    labels: dict[str, dict] = {}
    overdue = {o["element_id"]: o for o in found["overdue"]}
    for task in found["open_tasks"]:
        if task["due_at"] is None:
            continue
        when = short_moment(task["due_at"], tz, locale())
        if task["element_id"] in overdue:
            mark(task["element_id"])["classes"].append("overdue")
            titles.setdefault(task["element_id"], []).append(_("Overdue since %(when)s", when=when))
            labels[task["element_id"]] = {"text": _("Due %(when)s", when=when), "tone": "overdue"}
        else:
            labels.setdefault(task["element_id"], {"text": _("Due %(when)s", when=when), "tone": "due"})
    for element_id, entry in marks.items():
        entry["title"] = " · ".join(titles.get(element_id, [])) or None
    return {"lang": locale(), "xml": found["xml"], "marks": marks, "flows": found["flows_taken"], "labels": labels,
            "focus": found["active_elements"][:1]}


def _timeline(found: dict) -> list[dict]:
    """The timeline's entries with their durations in words (working time)."""
    day = found["working_day_seconds"]
    lang = locale()
    out = []
    for entry in found["timeline"]:
        entry = dict(entry)
        if entry["kind"] == "step":
            entry["worked_text"] = working_words(entry["worked_seconds"], day, lang)
            entry["late_text"] = working_words(entry["late_seconds"], day, lang) if entry["late_seconds"] is not None \
                else None
        out.append(entry)
    return out


@pages.app_template_filter("case_moment")
def _case_moment(value: datetime | None, tz: str | None = None) -> str:
    """"23 Nov 2026 09.30 WIB": a moment in the timeline (its full form in the title)."""
    return short_moment(value, tz, locale(), year=True) if value else ""


def short_moment(value: datetime, tz: str | None, lang: str, year: bool = False) -> str:
    """"23 Nov 09.30 WIB": a due time beside a diagram's task, in the agency's zone."""
    zone = tz or "Asia/Jakarta"
    pattern = ("d MMM y " if year else "d MMM ") + ("HH:mm" if lang == "en" else "HH.mm")
    return f"{format_datetime(value, pattern, tzinfo=ZoneInfo(zone), locale=lang)} {ZONE_ABBREVIATIONS.get(zone, zone)}"


def _file_views(files: dict) -> dict:
    """Attachment id -> its name, type and links (the staff pages' file routes serve them)."""
    out = {}
    for attachment_id, info in files.items():
        url = url_for("work.attachment", attachment_id=attachment_id)
        out[attachment_id] = {**info, "url": url,
                              "thumb_url": url_for("work.attachment_thumbnail", attachment_id=attachment_id)
                              if info["content_type"].startswith("image/") else None}
    return out

