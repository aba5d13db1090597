"""The human side of the engine: list, read, claim, release and complete user tasks."""
from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import bindparam, select, update

from ...errors import Conflict, InvalidInput, NotFound
from ...formschema import decision_field
from ...models import Agency, HumanTask, ProcessInstance, User
from ...kernel import access, audit, notifications
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...timeplan import time_left
from .due import due_rule
from .inbox import summary
from .forms import check_submission, schema_of
from .history import history, latest_per_step, request, sent_back_by
from ...kernel.stepping import NOT_CARRIED, Step, require_running, run_step
from ...kernel.versions import version_info

def _load(s, actor: Actor, task_id: int) -> HumanTask:
    task = s.get(HumanTask, task_id)
    if task is None:
        raise NotFound("Tugas tidak ditemukan.", "Task not found.")
    access.require(actor, "task.read", access.task_facts(task))
    return task


def _may_act(actor: Actor, task: HumanTask) -> None:
    access.require(actor, "task.act", access.task_facts(task))
    if task.state == "cancelled":
        raise Conflict("Tugas ini sudah dibatalkan.", "This task was cancelled.")
    if task.state != "ready":
        raise Conflict("Tugas ini sudah diselesaikan.", "This task is already done.")
    if task.assignee_id not in (None, actor.id):
        raise Conflict("Tugas ini sedang dikerjakan oleh pengguna lain.", "Another user has claimed this task.")


def get_task(alur: Alur, actor: Actor, task_id: int) -> dict:
    """A task with its SOP step, form, saved draft, the request that started its instance, the
    history so far, and on a decision what is being judged and on work sent back why."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        task = _load(s, actor, task_id)
        instance = s.get(ProcessInstance, task.instance_id)
        info = version_info(s, instance.version_id)
        assignee = s.execute(select(User.username, User.display_name).where(User.id == task.assignee_id)).first() \
            if task.assignee_id else None
        timezone = s.scalar(select(Agency.timezone).where(Agency.id == task.agency_id))
        calendar = calendar_for(s, task.agency_id)
        out = summary(task, instance.title, info)
        forms = info.forms(alur.forms)
        out["history"] = history(s, task.instance_id, info, forms)
        out["request"] = request(s, task.instance_id, info, forms)
        previous = next((h["data"] for h in reversed(out["history"]) if h["element_id"] == task.element_id), None)
    may_act = (task.state == "ready" and instance.status == "running"
               and access.can(actor, "task.act", access.task_facts(task))
               and task.assignee_id in (None, actor.id))
    step = info.step(task.element_id)
    form = schema_of(forms, step.get("form"))
    rejection = sent_back_by(out["history"], task.created_at)
    out.update({
        "assignee": assignee.username if assignee else None,
        "assignee_name": assignee.display_name if assignee else None,
        "timezone": timezone, "instance_status": instance.status, "may_act": may_act,
        "overdue": bool(task.due_at and task.due_at <= now),
        "due_in": time_left(task.due_at, now, calendar) if task.state == "ready" else None,
        "due_rule": _due_rule(step, calendar, out, info, forms),
        "sop": {"nomor": info.catalog["identity"].get("sop.nomor", ""), "nama": info.name,
                "no": step.get("no"), "no_cetak": step.get("no_cetak") or step.get("no"),
                "kegiatan": step.get("kegiatan"), "kelengkapan": step.get("kelengkapan"),
                "waktu": step.get("waktu"), "output": step.get("output"), "keterangan": step.get("keterangan")},
        "form": form,
        "data": task.data, "draft": task.draft,
        # A step done again after a rejection starts from what was sent last time, not empty.
        "previous": {k: v for k, v in (previous or {}).items() if k not in NOT_CARRIED},
        # A decision is taken on what the steps before it sent: their latest pass each.
        "review": latest_per_step(out["history"], task.element_id) if form and decision_field(form) else [],
        "rejection": {"task_id": rejection["task_id"], "name": rejection["name"], "sop_no": rejection["sop_no"],
                      "lane": rejection["lane"], "by": rejection["completed_by"],
                      "by_name": rejection["completed_by_name"], "at": rejection["completed_at"],
                      "decision": rejection["decision"], "reason": rejection["notes"].get("alasan")}
        if rejection else None,
    })
    return out


def _due_rule(step: dict, calendar, task: dict, info, forms) -> dict | None:
    """The Waktu that set the task's due time, with the date an H±n code counts from."""
    data, completed_at, labels = dict((task["request"] or {}).get("data") or {}), {}, {}
    for h in task["history"]:
        data.update(h["data"])
        completed_at[h["element_id"]] = datetime.fromisoformat(h["completed_at"])
    start = info.manual_start() or {}
    if start.get("form"):
        labels.update({name: prop.get("title") or name.replace("_", " ")
                       for name, prop in forms.validator(start["form"]).schema.get("properties", {}).items()})
    labels.update({element_id: s.get("name", element_id) for element_id, s in info.catalog["steps"].items()})
    return due_rule(step, calendar, data, completed_at, labels)


