"""Time standards of SOP rows ("Waktu"): their machine form (`sop.waktu.kode`), due dates, and
the human form that reads like the seed.

Four kinds, all immutable:

- `Duration`: `PT10M`, `PT2H`, `PT30S` (office time), `P1D`, `P1W` (working days), `P1M`
  (calendar months), counted from the moment the task started;
- `Relative`: `H+0`, `H+1`, `H-3`, counted in working days from a reference date (`acuan`);
- `Recurrence`: `R/P1M/W1`, "tiap bulan minggu ke-1";
- `Conditional`: `jenis_konten=Kegiatan/seremoni:H+0|Infografis rencana kegiatan:H-3`, one of the
  above chosen by a field of the instance's data.

The rules and their reasons are in docs/time-standards.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Mapping, Sequence

from .calendar import WorkCalendar, _language

# Upper bounds keep a typo such as P99999D from walking the calendar for minutes.
MAX_DAYS = 3650
MAX_MONTHS = 120
MAX_WORKING_TIME = timedelta(hours=10_000)

_NO_TIMES: Mapping[str, datetime] = {}

_FIELD = r"[A-Za-z_][A-Za-z0-9_]*"
_ACUAN = re.compile(rf"^(?:{_FIELD}|selesai:[A-Za-z_][A-Za-z0-9_.-]*)$")

_KODE_FORMS = ("PT10M, PT2H, PT30S, PT1H30M, P1D, P2W, P1M, H+0, H+1, H-3, R/P1M/W1, or "
               "field=value:kode|value:kode")


class TimeStandard:
    """Base of the four kinds; `kode` is the canonical machine form."""

    kode: str = ""

    @property
    def needs_acuan(self) -> bool:
        """Whether `due` needs a reference date (`sop.waktu.acuan`)."""
        return False

    def due(self, started: datetime, data: Mapping[str, Any], calendar: WorkCalendar,
            acuan: str = "", completed_at: Mapping[str, datetime] = _NO_TIMES) -> datetime | None:
        raise NotImplementedError

    def describe(self, locale: str = "id", acuan: str = "", acuan_label: str | None = None) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.kode


# -- durations ---------------------------------------------------------------------------------

_TIME_WORDS = {"id": ("jam", "menit", "detik"), "en": ("hour", "minute", "second")}


@dataclass(frozen=True)
class Duration(TimeStandard):
    """A span from the task's start. Hours, minutes and seconds run on office time; days and
    weeks count working days; months are calendar months."""

    hours: int = 0
    minutes: int = 0
    seconds: int = 0
    days: int = 0
    weeks: int = 0
    months: int = 0

    @property
    def kode(self) -> str:  # type: ignore[override]
        if self.days:
            return f"P{self.days}D"
        if self.weeks:
            return f"P{self.weeks}W"
        if self.months:
            return f"P{self.months}M"
        parts = [(self.hours, "H"), (self.minutes, "M"), (self.seconds, "S")]
        return "PT" + "".join(f"{n}{u}" for n, u in parts if n)

    @property
    def working_time(self) -> timedelta:
        return timedelta(hours=self.hours, minutes=self.minutes, seconds=self.seconds)

    def due(self, started, data=None, calendar=None, acuan="", completed_at=_NO_TIMES):
        calendar = calendar or WorkCalendar()
        if self.days or self.weeks:
            # A week is as many working days as the agency works in a week: 5, or 6 where
            # Saturdays are worked, so that a week from Monday is next Monday in a plain week.
            n = self.days + self.weeks * len(calendar.workdays)
            return calendar.add_working_days(started, n)
        if self.months:
            return calendar.end_of_working_day(add_months(calendar.local(started).date(),
                                                          self.months))
        return calendar.add_working_time(started, self.working_time)

    def describe(self, locale="id", acuan="", acuan_label=None):
        language = _language(locale)
        if self.days or self.weeks:
            n, unit = (self.days, "day") if self.days else (self.weeks, "week")
            if language == "id":
                return f"{n} {'hari' if unit == 'day' else 'minggu'} kerja"
            return f"{n} working {unit}{'s' if n != 1 else ''}"
        if self.months:
            if language == "id":
                return f"{self.months} bulan"
            return f"{self.months} month{'s' if self.months != 1 else ''}"
        names = _TIME_WORDS[language]
        amounts = (self.hours, self.minutes, self.seconds)
        if language == "id":
            return " ".join(f"{n} {w}" for n, w in zip(amounts, names) if n) + " kerja"
        spoken = " ".join(f"{n} {w}{'s' if n != 1 else ''}" for n, w in zip(amounts, names) if n)
        return f"{spoken} of working time"


def add_months(day: date, months: int) -> date:
    """Same day of the month `months` later, or that month's last day when it is shorter
    (31 January + 1 month = 28 or 29 February)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


