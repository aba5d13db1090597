"""Who may do what: the one access policy every service asks, by actor, action and object.

Two kinds of grants decide it. Lanes (jabatan) are the positions that do SOP steps; agency roles
are granted per agency beside them. Every rule is first bound to an agency: nobody reads or
changes anything of an agency they are not a member of (a user of another agency gets a 403).

| action            | object     | allowed for (inside the object's agency)                              |
|-------------------|------------|------------------------------------------------------------------------|
| agency.work       | agency     | every member (see its SOPs and their SOP AP sheets, upload files for   |
|                   |            | a form)                                                                |
| process.start     | process    | holders of the lane of the SOP's start event                           |
| instance.read     | instance   | Pengawas, Auditor; staff who started it, did one of its steps, claimed |
|                   |            | one of its open tasks, or hold the lane of one of its open tasks       |
| instance.steer    | instance   | Pengawas                                                               |
| agency.monitor    | agency     | Pengawas, Auditor (the agency's instance list, dashboards, statistics)  |
| task.read         | task       | Pengawas, Auditor; holders of its lane; whoever claimed or did it      |
| task.act          | task       | holders of its lane (claimed-by-another and done are conflicts, 409)   |
| attachment.read   | attachment | as instance.read of its instance; before it joins one: its uploader    |
| model.edit        | agency     | Pemilik Proses (edit, lint and deploy the agency's diagrams, import    |
|                   |            | SOP tables as drafts, the draft's SOP sheet)                           |
| audit.read        | agency     | Auditor (read everything, change nothing, export): the audit trail,    |
|                   |            | its exports and chain verification; Pengawas, staff, Pemilik: no       |
| agency.manage     | agency     | Admin Instansi (users, roles, lanes, calendar days)                    |

Objects are plain facts (`Facts`), read by the services in the query they already make, or by
`instance_facts` here; the policy itself touches no database.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select

from ..errors import Forbidden
from ..models import HumanTask, ProcessInstance
from .actors import Actor

# The agency roles: key -> (Indonesian name, English name). The Indonesian name is what
# `alur users grant --role` and the admin pages take and show.
AGENCY_ROLES = {
    "pemilik_proses": ("Pemilik Proses", "Process owner"),
    "pengawas": ("Pengawas", "Supervisor"),
    "auditor": ("Auditor", "Auditor"),
    "admin_instansi": ("Admin Instansi", "Agency administrator"),
}
PEMILIK, PENGAWAS, AUDITOR, ADMIN = "pemilik_proses", "pengawas", "auditor", "admin_instansi"


def agency_role_key(name: str) -> str | None:
    """'Pengawas', 'pengawas' or 'admin_instansi' -> the role's key; None for a lane's name."""
    wanted = (name or "").strip().lower().replace("_", " ")
    return next((key for key, (label, _) in AGENCY_ROLES.items() if label.lower() == wanted), None)


@dataclass(frozen=True)
class Facts:
    """What the policy needs to know of an object; fields that do not apply stay empty."""

    agency_id: int
    lane_role_id: int | None = None          # task: its lane; process: its start event's lane
    assignee_id: int | None = None           # task: who claimed it
    done_by_id: int | None = None            # task: who completed it
    started_by_id: int | None = None         # instance
    participant_ids: frozenset[int] = field(default_factory=frozenset)  # instance: did or hold a step
    open_lane_role_ids: frozenset[int] = field(default_factory=frozenset)  # instance: lanes of open tasks
    uploaded_by_id: int | None = None        # attachment
    instance: "Facts | None" = None          # attachment: the instance it belongs to, once linked


def _staff_reads_instance(a: Actor, o: Facts) -> bool:
    return (o.started_by_id == a.id or a.id in o.participant_ids
            or bool(o.open_lane_role_ids & a.role_ids))


def _reads_attachment(a: Actor, o: Facts) -> bool:
    if o.instance is None:
        return o.uploaded_by_id == a.id
    return a.has(o.agency_id, PENGAWAS) or a.has(o.agency_id, AUDITOR) or _staff_reads_instance(a, o.instance)


# action -> (who may, the refusal in Indonesian, in English); every rule runs inside the agency.
RULES = {
    "agency.work": (lambda a, o: True,
                    "Anda bukan anggota instansi ini.", "You are not a member of this agency."),
    "process.start": (lambda a, o: a.holds(o.lane_role_id),
                      "Peran Anda tidak dapat memulai SOP ini.", "Your role cannot start this SOP."),
    "instance.read": (lambda a, o: a.has(o.agency_id, PENGAWAS) or a.has(o.agency_id, AUDITOR)
                      or _staff_reads_instance(a, o),
                      "Anda tidak berhak melihat instans ini.", "You may not see this instance."),
    "agency.monitor": (lambda a, o: a.has(o.agency_id, PENGAWAS) or a.has(o.agency_id, AUDITOR),
                       "Hanya Pengawas dan Auditor yang dapat memantau SOP instansi ini.",
                       "Only a supervisor or an auditor can monitor this agency's SOPs."),
    "instance.steer": (lambda a, o: a.has(o.agency_id, PENGAWAS),
                       "Hanya Pengawas yang dapat mengendalikan instans.", "Only a supervisor can steer instances."),
    "task.read": (lambda a, o: a.has(o.agency_id, PENGAWAS) or a.has(o.agency_id, AUDITOR)
                  or a.holds(o.lane_role_id) or a.id in (o.assignee_id, o.done_by_id),
                  "Tugas ini bukan untuk peran Anda.", "This task is not for your role."),
    "task.act": (lambda a, o: a.holds(o.lane_role_id),
                 "Tugas ini bukan untuk peran Anda.", "This task is not for your role."),
    "attachment.read": (_reads_attachment,
                        "Anda tidak berhak membuka berkas ini.", "You may not open this file."),
    "model.edit": (lambda a, o: a.has(o.agency_id, PEMILIK),
                   "Hanya Pemilik Proses yang dapat mengubah dan menerapkan SOP.",
                   "Only a process owner can change and deploy SOPs."),
    "audit.read": (lambda a, o: a.has(o.agency_id, AUDITOR),
                   "Hanya Auditor yang dapat membuka jejak audit.", "Only an auditor can open the audit trail."),
    "agency.manage": (lambda a, o: a.has(o.agency_id, ADMIN),
                      "Hanya Admin Instansi yang dapat mengelola pengguna dan kalender.",
                      "Only an agency administrator can manage users and the calendar."),
}


def can(actor: Actor, action: str, obj: Facts) -> bool:
    rule, _, _ = RULES[action]
    return actor.member_of(obj.agency_id) and rule(actor, obj)


def require(actor: Actor, action: str, obj: Facts) -> None:
    """Raises Forbidden (403) with the action's message unless the actor may."""
    if not actor.member_of(obj.agency_id):
        raise Forbidden(*RULES["agency.work"][1:])
    rule, message_id, message_en = RULES[action]
    if not rule(actor, obj):
        raise Forbidden(message_id, message_en)


