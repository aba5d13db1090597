"""The auditor's list of SOPs: per agency they audit (`audit.read`), each SOP with the version its
executions are compared with (marked "resmi", or the active one standing in) and how many
instances it has (completed ones apart), for the way into each SOP's conformance report."""
from __future__ import annotations

from sqlalchemy import func, select

from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.agency_sops import agencies_and_sops
from ...kernel.context import Alur
from ...kernel.versions import official_version_id
from ...models import ProcessInstance, ProcessVersion


def audited_sops(alur: Alur, actor: Actor) -> list[dict]:
    """[{slug, name, sops: [{key, name, version, official, instances, completed}]}], by agency
    name; 403 for someone who audits no agency. Four queries and one per SOP (its official version)."""
    audited = access.require_somewhere(actor, "audit.read")
    model_of = ProcessVersion.process_model_id
    with alur.db.transaction() as s:
        agencies, models = agencies_and_sops(s, audited)
        counts = {(m, status): n for m, status, n in s.execute(
            select(model_of, ProcessInstance.status, func.count())
            .select_from(ProcessInstance).join(ProcessVersion, ProcessVersion.id == ProcessInstance.version_id)
            .where(ProcessInstance.agency_id.in_(audited)).group_by(model_of, ProcessInstance.status)).all()}
        chosen = {m.id: official_version_id(s, m.id) for m in models}
        versions = {v.id: v for v in s.execute(select(ProcessVersion.id, ProcessVersion.version,
                                                      ProcessVersion.official)
                                               .where(ProcessVersion.id.in_([v for v in chosen.values() if v])))}
    out = []
    for a in agencies:
        sops = []
        for m in (m for m in models if m.agency_id == a.id):
            found = versions.get(chosen[m.id])
            sops.append({"key": m.key, "name": m.name, "version": found.version if found else None,
                         "official": bool(found and found.official),
                         "instances": sum(n for (model, _), n in counts.items() if model == m.id),
                         "completed": counts.get((m.id, "completed"), 0)})
        out.append({"slug": a.slug, "name": a.name, "sops": sops})
    return out