# -- dates relative to a reference -------------------------------------------------------------

@dataclass(frozen=True)
class Relative(TimeStandard):
    """H+n / H-n: close of office on the n-th working day after (before) the reference date;
    H+0 is the close of the reference day itself, or of the next working day when that is off."""

    offset: int = 0

    @property
    def kode(self) -> str:  # type: ignore[override]
        return f"H{'-' if self.offset < 0 else '+'}{abs(self.offset)}"

    @property
    def needs_acuan(self) -> bool:
        return True

    def due(self, started, data=None, calendar=None, acuan="", completed_at=_NO_TIMES):
        calendar = calendar or WorkCalendar()
        reference = reference_date(acuan, data or {}, completed_at or {}, calendar)
        if reference is None:
            return None
        return calendar.end_of_working_day(calendar.working_day_offset(reference, self.offset))

    def describe(self, locale="id", acuan="", acuan_label=None):
        language = _language(locale)
        label = acuan_label or _acuan_label(acuan, language)
        n = abs(self.offset)
        if language == "id":
            if not self.offset:
                return f"hari H ({label})" if label else "hari H"
            word = "setelah" if self.offset > 0 else "sebelum"
            return f"{self.kode} {word} {label}" if label else self.kode
        if not self.offset:
            return f"on the day ({label})" if label else "on the day"
        word = "after" if self.offset > 0 else "before"
        span = f"{n} working day{'s' if n != 1 else ''}"
        return f"{span} {word} {label}" if label else f"{span} {word} the reference date"


def _acuan_label(acuan: str, language: str) -> str:
    if not acuan:
        return ""
    if acuan.startswith("selesai:"):
        element = acuan.split(":", 1)[1]
        return f"selesainya {element}" if language == "id" else f"the completion of {element}"
    return acuan.replace("_", " ")


def check_acuan(acuan: str) -> None:
    """Refuse a malformed `sop.waktu.acuan`: a data field name or `selesai:<element id>`."""
    if not _ACUAN.match(acuan or ""):
        raise ValueError(f"sop.waktu.acuan {acuan!r} is neither a data field name such as "
                         "'tanggal_kegiatan' nor 'selesai:<element id>'")


def reference_date(acuan: str, data: Mapping[str, Any], completed_at: Mapping[str, Any],
                   calendar: WorkCalendar) -> date | None:
    """The local date that `acuan` names, or None when the instance does not have it (yet)."""
    if not acuan:
        raise ValueError("an H+n/H-n time standard needs sop.waktu.acuan: a date field such as "
                         "'tanggal_kegiatan' or 'selesai:<element id>'")
    check_acuan(acuan)
    if acuan.startswith("selesai:"):
        value = completed_at.get(acuan.split(":", 1)[1])
    else:
        value = data.get(acuan)
    return _as_local_date(value, calendar)


def _as_local_date(value: Any, calendar: WorkCalendar) -> date | None:
    # A value that is not a date is treated as missing: the due date is unknown, not an error.
    if isinstance(value, str):
        text = value.strip()
        try:
            value = date.fromisoformat(text) if len(text) == 10 else datetime.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, datetime):
        return calendar.local(value).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return None


# -- recurrences -------------------------------------------------------------------------------

_ORDINALS_ID = {1: "pertama", 2: "kedua", 3: "ketiga", 4: "keempat"}


