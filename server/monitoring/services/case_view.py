"""One instance as a supervisor sees it: its facts, where its tokens stand and the path it took
(for the marked diagram), the timeline of its steps in working time against their Waktu, the
supervisors' actions on it, its data, its open tasks with who could take each.

Read by the Pengawas and the Auditor of the instance's agency; staff who may read the instance
(`instance.read`) get the same facts, and `can_steer` says whether the actions are offered
(`instance.steer`: the Pengawas). Times are UTC datetimes; the page shows them in the agency's
zone. Durations are seconds of office time on the agency's calendar (a weekend or a holiday is
no time to work), the way the SOP's Waktu counts.
"""
from __future__ import annotations

from sqlalchemy import select

from ...engine import EngineFault
from ...errors import NotFound
from ...formschema import field_label, file_fields, shown_value
from ...models import Agency, Attachment, AuditEvent, HumanTask, Membership, ProcessInstance, ProcessVersion, \
    Role, User, UserRole
from ...kernel import access, audit, trail
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...kernel.stepping import ENDED
from ...kernel.versions import VersionInfo, version_info, xml_loader
from ...sop.ordering import sop_order
from ...timeplan.step_time import calendar_seconds, step_time

# What a supervisor does about an instance stopped by an error.
ERROR_HELP = {"id": "Perbaiki penyebabnya (terapkan versi diagram yang benar atau perbaiki data), lalu Coba lagi.",
              "en": "Fix the cause (deploy the correct diagram version or correct the data), then Retry."}


def case(alur: Alur, actor: Actor, instance_id: int) -> dict:
    """Everything the instance page shows (see the module's docstring); 404 / 403 as the API."""
    now = alur.clock.now()
    with alur.db.transaction() as s:
        instance = s.execute(select(ProcessInstance.__table__).where(ProcessInstance.id == instance_id)).one_or_none()
        if instance is None:
            raise NotFound("Instans tidak ditemukan.", "Instance not found.")
        access.require(actor, "instance.read", access.instance_facts(s, instance_id))
        agency = access.Facts(agency_id=instance.agency_id)
        can_steer = access.can(actor, "instance.steer", agency)
        info = version_info(s, instance.version_id)
        calendar = calendar_for(s, instance.agency_id)
        agency_row = s.execute(select(Agency.slug, Agency.name, Agency.timezone)
                               .where(Agency.id == instance.agency_id)).one()
        rows = s.execute(select(HumanTask.__table__).where(HumanTask.instance_id == instance_id)
                         .order_by(HumanTask.created_at, HumanTask.id)).all()
        events = s.execute(select(AuditEvent.__table__).where(AuditEvent.instance_id == instance_id,
                                                              AuditEvent.action.in_(audit.INTERVENTIONS))
                           .order_by(AuditEvent.at, AuditEvent.id)).all()
        names = _names(s, {instance.started_by_id} | {r.assignee_id for r in rows} | {r.completed_by_id for r in rows}
                       | {e.actor_id for e in events} | {_assignee(e) for e in events})
        data, active = _engine_view(alur, s, instance, info, rows)
        open_rows = [r for r in rows if r.state == "ready"]
        holders = _lane_holders(s, instance.agency_id, {r.role_id for r in open_rows}) if can_steer else {}
        files = _files(s, instance_id)
        xml = s.scalar(select(ProcessVersion.bpmn_xml).where(ProcessVersion.id == instance.version_id))
        visits, flows = trail.visits(s, instance_id), trail.flows_taken(s, instance_id)
    steps = [_step(r, info, names, calendar, now) for r in rows]
    tasks_by_id = {r.id: r for r in rows}
    actions = [_action(e, info, names, tasks_by_id) for e in events]
    return {
        "id": instance.id, "title": instance.title, "status": instance.status,
        "key": info.key, "process": info.name, "version": info.version, "version_id": info.id,
        "sop_nomor": info.catalog["identity"].get("sop.nomor", ""),
        "agency": agency_row.slug, "agency_name": agency_row.name, "timezone": agency_row.timezone,
        "zone": calendar.zone_abbreviation,
        "started_by": names.get(instance.started_by_id), "started_at": instance.started_at,
        "ended_at": instance.ended_at, "end_event": instance.end_event,
        "end_event_name": info.catalog["ends"].get(instance.end_event) if instance.end_event else None,
        "error": instance.error_message, "error_help": ERROR_HELP if instance.status == "error" else None,
        "can_steer": can_steer,
        "supervisor": access.can(actor, "agency.monitor", agency),
        "xml": xml, "active_elements": active, "visits": visits, "flows_taken": flows,
        "overdue": [{"task_id": r.id, "element_id": r.element_id, "name": r.name, "due_at": r.due_at}
                    for r in open_rows if r.due_at is not None and r.due_at <= now],
        "timeline": sorted(steps + actions, key=lambda e: (e["at"], e["kind"] == "action")),
        "open_tasks": [_open_task(r, info, names, holders, now) for r in open_rows],
        "data": _shown(info.forms(alur.forms), info, data),
        "files": files,
        "working_day_seconds": int(calendar.working_day_length.total_seconds()),
        "now": now,
    }


