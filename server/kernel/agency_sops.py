"""The agencies someone may look into and their SOPs, each by name: the supervisors' dashboard
index and the auditors' list of SOPs both start from these two queries (who may look where is
the caller's access check)."""
from __future__ import annotations

from sqlalchemy import select

from ..models import Agency, ProcessModel


def agencies_and_sops(s, agency_ids) -> tuple[list, list]:
    """(agencies, SOPs) among `agency_ids`: agency rows (id, slug, name) and process model rows
    (id, agency_id, key, name), each list ordered by name."""
    agencies = s.execute(select(Agency.id, Agency.slug, Agency.name).where(Agency.id.in_(agency_ids))
                         .order_by(Agency.name)).all()
    models = s.execute(select(ProcessModel.id, ProcessModel.agency_id, ProcessModel.key, ProcessModel.name)
                       .where(ProcessModel.agency_id.in_(agency_ids)).order_by(ProcessModel.name)).all()
    return agencies, models