@dataclass(frozen=True)
class Recurrence(TimeStandard):
    """R/P<n>M/W<k>: every n months (counted from January), in week k of the month, week k being
    days 7k-6 .. 7k. An occurrence is the opening of the first working day on or after the
    week's first day."""

    months: int = 1
    week: int = 1

    @property
    def kode(self) -> str:  # type: ignore[override]
        return f"R/P{self.months}M/W{self.week}"

    def occurrence_in(self, year: int, month: int, calendar: WorkCalendar) -> datetime:
        first = date(year, month, 7 * (self.week - 1) + 1)
        return calendar.opening(calendar.working_day_offset(first, 0))

    def next_occurrence(self, after: datetime, calendar: WorkCalendar | None = None) -> datetime:
        """The first occurrence strictly after `after`."""
        calendar = calendar or WorkCalendar()
        after = calendar.local(after)
        year, month = after.year, after.month
        for _ in range(13 + self.months):
            if (month - 1) % self.months == 0:
                moment = self.occurrence_in(year, month, calendar)
                if moment > after:
                    return moment
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        raise AssertionError("unreachable: a cycle of at most 12 months always recurs")

    def due(self, started, data=None, calendar=None, acuan="", completed_at=_NO_TIMES):
        """For a recurrence, the next time it comes round after `started`."""
        return self.next_occurrence(started, calendar)

    def describe(self, locale="id", acuan="", acuan_label=None):
        if _language(locale) == "id":
            every = "tiap bulan" if self.months == 1 else f"tiap {self.months} bulan"
            return f"{every}, minggu ke-{self.week}"
        every = "every month" if self.months == 1 else f"every {self.months} months"
        return f"{every}, in week {self.week}"


# -- conditional -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conditional(TimeStandard):
    """One standard per value of a data field (DKI: the deadline depends on the kind of content)."""

    field: str = ""
    branches: tuple[tuple[str, TimeStandard], ...] = ()

    @property
    def kode(self) -> str:  # type: ignore[override]
        return f"{self.field}=" + "|".join(f"{value}:{standard.kode}"
                                           for value, standard in self.branches)

    @property
    def needs_acuan(self) -> bool:
        return any(standard.needs_acuan for _, standard in self.branches)

    def branch(self, data: Mapping[str, Any]) -> TimeStandard | None:
        """The standard for the data's value of the field; None when it has none (yet)."""
        value = (data or {}).get(self.field)
        for option, standard in self.branches:
            if value == option:
                return standard
        return None

    def due(self, started, data=None, calendar=None, acuan="", completed_at=_NO_TIMES):
        standard = self.branch(data or {})
        if standard is None:
            return None
        return standard.due(started, data or {}, calendar or WorkCalendar(), acuan,
                            completed_at or {})

    def describe(self, locale="id", acuan="", acuan_label=None):
        language = _language(locale)
        head = "menurut" if language == "id" else "by"
        parts = "; ".join(f"{value}: {standard.describe(locale, acuan, acuan_label)}"
                          for value, standard in self.branches)
        return f"{head} {self.field.replace('_', ' ')}: {parts}"


# -- parsing the machine form ------------------------------------------------------------------

_DATE_PART = re.compile(r"^P(\d+)([DWM])$")
_TIME_PART = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")
_RELATIVE = re.compile(r"^H([+-])(\d+)$")
_RECURRENCE = re.compile(r"^R/P(\d+)M/W(\d+)$")
_CONDITIONAL = re.compile(rf"^({_FIELD})=(.+)$", re.DOTALL)


@lru_cache(maxsize=256)
def parse_kode(kode: str) -> TimeStandard:
    """The standard that a `sop.waktu.kode` value stands for; ValueError if it is none."""
    if not isinstance(kode, str):
        raise TypeError(f"a kode is a string, not {type(kode).__name__}")
    text = kode.strip()
    if not text:
        raise ValueError("empty time standard: leave sop.waktu.kode out where the SOP has no Waktu")
    if "=" in text:
        return _parse_conditional(text)
    return _parse_simple(text.upper(), kode)


def _parse_simple(text: str, original: str) -> TimeStandard:
    if match := _DATE_PART.match(text):
        n, unit = int(match[1]), match[2]
        if n == 0:
            raise ValueError(f"time standard {original!r} is zero")
        if unit == "M":
            if n > MAX_MONTHS:
                raise ValueError(f"time standard {original!r}: at most {MAX_MONTHS} months")
            return Duration(months=n)
        days = n * 7 if unit == "W" else n
        if days > MAX_DAYS:
            raise ValueError(f"time standard {original!r}: at most {MAX_DAYS} days")
        return Duration(days=n) if unit == "D" else Duration(weeks=n)
    if text.startswith("PT") and (match := _TIME_PART.match(text)) and any(match.groups()):
        hours, minutes, seconds = (int(g or 0) for g in match.groups())
        standard = Duration(hours=hours, minutes=minutes, seconds=seconds)
        if not standard.working_time:
            raise ValueError(f"time standard {original!r} is zero")
        if standard.working_time > MAX_WORKING_TIME:
            raise ValueError(f"time standard {original!r}: at most {MAX_WORKING_TIME} of "
                             "working time")
        return standard
    if match := _RELATIVE.match(text):
        n = int(match[2])
        if n > MAX_DAYS:
            raise ValueError(f"time standard {original!r}: at most {MAX_DAYS} days")
        return Relative(offset=-n if match[1] == "-" else n)
    if match := _RECURRENCE.match(text):
        months, week = int(match[1]), int(match[2])
        if months not in (1, 2, 3, 4, 6, 12):
            raise ValueError(f"time standard {original!r}: the period must divide a year "
                             "(P1M, P2M, P3M, P4M, P6M or P12M)")
        if not 1 <= week <= 4:
            raise ValueError(f"time standard {original!r}: the week of the month is W1 to W4")
        return Recurrence(months=months, week=week)
    if "T" in text[1:] and not text.startswith("PT") and text.startswith("P"):
        raise ValueError(f"time standard {original!r} mixes days and hours: a day is a working day "
                         "and an hour is office time, so write one of them")
    raise ValueError(f"unknown time standard {original!r}; expected one of {_KODE_FORMS}")


