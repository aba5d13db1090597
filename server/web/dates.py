"""Dates the Indonesian way: "Senin, 23 November 2026 09.30 WIB", in the agency's timezone."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from ..timeplan import ZONE_ABBREVIATIONS



def moment(value: datetime | str | None, tz: str | None, locale: str = "id") -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    zone = tz or "Asia/Jakarta"
    pattern = "EEEE, d MMMM y HH.mm" if locale == "id" else "EEEE, d MMMM y HH:mm"
    text = format_datetime(value, pattern, tzinfo=ZoneInfo(zone), locale=locale)
    return f"{text} {ZONE_ABBREVIATIONS.get(zone, zone)}"


def day(value: date | str | None, locale: str = "id") -> str:
    """A calendar date as the user wrote it: no time zone moves it to another day."""
    if not value:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "EEEE, d MMMM y", locale=locale)
