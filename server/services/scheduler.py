"""The time-driven work of the server, in one call: fire due timers, escalate overdue tasks,
mail what is to be mailed. `alur worker` calls it in a loop; `alur serve` runs the same loop in
a background thread, so a single process needs nothing else started.

Every query that picks work uses an indexed due-time column and, on PostgreSQL, skips rows
another worker holds (FOR UPDATE SKIP LOCKED): each timer and escalation happens once however
many workers run.
"""
from __future__ import annotations

import logging
import threading

from sqlalchemy import select

from ..models import HumanTask
from . import notifications, timers
from .context import Alur
from .escalation import escalate

log = logging.getLogger(__name__)


def run_once(alur: Alur) -> dict:
    done = {"started": timers.start_due_schedules(alur), "timers": timers.fire_due(alur),
            "escalated": escalate_overdue(alur)}
    try:
        done["emails"] = notifications.send_pending_email(alur)
    except OSError as exc:  # the mail server is down: the notifications stay queued for the next round
        log.warning("e-mail not sent: %s", exc)
        done["emails"] = 0
    return done


def escalate_overdue(alur: Alur, limit: int = 200) -> int:
    """Escalates open tasks past their due time that no boundary timer has escalated yet
    (a diagram without due-time timers, or a timer that could not be evaluated)."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        query = (select(HumanTask).where(HumanTask.state == "ready", HumanTask.due_at <= now,
                                         HumanTask.escalated_at.is_(None))
                 .order_by(HumanTask.due_at).limit(limit))
        if alur.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        return sum(escalate(s, now, task, "due_at") for task in s.scalars(query).all())


class BackgroundScheduler:
    """`run_once` every `interval` seconds in a daemon thread (the single-process mode)."""

    def __init__(self, alur: Alur, interval: float = 1.0):
        self.alur, self.interval = alur, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="alur-scheduler", daemon=True)

    def start(self) -> "BackgroundScheduler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                run_once(self.alur)
            except Exception:  # keep the loop alive; the error is in the log
                log.exception("scheduler round failed")
            self._stop.wait(self.interval)
