"""An agency's working-day calendar: its timezone, office hours, and the days it does not work.

An SOP's "1 hari" is a working day and its "2 jam" are office hours, so every due date is computed
against the calendar of the agency that runs the procedure. Days off are weekends, the national
holidays (libur nasional) and collective leave (cuti bersama) decreed each year by the SKB 3
Menteri, as the `holidays` package lists them, plus whatever the agency adds. The rules and their
reasons are in docs/time-standards.md.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

#: Indonesia's three zones. Pontianak (West Kalimantan) keeps WIB under its own tz name.
ZONE_ABBREVIATIONS = MappingProxyType({
    "Asia/Jakarta": "WIB",
    "Asia/Pontianak": "WIB",
    "Asia/Makassar": "WITA",
    "Asia/Jayapura": "WIT",
})

#: Weekday names accepted in configuration, Monday = 0 as in `date.weekday()`.
WEEKDAYS = MappingProxyType({
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "sabtu": 5, "minggu": 6,
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
})

# A calendar that finds no working day within this many days is misconfigured; stop rather than
# loop for ever.
_SEARCH_LIMIT = 400

_AGENCY_DAY_OFF = {"id": "Libur instansi", "en": "Agency day off"}


class NationalDay(NamedTuple):
    """One day off in the national list, with its names for display."""
    name_id: str
    name_en: str
    cuti_bersama: bool  # True when the day is only collective leave, not a public holiday


@lru_cache(maxsize=64)
def national_days_off(year: int) -> Mapping[date, NationalDay]:
    """Libur nasional and cuti bersama of `year`, cached: the list changes once a year."""
    def listing(category: str, language: str):
        return holidays.country_holidays("ID", categories=(category,), years=year,
                                         language=language)

    public_id, public_en = listing("public", "id"), listing("public", "en_US")
    leave_id, leave_en = listing("government", "id"), listing("government", "en_US")
    days: dict[date, NationalDay] = {}
    for day in sorted(set(public_id) | set(leave_id)):
        names_id = [n for n in (public_id.get(day), leave_id.get(day)) if n]
        names_en = [n for n in (public_en.get(day), leave_en.get(day)) if n]
        days[day] = NationalDay("; ".join(names_id), "; ".join(names_en), day not in public_id)
    return MappingProxyType(days)


def _language(locale: str) -> str:
    language = (locale or "id").replace("-", "_").split("_")[0].lower()
    if language not in ("id", "en"):
        raise ValueError(f"unsupported locale {locale!r}: use 'id' or 'en'")
    return language


def _parse_time(value: Any, what: str) -> time:
    if isinstance(value, time):
        return value
    try:
        return time.fromisoformat(str(value).replace(".", ":"))
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not a time of day like '07:30'") from None


def _parse_date(value: Any, what: str) -> date:
    if isinstance(value, datetime):
        raise ValueError(f"{what}: give dates, not datetimes ({value!r})")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{what}: {value!r} is not a date like '2026-03-18'") from None


def _parse_weekday(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 6:
        return value
    if isinstance(value, str) and value.strip().lower() in WEEKDAYS:
        return WEEKDAYS[value.strip().lower()]
    raise ValueError(f"workdays: {value!r} is not a weekday (0 = Monday .. 6 = Sunday, or a name "
                     "such as 'sabtu')")


class WorkCalendar:
    """Working days and office hours of one agency, in its own timezone.

    Every method takes timezone-aware datetimes in any zone and answers in the calendar's zone;
    a day given as a datetime means its local date here.
    """

    def __init__(self, timezone: str = "Asia/Jakarta",
                 workdays: Iterable[int | str] = frozenset({0, 1, 2, 3, 4}),
                 opens: time = time(7, 30), closes: time = time(16, 0),
                 extra_days_off: Iterable[date] = frozenset(),
                 extra_working_days: Iterable[date] = frozenset(),
                 hours: Mapping[int | str, tuple[time, time]] | None = None,
                 cuti_bersama: bool = True):
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown timezone {timezone!r} (e.g. 'Asia/Jakarta' for WIB, "
                             "'Asia/Makassar' for WITA, 'Asia/Jayapura' for WIT)") from None
        self.timezone = timezone
        self.workdays = frozenset(_parse_weekday(d) for d in workdays)
        if not self.workdays:
            raise ValueError("workdays: a calendar needs at least one working weekday")
        self.opens = _parse_time(opens, "opens")
        self.closes = _parse_time(closes, "closes")
        if self.opens >= self.closes:
            raise ValueError(f"office hours: opening {self.opens} is not before closing "
                             f"{self.closes}")
        # Per-weekday hours, e.g. a shorter Saturday in regions that work six days.
        self.hours: dict[int, tuple[time, time]] = {}
        for weekday, (start, end) in (hours or {}).items():
            start, end = _parse_time(start, "hours"), _parse_time(end, "hours")
            if start >= end:
                raise ValueError(f"hours of weekday {weekday}: {start} is not before {end}")
            self.hours[_parse_weekday(weekday)] = (start, end)
        self.extra_days_off = frozenset(_parse_date(d, "extra_days_off") for d in extra_days_off)
        self.extra_working_days = frozenset(_parse_date(d, "extra_working_days")
                                            for d in extra_working_days)
        both = self.extra_days_off & self.extra_working_days
        if both:
            shown = ", ".join(d.isoformat() for d in sorted(both))
            raise ValueError(f"days both off and working: {shown}")
        self.cuti_bersama = bool(cuti_bersama)

    @classmethod
    def from_mapping(cls, config: Mapping[str, Any]) -> "WorkCalendar":
        """Build from plain configuration values (strings for times and dates, weekday names)."""
        known = {"timezone", "workdays", "opens", "closes", "extra_days_off", "extra_working_days",
                 "hours", "cuti_bersama"}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"unknown calendar settings: {', '.join(unknown)} "
                             f"(known: {', '.join(sorted(known))})")
        return cls(**dict(config))

    def __repr__(self) -> str:
        days = ",".join(str(d) for d in sorted(self.workdays))
        return (f"WorkCalendar({self.timezone!r}, workdays={{{days}}}, "
                f"{self.opens:%H:%M}-{self.closes:%H:%M})")

    # -- zones and days ------------------------------------------------------------------------

    @property
    def zone_abbreviation(self) -> str:
        """WIB, WITA or WIT; for a zone outside Indonesia, its own abbreviation."""
        known = ZONE_ABBREVIATIONS.get(self.timezone)
        return known or datetime(2026, 1, 1, tzinfo=self.zone).tzname() or self.timezone

    def local(self, moment: datetime) -> datetime:
        """`moment` in the calendar's zone; a naive datetime is refused, its zone being unknown."""
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"{moment.isoformat()} has no timezone; give an aware datetime")
        return moment.astimezone(self.zone)

    def _day(self, day: date | datetime) -> date:
        return self.local(day).date() if isinstance(day, datetime) else day

    def hours_on(self, day: date | datetime) -> tuple[time, time]:
        """Opening and closing time on that day's weekday."""
        return self.hours.get(self._day(day).weekday(), (self.opens, self.closes))

    def opening(self, day: date | datetime) -> datetime:
        return datetime.combine(self._day(day), self.hours_on(day)[0], tzinfo=self.zone)

    def closing(self, day: date | datetime) -> datetime:
        return datetime.combine(self._day(day), self.hours_on(day)[1], tzinfo=self.zone)

    def _national(self, day: date) -> NationalDay | None:
        found = national_days_off(day.year).get(day)
        if found and found.cuti_bersama and not self.cuti_bersama:
            return None
        return found

    def is_working_day(self, day: date | datetime) -> bool:
        """Agency exceptions first, then the weekday, then the national list."""
        day = self._day(day)
        if day in self.extra_days_off:
            return False
        if day in self.extra_working_days:
            return True
        return day.weekday() in self.workdays and self._national(day) is None

    def holiday_name(self, day: date | datetime, locale: str = "id") -> str | None:
        """Why a day is off: the holiday's name or "Libur instansi"; None for a working day or a
        plain weekend."""
        language = _language(locale)
        day = self._day(day)
        if day in self.extra_days_off:
            return _AGENCY_DAY_OFF[language]
        if day in self.extra_working_days:
            return None
        national = self._national(day)
        if national is None:
            return None
        return national.name_id if language == "id" else national.name_en

    # -- counting days -------------------------------------------------------------------------

    def working_day_offset(self, day: date | datetime, n: int) -> date:
        """The n-th working day after `day` (n > 0) or before it (n < 0), `day` itself not
        counted; for n == 0, `day` if it is a working day, else the next one."""
        current = self._day(day)
        step = -1 if n < 0 else 1
        remaining = abs(n)
        if n == 0:
            remaining, current = 1, current - timedelta(days=1)
        idle = 0
        while remaining:
            current += timedelta(days=step)
            if self.is_working_day(current):
                remaining -= 1
                idle = 0
            else:
                idle += 1
                if idle > _SEARCH_LIMIT:
                    raise ValueError(f"no working day within {_SEARCH_LIMIT} days of {current}")
        return current

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """Working days d with a < d <= b (negative when b is before a), so that
        `working_days_between(d, working_day_offset(d, n)) == n` for n > 0."""
        a, b = self._day(a), self._day(b)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        count = sum(1 for k in range(1, (b - a).days + 1)
                    if self.is_working_day(a + timedelta(days=k)))
        return sign * count

    def end_of_working_day(self, day: date | datetime) -> datetime:
        """Closing time of `day`, or of the next working day when `day` is off: work due on a day
        nobody works can only be done on the next one."""
        return self.closing(self.working_day_offset(day, 0))

    # -- moments -------------------------------------------------------------------------------

    def next_opening(self, moment: datetime) -> datetime:
        """`moment` itself when the office is open then, else the next time it opens."""
        moment = self.local(moment)
        today = moment.date()
        if self.is_working_day(today):
            if moment < self.opening(today):
                return self.opening(today)
            if moment < self.closing(today):
                return moment
        return self.opening(self.working_day_offset(today, 1))

    def add_working_time(self, moment: datetime, delta: timedelta) -> datetime:
        """`delta` of office time after `moment`: the clock only runs during office hours on
        working days. Time that ends exactly at closing ends that day, not at the next opening."""
        if delta < timedelta(0):
            raise ValueError(f"working time cannot be negative ({delta})")
        current = self.local(moment)
        if not delta:
            return current
        current = self.next_opening(current)
        remaining = delta
        while True:
            available = self.closing(current) - current
            if remaining <= available:
                return current + remaining
            remaining -= available
            current = self.opening(self.working_day_offset(current.date(), 1))

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Office time from `a` to `b` (negative when b is before a): how long a step took or is
        late in the time the SOP's Waktu counts, the inverse of `add_working_time`."""
        a, b = self.local(a), self.local(b)
        if b < a:
            return -self.working_time_between(b, a)
        total = timedelta(0)
        day = a.date()
        while day <= b.date():
            if self.is_working_day(day):
                start, end = max(a, self.opening(day)), min(b, self.closing(day))
                if end > start:
                    total += end - start
            day += timedelta(days=1)
        return total

    @property
    def working_day_length(self) -> timedelta:
        """A usual working day's office time (the default hours): the unit for "n hari kerja"."""
        return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """Closing time of the n-th working day after the day of `moment` (that day not counted,
        whatever the hour), as statutes count "n hari kerja sejak diterima"."""
        return self.end_of_working_day(self.working_day_offset(self._day(moment), n))


def time_left(due: datetime | None, now: datetime, calendar: "WorkCalendar") -> dict | None:
    """{"late": bool, "working_days": n} when working days lie between now and the due time,
    else {"late": bool, "minutes": n} (at least 1); None without a due time. A task is late from
    its due moment on, as the inbox's overdue mark says."""
    if due is None:
        return None
    late = due <= now
    earlier, later = (due, now) if late else (now, due)
    days = calendar.working_days_between(earlier, later)
    if days > 0:
        return {"late": late, "working_days": days}
    return {"late": late, "minutes": max(1, int((later - earlier).total_seconds() // 60))}