def _parse_conditional(text: str) -> Conditional:
    match = _CONDITIONAL.match(text)
    if not match:
        raise ValueError(f"conditional time standard {text!r}: expected "
                         "field=value:kode|value:kode with a field name such as jenis_konten")
    field, rest = match[1], match[2]
    branches: list[tuple[str, TimeStandard]] = []
    for part in rest.split("|"):
        value, colon, inner = part.rpartition(":")
        value = value.strip()
        if not colon or not value:
            raise ValueError(f"conditional time standard {text!r}: branch {part!r} is not "
                             "value:kode")
        if ":" in value:
            raise ValueError(f"conditional time standard {text!r}: value {value!r} contains ':', "
                             "which separates a value from its kode")
        if any(value == seen for seen, _ in branches):
            raise ValueError(f"conditional time standard {text!r}: value {value!r} appears twice")
        branches.append((value, _parse_simple(inner.strip().upper(), inner)))
    return Conditional(field=field, branches=tuple(branches))


def check(kode: str, acuan: str = "") -> TimeStandard:
    """`parse_kode`, plus the pairing with `sop.waktu.acuan` that a diagram must respect."""
    standard = parse_kode(kode)
    if standard.needs_acuan:
        if not acuan:
            raise ValueError(f"time standard {kode!r} counts from a date: set sop.waktu.acuan "
                             "(e.g. 'tanggal_kegiatan' or 'selesai:<element id>')")
        check_acuan(acuan)
    elif acuan:
        raise ValueError(f"time standard {kode!r} counts from the task's start; "
                         f"sop.waktu.acuan {acuan!r} has no meaning for it")
    return standard


# -- parsing the seed's words ------------------------------------------------------------------

# "at the latest" / "at most" before a span, "at least" before a lead time: same deadline.
_AT_MOST = r"(?:(?:paling lambat|selambat-lambatnya|maksimal) )?"
_AT_LEAST = r"(?:(?:minimal|paling lambat|selambat-lambatnya|sekurang-kurangnya) )?"
_WORD_UNITS = {"detik": "PT{}S", "menit": "PT{}M", "jam": "PT{}H", "hari": "P{}D",
               "hari kerja": "P{}D", "minggu": "P{}W", "minggu kerja": "P{}W", "pekan": "P{}W",
               "bulan": "P{}M"}
_UNIT_WORDS = "|".join(sorted(_WORD_UNITS, key=len, reverse=True))  # longest first
_WORD_DURATION = re.compile(rf"^{_AT_MOST}(\d+) ({_UNIT_WORDS})$")
_WORD_DAY_H = re.compile(r"^(?:(?:pada|sebelum atau|paling lambat|selambat-lambatnya) )?"
                         r"hari h(?: .*)?$")
_WORD_H = re.compile(r"^(?:hari )?h ?([+-]) ?(\d+)(?: (.*))?$")
_WORD_BEFORE = re.compile(rf"^{_AT_LEAST}(\d+) hari(?: kerja)? sebelum .+$")
_WORD_AFTER = re.compile(rf"^{_AT_MOST}(\d+) hari(?: kerja)? setelah .+$")
_WORD_EVERY = re.compile(r"^(?:tiap|setiap) (?:(\d+) )?bulan,?(?: pada)? minggu "
                         r"(?:ke- ?(\d)|(pertama|kedua|ketiga|keempat))$")
_WORD_CLAUSE = re.compile(r"^untuk (.+?), (.+)$", re.IGNORECASE | re.DOTALL)


