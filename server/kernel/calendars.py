"""Each agency's working-day calendar, from its settings and its own days off and on."""
from __future__ import annotations

from datetime import date, time
from time import monotonic

from sqlalchemy import delete, select

from ..errors import InvalidInput, NotFound
from ..models import Agency, AgencyCalendar, AgencyDay
from ..timeplan import WorkCalendar
from . import audit
from .context import Alur


_CACHE: dict[int, tuple[float, WorkCalendar]] = {}
CACHE_SECONDS = 60  # another process's calendar change reaches this one within a minute


def calendar_for(db, agency_id: int) -> WorkCalendar:
    found = _CACHE.get(agency_id)
    if found is not None and found[0] > monotonic():
        return found[1]
    calendar = _load(db, agency_id)
    _CACHE[agency_id] = (monotonic() + CACHE_SECONDS, calendar)
    return calendar


def forget() -> None:
    _CACHE.clear()


def _load(db, agency_id: int) -> WorkCalendar:
    tz = db.execute(select(Agency.timezone).where(Agency.id == agency_id)).scalar() or "Asia/Jakarta"
    settings = db.execute(select(AgencyCalendar.workdays, AgencyCalendar.opens, AgencyCalendar.closes)
                          .where(AgencyCalendar.agency_id == agency_id)).first()
    days = db.execute(select(AgencyDay.day, AgencyDay.kind).where(AgencyDay.agency_id == agency_id)).all()
    kwargs = {"timezone": tz,
              "extra_days_off": frozenset(d for d, kind in days if kind == "off"),
              "extra_working_days": frozenset(d for d, kind in days if kind == "work")}
    if settings is not None:
        kwargs.update(workdays=frozenset(int(x) for x in settings.workdays.split(",") if x.strip()),
                      opens=time.fromisoformat(settings.opens), closes=time.fromisoformat(settings.closes))
    return WorkCalendar(**kwargs)


def set_day(alur: Alur, agency: str, day: date, kind: str, note: str = "", actor_id: int | None = None) -> None:
    """An agency's own day off (`off`) or working day (`work`), or back to normal (`normal`)."""
    if kind not in ("off", "work", "normal"):
        raise InvalidInput("Jenis hari harus off, work atau normal.", "The kind must be off, work or normal.")
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == agency))
        if agency_id is None:
            raise NotFound(f"Instansi '{agency}' tidak ditemukan.", f"Agency '{agency}' not found.")
        s.execute(delete(AgencyDay).where(AgencyDay.agency_id == agency_id, AgencyDay.day == day))
        if kind != "normal":
            s.add(AgencyDay(agency_id=agency_id, day=day, kind=kind, note=note))
        _CACHE.pop(agency_id, None)
        audit.record(s, alur.clock.now(), "calendar.day_set", actor_id=actor_id, agency_id=agency_id,
                     after={"day": day.isoformat(), "kind": kind, "note": note})


def set_week(alur: Alur, agency: str, workdays: list[int], opens: str, closes: str,
             actor_id: int | None = None) -> None:
    try:
        if not workdays or any(d < 0 or d > 6 for d in workdays) or time.fromisoformat(opens) >= time.fromisoformat(closes):
            raise ValueError
    except ValueError as exc:
        raise InvalidInput("Hari kerja atau jam kerja tidak sah.", "Invalid working days or hours.") from exc
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == agency))
        if agency_id is None:
            raise NotFound(f"Instansi '{agency}' tidak ditemukan.", f"Agency '{agency}' not found.")
        row = s.get(AgencyCalendar, agency_id) or AgencyCalendar(agency_id=agency_id)
        row.workdays, row.opens, row.closes = ",".join(str(d) for d in sorted(set(workdays))), opens, closes
        s.add(row)
        _CACHE.pop(agency_id, None)
        audit.record(s, alur.clock.now(), "calendar.week_set", actor_id=actor_id, agency_id=agency_id,
                     after={"workdays": row.workdays, "opens": opens, "closes": closes})
