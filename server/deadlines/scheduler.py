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

from ..models import HumanTask, ProcessInstance
from ..kernel import notifications
from . import timers
from ..kernel.context import Alur
from .escalation import escalate

log = logging.getLogger(__name__)

TIMER_BATCH = 100  # timers fired per round: a round stays short, so a stop request is heard soon
ESCALATION_BATCH = 200


def run_once(alur: Alur) -> dict:
    done = {"started": timers.start_due_schedules(alur), "timers": timers.fire_due(alur, TIMER_BATCH),
            "escalated": escalate_overdue(alur, ESCALATION_BATCH)}
    try:
        done["emails"] = notifications.send_pending_email(alur)
    except OSError as exc:  # the mail server is down: the notifications stay queued for the next round
        log.warning("e-mail not sent: %s", exc)
        done["emails"] = 0
    return done


def more_waiting(done: dict) -> bool:
    """A round that filled a batch has left work behind: the next round starts at once."""
    return done["timers"] >= TIMER_BATCH or done["escalated"] >= ESCALATION_BATCH


def run_forever(alur: Alur, interval: float, stop: threading.Event) -> None:
    """`run_once` until `stop` is set: every `interval` seconds, or back to back while a backlog
    (after downtime, a burst of due timers) lasts. A failed round is logged and the loop goes on."""
    while not stop.is_set():
        try:
            done = run_once(alur)
        except Exception:  # keep the loop alive; the error is in the log
            log.exception("scheduler round failed")
            done = None
        if done is None or not more_waiting(done):
            stop.wait(interval)


def escalate_overdue(alur: Alur, limit: int = ESCALATION_BATCH) -> int:
    """Escalates open tasks past their due time that no boundary timer has escalated yet
    (a diagram without due-time timers, or a timer that could not be evaluated). Tasks of a
    suspended instance wait: they are escalated on the first round after it is resumed."""
    now = alur.clock.now()
    suspended = select(ProcessInstance.id).where(ProcessInstance.status == "suspended")
    with alur.db.transaction() as s:
        query = (select(HumanTask).where(HumanTask.state == "ready", HumanTask.due_at <= now,
                                         HumanTask.escalated_at.is_(None),
                                         HumanTask.instance_id.not_in(suspended))
                 .order_by(HumanTask.due_at).limit(limit))
        if alur.db.is_postgres:
            query = query.with_for_update(skip_locked=True)
        return sum(escalate(s, now, task, "due_at") for task in s.scalars(query).all())


class BackgroundScheduler:
    """`run_forever` in a daemon thread (the single-process mode of `alur serve`)."""

    def __init__(self, alur: Alur, interval: float = 1.0):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=run_forever, args=(alur, interval, self._stop),
                                        name="alur-scheduler", daemon=True)

    def start(self) -> "BackgroundScheduler":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
