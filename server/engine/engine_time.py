"""Gives SpiffWorkflow's timers Alur's clock.

SpiffWorkflow reads the wall clock (`datetime.now(timezone.utc)`) inside its timer module and
offers no hook to replace it. Alur needs one time source for the whole server, so tests and
the scheduler can move time instead of waiting for it. The timer module's `datetime` name is
replaced, once, by a subclass whose `now()` asks the clock of the engine call in progress
(a context variable), and falls back to the wall clock outside such a call.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timezone

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

_current_clock: ContextVar = ContextVar("alur_engine_clock", default=None)


class _ClockedDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        clock = _current_clock.get()
        if clock is None:
            return super().now(tz)
        moment = clock.now()
        return moment.astimezone(tz or timezone.utc)


def _install() -> None:
    if _timer_module.datetime is not _ClockedDatetime:
        _timer_module.datetime = _ClockedDatetime


@contextmanager
def engine_time(clock):
    """Inside this block, every timer the engine evaluates sees `clock.now()`."""
    token = _current_clock.set(clock)
    try:
        yield
    finally:
        _current_clock.reset(token)


_install()
