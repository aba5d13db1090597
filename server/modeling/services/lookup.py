"""Which SOP a process owner means: a key (and, when two of their agencies share it, a slug),
checked against the access policy before anything of it is read or changed."""
from __future__ import annotations

from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...kernel import access
from ...kernel.actors import Actor
from ...models import Agency, ProcessModel


def owned_model(s, actor: Actor, key: str, agency: str | None = None) -> tuple[ProcessModel, Agency]:
    """The process model `key` of an agency where `actor` is Pemilik Proses: 404 when no agency
    has it, 403 when only agencies the actor does not own have it (`model.edit`)."""
    query = select(ProcessModel, Agency).join(Agency, Agency.id == ProcessModel.agency_id) \
        .where(ProcessModel.key == key)
    if agency:
        query = query.where(Agency.slug == agency)
    rows = s.execute(query.order_by(Agency.slug)).all()
    if not rows:
        raise NotFound(f"SOP '{key}' tidak ditemukan.", f"SOP '{key}' not found.")
    mine = [row for row in rows if access.can(actor, "model.edit", access.Facts(row.Agency.id))]
    if not mine:
        access.require(actor, "model.edit", access.Facts(rows[0].Agency.id))  # raises the right 403
    if len(mine) > 1:
        slugs = ", ".join(row.Agency.slug for row in mine)
        raise InvalidInput(f"SOP '{key}' ada di beberapa instansi Anda ({slugs}); sebutkan instansinya "
                           "(?agency=...).",
                           f"The SOP '{key}' exists in several of your agencies ({slugs}); name the agency "
                           "(?agency=...).")
    return mine[0].ProcessModel, mine[0].Agency


def owned_agencies(s, actor: Actor) -> list[Agency]:
    """The agencies where the actor is Pemilik Proses, by name."""
    ids = access.agencies_where(actor, access.PEMILIK)
    if not ids:
        return []
    return list(s.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name)))


def may_model(actor: Actor) -> bool:
    """Whether the actor owns the processes of any agency (the header's "Model SOP" link)."""
    return bool(access.agencies_where(actor, access.PEMILIK))
