"""The path each instance took: which elements its tokens reached, by which sequence flows.

The engine forgets finished history after every step (engine.pruning), so the path is kept here,
one `element_visit` row per arrival, written by the engine-step unit in the step's transaction.
The diagram of a supervisor's instance page and the dashboard's heatmap are read from it.
"""
from __future__ import annotations

from sqlalchemy import func, insert, select

from ..models import ElementVisit
from .versions import VersionInfo

VISITS = ElementVisit.__table__
_INSERT = insert(VISITS)


def record(db, now, instance_id: int, info: VersionInfo, agency_id: int, passages) -> None:
    """Appends the run's `passages` (engine.Passage: element, the element it came from) on the
    version `info`, naming the flow each came by."""
    if not passages:
        return
    flows = info.flow_ids(db)
    db.execute(_INSERT, [{"instance_id": instance_id, "version_id": info.id, "agency_id": agency_id,
                          "element_id": p.element_id, "flow_id": flows.get((p.source_id, p.element_id)),
                          "at": now} for p in passages])


def visits(db, instance_id: int) -> dict[str, int]:
    """Element id -> how many times the instance reached it ("2x" where a loop ran)."""
    return dict(db.execute(select(VISITS.c.element_id, func.count()).where(VISITS.c.instance_id == instance_id)
                           .group_by(VISITS.c.element_id)).all())


def flows_taken(db, instance_id: int) -> dict[str, int]:
    """Sequence flow id -> how many times a token went along it."""
    return dict(db.execute(select(VISITS.c.flow_id, func.count())
                           .where(VISITS.c.instance_id == instance_id, VISITS.c.flow_id.is_not(None))
                           .group_by(VISITS.c.flow_id)).all())


def passages(db, instance_id: int) -> list[dict]:
    """Every arrival in order: element, the flow it came by, when (UTC)."""
    rows = db.execute(select(VISITS.c.element_id, VISITS.c.flow_id, VISITS.c.at)
                      .where(VISITS.c.instance_id == instance_id).order_by(VISITS.c.id)).all()
    return [{"element_id": r.element_id, "flow_id": r.flow_id, "at": r.at} for r in rows]
