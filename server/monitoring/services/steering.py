"""A supervisor's actions on an instance: suspend, resume, cancel, retry, and (re)assign a task.

Each is one engine step (kernel.stepping.run_step): one transaction with the instance's row
locked, allowed by `instance.steer` (the Pengawas of the instance's agency), audited with the
reason and the status before and after. An action that is not possible is refused with a
Conflict (409) or InvalidInput (422) before anything is written, so nothing changes.

- suspend (running -> suspended): nothing of it can be claimed or completed, no timer fires, no
  task is escalated. Due times stay as they were: the time suspended counts against the SOP's
  Waktu (a supervisor's hold does not move the citizen's deadline).
- resume (suspended -> running): a timer that fell due meanwhile fires at the scheduler's next
  round (`next_due_at` was kept), an overdue task is escalated then.
- cancel (running, suspended or error -> cancelled): the engine cancels every unfinished task, the
  open task rows become `cancelled`, the instance ends.
- retry (error -> running): the engine resumes from the last good state (the failed step was
  rolled back), fires the timers due and runs its steps again, on the instance's own version.
  A fault again leaves it in error with the new message (and the caller gets a Conflict).
- assign: an open task to another holder of its lane in the agency, or (username None) back to
  the lane; the new assignee is told in the app.
"""
from __future__ import annotations

from sqlalchemy import select, update

from ...errors import Conflict, InvalidInput, NotFound
from ...models import HumanTask, ProcessInstance, User
from ...kernel import access, audit, notifications
from ...kernel.actors import Actor, load_actor
from ...kernel.context import Alur
from ...kernel.stepping import ENDED, Step, run_step
from ...kernel.versions import version_info

REASON_MAX = 1000
TASKS = HumanTask.__table__
INSTANCES = ProcessInstance.__table__


def check_reason(reason) -> str:
    """The reason every action needs: text, not blank, at most REASON_MAX characters."""
    def refuse(message_id: str, message_en: str):
        return InvalidInput(message_id, message_en, fields={"reason": [{"id": message_id, "en": message_en}]})
    if not isinstance(reason, str) or not reason.strip():
        raise refuse("Alasan wajib diisi.", "A reason is required.")
    if len(reason) > REASON_MAX:
        raise refuse(f"Alasan paling panjang {REASON_MAX} karakter.", f"The reason is at most {REASON_MAX} characters.")
    return reason.strip()


def _locked_instance(step: Step, actor: Actor, instance_id: int):
    instance = step.lock(instance_id)
    if instance is None:
        raise NotFound("Instans tidak ditemukan.", "Instance not found.")
    access.require(actor, "instance.steer", access.Facts(agency_id=instance.agency_id))
    return instance


def _answer(instance_id: int, status: str, **more) -> dict:
    return {"id": instance_id, "status": status, **more}


def suspend(alur: Alur, actor: Actor, instance_id: int, reason) -> dict:
    def refusal(status: str) -> tuple[str, str] | None:
        return None if status == "running" else _REFUSED["suspend"].get(status, _REFUSED["suspend"]["*"])
    return _hold(alur, actor, instance_id, reason, refusal, "suspended", "instance.suspended")


def resume(alur: Alur, actor: Actor, instance_id: int, reason) -> dict:
    def refusal(status: str) -> tuple[str, str] | None:
        return None if status == "suspended" else ("Instans ini tidak sedang ditangguhkan.",
                                                   "This instance is not suspended.")
    return _hold(alur, actor, instance_id, reason, refusal, "running", "instance.resumed")


def _hold(alur: Alur, actor: Actor, instance_id: int, reason, refusal, status: str, action: str) -> dict:
    """Suspend and resume: a status change without the engine, refused (409) by `refusal`."""
    reason = check_reason(reason)

    def act(step: Step) -> dict:
        instance = _locked_instance(step, actor, instance_id)
        refused = refusal(instance.status)
        if refused:
            raise Conflict(*refused)
        step.mark(instance, status, action, before={"status": instance.status},
                  after={"status": status, "reason": reason})
        return _answer(instance.id, status)
    return run_step(alur, act, actor_id=actor.id)


def cancel(alur: Alur, actor: Actor, instance_id: int, reason) -> dict:
    reason = check_reason(reason)

    def act(step: Step) -> dict:
        instance = _locked_instance(step, actor, instance_id)
        if instance.status in ENDED:
            raise Conflict(*_REFUSED["cancel"][instance.status])
        open_rows = step.db.scalars(select(TASKS.c.id).where(TASKS.c.instance_id == instance.id,
                                                             TASKS.c.state == "ready")).all()
        info = version_info(step.db, instance.version_id)
        run = step.resume(instance, info)
        run.cancel()
        step.write(run, info, revision=instance.revision, agency_id=instance.agency_id, action="instance.cancelled",
                   status="cancelled", before={"status": instance.status},
                   after={"status": "cancelled", "reason": reason, "cancelled_tasks": list(open_rows)})
        # rows the engine no longer knew as ready (none, when rows and state agree) end too
        step.db.execute(update(TASKS).where(TASKS.c.instance_id == instance.id, TASKS.c.state == "ready")
                        .values(state="cancelled", completed_at=step.now))
        return _answer(instance.id, "cancelled", cancelled_tasks=list(open_rows))
    return run_step(alur, act, actor_id=actor.id)


