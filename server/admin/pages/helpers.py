"""What the admin pages share: the service errors as form errors, agency role names."""
from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import gettext as _

from ...errors import AlurError
from ...web.common import field_errors, locale
from ..services import staff


def form_errors(exc: AlurError, fields: tuple[str, ...]) -> dict[str, list[str]]:
    """Errors beside the form's fields; any other field's error goes to the top of the form, so
    that none is lost."""
    errors = field_errors(exc, locale())
    for name in [n for n in errors if n not in fields and n != "_form"]:
        errors.setdefault("_form", []).extend(errors.pop(name))
    return errors


def role_names() -> dict[str, str]:
    """Agency role key -> its name: the Indonesian name is the official one (the CLI takes it),
    so English pages show it beside the English name."""
    if locale() != "en":
        return {r["key"]: r["id"] for r in staff.agency_roles()}
    return {r["key"]: r["en"] if r["en"] == r["id"] else f'{r["en"]} ({r["id"]})' for r in staff.agency_roles()}


def role_options() -> list[tuple[str, str, str]]:
    """(key, name, what it allows) of each agency role, for the forms' checkboxes."""
    names = role_names()
    allows = {"pemilik_proses": _("edits and deploys the agency's SOPs"),
              "pengawas": _("monitors and steers running SOPs"),
              "auditor": _("reads everything and the audit trail, changes nothing"),
              "admin_instansi": _("users, lanes, roles and the working calendar")}
    return [(key, names[key], allows[key]) for key in names]


def lane_options(lanes: list[str]) -> list[tuple[str, str, None]]:
    return [(name, name, None) for name in lanes]


def weekday_options() -> list[tuple[str, str, None]]:
    """Monday (0) to Sunday (6), named in the interface's language."""
    names = get_day_names("wide", locale=locale())
    return [(str(i), names[i].capitalize(), None) for i in range(7)]
