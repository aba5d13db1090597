"""The instance list's filters: what the query parameters ask for, checked (a value a filter does
not take is refused with 422 and a message per field, never a server error; the checks of one
value, a text, a day, a whole number are kernel/filters.py, as the audit trail's)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from ...kernel import filters
from ...kernel.filters import refuse

STATUSES = ("running", "completed", "suspended", "cancelled", "error")
SORTS = ("started_at", "title", "status", "due", "id")
DEFAULT_SORT = "-started_at"
SCOPES = ("all", "started")
NUMBER_MAX = 2**31 - 1
TEXT_MAX = 300


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; None (or empty) means no filter."""

    process: str | None = None          # the SOP's model key
    version: int | None = None
    statuses: tuple[str, ...] = ()
    overdue: bool | None = None         # True: with an overdue open task; False: without
    lane: str | None = None             # the lane of an open task
    element: str | None = None          # the element id of an open task
    started_by: str | None = None       # a username
    started_from: date | None = None    # in the agency's local time, both days included
    started_to: date | None = None
    q: str | None = None                # text in the title, any case
    agency: str | None = None           # an agency's slug
    scope: str = "all"                  # all I may read, or only what I started

    def as_args(self) -> dict[str, list[str]]:
        """The filters as the query parameters that give them back (for links, CSV, bulk)."""
        out: dict[str, list[str]] = {}
        for name, value in (("process", self.process), ("version", self.version), ("lane", self.lane),
                            ("element", self.element), ("started_by", self.started_by),
                            ("from", self.started_from), ("to", self.started_to), ("q", self.q),
                            ("agency", self.agency)):
            if value is not None and value != "":
                out[name] = [value.isoformat() if isinstance(value, date) else str(value)]
        if self.statuses:
            out["status"] = list(self.statuses)
        if self.overdue is not None:
            out["overdue"] = ["true" if self.overdue else "false"]
        if self.scope != "all":
            out["scope"] = [self.scope]
        return out

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "", (), "all") for f in fields(self))


def parse_int(value, name: str, low: int = 1, high: int = NUMBER_MAX) -> int:
    """A whole number from low to high (by default an INTEGER column's range), else refused."""
    return filters.whole_number(value, name, low, high)


def parse_filters(args) -> Filters:
    """Filters from query parameters: a mapping of name -> list of values (Flask's
    `request.args.to_dict(flat=False)`), names as the API takes them (`from`, `to`). A value
    that is not what its filter takes is refused (422) with a message per field."""
    statuses = args.get("status") or []
    statuses = [statuses] if isinstance(statuses, str) else list(statuses)
    unknown = [s for s in statuses if s not in STATUSES]
    if unknown:
        raise refuse("status", "harus salah satu dari " + ", ".join(STATUSES) + ".",
                     "must be one of " + ", ".join(STATUSES) + ".")
    overdue = filters.one(args, "overdue")
    if overdue is not None and overdue not in ("true", "false"):
        raise refuse("overdue", "harus true atau false.", "must be true or false.")
    version = filters.one(args, "version")
    scope = filters.one(args, "scope") or "all"
    if scope not in SCOPES:
        raise refuse("scope", "harus all atau started.", "must be all or started.")

    def text(name: str) -> str | None:
        return filters.text(args, name, TEXT_MAX)

    return Filters(process=text("process"), version=None if version is None else parse_int(version, "version"),
                   statuses=tuple(dict.fromkeys(statuses)), overdue=None if overdue is None else overdue == "true",
                   lane=text("lane"), element=text("element"), started_by=text("started_by"),
                   started_from=filters.day(args, "from"), started_to=filters.day(args, "to"), q=text("q"),
                   agency=text("agency"), scope=scope)


def parse_sort(value: str | None) -> tuple[str, bool]:
    """'title' ascending, '-title' descending; None: newest first. -> (column, descending)."""
    value = (value or DEFAULT_SORT).strip()
    column, descending = (value[1:], True) if value.startswith("-") else (value, False)
    if column not in SORTS:
        raise refuse("sort", "harus salah satu dari " + ", ".join(SORTS) + " (awali dengan - untuk urutan turun).",
                     "must be one of " + ", ".join(SORTS) + " (prefix - for descending).")
    return column, descending