def _normal(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


def parse_clauses(text: str) -> list[tuple[str, str]]:
    """Split a Waktu of clauses: 'Untuk X, <waktu>; Untuk Y, <waktu>' -> [(X, kode), (Y, kode)];
    the clauses may also stand one per line, as a list the SOP prints (docs/authoring-sops.md)."""
    clauses = []
    for part in (p for p in re.split(r"[;\n]", text) if p.strip()):
        match = _WORD_CLAUSE.match(" ".join(part.split()))
        if not match:
            raise ValueError(f"Waktu clause {part.strip()!r} is not 'Untuk <kind>, <waktu>'")
        clauses.append((match[1], parse_words(match[2])))
    return clauses


def parse_words(text: str, field: str | None = None, values: Sequence[str] | None = None) -> str:
    """The kode for a seed's Waktu words ("10 menit" -> "PT10M"); "" for no Waktu.

    A Waktu of clauses ("Untuk ..., ...; Untuk ..., ...") becomes a conditional kode on `field`,
    whose `values` are matched to the clauses in order.
    """
    words = _normal(text)
    if not words:
        return ""
    if words.startswith("untuk "):
        clauses = parse_clauses(text)
        if not field or values is None:
            raise ValueError(f"Waktu {text!r} depends on the kind of work: give the data field and "
                             "its values, in the order of the clauses")
        if len(values) != len(clauses):
            raise ValueError(f"Waktu {text!r} has {len(clauses)} clauses but {len(values)} values "
                             "were given")
        kode = f"{field}=" + "|".join(f"{value}:{k}" for value, (_, k) in zip(values, clauses))
        return parse_kode(kode).kode
    return parse_kode(_words_kode(words, text)).kode  # also refuses "0 menit", "99999 hari"


def _words_kode(words: str, text: str) -> str:
    if match := _WORD_DURATION.match(words):
        return _WORD_UNITS[match[2]].format(int(match[1]))
    if _WORD_DAY_H.match(words):
        return "H+0"
    if match := _WORD_H.match(words):
        sign, n, rest = match[1], int(match[2]), match[3] or ""
        contrary = "sebelum" if sign == "+" and n else "setelah" if sign == "-" and n else None
        if contrary and contrary in rest.split():
            raise ValueError(f"Waktu {text!r} contradicts itself (H{sign}{n} ... {contrary})")
        return f"H{sign if n else '+'}{n}"
    if match := _WORD_BEFORE.match(words):
        return f"H-{int(match[1])}"
    if match := _WORD_AFTER.match(words):
        return f"H+{int(match[1])}"
    if match := _WORD_EVERY.match(words):
        months = int(match[1] or 1)
        week = int(match[2]) if match[2] else {v: k for k, v in _ORDINALS_ID.items()}[match[3]]
        return parse_kode(f"R/P{months}M/W{week}").kode
    raise ValueError(f"unknown Waktu {text!r}: expected e.g. '10 menit', '2 jam', '1 hari', "
                     "'Hari H setelah ...', 'H+1 setelah ...', 'minimal 3 hari sebelum ...', "
                     "'sebelum atau hari H', 'tiap bulan minggu ke-1'")


# -- tiny wrappers for diagram timer expressions -----------------------------------------------

def _moment(value: datetime | str) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip())
    if value.tzinfo is None:
        raise ValueError(f"{value.isoformat()} has no timezone; "
                         "give e.g. '2026-03-18T10:00:00+07:00'")
    return value


def due_iso(kode: str, started: datetime | str, data: Mapping[str, Any] | None = None,
            calendar: WorkCalendar | None = None, acuan: str = "",
            completed_at: Mapping[str, Any] | None = None) -> str | None:
    """ISO 8601 due moment of `kode` for a task started at `started`, in the calendar's zone."""
    completed = {k: _moment(v) for k, v in (completed_at or {}).items() if v}
    due = parse_kode(kode).due(_moment(started), data or {}, calendar or WorkCalendar(), acuan,
                               completed)
    return due.isoformat() if due else None


def next_occurrence_iso(kode: str, after: datetime | str,
                        calendar: WorkCalendar | None = None) -> str:
    """ISO 8601 moment a recurrence (`R/P1M/W1`) next comes round after `after`."""
    standard = parse_kode(kode)
    if not isinstance(standard, Recurrence):
        raise ValueError(f"time standard {kode!r} does not recur; expected e.g. R/P1M/W1")
    return standard.next_occurrence(_moment(after), calendar or WorkCalendar()).isoformat()
