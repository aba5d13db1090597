"""An overdue task is escalated once: it is marked, and who must know is told."""
from __future__ import annotations

from ..models import HumanTask, ProcessInstance
from ..kernel import audit, notifications
from ..kernel.calendars import calendar_for
from ..kernel.versions import version_info


def escalate(s, now, task: HumanTask, cause: str) -> bool:
    """Marks the task and notifies its assignee (or its lane) and the SOP's approver lane.
    Returns False when it was escalated before (whatever noticed it first)."""
    if task.escalated_at is not None or task.state != "ready":
        return False
    task.escalated_at = now
    instance = s.get(ProcessInstance, task.instance_id)
    info = version_info(s, instance.version_id)
    calendar = calendar_for(s, task.agency_id)
    due_at = task.due_at or now
    due = f"{calendar.local(due_at):%d-%m-%Y %H.%M} {calendar.zone_abbreviation}"
    step = info.step(task.element_id)
    recipients = [task.assignee_id] if task.assignee_id else notifications.users_of_lane(s, task.agency_id, task.lane)
    approver = info.catalog["identity"].get("alur.eskalasi")
    if approver:
        recipients += notifications.users_of_lane(s, task.agency_id, approver)
    told = notifications.notify(
        s, now, recipients, agency_id=task.agency_id, kind="overdue", instance_id=task.instance_id, task_id=task.id,
        message_id=f"Terlambat: langkah {step.get('no')} \"{task.name}\" pada \"{instance.title}\" "
                   f"melewati tenggat {due}.",
        message_en=f"Overdue: step {step.get('no')} \"{task.name}\" of \"{instance.title}\" passed its due time {due}.")
    audit.record(s, now, "task.escalated", agency_id=task.agency_id, instance_id=task.instance_id, task_id=task.id,
                 after={"due_at": due_at.isoformat(), "told": told, "by": cause})
    return True