def claim(alur: Alur, actor: Actor, task_id: int) -> dict:
    now = alur.clock.now()
    with alur.db.transaction() as s:
        task = _locked_task(s, alur, actor, task_id)
        _may_act(actor, task)
        _instance_running(s, task)
        if task.assignee_id != actor.id:
            task.assignee_id, task.claimed_at = actor.id, now
            audit.record(s, now, "task.claimed", actor_id=actor.id, agency_id=task.agency_id,
                         instance_id=task.instance_id, task_id=task.id, before={"assignee": None},
                         after={"assignee": actor.id})
        return {"id": task.id, "assignee_id": task.assignee_id, "state": task.state}


def release(alur: Alur, actor: Actor, task_id: int) -> dict:
    now = alur.clock.now()
    with alur.db.transaction() as s:
        task = _locked_task(s, alur, actor, task_id)
        _may_act(actor, task)
        if task.assignee_id == actor.id:
            task.assignee_id, task.claimed_at = None, None
            audit.record(s, now, "task.released", actor_id=actor.id, agency_id=task.agency_id,
                         instance_id=task.instance_id, task_id=task.id, before={"assignee": actor.id},
                         after={"assignee": None})
        return {"id": task.id, "assignee_id": task.assignee_id, "state": task.state}


DRAFT_MAX_BYTES = 256 * 1024


def save_draft(alur: Alur, actor: Actor, task_id: int, data) -> dict:
    """Keeps what the user has typed so far, unvalidated, to finish later (only for them)."""
    if not isinstance(data, dict):
        raise InvalidInput("Data harus berupa objek JSON.", "Data must be a JSON object.")
    if len(json.dumps(data, default=str)) > DRAFT_MAX_BYTES:
        raise InvalidInput("Draf terlalu besar.", "The draft is too large.")
    now = alur.clock.now()
    with alur.db.transaction() as s:
        task = _locked_task(s, alur, actor, task_id)
        _may_act(actor, task)
        _instance_running(s, task)
        task.draft = data
        if task.assignee_id is None:  # whoever keeps a draft is working on it
            task.assignee_id, task.claimed_at = actor.id, now
        audit.record(s, now, "task.draft_saved", actor_id=actor.id, agency_id=task.agency_id,
                     instance_id=task.instance_id, task_id=task.id)
        return {"id": task.id, "assignee_id": task.assignee_id, "state": task.state}


def _locked_task(s, alur: Alur, actor: Actor, task_id: int) -> HumanTask:
    """Locks the task's instance first (one writer per instance), then reads the task fresh."""
    instance_id = s.scalar(select(HumanTask.instance_id).where(HumanTask.id == task_id))
    if instance_id is None:
        raise NotFound("Tugas tidak ditemukan.", "Task not found.")
    if alur.db.is_postgres:
        s.execute(select(ProcessInstance.id).where(ProcessInstance.id == instance_id).with_for_update())
        s.expire_all()
    return _load(s, actor, task_id)


def _instance_running(s, task: HumanTask) -> None:
    """Claiming and keeping a draft wait while a supervisor holds (or has ended) the instance."""
    require_running(s.scalar(select(ProcessInstance.status).where(ProcessInstance.id == task.instance_id)))


