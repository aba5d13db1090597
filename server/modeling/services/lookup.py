"""Which SOP a process owner means: a key (and, when two of their agencies share it, a slug),
checked against the access policy before anything of it is read or changed."""
from __future__ import annotations

from sqlalchemy import select

from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.process_models import model_for
from ...models import Agency, ProcessModel


def owned_model(s, actor: Actor, key: str, agency: str | None = None) -> tuple[ProcessModel, Agency]:
    """The process model `key` of an agency where `actor` is Pemilik Proses (`model.edit`)."""
    return model_for(s, actor, key, "model.edit", agency)


def owned_agencies(s, actor: Actor) -> list[Agency]:
    """The agencies where the actor is Pemilik Proses, by name."""
    ids = access.agencies_where(actor, access.PEMILIK)
    if not ids:
        return []
    return list(s.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name)))


def may_model(actor: Actor) -> bool:
    """Whether the actor owns the processes of any agency (the header's "Model SOP" link)."""
    return bool(access.agencies_where(actor, access.PEMILIK))
