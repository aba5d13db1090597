"""Dates the Indonesian way: "Senin, 23 November 2026 09.30 WIB", in the agency's timezone."""
from __future__ import annotations

from datetime import datetime
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


def day(value: datetime | str | None, tz: str | None, locale: str = "id") -> str:
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return format_date(value.astimezone(ZoneInfo(tz or "Asia/Jakarta")), "EEEE, d MMMM y", locale=locale)
