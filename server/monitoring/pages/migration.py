"""The migration screen: the Pengawas picks the version to migrate from and the one to migrate
to, sees the dry run (each open instance, where it stands, whether it can move and why not),
keeps ticked the ones to move, gives a reason and confirms; the page then shows what moved and
what stayed. The agency's Auditor sees the dry run only. Works without JavaScript."""
from __future__ import annotations

from flask import render_template, request, url_for
from flask_login import login_required
from werkzeug.routing import BuildError

from ...errors import InvalidInput, NotFound
from ...web.common import actor, alur, field_errors, locale
from ..services import migration
from . import pages

PATH = "/sop/<agency>/<key>/migrasi"
# Instance statuses as the supervisors' screens name them (Indonesian, English).
STATUS = {"running": ("berjalan", "running"), "completed": ("selesai", "completed"),
          "suspended": ("ditangguhkan", "suspended"), "cancelled": ("dibatalkan", "cancelled"),
          "error": ("galat", "error")}


@pages.get(PATH, endpoint="migration")
@login_required
def migration_page(agency: str, key: str):
    sop = migration.versions(alur(), actor(), key, agency)  # 403 / 404 before anything is read
    chosen = _chosen(sop, request.args.get("from"), request.args.get("to"))
    plan, errors, status = None, {}, 200
    if "from" in request.args or "to" in request.args:
        try:
            plan = migration.plan(alur(), actor(), key, chosen["from"], chosen["to"], agency)
        except (InvalidInput, NotFound) as exc:
            errors, status = _errors(exc), exc.status
    return _render(sop, chosen, plan=plan, errors=errors), status


@pages.post(PATH, endpoint="migrate")
@login_required
def migrate(agency: str, key: str):
    form = request.form
    sop = migration.versions(alur(), actor(), key, agency)
    chosen = _chosen(sop, form.get("from"), form.get("to"))
    reason = form.get("reason", "")
    try:  # the service asks the policy first (only a Pengawas migrates), then checks the form
        result = migration.migrate(alur(), actor(), key, chosen["from"], chosen["to"],
                                   instance_ids=_ints(form.getlist("instance")), agency=agency, reason=reason)
    except (InvalidInput, NotFound) as exc:
        errors = _errors(exc)
        try:  # the dry run again, so the form can be sent once more
            plan = migration.plan(alur(), actor(), key, chosen["from"], chosen["to"], agency)
        except (InvalidInput, NotFound):
            plan = None
        return _render(sop, chosen, plan=plan, errors=errors, reason=reason,
                       ticked=set(_ints(form.getlist("instance")))), exc.status
    # what stays on the old version (not chosen, or not movable), read again after the move
    left = migration.plan(alur(), actor(), key, result["from_version"], result["to_version"], agency)
    return _render(sop, chosen, result=result, remaining=left["items"]), 200


def _render(sop: dict, chosen: dict, *, plan=None, result=None, remaining=(), errors=None, reason: str = "",
            ticked=None):
    lang = locale()
    shown = result or plan
    rows = [_row(item, lang) for item in shown["items"]] if shown else []
    return render_template("monitoring/migration.html", sop=sop, chosen=chosen, plan=plan, result=result,
                           rows=rows, remaining=[_row(item, lang) for item in remaining], errors=errors or {},
                           reason=reason, list_url=_list_url(),
                           ticked=ticked if ticked is not None else {r["id"] for r in rows if r["movable"]})


def _row(item: dict, lang: str) -> dict:
    pick = 1 if lang == "en" else 0
    status = STATUS.get(item.get("status") or "", (item.get("status") or "–",) * 2)[pick]
    return {**item, "status_label": status,
            "reason_texts": [m["en" if pick else "id"] for m in item.get("reasons", [])],
            "note_texts": [m["en" if pick else "id"] for m in item.get("notes", [])],
            "steps": ", ".join(s["name"] for s in item.get("current_steps", [])) or "–"}


def _chosen(sop: dict, from_value, to_value) -> dict:
    """The versions asked for, else the defaults: to the active version, from the newest other
    version that still has open instances."""
    numbers = [v["version"] for v in sop["versions"]]
    active = next((v["version"] for v in sop["versions"] if v["active"]), numbers[0] if numbers else None)
    waiting = [v["version"] for v in sop["versions"] if v["open_instances"] and v["version"] != active]
    default_from = waiting[0] if waiting else next((n for n in numbers if n != active), active)
    return {"from": _int(from_value, default_from), "to": _int(to_value, active)}


def _int(value, default):
    if value is None or value == "":
        return default
    return int(value) if str(value).isdigit() and 0 < int(value) < 2**31 else value  # the service refuses the rest


def _ints(values) -> list[int]:
    return [int(v) for v in values if str(v).isdigit() and 0 < int(v) < 2**31]


def _errors(exc) -> dict:
    """The error by field, and its message at the top of the form."""
    errors = field_errors(exc, locale()) if exc.fields else {}
    errors.setdefault("_form", []).insert(0, exc.message(locale()))
    return errors


def _list_url() -> str | None:
    try:
        return url_for("monitoring.instances")
    except BuildError:  # the instance list is not served (yet)
        return None
