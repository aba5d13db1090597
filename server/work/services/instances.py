"""Starting process instances and reading them back."""
from __future__ import annotations

from sqlalchemy import func, select

from ...errors import Conflict, Forbidden, InvalidInput, NotFound
from ...models import Agency, HumanTask, ProcessInstance, ProcessModel, ProcessVersion, User
from ...kernel import access, trail
from ...kernel.actors import Actor
from ...kernel.calendars import calendar_for
from ...kernel.context import Alur
from ...timeplan import time_left
from .forms import check_submission
from .history import history, request
from ...kernel.stepping import ENDED, Step, run_step
from ...kernel.versions import VersionInfo, version_info, xml_loader


def _active_version(s, actor: Actor, key: str, agency: str | None) -> VersionInfo:
    query = (select(ProcessVersion.id, Agency.slug).join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
             .join(Agency, Agency.id == ProcessModel.agency_id)
             .where(ProcessModel.key == key, ProcessVersion.active.is_(True)))
    rows = [r for r in s.execute(query).all() if agency is None or r.slug == agency]
    mine = [r for r in rows if access.can(actor, "agency.work", access.Facts(version_info(s, r.id).agency_id))]
    if not mine:
        if rows:
            raise Forbidden("Anda bukan anggota instansi pemilik SOP ini.",
                            "You are not a member of the agency that owns this SOP.")
        raise NotFound(f"SOP '{key}' tidak ditemukan.", f"SOP '{key}' not found.")
    if len(mine) > 1:
        raise InvalidInput("SOP ini ada di beberapa instansi Anda; sebutkan instansinya.",
                           "This SOP exists in several of your agencies; name the agency.")
    return version_info(s, mine[0].id)


def start(alur: Alur, actor: Actor, key: str, data: dict | None, agency: str | None = None) -> dict:
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise InvalidInput("Data harus berupa objek JSON.", "Data must be a JSON object.")

    def begin(step: Step) -> dict:
        info = _active_version(step.db, actor, key, agency)
        start_event = info.manual_start()
        if start_event is None:
            raise Conflict("SOP ini dimulai otomatis oleh jadwal, tidak secara manual.",
                           "This SOP starts on a schedule, not by hand.")
        if not access.can(actor, "process.start", access.Facts(info.agency_id, info.lane_roles.get(start_event["lane"]))):
            raise Forbidden(f"Hanya peran '{start_event['lane']}' yang dapat memulai SOP ini.",
                            f"Only the role '{start_event['lane']}' can start this SOP.")
        checked, files = check_submission(info.forms(alur.forms), step.db, actor, info.agency_id, None,
                                         start_event.get("form"), data)
        title = str(checked.get("judul") or _default_title(step, info))[:300]
        run = step.start(info, checked)
        instance_id = step.create(info, title, actor.id)
        if files:
            files.link(step.db, instance_id)
        outcome = step.write(run, info, revision=1, agency_id=info.agency_id, action="instance.started",
                             after={"key": key, "version": info.version, "data": checked})
        return {"id": instance_id, "title": title, **outcome.as_dict()}
    return run_step(alur, begin, actor_id=actor.id)


def _default_title(step: Step, info: VersionInfo) -> str:
    """The SOP's name and when it started, in the agency's time (as staff read every other time)."""
    calendar = calendar_for(step.db, info.agency_id)
    return f"{info.name} {calendar.local(step.now):%Y-%m-%d %H.%M} {calendar.zone_abbreviation}"


