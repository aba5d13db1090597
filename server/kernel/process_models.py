"""Which SOP a user means by its key: the process model of one of their agencies where the
access policy allows `action`, checked before anything of it is read or changed."""
from __future__ import annotations

from sqlalchemy import select

from ..errors import InvalidInput, NotFound
from ..models import Agency, ProcessModel
from . import access
from .actors import Actor


def model_for(s, actor: Actor, key: str, action: str, agency: str | None = None) -> tuple[ProcessModel, Agency]:
    """The process model `key` (of the agency with slug `agency`, when given) where the actor may
    `action`: 404 when no agency has it, 403 when only agencies the actor may not act in have it
    (with the policy's message), 422 when several of theirs do and `agency` does not say which."""
    if not isinstance(key, str) or not key.strip():
        raise NotFound("SOP tidak ditemukan.", "SOP not found.")
    query = select(ProcessModel, Agency).join(Agency, Agency.id == ProcessModel.agency_id) \
        .where(ProcessModel.key == key)
    if agency:
        query = query.where(Agency.slug == agency)
    rows = s.execute(query.order_by(Agency.slug)).all()
    if not rows:
        raise NotFound(f"SOP '{key}' tidak ditemukan.", f"SOP '{key}' not found.")
    mine = [row for row in rows if access.can(actor, action, access.Facts(row.Agency.id))]
    if not mine:
        member = next((row for row in rows if actor.member_of(row.Agency.id)), rows[0])
        access.require(actor, action, access.Facts(member.Agency.id))  # raises the right 403
    if len(mine) > 1:
        slugs = ", ".join(row.Agency.slug for row in mine)
        raise InvalidInput(f"SOP '{key}' ada di beberapa instansi Anda ({slugs}); sebutkan instansinya "
                           "(?agency=...).",
                           f"The SOP '{key}' exists in several of your agencies ({slugs}); name the agency "
                           "(?agency=...).")
    return mine[0].ProcessModel, mine[0].Agency