def require_steer(alur: Alur, actor: Actor, instance_id: int, task_id: int | None = None) -> None:
    """Forbidden (403) unless the actor may steer the instance; NotFound for an instance (or a
    task of it) that does not exist. The page asks this before anything else, so an Auditor's
    or a staff member's post is refused as such whatever it carries."""
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(ProcessInstance.agency_id).where(ProcessInstance.id == instance_id))
        if agency_id is None:
            raise NotFound("Instans tidak ditemukan.", "Instance not found.")
        access.require(actor, "instance.steer", access.Facts(agency_id=agency_id))
        if task_id is not None and s.scalar(select(HumanTask.instance_id).where(HumanTask.id == task_id)) \
                != instance_id:
            raise NotFound("Tugas tidak ditemukan pada instans ini.", "Task not found in this instance.")


# --- reading --------------------------------------------------------------------------------

def _names(db, user_ids) -> dict[int, dict]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return {r.id: {"username": r.username, "name": r.display_name}
            for r in db.execute(select(User.id, User.username, User.display_name).where(User.id.in_(ids)))}


def _assignee(event) -> int | None:
    value = (event.after or {}).get("assignee") if event.action == "task.assigned" else None
    return value if isinstance(value, int) else None


def _engine_view(alur: Alur, db, instance, info: VersionInfo, rows) -> tuple[dict, list[str]]:
    """The instance's data and where its tokens are, from its engine state (the open task rows'
    elements when the state cannot be read: the page still shows what the rows know)."""
    fallback = sorted({r.element_id for r in rows if r.state == "ready"})
    if not instance.engine_state:
        return {}, fallback
    try:
        run = alur.engine.resume(info.id, info.process_id, xml_loader(db, info.id), instance.engine_state)
    except EngineFault:
        return {}, fallback
    return run.data, ([] if instance.status in ENDED else run.active_elements())


def _lane_holders(db, agency_id: int, role_ids: set) -> dict[int, list[dict]]:
    role_ids = {r for r in role_ids if r is not None}
    if not role_ids:
        return {}
    rows = db.execute(select(UserRole.role_id, User.username, User.display_name)
                      .join(User, User.id == UserRole.user_id)
                      .join(Role, Role.id == UserRole.role_id)
                      .join(Membership, (Membership.user_id == User.id) & (Membership.agency_id == agency_id))
                      .where(UserRole.role_id.in_(role_ids), Role.agency_id == agency_id, User.active.is_(True))
                      .order_by(User.display_name, User.username)).all()
    out: dict[int, list[dict]] = {r: [] for r in role_ids}
    for r in rows:
        out[r.role_id].append({"username": r.username, "name": r.display_name})
    return out


def _files(db, instance_id: int) -> dict[str, dict]:
    """The instance's attachments (whoever reads the instance may open them)."""
    return {r.id: {"filename": r.filename, "content_type": r.content_type}
            for r in db.execute(select(Attachment.id, Attachment.filename, Attachment.content_type)
                                .where(Attachment.instance_id == instance_id))}


