"""The append-only audit trail: every change writes one event in the same transaction, as a link
of a hash chain, one chain per agency (chain 0: events of no agency, such as failed sign-ins).

A link's hash is SHA-256 over the previous link's hash and the event's canonical JSON (its
position in the chain, time, action, who, what, before and after), so a database administrator
who edits, deletes or reorders a row leaves a break that `verify` names. Appending locks the
chain's head row (`audit_chain`) until the transaction ends: the writers of one agency take turns
for the link, those of other agencies are not held up. Deleting the newest events and rewriting the
head is what no chain can show by itself: the daily checkpoints (`checkpoints`) are for the auditor
to record outside Alur and compare later (`verify(..., checkpoint=(seq, hash))`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from hashlib import sha256

from sqlalchemy import Text, bindparam, cast, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..models import AuditChain, AuditEvent
from ..timeplan.local_days import local_midnight

GENESIS = "0" * 64  # the "previous hash" of a chain's first event
SYSTEM_CHAIN = 0
# The events of a supervisor's actions on a case: the monitoring timeline shows them beside the
# steps, the conformance report lists them as interventions.
INTERVENTIONS = ("instance.suspended", "instance.resumed", "instance.cancelled", "instance.retried",
                 "instance.moved", "instance.migrated", "task.assigned", "task.unassigned")

_EVENTS = AuditEvent.__table__
_CHAINS = AuditChain.__table__
_INSERT = insert(_EVENTS)  # built once: this runs on every step
_HEAD = select(_CHAINS.c.seq, _CHAINS.c.head).where(_CHAINS.c.chain == bindparam("chain")).with_for_update()
_NEW_CHAIN = {dialect: module.insert(_CHAINS).on_conflict_do_nothing(index_elements=["chain"])
              for dialect, module in (("postgresql", postgresql), ("sqlite", sqlite))}
# bound as c/s/h: a bindparam named like a column clashes with values()' own parameters
_MOVE_HEAD = update(_CHAINS).where(_CHAINS.c.chain == bindparam("c")).values(seq=bindparam("s"), head=bindparam("h"))
# before/after as text, parsed here: the drivers' JSON loaders cost verify half its time
_LINK_COLUMNS = (_EVENTS.c.id, _EVENTS.c.seq, _EVENTS.c.at, _EVENTS.c.action, _EVENTS.c.actor_id,
                 _EVENTS.c.agency_id, _EVENTS.c.instance_id, _EVENTS.c.task_id, cast(_EVENTS.c.before, Text),
                 cast(_EVENTS.c.after, Text), _EVENTS.c.hash)


def chain_of(agency_id: int | None) -> int:
    return agency_id or SYSTEM_CHAIN


def stored(value):
    """A before/after value as the JSON column gives it back (tuples become lists, keys strings):
    what is hashed at write is what verify reads."""
    return None if value is None else json.loads(json.dumps(value))


def canonical(seq: int, at: datetime, action: str, actor_id, agency_id, instance_id, task_id, before, after) -> bytes:
    """The event as hashed: a JSON array, keys sorted, no spaces, the time in UTC to the microsecond."""
    return json.dumps([seq, at.astimezone(timezone.utc).isoformat(timespec="microseconds"), action, actor_id,
                       agency_id, instance_id, task_id, before, after],
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def link(previous: str, event: bytes) -> str:
    return sha256(previous.encode() + event).hexdigest()


def record(db, at, action: str, *, actor_id=None, agency_id=None, instance_id=None, task_id=None,
           before: dict | None = None, after: dict | None = None) -> None:
    """`db` is the transaction's Session or Connection: the event commits with the change, and the
    chain's head stays locked until then."""
    chain = chain_of(agency_id)
    seq, previous = _lock_head(db, chain)
    before, after = stored(before), stored(after)
    seq += 1
    digest = link(previous, canonical(seq, at, action, actor_id, agency_id, instance_id, task_id, before, after))
    db.execute(_INSERT, {"at": at, "action": action, "actor_id": actor_id, "agency_id": agency_id,
                         "instance_id": instance_id, "task_id": task_id, "before": before, "after": after,
                         "chain": chain, "seq": seq, "hash": digest})
    db.execute(_MOVE_HEAD, {"c": chain, "s": seq, "h": digest})


def _lock_head(db, chain: int) -> tuple[int, str]:
    """The chain's length and head hash, its row locked (a chain's first event creates it)."""
    row = db.execute(_HEAD, {"chain": chain}).first()
    if row is None:
        dialect = db.dialect.name if hasattr(db, "dialect") else db.get_bind().dialect.name
        db.execute(_NEW_CHAIN[dialect].values(chain=chain, seq=0, head=GENESIS))
        row = db.execute(_HEAD, {"chain": chain}).first()
    return row.seq, row.head


# --- verification ----------------------------------------------------------------------------

