"""A filter's days as instants: "from 23 November until 24 November" means the agency's own days,
so each bound is a local midnight turned into UTC (what the database's timestamps are compared
with). Days at the calendar's ends have no such midnight; that bound is then left off."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Jakarta"


def local_today(now: datetime, zone: str | None) -> date:
    """The day `now` falls on in the zone (Jakarta when none is given)."""
    return now.astimezone(ZoneInfo(zone or DEFAULT_ZONE)).date()


def local_midnight(day: date | None, zone: str | None) -> datetime | None:
    """The start of `day` in the zone (Jakarta when none is given), in UTC; None for no day or a
    day past the calendar's ends."""
    if day is None:
        return None
    try:
        return datetime.combine(day, time(0), tzinfo=ZoneInfo(zone or DEFAULT_ZONE)).astimezone(timezone.utc)
    except (OverflowError, ValueError):
        return None


def day_bounds(first: date | None, last: date | None, zone: str | None) -> tuple[datetime | None, datetime | None]:
    """(start, end) in UTC of the local days `first` to `last`, both included: at >= start and
    at < end; either None when not given or past the calendar's ends."""
    end = local_midnight(last + timedelta(days=1), zone) if last is not None and last < date.max else None
    return local_midnight(first, zone), end
