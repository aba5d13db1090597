"""Linting on a process owner's behalf (the API and the modeler): who may, against which forms."""
from __future__ import annotations

from ...errors import DiagramRejected, Forbidden
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from .. import lint


UNREADABLE = ("xml-unsafe", "xml-malformed", "file-too-large")  # the file itself, not its diagram


def lint_for(alur: Alur, actor: Actor, data: bytes, filename: str) -> dict:
    """Every finding of the file, for a Pemilik Proses of any agency."""
    if not access.agencies_where(actor, access.PEMILIK):
        raise Forbidden(*access.RULES["model.edit"][1:])
    found = lint.lint(data, filename, alur.forms)
    unreadable = [f for f in found if f.code in UNREADABLE]
    if unreadable:  # refused as deploy refuses it: nothing of the file was expanded or fetched
        raise DiagramRejected(f"Diagram ditolak: {unreadable[0].message_id}",
                              f"Diagram rejected: {unreadable[0].message_en}",
                              findings=[f.as_dict() for f in unreadable])
    return {"filename": filename, "errors": len(lint.errors(found)),
            "warnings": len(found) - len(lint.errors(found)), "findings": [f.as_dict() for f in found]}