@dataclass
class Verification:
    """`first_broken`: None, or the first event that breaks the chain, as
    {"id", "seq", "at", "reason"}; reason is "edited" (its content or hash no longer matches),
    "deleted" (events before it are missing; `missing` says from which seq), "reordered" (it
    was recorded after the event the chain puts behind it), "inserted" (a second event claims
    its place), "missing_tail" (the chain's head counts events that are gone), "head_changed"
    (the head row does not match the last event), "head_missing" (events but no head row) or
    "checkpoint" (the event a recorded checkpoint names no longer has that hash)."""

    chain: int
    ok: bool = True
    events: int = 0
    head: str | None = None
    first_broken: dict | None = None

    def as_dict(self) -> dict:
        return {"ok": self.ok, "events": self.events, "head": self.head, "first_broken": self.first_broken}


def verify(db, chain: int, *, checkpoint: tuple[int, str] | None = None, batch: int = 5000) -> Verification:
    """Walk the chain in order and recompute each link from the previous event's stored hash, so
    an edited row fails at itself and the rows after it still check. `db`: a Session or Connection."""
    result = Verification(chain)
    previous, expected, last_id = GENESIS, 1, None
    rows = db.execute(select(*_LINK_COLUMNS).where(_EVENTS.c.chain == chain)
                      .order_by(_EVENTS.c.seq, _EVENTS.c.id).execution_options(yield_per=batch))
    for row in rows:
        row_id, seq, digest = row[0], row[1], row[10]
        result.events += 1
        reason = _break_at(row, previous, expected, last_id)
        if reason == "reordered" and result.first_broken and result.first_broken["id"] == last_id:
            result.first_broken["reason"] = "reordered"  # the event before failed for being out of place
        if reason:
            _broken(result, row, reason, expected)
            if reason != "edited":  # an edited row says nothing of its successors: walk on
                break
        if checkpoint and seq == checkpoint[0] and digest != checkpoint[1] and result.ok:
            _broken(result, row, "checkpoint", expected)
        previous, expected, last_id = digest, max(expected, seq + 1), row_id
        result.head = digest
    head = db.execute(select(_CHAINS.c.seq, _CHAINS.c.head).where(_CHAINS.c.chain == chain)).first()
    if result.ok and head is None and result.events:
        result.ok = False
        result.first_broken = {"id": None, "seq": expected - 1, "at": None, "reason": "head_missing"}
    if result.ok and head is not None and head.seq != expected - 1:
        result.ok = False
        result.first_broken = {"id": None, "seq": expected, "at": None,
                               "reason": "missing_tail" if head.seq > expected - 1 else "head_changed"}
    elif result.ok and head is not None and head.head != (result.head or GENESIS):
        result.ok = False
        result.first_broken = {"id": None, "seq": head.seq, "at": None, "reason": "head_changed"}
    if result.ok and checkpoint and checkpoint[0] > expected - 1:
        result.ok = False
        result.first_broken = {"id": None, "seq": checkpoint[0], "at": None, "reason": "checkpoint"}
    return result


def _break_at(row: tuple, previous: str, expected: int, last_id) -> str | None:
    row_id, seq, at, action, actor_id, agency_id, instance_id, task_id, before, after, digest = row
    if seq > expected:
        return "deleted"
    if seq < expected:
        return "inserted"
    if last_id is not None and row_id < last_id:
        return "reordered"
    event = canonical(seq, at, action, actor_id, agency_id, instance_id, task_id, _loads(before), _loads(after))
    return None if link(previous, event) == digest else "edited"


def _loads(text: str | None):
    return None if text is None or text == "null" else json.loads(text)


def _broken(result: Verification, row: tuple, reason: str, expected: int) -> None:
    if result.ok:
        result.ok = False
        result.first_broken = {"id": row[0], "seq": row[1], "at": row[2].isoformat(), "reason": reason}
        if reason == "deleted":
            result.first_broken["missing"] = expected


def chains(db) -> list[int]:
    """Every chain that has a head (agency ids, and 0 for events of no agency)."""
    return list(db.scalars(select(_CHAINS.c.chain).order_by(_CHAINS.c.chain)))


# --- checkpoints -----------------------------------------------------------------------------

def checkpoints(db, chain: int, zone: str, days: int = 30, *, today: date) -> list[dict]:
    """The chain's head at the end of each of the last `days` days (in `zone`), newest first, for
    the auditor to record outside Alur: {"day", "events" (the seq of the day's last event),
    "head"}; days before the chain's first event are left out."""
    found = []
    for back in range(days):
        day = today - timedelta(days=back)
        end = local_midnight(day + timedelta(days=1), zone)
        row = db.execute(select(_EVENTS.c.seq, _EVENTS.c.hash)
                         .where(_EVENTS.c.chain == chain, _EVENTS.c.at < end)
                         .order_by(_EVENTS.c.at.desc(), _EVENTS.c.seq.desc()).limit(1)).first()
        if row is None:
            break
        found.append({"day": day, "events": row.seq, "head": row.hash})
    return found