def retry(alur: Alur, actor: Actor, instance_id: int, reason) -> dict:
    reason = check_reason(reason)

    def act(step: Step) -> dict:
        instance = _locked_instance(step, actor, instance_id)
        if instance.status != "error":
            raise Conflict("Hanya instans yang terhenti karena galat yang dapat dicoba lagi.",
                           "Only an instance stopped by an error can be retried.")
        info = version_info(step.db, instance.version_id)  # its own version, whatever is active now
        run = step.resume(instance, info)
        run.refresh_timers()  # timers due fire, then the engine runs its steps
        outcome = step.write(run, info, revision=instance.revision, agency_id=instance.agency_id,
                             action="instance.retried", status="running",
                             before={"status": "error", "error": instance.error_message},
                             after={"status": "running", "reason": reason, "escalated": run.escalated})
        return _answer(instance.id, outcome.status, open_tasks=outcome.opened)
    return run_step(alur, act, actor_id=actor.id)


def assign(alur: Alur, actor: Actor, task_id: int, username, reason) -> dict:
    """To `username` (a holder of the task's lane in its agency), or None: back to the lane."""
    reason = check_reason(reason)
    if username is not None and (not isinstance(username, str) or not username.strip()):
        raise InvalidInput("Nama pengguna harus teks, atau null untuk mengembalikan tugas ke jabatannya.",
                           "The username must be text, or null to give the task back to its lane.",
                           fields={"username": [{"id": "Nama pengguna tidak sah.", "en": "Invalid username."}]})

    def act(step: Step) -> dict:
        db = step.db
        instance_id = db.scalar(select(TASKS.c.instance_id).where(TASKS.c.id == task_id))
        if instance_id is None:
            raise NotFound("Tugas tidak ditemukan.", "Task not found.")
        instance = _locked_instance(step, actor, instance_id)
        task = db.execute(select(TASKS).where(TASKS.c.id == task_id)).one()
        if task.state != "ready":
            raise Conflict(*_REFUSED["assign"].get(task.state, _REFUSED["assign"]["*"]))
        if instance.status in ENDED:
            raise Conflict(*_REFUSED["cancel"][instance.status])
        target = _lane_holder(db, task, username.strip()) if username is not None else None
        new_id = target.id if target else None
        if new_id == task.assignee_id:
            raise Conflict(*(("Tugas ini sudah ditugaskan kepada pengguna tersebut.",
                              "The task is already assigned to that user.") if target else
                             ("Tugas ini belum diambil siapa pun.", "Nobody has claimed this task.")))
        db.execute(update(TASKS).where(TASKS.c.id == task_id)
                   .values(assignee_id=new_id, claimed_at=step.now if target else None))
        audit.record(db, step.now, "task.assigned" if target else "task.unassigned", actor_id=actor.id,
                     agency_id=task.agency_id, instance_id=instance_id, task_id=task_id,
                     before={"assignee": task.assignee_id}, after={"assignee": new_id, "reason": reason})
        if target:
            title = db.scalar(select(INSTANCES.c.title).where(INSTANCES.c.id == instance_id))
            notifications.notify(db, step.now, [target.id], agency_id=task.agency_id, kind="assigned",
                                 instance_id=instance_id, task_id=task_id,
                                 message_id=f"Pengawas {actor.display_name} menugaskan \"{task.name}\" pada "
                                            f"\"{title}\" kepada Anda. Alasan: {reason}",
                                 message_en=f"Supervisor {actor.display_name} assigned \"{task.name}\" of "
                                            f"\"{title}\" to you. Reason: {reason}")
        return {"id": task_id, "state": task.state, "assignee_id": new_id,
                "assignee": target.username if target else None}
    return run_step(alur, act, actor_id=actor.id)


def _lane_holder(db, task, username: str) -> Actor:
    """The active user `username` holding the task's lane in the task's agency (else 422)."""
    user_id = db.scalar(select(User.id).where(User.username == username))
    target = load_actor(db, user_id) if user_id is not None else None
    if target is None:
        raise InvalidInput(f"Pengguna '{username}' tidak ditemukan atau tidak aktif.",
                           f"User '{username}' not found or not active.")
    if not access.can(target, "task.act", access.task_facts(task)):
        raise InvalidInput(f"Pengguna '{username}' tidak memegang jabatan '{task.lane}' di instansi ini.",
                           f"User '{username}' does not hold the lane '{task.lane}' in this agency.")
    return target


_REFUSED = {
    "suspend": {
        "suspended": ("Instans ini sudah ditangguhkan.", "This instance is already suspended."),
        "completed": ("Instans yang sudah selesai tidak dapat ditangguhkan.", "A completed instance cannot be suspended."),
        "cancelled": ("Instans yang sudah dibatalkan tidak dapat ditangguhkan.",
                      "A cancelled instance cannot be suspended."),
        "*": ("Hanya instans yang berjalan yang dapat ditangguhkan.", "Only a running instance can be suspended."),
    },
    "cancel": {
        "completed": ("Instans ini sudah selesai; tidak ada yang dapat diubah.",
                      "This instance is completed; nothing can be changed."),
        "cancelled": ("Instans ini sudah dibatalkan; tidak ada yang dapat diubah.",
                      "This instance is cancelled; nothing can be changed."),
    },
    "assign": {
        "completed": ("Tugas ini sudah diselesaikan.", "This task is already done."),
        "cancelled": ("Tugas ini sudah dibatalkan.", "This task was cancelled."),
        "*": ("Tugas ini tidak sedang menunggu.", "This task is not waiting."),
    },
}
