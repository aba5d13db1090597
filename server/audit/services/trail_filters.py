"""The audit trail's filters and paging, from query parameters, checked: a value a filter does not
take is refused with 422 and a message per field in both languages, never a server error (the
checks of one value, a text, a day, a whole number are kernel/filters.py, as the instance list's)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

from ...kernel import filters

LIMIT = 50
LIMIT_MAX = 500
NUMBER_MAX = 2**63 - 1  # audit_event.id is a BIGINT
ROW_ID_MAX = 2**31 - 1  # an instance's id is an INTEGER
TEXT_MAX = 200


@dataclass(frozen=True)
class TrailFilters:
    """What the trail is narrowed to; None means no filter. Days are the agency's local days."""

    date_from: date | None = None
    date_to: date | None = None
    instance: int | None = None
    process: str | None = None      # an SOP's key: the events of its instances
    agency: str | None = None       # an agency's slug
    action: str | None = None       # an action code or its prefix ("task.")
    actor: str | None = None        # the username of who did it

    def as_args(self) -> dict[str, list[str]]:
        """The filters as the query parameters that give them back (links, exports)."""
        out = {}
        for name, value in (("from", self.date_from), ("to", self.date_to), ("instance", self.instance),
                            ("process", self.process), ("agency", self.agency), ("action", self.action),
                            ("actor", self.actor)):
            if value is not None and value != "":
                out[name] = [value.isoformat() if isinstance(value, date) else str(value)]
        return out

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) not in (None, "") for f in fields(self))


def whole_number(value, name: str, low: int = 1, high: int = NUMBER_MAX) -> int:
    """A whole number from low to high (by default an event id's range), else refused."""
    return filters.whole_number(value, name, low, high)


def parse_filters(args) -> TrailFilters:
    """Filters from query parameters (a mapping of name -> value or list of values, e.g. Flask's
    `request.args.to_dict(flat=False)`): from, to, instance, process, agency, action, actor."""
    def text(name: str) -> str | None:
        return filters.text(args, name, TEXT_MAX)

    instance = filters.one(args, "instance")
    return TrailFilters(date_from=filters.day(args, "from"), date_to=filters.day(args, "to"),
                        instance=None if instance is None else whole_number(instance, "instance", 1, ROW_ID_MAX),
                        process=text("process"), agency=text("agency"), action=text("action"), actor=text("actor"))


def parse_paging(args) -> tuple[int, int | None]:
    """(limit, after): the page size (1 to LIMIT_MAX, default LIMIT) and the keyset cursor, the
    id of the last event of the page before (the next page holds older events)."""
    limit = filters.one(args, "limit")
    after = filters.one(args, "after")
    return (LIMIT if limit is None else whole_number(limit, "limit", 1, LIMIT_MAX),
            None if after is None else whole_number(after, "after"))
