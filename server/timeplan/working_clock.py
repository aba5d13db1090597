"""Working time between many pairs of moments at once (a dashboard's waiting and lead times).

`WorkCalendar.working_time_between` walks the days of each pair; over thousands of tasks that is
slow. Here each day of the span is looked up once (its office hours, or none) and summed into a
running total, so one pair costs two partial days and a subtraction. Same answer as the calendar
(tests/monitoring/test_stats.py compares them); pairs outside the span fall back to the calendar.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from .calendar import WorkCalendar


class WorkingClock:
    """The calendar's working time for many pairs of moments within `first`..`last`."""

    def __init__(self, calendar: WorkCalendar, first: date, last: date):
        self.calendar = calendar
        self.first = first - timedelta(days=1)
        days = max(0, (last - self.first).days) + 2
        self.hours: list[tuple[datetime, datetime] | None] = []
        self.before: list[float] = [0.0]  # working seconds of the whole days before day i
        for i in range(days):
            day = self.first + timedelta(days=i)
            hours = (calendar.opening(day), calendar.closing(day)) if calendar.is_working_day(day) else None
            self.hours.append(hours)
            self.before.append(self.before[-1] + ((hours[1] - hours[0]).total_seconds() if hours else 0.0))

    def _index(self, moment: datetime) -> int:
        return (moment.date() - self.first).days

    def _part(self, i: int, a: datetime, b: datetime) -> float:
        hours = self.hours[i]
        if hours is None:
            return 0.0
        start, end = max(a, hours[0]), min(b, hours[1])
        return max(0.0, (end - start).total_seconds())

    def seconds(self, a: datetime, b: datetime) -> float:
        """Working seconds from `a` to `b` (negative when b is before a)."""
        a, b = self.calendar.local(a), self.calendar.local(b)
        if b < a:
            return -self.seconds(b, a)
        i, j = self._index(a), self._index(b)
        if i < 0 or j >= len(self.hours):
            return self.calendar.working_time_between(a, b).total_seconds()
        if i == j:
            return self._part(i, a, b)
        whole = self.before[j] - self.before[i + 1]
        return self._part(i, a, b) + whole + self._part(j, a, b)

    @property
    def day_seconds(self) -> float:
        return self.calendar.working_day_length.total_seconds()
