"""The one time source of the server: everything asks here what time it is.

Tests and the timer worker move a `FixedClock`; production uses `SystemClock`.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class FixedClock:
    """A clock that only moves when told to: no test waits for real time."""

    def __init__(self, start: datetime | None = None):
        self._now = start or datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta) -> datetime:
        self._now += timedelta(**delta)
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment
