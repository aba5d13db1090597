"""The audit trail as an auditor reads it: the events of the agencies where the actor may
`audit.read` (the Auditor of the agency; the Pengawas, staff and the Pemilik Proses may not),
filtered, newest first, a page at a time by keyset (`after`: the last id seen), each with who did
it, what it means, its instance and task, before and after, and its link of the hash chain.

Events of no agency (chain 0: sign-ins, users added) belong to no agency's auditor; the server's
administrator verifies them with `alur audit verify`.
"""
from __future__ import annotations

import json

from sqlalchemy import and_, false, or_, select

from ...errors import NotFound
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import Agency, AuditEvent, HumanTask, ProcessInstance, ProcessModel, ProcessVersion, User
from ...timeplan.local_days import DEFAULT_ZONE, day_bounds
from . import trail_labels
from .trail_filters import LIMIT, LIMIT_MAX, TrailFilters, parse_filters, parse_paging

__all__ = ["TrailFilters", "parse_filters", "parse_paging", "audited_agencies", "may_audit", "require_audit",
           "scope", "list_events", "iter_events", "choices", "changes", "LIMIT", "LIMIT_MAX"]

EVENTS = AuditEvent.__table__
BATCH = 1000


# --- who reads what -------------------------------------------------------------------------------

def audited_agencies(actor: Actor) -> list[int]:
    """The agencies whose trail the actor may read."""
    return access.agencies_allowed(actor, "audit.read")


def may_audit(actor: Actor) -> bool:
    """Whether the actor audits any agency (the header's "Audit" link)."""
    return bool(audited_agencies(actor))


def require_audit(actor: Actor) -> None:
    """403 (with the policy's message) for anyone who audits no agency."""
    access.require_somewhere(actor, "audit.read")


def agency_by_slug(s, actor: Actor, slug: str):
    """The agency row (id, slug, name, timezone) of `slug` if the actor audits it: 404 when no
    agency has that slug, 403 (the policy's message) when the actor may not read its trail."""
    row = s.execute(select(Agency.id, Agency.slug, Agency.name, Agency.timezone).where(Agency.slug == slug)).first()
    if row is None:
        raise NotFound(f"Instansi '{slug}' tidak ditemukan.", f"Agency '{slug}' not found.")
    access.require(actor, "audit.read", access.Facts(row.id))
    return row


def scope(s, actor: Actor, agency: str | None = None) -> list:
    """The agencies (id, slug, name, timezone) whose trail is read: the one named, or every one
    the actor audits (403 when none)."""
    if agency:
        return [agency_by_slug(s, actor, agency)]
    require_audit(actor)
    return s.execute(select(Agency.id, Agency.slug, Agency.name, Agency.timezone)
                     .where(Agency.id.in_(audited_agencies(actor))).order_by(Agency.name)).all()


# --- the filters as SQL ---------------------------------------------------------------------------

def _between(filters: TrailFilters, agencies: list) -> list:
    """From/to as local days of each agency: one bound per time zone."""
    zones: dict[str, list[int]] = {}
    for a in agencies:
        zones.setdefault(a.timezone or DEFAULT_ZONE, []).append(a.id)
    arms = []
    for zone, ids in zones.items():
        bounds = [EVENTS.c.agency_id.in_(ids)]
        start, end = day_bounds(filters.date_from, filters.date_to, zone)
        if start is not None:
            bounds.append(EVENTS.c.at >= start)
        if end is not None:
            bounds.append(EVENTS.c.at < end)
        arms.append(and_(*bounds))
    return [arms[0] if len(arms) == 1 else or_(*arms)]


def _where(s, filters: TrailFilters, agencies: list) -> list:
    ids = [a.id for a in agencies]
    if filters.date_from or filters.date_to:
        where = _between(filters, agencies)
    else:
        where = [EVENTS.c.agency_id.in_(ids)]
    if filters.instance is not None:
        where.append(EVENTS.c.instance_id == filters.instance)
    if filters.process:
        versions = select(ProcessVersion.id).join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id) \
            .where(ProcessModel.key == filters.process, ProcessModel.agency_id.in_(ids))
        where.append(EVENTS.c.instance_id.in_(select(ProcessInstance.id)
                                              .where(ProcessInstance.version_id.in_(versions))))
    if filters.action:
        action = filters.action
        where.append(EVENTS.c.action.startswith(action, autoescape=True) if action.endswith(".")
                     else or_(EVENTS.c.action == action, EVENTS.c.action.startswith(action + ".", autoescape=True)))
    if filters.actor:
        user_id = s.scalar(select(User.id).where(User.username == filters.actor))
        where.append(EVENTS.c.actor_id == user_id if user_id is not None else false())
    return where


# --- reading --------------------------------------------------------------------------------------