# --- the timeline ----------------------------------------------------------------------------

def _step(row, info: VersionInfo, names: dict, calendar, now) -> dict:
    """A task row as a step of the timeline: who, when, how long in working time against its
    Waktu (its due time: on time, or late by how much working time). The judging is
    `timeplan.step_time`, the auditors' recipe too; an open step is judged up to now."""
    step = info.step(row.element_id)
    ended = row.completed_at if row.state != "ready" else None
    timing = step_time(row.created_at, ended or now, row.due_at, calendar_seconds(calendar))
    who = names.get(row.completed_by_id) or names.get(row.assignee_id)
    data = row.data or {}
    return {
        "kind": "step", "at": row.created_at, "task_id": row.id, "element_id": row.element_id,
        "sop_no": step.get("no") or "", "name": row.name, "lane": row.lane, "state": row.state,
        "who": who, "who_did": row.completed_by_id is not None,
        "created_at": row.created_at, "claimed_at": row.claimed_at, "completed_at": ended,
        "worked_seconds": timing["worked_seconds"],
        "waktu": step.get("waktu") or "", "waktu_kode": step.get("waktu_kode") or "", "due_at": row.due_at,
        # None: no due time; else on time, or late (by `late_seconds` of working time)
        "on_time": timing["on_time"], "late_seconds": timing["late_seconds"],
        "decision": data.get("keputusan"), "note": data.get("alasan") or data.get("catatan"),
    }


def _action(event, info: VersionInfo, names: dict, tasks: dict) -> dict:
    """A supervisor's action as the audit trail has it (moved: `after.to`, the target step;
    migrated: `before.version` and `after.version`)."""
    after, before = event.after or {}, event.before or {}
    task = tasks.get(event.task_id)
    moved_to = after.get("to") if event.action == "instance.moved" else None
    migrated = event.action == "instance.migrated"
    return {
        "kind": "action", "at": event.at, "action": event.action, "who": names.get(event.actor_id),
        "reason": after.get("reason"), "task_id": event.task_id, "task_name": task.name if task else None,
        "assignee": names.get(_assignee(event)), "before_status": before.get("status"),
        "to_element": moved_to, "to_name": info.step(moved_to).get("name") if moved_to else None,
        "from_version": before.get("version") if migrated else None,
        "to_version": after.get("version") if migrated else None,
    }


def _open_task(row, info: VersionInfo, names: dict, holders: dict, now) -> dict:
    assignee = names.get(row.assignee_id)
    return {"id": row.id, "element_id": row.element_id, "name": row.name, "lane": row.lane,
            "sop_no": info.step(row.element_id).get("no") or "", "created_at": row.created_at,
            "assignee": assignee["username"] if assignee else None,
            "assignee_name": assignee["name"] if assignee else None,
            "due_at": row.due_at, "overdue": bool(row.due_at and row.due_at <= now),
            "holders": holders.get(row.role_id, [])}


# --- the data ---------------------------------------------------------------------------------

def _shown(forms, info: VersionInfo, data: dict) -> list[dict]:
    """The instance's data labelled as its forms label the fields (the start form's first, then
    each step's in the SOP's order), each under a key that says how to show it, as the staff
    pages' answers are: `text`, `files`, `links`, `moment`, `day`, `rows` or `flag`. Fields no
    form asks for are the engine's own and are left out."""
    keys = [s["form"] for s in info.catalog["starts"] if s.get("form")]
    steps = sorted(info.catalog["steps"].values(), key=lambda step: sop_order(step.get("no")))
    keys += [s["form"] for s in steps if s.get("form")]
    out, seen = [], set()
    for key in dict.fromkeys(keys):
        try:
            schema = forms.validator(key).schema
        except NotFound:
            continue
        files = file_fields(schema)
        for name, prop in (schema.get("properties") or {}).items():
            value = data.get(name)
            if name in seen or value in (None, "", []) or not isinstance(prop, dict):
                continue
            seen.add(name)
            out.append({"name": name, "label": field_label(name, prop), **shown_value(prop, value, name in files)})
    return out
