"""An Admin Instansi's working-day calendar: the agency's own days off and extra working days,
and its working week with office hours.

SOP time standards count working days and office hours on this calendar; national holidays and
cuti bersama are built in, so the admin only adds what is the agency's own. A day that is
already off (or already a working day) is refused with the reason, so that the list holds only
what changes something. Changes count for due dates computed from then on.
"""
from __future__ import annotations

import re
from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...formschema.messages import msg
from ...kernel import calendars
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import AgencyCalendar, AgencyDay
from ...timeplan import WorkCalendar, national_days_off
from . import scope

KINDS = ("off", "work")
MAX_NOTE = 300
DEFAULT_WEEK = {"workdays": [0, 1, 2, 3, 4], "opens": "07:30", "closes": "16:00"}
HOLIDAYS_SHOWN = 6
CLOCK = re.compile(r"\d{2}:\d{2}")


def overview(alur: Alur, actor: Actor, slug: str) -> dict:
    """The agency's days from today on, its working week, and the next national days off."""
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        today = _today(alur, agency.timezone)
        days = s.execute(select(AgencyDay.day, AgencyDay.kind, AgencyDay.note)
                         .where(AgencyDay.agency_id == agency.id, AgencyDay.day >= today)
                         .order_by(AgencyDay.day)).all()
        week = _week(s, agency.id)
        described = scope.describe(agency)
    upcoming = [(d, n) for year in (today.year, today.year + 1)
                for d, n in national_days_off(year).items() if d >= today][:HOLIDAYS_SHOWN]
    return {"agency": described, "today": today, "week": week,
            "days": [{"day": d.day, "kind": d.kind, "note": d.note} for d in days],
            "holidays": [{"day": d, "name_id": n.name_id, "name_en": n.name_en, "cuti_bersama": n.cuti_bersama}
                         for d, n in upcoming]}


def add_day(alur: Alur, actor: Actor, slug: str, day: str, kind: str, note: str = "") -> dict:
    """Marks `day` (YYYY-MM-DD, today or later) as an extra day off or an extra working day; a
    day already marked takes the new kind and note."""
    note = (note or "").strip()
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        today = _today(alur, agency.timezone)
        week = _week(s, agency.id)
        fields = {}
        chosen = _date(day)
        if chosen is None:
            fields["day"] = [msg("Isi tanggal dengan benar (TTTT-BB-HH).", "Enter a valid date (YYYY-MM-DD).")]
        elif chosen < today:
            fields["day"] = [msg("Pilih hari ini atau sesudahnya.", "Choose today or a later day.")]
        if kind not in KINDS:
            fields["kind"] = [msg("Pilih libur tambahan atau hari kerja tambahan.",
                                  "Choose an extra day off or an extra working day.")]
        elif chosen is not None and "day" not in fields:
            problem = _no_change(week, agency.timezone, chosen, kind)
            if problem:
                fields["day"] = [problem]
        if len(note) > MAX_NOTE:
            fields["note"] = [msg(f"Paling banyak {MAX_NOTE} karakter.", f"At most {MAX_NOTE} characters.")]
        if fields:
            raise InvalidInput("Hari belum disimpan; periksa isian yang ditandai.",
                               "The day was not saved; check the marked fields.", fields=fields)
        replaced = s.scalar(select(AgencyDay.id).where(AgencyDay.agency_id == agency.id,
                                                       AgencyDay.day == chosen)) is not None
    calendars.set_day(alur, slug, chosen, kind, note, actor_id=actor.id)
    return {"day": chosen, "kind": kind, "replaced": replaced}


def remove_day(alur: Alur, actor: Actor, slug: str, day: str) -> date:
    """The day goes back to what the week and the national calendar say."""
    chosen = _date(day)
    with alur.db.transaction() as s:
        agency = scope.managed(s, actor, slug)
        if chosen is None or s.scalar(select(AgencyDay.id).where(AgencyDay.agency_id == agency.id,
                                                                 AgencyDay.day == chosen)) is None:
            raise NotFound("Hari itu tidak ada di kalender instansi.", "That day is not in the agency's calendar.")
    calendars.set_day(alur, slug, chosen, "normal", actor_id=actor.id)
    return chosen


def set_week(alur: Alur, actor: Actor, slug: str, workdays: list[str], opens: str, closes: str) -> dict:
    """The working weekdays (Monday = 0) and the office hours of every working day."""
    with alur.db.transaction() as s:
        scope.managed(s, actor, slug)
    fields = {}
    valid = all(str(d).isdigit() and 0 <= int(d) <= 6 for d in workdays)
    days = sorted({int(d) for d in workdays}) if valid else []
    if not days:
        fields["workdays"] = [msg("Pilih paling sedikit satu hari kerja.", "Choose at least one working day.")]
    hours = {name: _clock(value) for name, value in (("opens", opens), ("closes", closes))}
    for name, value in hours.items():
        if value is None:
            fields[name] = [msg("Isi jam dengan benar (JJ:MM).", "Enter a valid time (HH:MM).")]
    if hours["opens"] and hours["closes"] and hours["opens"] >= hours["closes"]:
        fields["closes"] = [msg("Jam tutup harus sesudah jam buka.", "Closing must come after opening.")]
    if fields:
        raise InvalidInput("Minggu kerja belum disimpan; periksa isian yang ditandai.",
                           "The working week was not saved; check the marked fields.", fields=fields)
    opens, closes = (hours[n].strftime("%H:%M") for n in ("opens", "closes"))
    calendars.set_week(alur, slug, days, opens, closes, actor_id=actor.id)
    return {"workdays": days, "opens": opens, "closes": closes}


def _week(s, agency_id: int) -> dict:
    row = s.get(AgencyCalendar, agency_id)
    if row is None:
        return dict(DEFAULT_WEEK)
    return {"workdays": [int(d) for d in row.workdays.split(",") if d.strip()], "opens": row.opens,
            "closes": row.closes}


def _no_change(week: dict, timezone: str, day: date, kind: str) -> dict | None:
    """Why marking `day` would change nothing, or None."""
    plain = WorkCalendar(timezone=timezone, workdays=week["workdays"], opens=week["opens"], closes=week["closes"])
    working = plain.is_working_day(day)
    if kind == "off" and not working:
        name_id, name_en = plain.holiday_name(day, "id"), plain.holiday_name(day, "en")
        return msg(f"Hari itu sudah libur ({name_id or 'di luar minggu kerja'}).",
                   f"That day is already off ({name_en or 'outside the working week'}).")
    if kind == "work" and working:
        return msg("Hari itu sudah hari kerja.", "That day is already a working day.")
    return None


def _today(alur: Alur, timezone: str) -> date:
    return alur.clock.now().astimezone(ZoneInfo(timezone)).date()


def _date(value: str) -> date | None:
    try:
        value = (value or "").strip()
        return date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        return None


def _clock(value: str) -> time | None:
    value = (value or "").strip()
    if not CLOCK.fullmatch(value):
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        return None
