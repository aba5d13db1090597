"""A Waktu code checked as the owner types it in the modeler: the server's one parser
(server/timeplan) and the agency's working-day calendar, so the preview is the due time the
deadline service will set. Nothing is stored."""
from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_datetime
from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...models import Agency
from ...timeplan import Conditional, Recurrence, Relative, TimeStandard, WorkCalendar, parse_kode

MAX_KODE = 500
FIRST_YEAR, LAST_YEAR = 1900, 2199  # a due time far beyond this is no preview anyone needs
_REFERENCE = "tanggal_acuan"  # a stand-in date field for H+n/H-n codes


def preview(alur: Alur, actor: Actor, kode, agency, start=None) -> dict:
    """{"valid": True, "kode", "words", "words_en", "preview", "preview_en", "start", "due"} or
    {"valid": False, "message", "message_en"}; a code that is not one is an answer, not an error."""
    kode, agency, started = _checked(kode, agency, start)
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == agency))
        if agency_id is None:
            raise NotFound(f"Instansi '{agency}' tidak ditemukan.", f"Agency '{agency}' not found.")
        access.require(actor, "model.edit", access.Facts(agency_id))
        calendar = calendar_for(s, agency_id)
    try:
        standard = parse_kode(kode)
    except (ValueError, TypeError) as exc:
        return {"valid": False, "kode": kode,
                "message": f"Kode Waktu \"{kode}\" tidak dikenal ({exc}).",
                "message_en": f"The Waktu code \"{kode}\" is not valid ({exc})."}
    if started is None:
        now = calendar.local(alur.clock.now())
        started = calendar.opening(calendar.working_day_offset(now.date(), 0))
    try:
        if not FIRST_YEAR <= started.year <= LAST_YEAR:
            raise OverflowError(started.year)
        started = calendar.local(started)
        due = _due(standard, started, calendar)
        sentences = _sentence(standard, started, calendar, "id"), _sentence(standard, started, calendar, "en")
    except OverflowError:
        return {"valid": False, "kode": standard.kode,
                "message": f"Waktu mulai pratinjau harus antara tahun {FIRST_YEAR} dan {LAST_YEAR}.",
                "message_en": f"The preview's start must lie between the years {FIRST_YEAR} and {LAST_YEAR}."}
    return {"valid": True, "kode": standard.kode, "words": standard.describe("id"),
            "words_en": standard.describe("en"), "start": started.isoformat(),
            "due": due.isoformat() if due else None,
            "preview": sentences[0], "preview_en": sentences[1]}


def _checked(kode, agency, start):
    fields = {}
    if not isinstance(kode, str) or not kode.strip():
        fields["kode"] = [{"id": "Wajib diisi.", "en": "This field is required."}]
    elif len(kode) > MAX_KODE:
        fields["kode"] = [{"id": f"Paling panjang {MAX_KODE} karakter.", "en": f"At most {MAX_KODE} characters."}]
    if not isinstance(agency, str) or not agency.strip():
        fields["agency"] = [{"id": "Wajib diisi.", "en": "This field is required."}]
    started = _parse_start(start) if start is not None else None
    if start is not None:
        if started is None or started.tzinfo is None:
            fields["start"] = [{"id": "Tulis waktu ISO 8601 dengan zona, mis. 2026-11-30T09:00:00+07:00.",
                                "en": "Give an ISO 8601 time with its zone, e.g. 2026-11-30T09:00:00+07:00."}]
    if fields:
        raise InvalidInput("Periksa kembali isian pratinjau Waktu.", "Check the Waktu preview's fields.",
                           fields=fields)
    return kode.strip(), agency.strip(), started


_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:)(\d\d)(\.\d+)?([Zz]|[+-]\d\d:\d\d)$")


def _parse_start(value) -> datetime | None:
    """An RFC 3339 date-time with its zone (lower-case t and z, a leap second read as :59), or None."""
    match = _RFC3339.match(value) if isinstance(value, str) else None
    if not match:
        return None
    day, hour_minute, second, fraction, zone = match.groups()
    fraction = (fraction or "")[:7].ljust(7, "0") if fraction else ""
    zone = "+00:00" if zone in "Zz" else zone
    try:
        return datetime.fromisoformat(f"{day}T{hour_minute}{min(int(second), 59):02d}{fraction[:7]}{zone}")
    except ValueError:
        return None


def _due(standard: TimeStandard, started: datetime, calendar: WorkCalendar):
    if isinstance(standard, Conditional):
        return None
    if standard.needs_acuan:
        return standard.due(started, {_REFERENCE: started.date().isoformat()}, calendar, _REFERENCE)
    return standard.due(started, {}, calendar)


def _moment(value: datetime, calendar: WorkCalendar, language: str) -> str:
    pattern = "EEEE dd-MM-yyyy HH.mm" if language == "id" else "EEEE dd-MM-yyyy HH:mm"
    return format_datetime(value, pattern, tzinfo=calendar.zone, locale=language)


def _sentence(standard: TimeStandard, started: datetime, calendar: WorkCalendar, language: str) -> str:
    zone = calendar.zone_abbreviation
    english = language == "en"
    if isinstance(standard, Conditional):
        parts = []
        for value, branch in standard.branches:
            due = _due(branch, started, calendar)
            parts.append(f"{value}: {_moment(due, calendar, language)}" if due else f"{value}: -")
        head = "due by " if english else "tenggat menurut "
        return f"{head}{standard.field}: " + "; ".join(parts) + f" {zone}"
    due = _due(standard, started, calendar)
    if isinstance(standard, Recurrence):
        return (f"next: {_moment(due, calendar, language)} {zone}" if english
                else f"berikutnya {_moment(due, calendar, language)} {zone}")
    if isinstance(standard, Relative):
        day = format_datetime(started, "EEEE dd-MM-yyyy", tzinfo=calendar.zone, locale=language)
        return (f"reference date {day} → due {_moment(due, calendar, language)} {zone}" if english
                else f"tanggal acuan {day} → tenggat {_moment(due, calendar, language)} {zone}")
    return (f"start {_moment(started, calendar, language)} → due {_moment(due, calendar, language)} {zone}"
            if english else
            f"mulai {_moment(started, calendar, language)} → tenggat {_moment(due, calendar, language)} {zone}")
