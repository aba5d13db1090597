"""The working-day calendar against dates checked by hand on the 2026 SKB 3 Menteri list."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from server.timeplan import WorkCalendar, national_days_off

WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


def at(y, mo, d, h=0, mi=0, zone=WIB):
    return datetime(y, mo, d, h, mi, tzinfo=zone)


@pytest.fixture(scope="module")
def cal():
    return WorkCalendar()


# -- the national list ---------------------------------------------------------------------------

def test_2026_national_list_has_the_decree_days():
    days = national_days_off(2026)
    # Nyepi 19 Mar with cuti bersama 18 Mar; Idul Fitri 21-22 Mar with cuti bersama 20, 23, 24 Mar;
    # Good Friday 3 Apr; Independence Day 17 Aug.
    for day in ("2026-03-19", "2026-03-21", "2026-03-22", "2026-04-03", "2026-08-17"):
        assert not days[date.fromisoformat(day)].cuti_bersama, day
    for day in ("2026-03-18", "2026-03-20", "2026-03-23", "2026-03-24", "2026-12-24"):
        assert days[date.fromisoformat(day)].cuti_bersama, day


def test_holiday_names_for_display(cal):
    assert cal.holiday_name(date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert cal.holiday_name(date(2026, 3, 18)) == "Cuti Bersama Hari Suci Nyepi"
    assert cal.holiday_name(date(2026, 4, 3), "en") == "Good Friday"
    assert cal.holiday_name(at(2026, 8, 17, 9), locale="id") == "Hari Kemerdekaan Republik Indonesia"
    assert cal.holiday_name(date(2026, 8, 15)) is None  # a plain Saturday
    assert cal.holiday_name(date(2026, 8, 18)) is None  # a working day
    with pytest.raises(ValueError, match="locale"):
        cal.holiday_name(date(2026, 8, 17), "fr")


def test_working_days(cal):
    assert cal.is_working_day(date(2026, 3, 17))
    for day in range(18, 25):  # Nyepi and Idul Fitri with their cuti bersama, and the weekend
        assert not cal.is_working_day(date(2026, 3, day)), day
    assert cal.is_working_day(date(2026, 3, 25))
    assert not cal.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not cal.is_working_day(date(2026, 8, 15))  # Saturday
    # A datetime means its local date: 20.00 UTC on Friday is Saturday 03.00 WIB.
    assert not cal.is_working_day(datetime(2026, 8, 14, 20, tzinfo=timezone.utc))


# -- counting working days -----------------------------------------------------------------------

def test_ten_working_days_after_18_march_2026(cal):
    # 25, 26, 27, 30, 31 Mar, 1, 2 Apr, (3 Apr Good Friday), 6, 7, 8 Apr.
    assert cal.working_day_offset(date(2026, 3, 18), 10) == date(2026, 4, 8)
    assert cal.add_working_days(at(2026, 3, 18, 10), 10) == at(2026, 4, 8, 16)
    assert cal.working_days_between(date(2026, 3, 18), date(2026, 4, 8)) == 10


def test_working_day_offset_both_ways(cal):
    assert cal.working_day_offset(date(2026, 3, 25), -1) == date(2026, 3, 17)
    assert cal.working_day_offset(date(2026, 8, 14), -3) == date(2026, 8, 11)
    assert cal.working_day_offset(date(2026, 8, 18), -1) == date(2026, 8, 14)  # over 17 Aug
    # n = 0: the day itself when worked, else the next working day.
    assert cal.working_day_offset(date(2026, 8, 14), 0) == date(2026, 8, 14)
    assert cal.working_day_offset(date(2026, 8, 16), 0) == date(2026, 8, 18)
    # From a day off, the count starts at the next working day.
    assert cal.working_day_offset(date(2026, 8, 16), 1) == date(2026, 8, 18)
    assert cal.working_day_offset(date(2026, 8, 16), -1) == date(2026, 8, 14)


def test_working_days_between(cal):
    assert cal.working_days_between(date(2026, 8, 14), date(2026, 8, 14)) == 0
    assert cal.working_days_between(date(2026, 8, 14), date(2026, 8, 18)) == 1
    assert cal.working_days_between(date(2026, 8, 18), date(2026, 8, 14)) == -1
    assert cal.working_days_between(at(2026, 8, 10, 9), at(2026, 8, 21, 9)) == 8
    for n in (1, 5, 20, 60):
        day = date(2026, 3, 2)
        assert cal.working_days_between(day, cal.working_day_offset(day, n)) == n


def test_one_day_started_on_friday_afternoon_before_a_long_weekend(cal):
    # Friday 13 Feb 2026; Monday 16 Feb is cuti bersama, Tuesday 17 Feb is Imlek.
    assert cal.add_working_days(at(2026, 2, 13, 14, 30), 1) == at(2026, 2, 18, 16)
    # Wednesday 13 May: Thursday Ascension, Friday cuti bersama, then the weekend.
    assert cal.add_working_days(at(2026, 5, 13, 15), 1) == at(2026, 5, 18, 16)
    # The start day is never counted, whatever the hour; a start on a day off counts from the next.
    assert cal.add_working_days(at(2026, 8, 11, 7, 0), 1) == at(2026, 8, 12, 16)
    assert cal.add_working_days(at(2026, 8, 15, 10), 1) == at(2026, 8, 18, 16)


def test_end_of_working_day(cal):
    assert cal.end_of_working_day(date(2026, 8, 14)) == at(2026, 8, 14, 16)
    assert cal.end_of_working_day(date(2026, 8, 15)) == at(2026, 8, 18, 16)  # Sat -> Tue
    assert cal.end_of_working_day(date(2026, 3, 18)) == at(2026, 3, 25, 16)


# -- working time --------------------------------------------------------------------------------

def test_next_opening(cal):
    assert cal.next_opening(at(2026, 8, 11, 6)) == at(2026, 8, 11, 7, 30)
    assert cal.next_opening(at(2026, 8, 11, 10)) == at(2026, 8, 11, 10)
    assert cal.next_opening(at(2026, 8, 11, 16)) == at(2026, 8, 12, 7, 30)  # closing is closed
    assert cal.next_opening(at(2026, 8, 14, 17)) == at(2026, 8, 18, 7, 30)  # weekend + 17 Aug
    assert cal.next_opening(at(2026, 3, 18, 9)) == at(2026, 3, 25, 7, 30)


def test_two_hours_started_at_15_wib(cal):
    # Friday 14 Aug 2026 15.00: one hour on Friday, Monday 17 Aug is Independence Day.
    assert cal.add_working_time(at(2026, 8, 14, 15), timedelta(hours=2)) == at(2026, 8, 18, 8, 30)
    # A plain Tuesday: one hour today, one tomorrow morning.
    assert cal.add_working_time(at(2026, 8, 11, 15), timedelta(hours=2)) == at(2026, 8, 12, 8, 30)
    assert cal.add_working_time(at(2026, 8, 11, 10), timedelta(hours=2)) == at(2026, 8, 11, 12)


def test_working_time_edges(cal):
    # Ending exactly at closing ends that day.
    assert cal.add_working_time(at(2026, 8, 14, 15), timedelta(hours=1)) == at(2026, 8, 14, 16)
    # Started outside hours: the clock starts at the next opening.
    assert cal.add_working_time(at(2026, 8, 15, 10), timedelta(minutes=10)) == at(2026, 8, 18, 7, 40)
    assert cal.add_working_time(at(2026, 8, 11, 5), timedelta(seconds=30)) == \
        at(2026, 8, 11, 7, 30) + timedelta(seconds=30)
    # A whole office day is 8.5 hours.
    assert cal.add_working_time(at(2026, 8, 11, 7, 30), timedelta(hours=8, minutes=30)) == \
        at(2026, 8, 11, 16)
    assert cal.add_working_time(at(2026, 8, 11, 9), timedelta(0)) == at(2026, 8, 11, 9)
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_time(at(2026, 8, 11, 9), timedelta(minutes=-1))


def test_any_zone_in_calendar_zone_out(cal):
    utc = datetime(2026, 8, 14, 8, 0, tzinfo=timezone.utc)  # 15.00 WIB
    due = cal.add_working_time(utc, timedelta(hours=2))
    assert due == at(2026, 8, 18, 8, 30) and due.utcoffset() == timedelta(hours=7)
    with pytest.raises(ValueError, match="timezone"):
        cal.next_opening(datetime(2026, 8, 14, 8))


# -- other zones ---------------------------------------------------------------------------------

def test_wita_and_wit_agencies_use_local_clock():
    makassar = WorkCalendar(timezone="Asia/Makassar")
    jayapura = WorkCalendar(timezone="Asia/Jayapura")
    assert makassar.zone_abbreviation == "WITA" and jayapura.zone_abbreviation == "WIT"
    assert WorkCalendar().zone_abbreviation == "WIB"
    assert WorkCalendar(timezone="Asia/Pontianak").zone_abbreviation == "WIB"
    assert makassar.add_working_time(at(2026, 8, 14, 15, zone=WITA), timedelta(hours=2)) == \
        at(2026, 8, 18, 8, 30, zone=WITA)
    assert jayapura.add_working_time(at(2026, 8, 14, 15, zone=WIT), timedelta(hours=2)) == \
        at(2026, 8, 18, 8, 30, zone=WIT)
    assert jayapura.add_working_days(at(2026, 3, 18, 10, zone=WIT), 10) == at(2026, 4, 8, 16, zone=WIT)
    # 14.00 WIB is 16.00 WIT: Jayapura's office has closed, the two hours start on Tuesday.
    due = jayapura.add_working_time(at(2026, 8, 14, 14), timedelta(hours=2))
    assert due == at(2026, 8, 18, 9, 30, zone=WIT) and due.utcoffset() == timedelta(hours=9)
    # 06.30 WIB is 08.30 WIT: already open in Jayapura, not yet in Jakarta.
    assert jayapura.next_opening(at(2026, 8, 11, 6, 30)) == at(2026, 8, 11, 8, 30, zone=WIT)
    assert WorkCalendar().next_opening(at(2026, 8, 11, 6, 30)) == at(2026, 8, 11, 7, 30)
    # The same instant is Friday in Jakarta and already Saturday in Jayapura.
    late = at(2026, 8, 14, 23)
    assert WorkCalendar().is_working_day(late) and not jayapura.is_working_day(late)


# -- agency settings -----------------------------------------------------------------------------

def test_saturday_working_agency():
    six = WorkCalendar(workdays={0, 1, 2, 3, 4, 5})
    assert six.is_working_day(date(2026, 8, 15))
    assert not six.is_working_day(date(2026, 3, 21))  # Idul Fitri on a Saturday
    # 25-28 Mar (Sat), 30, 31, 1, 2 Apr, (Good Friday), Sat 4 Apr, Mon 6 Apr.
    assert six.working_day_offset(date(2026, 3, 18), 10) == date(2026, 4, 6)
    assert six.add_working_time(at(2026, 8, 14, 15), timedelta(hours=2)) == at(2026, 8, 15, 8, 30)


def test_shorter_saturday_hours():
    six = WorkCalendar(workdays=["senin", "selasa", "rabu", "kamis", "jumat", "sabtu"],
                       hours={"sabtu": (time(7, 30), time(12, 0))})
    assert six.closing(date(2026, 8, 22)) == at(2026, 8, 22, 12)
    assert six.closing(date(2026, 8, 21)) == at(2026, 8, 21, 16)
    # Saturday 11.00 + 2 jam: one hour on Saturday, one on Monday.
    assert six.add_working_time(at(2026, 8, 22, 11), timedelta(hours=2)) == at(2026, 8, 24, 8, 30)
    assert six.add_working_days(at(2026, 8, 21, 9), 1) == at(2026, 8, 22, 12)


def test_extra_days_off_and_working_days():
    # An agency's own day off on Tuesday 18 Aug; it works on the Nyepi cuti bersama and on a Saturday.
    cal = WorkCalendar(extra_days_off={date(2026, 8, 18)},
                       extra_working_days={date(2026, 3, 18), date(2026, 8, 22)})
    assert not cal.is_working_day(date(2026, 8, 18))
    assert cal.holiday_name(date(2026, 8, 18)) == "Libur instansi"
    assert cal.holiday_name(date(2026, 8, 18), "en") == "Agency day off"
    assert cal.add_working_time(at(2026, 8, 14, 15), timedelta(hours=2)) == at(2026, 8, 19, 8, 30)
    assert cal.is_working_day(date(2026, 3, 18)) and cal.holiday_name(date(2026, 3, 18)) is None
    assert cal.is_working_day(date(2026, 8, 22))
    assert cal.working_day_offset(date(2026, 8, 21), 1) == date(2026, 8, 22)
    with pytest.raises(ValueError, match="both off and working"):
        WorkCalendar(extra_days_off={date(2026, 8, 18)}, extra_working_days={date(2026, 8, 18)})


def test_agency_not_taking_cuti_bersama():
    cal = WorkCalendar(cuti_bersama=False)
    assert cal.is_working_day(date(2026, 3, 18)) and cal.holiday_name(date(2026, 3, 18)) is None
    assert not cal.is_working_day(date(2026, 3, 19))
    assert cal.working_day_offset(date(2026, 3, 17), 3) == date(2026, 3, 23)  # 18, 20, 23


def test_from_mapping_and_bad_settings():
    cal = WorkCalendar.from_mapping({
        "timezone": "Asia/Makassar", "workdays": ["senin", "selasa", "rabu", "kamis", "jumat"],
        "opens": "08.00", "closes": "16:30", "extra_days_off": ["2026-08-18"],
    })
    assert cal.opening(date(2026, 8, 19)) == at(2026, 8, 19, 8, zone=WITA)
    assert not cal.is_working_day(date(2026, 8, 18))
    with pytest.raises(ValueError, match="unknown calendar settings"):
        WorkCalendar.from_mapping({"zona": "WIB"})
    with pytest.raises(ValueError, match="unknown timezone"):
        WorkCalendar(timezone="Asia/Atlantis")
    with pytest.raises(ValueError, match="not before"):
        WorkCalendar(opens=time(16), closes=time(7, 30))
    with pytest.raises(ValueError, match="at least one"):
        WorkCalendar(workdays=())
    with pytest.raises(ValueError, match="weekday"):
        WorkCalendar(workdays={7})
    with pytest.raises(ValueError, match="not a date"):
        WorkCalendar(extra_days_off={"18-08-2026"})


def test_a_calendar_without_working_days_stops():
    always_off = WorkCalendar(workdays={0}, extra_days_off={
        date(2026, 1, 5) + timedelta(weeks=k) for k in range(80)})
    with pytest.raises(ValueError, match="no working day"):
        always_off.working_day_offset(date(2026, 1, 1), 1)


def test_working_time_between_is_the_inverse_of_adding_it(cal):
    # Friday 14 Aug 15.00 to Tuesday 18 Aug 08.30: one hour on Friday, Monday is Independence Day.
    assert cal.working_time_between(at(2026, 8, 14, 15), at(2026, 8, 18, 8, 30)) == timedelta(hours=2)
    assert cal.working_time_between(at(2026, 8, 18, 8, 30), at(2026, 8, 14, 15)) == -timedelta(hours=2)
    assert cal.working_time_between(at(2026, 8, 11, 18), at(2026, 8, 12, 7)) == timedelta(0)  # night
    start = at(2026, 3, 16, 9)  # across Nyepi and Idul Fitri with their cuti bersama
    for hours in (1, 7, 8.5, 30):
        delta = timedelta(hours=hours)
        assert cal.working_time_between(start, cal.add_working_time(start, delta)) == delta
    assert cal.working_day_length == timedelta(hours=8, minutes=30)
