"""Dates the Indonesian way: "Senin, 23 November 2026 09.30 WIB", in the agency's timezone; and
how far a due time is ("2 jam lagi", "terlambat 3 hari kerja") with the SOP rule that set it."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

from ..timeplan import ZONE_ABBREVIATIONS, parse_kode



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


def relative(left: dict | None, locale: str = "id") -> str:
    """A due time's distance as the services measure it (timeplan `time_left`):
    "3 hari kerja lagi" / "in 3 working days", "terlambat 2 jam" / "2 hours late"; under an
    hour in minutes, under a day in whole hours."""
    if not left:
        return ""
    english = locale == "en"
    if "working_days" in left:
        n = left["working_days"]
        amount = f"{n} working day{'s' if n != 1 else ''}" if english else f"{n} hari kerja"
    else:
        minutes = left["minutes"]
        n, unit_id, unit_en = (minutes, "menit", "minute") if minutes < 60 else (minutes // 60, "jam", "hour")
        amount = f"{n} {unit_en}{'s' if n != 1 else ''}" if english else f"{n} {unit_id}"
    if left["late"]:
        return f"{amount} late" if english else f"terlambat {amount}"
    return f"in {amount}" if english else f"{amount} lagi"


def due_rule(rule: dict | None, locale: str = "id") -> str:
    """The rule that set a due time (work/services/due.py `due_rule`), in the SOP's own words:
    "Waktu: 1 hari (1 hari kerja)"; for an H±n code also the date it counts from, "Waktu: H+1
    setelah kegiatan berlangsung (dihitung dari Tanggal kegiatan, Jumat, 14 Agustus 2026)"."""
    if not rule or not rule.get("waktu"):
        return ""
    english = locale == "en"
    text = f"Waktu: {rule['waktu']}"
    if rule.get("acuan"):
        label = rule["acuan_label"]
        if rule["acuan"].startswith("selesai:"):
            label = f"the completion of \u201c{label}\u201d" if english else f"selesainya \u201c{label}\u201d"
        if rule.get("acuan_date"):
            since = "counted from" if english else "dihitung dari"
            return f"{text} ({since} {label}, {day(rule['acuan_date'], locale)})"
        missing = "no date yet for" if english else "belum ada tanggal untuk"
        return f"{text} ({missing} {label})"
    if rule.get("kode"):
        meaning = parse_kode(rule["kode"]).describe(locale)
        if meaning.lower() != rule["waktu"].strip().lower():
            return f"{text} ({meaning})"
    return text
