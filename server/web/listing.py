"""What a filtered list page does with its address (the instance list, the audit trail): the
filter form is a GET form, so the address is the filter (bookmarkable, shareable, no JavaScript
needed); every link on the page (pages, sort, tabs, exports) keeps it and changes one thing.
Also the compact local time of a list's cells, and a refused filter as the form's errors.

Templates: _list_macros.html has the form's fields, the pager and the export links."""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from flask import url_for

from ..errors import InvalidInput
from ..timeplan import ZONE_ABBREVIATIONS
from . import web
from .common import field_errors, locale


def filter_args(source, names: Iterable[str]) -> dict[str, list[str]]:
    """The filter parameters `names` of a query or a form (a MultiDict), without empty values:
    an empty field filters nothing, and its link should not carry it."""
    out = {}
    for name in names:
        values = [v for v in source.getlist(name) if v.strip()]
        if values:
            out[name] = values
    return out


def linker(args: dict[str, list[str]], endpoint: str) -> Callable[..., str]:
    """link(endpoint=`endpoint`, **changes) -> the address with the filters `args` and these
    parameters changed: None removes one, a list gives several values, a trailing underscore is
    dropped (from_=... for the parameter "from")."""
    def link(target: str = endpoint, **changes) -> str:
        params = {name: list(values) for name, values in args.items()}
        for name, value in changes.items():
            name = name.rstrip("_")
            if value is None:
                params.pop(name, None)
            else:
                params[name] = list(value) if isinstance(value, (list, tuple)) else [str(value)]
        return url_for(target, **params)
    return link


def form_errors(exc: InvalidInput) -> dict[str, list[str]]:
    """A refused filter as the page's errors: per field, and the whole message on top of the
    form (the summary names what to fix before the fields are reached)."""
    errors = field_errors(exc, locale())
    errors.setdefault("_form", []).insert(0, exc.message(locale()))
    return errors


@web.app_template_filter("list_time")
def list_time(value, tz=None, seconds: bool = False) -> str:
    """A compact local time for a list's cells: "23 Nov 2026 09.30 WIB" (with `seconds`,
    "09.30.15": the audit trail tells events of one minute apart)."""
    if not value:
        return ""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    zone = tz or "Asia/Jakarta"
    clock = ("HH.mm.ss" if seconds else "HH.mm") if locale() == "id" else ("HH:mm:ss" if seconds else "HH:mm")
    return f"{format_datetime(moment, 'd MMM y ' + clock, tzinfo=ZoneInfo(zone), locale=locale())} " \
           f"{ZONE_ABBREVIATIONS.get(zone, zone)}"