def complete(alur: Alur, actor: Actor, task_id: int, data) -> dict:
    """One engine step (see kernel.stepping): validate, run the engine, write rows and state, audit.

    This is the hot path of the server, so it speaks plain SQL (SQLAlchemy Core): one read of
    the task after its instance is locked, then only the writes the step needs.
    """
    def finish(step: Step) -> dict:
        db = step.db
        instance_id = db.scalar(select(TASKS.c.instance_id).where(TASKS.c.id == task_id))
        if instance_id is None:
            raise NotFound("Tugas tidak ditemukan.", "Task not found.")
        instance = step.lock(instance_id)  # one writer per instance; the loser waits, then sees the task done
        row = db.execute(_TASK, {"task_id": task_id}).one()
        _may_act(actor, row)
        require_running(instance.status)
        info = version_info(db, instance.version_id)
        forms = info.forms(alur.forms)
        checked, files = check_submission(forms, db, actor, row.agency_id, instance_id,
                                          info.step(row.element_id).get("form"), data)
        run = step.resume(instance, info)
        run.complete(row.engine_task_id, checked)
        db.execute(_TASK_DONE, {"_id": task_id, "state": "completed", "completed_at": step.now,
                                "completed_by_id": actor.id, "data": checked, "draft": None,
                                "assignee_id": row.assignee_id or actor.id})
        if files:
            files.link(db, instance_id)
        outcome = step.write(run, info, revision=instance.revision, agency_id=row.agency_id, action="task.completed",
                             done=row.engine_task_id, task_id=task_id,
                             before={"state": "ready", "revision": instance.revision},
                             after={"state": "completed", "revision": instance.revision + 1, "data": checked})
        form = info.step(row.element_id).get("form")
        decision = decision_field(forms.validator(form).schema) if form else None
        if decision and checked.get(decision.name) in decision.reject_labels and outcome.opened:
            _tell_sent_back(db, step.now, actor, row, info, instance_id, checked, outcome.opened)
        return {"id": task_id, "state": "completed", "instance": {"id": instance_id, **outcome.as_dict()}}
    return run_step(alur, finish, actor_id=actor.id)


def _tell_sent_back(db, now, actor: Actor, row, info, instance_id: int, checked: dict, opened: list[dict]) -> None:
    """A rejection tells whose work came back, in the step that rejected it: for each task it
    (re)opened, whoever did that step last time if they still hold its lane, else the lane's users
    (or that person alone when the lane has nobody left)."""
    title = db.scalar(select(ProcessInstance.title).where(ProcessInstance.id == instance_id))
    judged = info.step(row.element_id)
    reason = checked.get("alasan") or "-"
    for task in opened:
        lane_users = notifications.users_of_lane(db, row.agency_id, task["lane"]) if task["lane"] else []
        last_doer = db.scalar(select(TASKS.c.completed_by_id)
                              .where(TASKS.c.instance_id == instance_id, TASKS.c.element_id == task["element_id"],
                                     TASKS.c.state == "completed")
                              .order_by(TASKS.c.completed_at.desc(), TASKS.c.id.desc()).limit(1))
        recipients = [last_doer] if last_doer and (last_doer in lane_users or not lane_users) else lane_users
        no = info.step(task["element_id"]).get("no")
        notifications.notify(
            db, now, recipients, agency_id=row.agency_id, kind="rejected", instance_id=instance_id,
            task_id=task["id"],
            message_id=f"Dikembalikan: langkah {no} \"{task['name']}\" pada \"{title}\" ditolak di langkah "
                       f"{judged.get('no')} oleh {actor.display_name}. Alasan: {reason}",
            message_en=f"Sent back: step {no} \"{task['name']}\" of \"{title}\" was rejected at step "
                       f"{judged.get('no')} by {actor.display_name}. Reason: {reason}")


TASKS = HumanTask.__table__
_TASK = select(TASKS.c.id, TASKS.c.instance_id, TASKS.c.agency_id, TASKS.c.engine_task_id, TASKS.c.element_id,
               TASKS.c.role_id, TASKS.c.state, TASKS.c.assignee_id).where(TASKS.c.id == bindparam("task_id"))
_TASK_DONE = update(TASKS).where(TASKS.c.id == bindparam("_id"))