def task_facts(task) -> Facts:
    """A task row (ORM object or Core row with the human_task columns) as policy facts."""
    return Facts(agency_id=task.agency_id, lane_role_id=task.role_id, assignee_id=task.assignee_id,
                 done_by_id=getattr(task, "completed_by_id", None))


def agencies_allowed(actor: Actor, action: str) -> list[int]:
    """The actor's agencies where the policy allows `action` there, sorted (lists across agencies)."""
    return sorted(a for a in actor.agency_ids if can(actor, action, Facts(a)))


def require_somewhere(actor: Actor, action: str) -> list[int]:
    """`agencies_allowed`, or 403 with the action's message when there is none."""
    allowed = agencies_allowed(actor, action)
    if not allowed:
        raise Forbidden(*RULES[action][1:])
    return allowed


def agencies_where(actor: Actor, role: str) -> frozenset[int]:
    """The agencies in which the actor holds an agency role (for lists across agencies)."""
    return frozenset(agency_id for agency_id, held in actor.grants if held == role)


def instance_facts(db, instance_id: int) -> Facts | None:
    """An instance's facts in two small queries: who started it, who did or holds its steps."""
    row = db.execute(select(ProcessInstance.agency_id, ProcessInstance.started_by_id)
                     .where(ProcessInstance.id == instance_id)).one_or_none()
    if row is None:
        return None
    tasks = db.execute(select(HumanTask.state, HumanTask.role_id, HumanTask.assignee_id, HumanTask.completed_by_id)
                       .where(HumanTask.instance_id == instance_id,
                              or_(HumanTask.state == "ready", HumanTask.completed_by_id.is_not(None)))).all()
    people = {t.completed_by_id for t in tasks} | {t.assignee_id for t in tasks if t.state == "ready"}
    return Facts(agency_id=row.agency_id, started_by_id=row.started_by_id,
                 participant_ids=frozenset(p for p in people if p is not None),
                 open_lane_role_ids=frozenset(t.role_id for t in tasks if t.state == "ready" and t.role_id))
