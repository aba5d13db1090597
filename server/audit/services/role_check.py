"""Roles: each completed step was done by a holder of its lane's role at the time.

Who held a role when. Alur keeps the holdings of now (`user_role`), and the audit trail keeps
every change made through Alur: `user.granted` (after: user_id, roles: the lane names given)
and `user.revoked` (after: user_id, roles: the names taken, or null when the whole membership
of the agency was taken, i.e. every lane there), both with the agency's id
(server/admin/services/people.py). The rule for whether user U held role R at moment t:

1. the last grant or revoke of R to U at or before t decides: granted -> held, revoked -> not;
2. with none before t, the first one after t tells what was before it: a grant means U did not
   hold R until then, a revoke that U did;
3. with none at all, the holdings of now stand (roles given before the trail began, e.g. by
   `alur demo`, have no event).

A step of Alur's own instance is judged by its completer's user id against the role of its lane
(the official version's lane -> role; else the agency's role of the lane's name). A step of an
imported log is judged the same way when its `org:resource` is a username or a display name of
one of the agency's members (case and spacing ignored); otherwise its `org:role` is compared with
the lane's name (the same), and without either the step is "unknown": not a violation.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from sqlalchemy import select

from ...models import AuditEvent, Membership, Role, User, UserRole

ACTIONS = ("user.granted", "user.revoked")


def normal(text: str | None) -> str:
    """Case and spacing ignored: 'Ketua  Tim publikasi' == 'ketua tim Publikasi'."""
    return re.sub(r"\s+", " ", (text or "").strip()).casefold()


@dataclass
class Holdings:
    """Who held which role of one agency when (see the module's docstring for the rule)."""

    current: set = field(default_factory=set)           # (user id, role id) now
    changes: dict = field(default_factory=dict)          # (user id, role id) -> [(at, held after)]
    roles_by_name: dict = field(default_factory=dict)   # normal(name) -> role id
    users: dict = field(default_factory=dict)            # normal(username or name) -> user id
    names: dict = field(default_factory=dict)            # user id -> {"username", "name"}

    def held(self, user_id: int, role_id: int, at) -> bool:
        changes = self.changes.get((user_id, role_id))
        if not changes:
            return (user_id, role_id) in self.current
        i = bisect_right(changes, at, key=lambda c: c[0])
        if i:
            return changes[i - 1][1]
        return not changes[0][1]


def load(db, agency_id: int) -> Holdings:
    """The agency's holdings now and their changes in the audit trail: three queries."""
    roles = db.execute(select(Role.id, Role.name).where(Role.agency_id == agency_id)).all()
    role_ids = {r.id for r in roles}
    by_name = {normal(r.name): r.id for r in roles}
    current = {(u, r) for u, r in db.execute(select(UserRole.user_id, UserRole.role_id)
                                             .where(UserRole.role_id.in_(role_ids))).all()} if role_ids else set()
    changes: dict = {}
    events = db.execute(select(AuditEvent.at, AuditEvent.action, AuditEvent.after)
                        .where(AuditEvent.agency_id == agency_id, AuditEvent.action.in_(ACTIONS))
                        .order_by(AuditEvent.at, AuditEvent.id)).all()
    for at, action, after in events:
        after = after or {}
        user_id = after.get("user_id")
        if not isinstance(user_id, int):
            continue
        named = after.get("roles")
        if named is None and action == "user.revoked":  # the whole membership: every lane
            touched = role_ids
        else:
            touched = {by_name[normal(n)] for n in (named or []) if isinstance(n, str) and normal(n) in by_name}
        for role_id in touched:
            changes.setdefault((user_id, role_id), []).append((at, action == "user.granted"))
    members = db.execute(select(User.id, User.username, User.display_name)
                         .join(Membership, Membership.user_id == User.id)
                         .where(Membership.agency_id == agency_id)).all()
    users, seen_names = {}, {}
    for m in members:
        users[normal(m.username)] = m.id
        seen_names.setdefault(normal(m.display_name), set()).add(m.id)
    for name, ids in seen_names.items():  # a display name two members share names nobody
        if len(ids) == 1 and name not in users:
            users[name] = next(iter(ids))
    names = {m.id: {"username": m.username, "name": m.display_name} for m in members}
    former = {user_id for user_id, _ in changes} - set(names)  # members no more: named all the same
    if former:
        names.update({u.id: {"username": u.username, "name": u.display_name} for u in db.execute(
            select(User.id, User.username, User.display_name).where(User.id.in_(former)))})
    return Holdings(current, changes, by_name, users, names)


def judge(holdings: Holdings, lane_roles: dict, event, element_id: str | None, lane: str | None) -> dict:
    """One completed step: {"element_id", "resource", "person", "lane", "held", "basis"}.
    `held` True / False (a violation) / None (unknown); `basis`: "history" (the holdings over
    time), "role_name" (the log's org:role against the lane), or "unknown"."""
    out = {"element_id": element_id, "resource": event.resource, "person": None, "lane": lane, "held": None,
           "basis": "unknown"}
    role_id = lane_roles.get(lane) if lane else None
    if role_id is None and lane:
        role_id = holdings.roles_by_name.get(normal(lane))
    user_id = event.resource_id
    if user_id is None and event.resource:
        user_id = holdings.users.get(normal(event.resource))
    if user_id is not None:
        out["person"] = holdings.names.get(user_id) or {"username": event.resource, "name": event.resource}
    if user_id is not None and role_id is not None:
        out.update(held=holdings.held(user_id, role_id, event.at), basis="history")
    elif lane and event.role:
        out.update(held=normal(event.role) == normal(lane), basis="role_name")
    return out