def get(alur: Alur, actor: Actor, instance_id: int) -> dict:
    with alur.db.transaction() as s:
        instance = s.get(ProcessInstance, instance_id)
        if instance is None:
            raise NotFound("Instans tidak ditemukan.", "Instance not found.")
        access.require(actor, "instance.read", access.instance_facts(s, instance.id))
        info = version_info(s, instance.version_id)
        forms = info.forms(alur.forms)
        done = history(s, instance.id, info, forms)
        asked = request(s, instance.id, info, forms)
        calendar, now = calendar_for(s, instance.agency_id), alur.clock.now()
        open_tasks = [{"id": t.id, "element_id": t.element_id, "name": t.name, "lane": t.lane,
                       "created_at": t.created_at.isoformat(), "assignee_id": t.assignee_id,
                       "due_at": t.due_at.isoformat() if t.due_at else None,
                       "overdue": bool(t.due_at and t.due_at <= now), "due_in": time_left(t.due_at, now, calendar)}
                      for t in s.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                                 HumanTask.state == "ready")
                                         .order_by(HumanTask.id))]
        timezone = s.scalar(select(Agency.timezone).where(Agency.id == instance.agency_id))
        data, active = {}, []
        if instance.engine_state:
            run = alur.engine.resume(info.id, info.process_id, xml_loader(s, info.id), instance.engine_state)
            data = run.data
            active = [] if instance.status in ENDED else run.active_elements()
        visits, flows = trail.visits(s, instance.id), trail.flows_taken(s, instance.id)
    return {"id": instance.id, "key": info.key, "process": info.name, "agency": info.agency_slug,
            "version": info.version, "title": instance.title, "status": instance.status,
            "end_event": instance.end_event, "end_event_name": info.catalog["ends"].get(instance.end_event),
            "error": instance.error_message, "sop_nomor": info.catalog["identity"].get("sop.nomor", ""),
            "started_at": instance.started_at.isoformat(),
            "ended_at": instance.ended_at.isoformat() if instance.ended_at else None,
            "timezone": timezone, "data": data, "request": asked, "history": done, "open_tasks": open_tasks,
            # where the tokens are now, how often each element was reached and each flow taken
            "active_elements": active, "visits": visits, "flows_taken": flows}


SCOPES = ("started",)
PAGE_MAX = 200
OFFSET_MAX = 2**31 - 1


def list_instances(alur: Alur, actor: Actor, scope: str = "started", limit: int = 20, offset: int = 0) -> dict:
    """`started`: the instances I started (in agencies I still belong to), newest first, each
    with where it stands: its status, the steps waiting now with their lanes and due times."""
    if scope not in SCOPES:
        raise InvalidInput("Cakupan harus: started.", "Scope must be: started.")
    limit = max(1, min(int(limit), PAGE_MAX))
    offset = max(0, min(int(offset), OFFSET_MAX))
    now = alur.clock.now()
    query = (select(ProcessInstance, Agency.timezone).join(Agency, Agency.id == ProcessInstance.agency_id)
             .where(ProcessInstance.started_by_id == actor.id, ProcessInstance.agency_id.in_(actor.agency_ids)))
    with alur.db.transaction() as s:
        total = s.scalar(select(func.count()).select_from(query.with_only_columns(ProcessInstance.id).subquery()))
        rows = s.execute(query.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
                         .limit(limit).offset(offset)).all()
        waiting: dict[int, list] = {}
        if rows:
            for task, assignee in s.execute(
                    select(HumanTask, User.display_name).outerjoin(User, User.id == HumanTask.assignee_id)
                    .where(HumanTask.instance_id.in_([r[0].id for r in rows]), HumanTask.state == "ready")
                    .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)):
                waiting.setdefault(task.instance_id, []).append((task, assignee))
        items = []
        for instance, timezone in rows:
            info = version_info(s, instance.version_id)
            calendar = calendar_for(s, instance.agency_id)
            current = [{"id": t.id, "element_id": t.element_id, "name": t.name, "lane": t.lane,
                        "sop_no": info.step(t.element_id).get("no"), "assignee": assignee,
                        "due_at": t.due_at.isoformat() if t.due_at else None,
                        "overdue": bool(t.due_at and t.due_at <= now),
                        "due_in": time_left(t.due_at, now, calendar)}
                       for t, assignee in waiting.get(instance.id, [])]
            items.append({
                "id": instance.id, "title": instance.title, "process": info.key, "process_name": info.name,
                "agency": info.agency_slug, "status": instance.status, "end_event": instance.end_event,
                "end_event_name": info.catalog["ends"].get(instance.end_event),
                "started_at": instance.started_at.isoformat(),
                "ended_at": instance.ended_at.isoformat() if instance.ended_at else None,
                "timezone": timezone, "current": current,
                "due_at": next((c["due_at"] for c in current if c["due_at"]), None),
                "overdue": any(c["overdue"] for c in current)})
    return {"total": total, "limit": limit, "offset": offset, "items": items}
