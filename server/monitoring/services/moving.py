"""A supervisor moves a running case to another step: back to redo one ("redo step 3"), or forward
past one that was done outside Alur.

One engine step (kernel.stepping.run_step) like the other supervisor actions: the instance's row
locked, allowed by `instance.steer` (the Pengawas of its agency), a reason required, audited as
`instance.moved` with where it stood and where it went. The engine replaces the case's token and
checks the result (engine.moving); the open task row of the step it left is cancelled and the
target's row opens with a fresh due time from its Waktu (stepping.apply_run). Whoever did the
target step last, if they still hold its lane, is told. A move that is not possible is refused
(409, or 422 for a target that is not a step) before anything is written.
"""
from __future__ import annotations

from sqlalchemy import select

from ...engine import moving as engine_moving
from ...errors import InvalidInput, NotFound
from ...kernel import access, notifications
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...kernel.stepping import Step, require_running, run_step
from ...kernel.versions import version_info, xml_loader
from ...models import HumanTask, ProcessInstance
from ...sop.ordering import sop_order
from .steering import check_reason

TASKS = HumanTask.__table__
INSTANCES = ProcessInstance.__table__
ELEMENT_MAX = 255


def move(alur: Alur, actor: Actor, instance_id: int, to_element, reason) -> dict:
    """Moves the instance to the step `to_element` (a user or manual task of its SOP)."""
    reason = check_reason(reason)
    to_element = _check_element(to_element)

    def act(step: Step) -> dict:
        instance = step.lock(instance_id)
        if instance is None:
            raise NotFound("Instans tidak ditemukan.", "Instance not found.")
        access.require(actor, "instance.steer", access.Facts(agency_id=instance.agency_id))
        require_running(instance.status)
        info = version_info(step.db, instance.version_id)
        run = step.resume(instance, info)
        left = run.move_to(to_element)
        outcome = step.write(run, info, revision=instance.revision, agency_id=instance.agency_id,
                             action="instance.moved", before={"status": instance.status, "at": left},
                             after={"to": to_element, "reason": reason})
        _tell_last_doer(step, actor, instance, info, outcome.opened, reason)
        return {"id": instance.id, "status": outcome.status, "open_tasks": outcome.opened}
    return run_step(alur, act, actor_id=actor.id)


def targets(alur: Alur, actor: Actor, instance_id: int) -> list[dict]:
    """The steps the instance may be moved to now, in SOP order, for a supervisor's select:
    [] when it cannot move (not running, or running in parallel branches)."""
    with alur.db.transaction() as s:
        facts = access.instance_facts(s, instance_id)
        if facts is None:
            raise NotFound("Instans tidak ditemukan.", "Instance not found.")
        access.require(actor, "instance.read", facts)
        instance = s.execute(select(INSTANCES.c.version_id, INSTANCES.c.status, INSTANCES.c.engine_state)
                             .where(INSTANCES.c.id == instance_id)).one()
        if instance.status != "running":
            return []
        info = version_info(s, instance.version_id)
        run = alur.engine.resume(info.id, info.process_id, xml_loader(s, info.id), instance.engine_state)
    allowed = set(engine_moving.allowed_targets(run.workflow))
    steps = [s for s in info.catalog["steps"].values() if s["element_id"] in allowed]
    steps.sort(key=lambda s: sop_order(s.get("no")))  # stable: document order among equals
    return [{"element_id": s["element_id"], "name": s.get("name") or s["element_id"],
             "sop_no": s.get("no") or None, "lane": s.get("lane")} for s in steps]


def _check_element(to_element) -> str:
    def refuse(message_id: str, message_en: str):
        return InvalidInput(message_id, message_en, fields={"to_element": [{"id": message_id, "en": message_en}]})
    if not isinstance(to_element, str) or not to_element.strip():
        raise refuse("Langkah tujuan (to_element) wajib diisi.", "The target step (to_element) is required.")
    if len(to_element) > ELEMENT_MAX:
        raise refuse("Langkah tujuan tidak dikenal.", "Unknown target step.")
    return to_element.strip()


def _tell_last_doer(step: Step, actor: Actor, instance, info, opened: list[dict], reason: str) -> None:
    """Whoever did the target step last (and still holds its lane) learns that it is theirs again."""
    for task in opened:
        last_doer = step.db.scalar(
            select(TASKS.c.completed_by_id)
            .where(TASKS.c.instance_id == instance.id, TASKS.c.element_id == task["element_id"],
                   TASKS.c.state == "completed", TASKS.c.completed_by_id.is_not(None))
            .order_by(TASKS.c.completed_at.desc(), TASKS.c.id.desc()).limit(1))
        if last_doer is None or not task["lane"] or \
                last_doer not in notifications.users_of_lane(step.db, instance.agency_id, task["lane"]):
            continue
        title = step.db.scalar(select(INSTANCES.c.title).where(INSTANCES.c.id == instance.id))
        no = info.step(task["element_id"]).get("no") or "-"
        notifications.notify(
            step.db, step.now, [last_doer], agency_id=instance.agency_id, kind="moved", instance_id=instance.id,
            task_id=task["id"],
            message_id=f"Dipindahkan: Pengawas {actor.display_name} memindahkan \"{title}\" ke langkah {no} "
                       f"\"{task['name']}\" yang pernah Anda kerjakan. Alasan: {reason}",
            message_en=f"Moved: supervisor {actor.display_name} moved \"{title}\" to step {no} "
                       f"\"{task['name']}\", which you did before. Reason: {reason}")