_WHO = User.__table__.alias("who")
_INSTANCE = ProcessInstance.__table__.alias("case")
_TASK = HumanTask.__table__.alias("step")
_AGENCY = Agency.__table__.alias("owner")
_VERSION = ProcessVersion.__table__.alias("version")
_MODEL = ProcessModel.__table__.alias("model")
_ROWS = select(EVENTS.c.id, EVENTS.c.at, EVENTS.c.action, EVENTS.c.actor_id, EVENTS.c.agency_id,
               EVENTS.c.instance_id, EVENTS.c.task_id, EVENTS.c.before, EVENTS.c.after, EVENTS.c.chain,
               EVENTS.c.seq, EVENTS.c.hash, _WHO.c.username, _WHO.c.display_name, _AGENCY.c.slug.label("agency"),
               _AGENCY.c.timezone, _INSTANCE.c.title.label("instance_title"), _MODEL.c.key.label("process"),
               _TASK.c.name.label("task_name"), _TASK.c.element_id.label("task_element")) \
    .select_from(EVENTS.outerjoin(_WHO, _WHO.c.id == EVENTS.c.actor_id)
                 .outerjoin(_AGENCY, _AGENCY.c.id == EVENTS.c.agency_id)
                 .outerjoin(_INSTANCE, _INSTANCE.c.id == EVENTS.c.instance_id)
                 .outerjoin(_VERSION, _VERSION.c.id == _INSTANCE.c.version_id)
                 .outerjoin(_MODEL, _MODEL.c.id == _VERSION.c.process_model_id)
                 .outerjoin(_TASK, _TASK.c.id == EVENTS.c.task_id))


def item(row, locale: str = "id") -> dict:
    """One event as the trail shows it (and the JSON Lines export writes it)."""
    return {
        "id": row.id, "at": row.at.isoformat(), "timezone": row.timezone, "agency": row.agency,
        "action": row.action, "label": trail_labels.label(row.action, locale),
        "actor": None if row.actor_id is None else {"id": row.actor_id, "username": row.username,
                                                    "name": row.display_name},
        "instance": None if row.instance_id is None else {"id": row.instance_id, "title": row.instance_title,
                                                          "process": row.process},
        "task": None if row.task_id is None else {"id": row.task_id, "name": row.task_name,
                                                  "element_id": row.task_element},
        "before": row.before, "after": row.after,
        "chain": row.chain, "seq": row.seq, "hash": row.hash}


def list_events(alur: Alur, actor: Actor, filters: TrailFilters | dict | None = None, *, limit: int = LIMIT,
                after: int | None = None, locale: str = "id") -> dict:
    """A page of events, newest first: {"items", "next"}; `next` is the `after` of the following
    page (older events), None on the last page."""
    if not isinstance(filters, TrailFilters):
        filters = parse_filters(filters or {})
    limit = max(1, min(int(limit), LIMIT_MAX))
    with alur.db.transaction() as s:
        agencies = scope(s, actor, filters.agency)
        where = _where(s, filters, agencies)
        if after is not None:
            where.append(EVENTS.c.id < after)
        rows = s.execute(_ROWS.where(*where).order_by(EVENTS.c.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return {"items": [item(r, locale) for r in rows], "next": rows[-1].id if more else None}


def check(alur: Alur, actor: Actor, filters: TrailFilters) -> None:
    """Raises now what reading would raise (403, 404): an export checks before it streams."""
    with alur.db.transaction() as s:
        _where(s, filters, scope(s, actor, filters.agency))


def iter_events(alur: Alur, actor: Actor, filters: TrailFilters, *, locale: str = "id", batch: int = BATCH):
    """Every matching event in the chain's order (oldest first), a batch per transaction."""
    last = 0
    while True:
        with alur.db.transaction() as s:
            where = _where(s, filters, scope(s, actor, filters.agency))
            rows = s.execute(_ROWS.where(*where, EVENTS.c.id > last).order_by(EVENTS.c.id).limit(batch)).all()
        for row in rows:
            yield item(row, locale)
        if len(rows) < batch:
            return
        last = rows[-1].id


def choices(alur: Alur, actor: Actor, locale: str = "id") -> dict:
    """What the filter form offers: the agencies audited (slug, name), their SOPs (key, name) and
    the actions (groups by prefix, then each action)."""
    with alur.db.transaction() as s:
        agencies = scope(s, actor)
        processes = [{"key": key, "name": name} for key, name in s.execute(
            select(ProcessModel.key, ProcessModel.name).distinct()
            .where(ProcessModel.agency_id.in_([a.id for a in agencies])).order_by(ProcessModel.name, ProcessModel.key))]
    return {"agencies": [{"slug": a.slug, "name": a.name} for a in agencies], "processes": processes,
            "actions": trail_labels.choices(locale)}


def changes(before, after, *, most: int = 8, width: int = 80) -> list[dict]:
    """Before and after side by side, compact: per key {"key", "before", "after"} (each a short
    text, or None where the key is absent), unchanged keys left out; values longer than `width`
    are cut with "…". A value that is not an object is shown under the key "-"."""
    def as_dict(value):
        if value is None:
            return {}
        return value if isinstance(value, dict) else {"-": value}

    def short(value):
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
        return text if len(text) <= width else text[:width - 1] + "…"

    old, new = as_dict(before), as_dict(after)
    out = []
    for key in list(dict.fromkeys([*old, *new])):
        if key in old and key in new and old[key] == new[key]:
            continue
        out.append({"key": key, "before": short(old[key]) if key in old else None,
                    "after": short(new[key]) if key in new else None})
    return out[:most] + ([{"key": "…", "before": None, "after": f"+{len(out) - most}"}] if len(out) > most else [])
