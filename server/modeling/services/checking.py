"""Linting on a process owner's behalf (the API and the modeler): who may, against which forms."""
from __future__ import annotations

from ...errors import Forbidden
from ...kernel import access
from ...kernel.actors import Actor
from ...kernel.context import Alur
from .. import lint


def lint_for(alur: Alur, actor: Actor, data: bytes, filename: str) -> dict:
    """Every finding of the file, for a Pemilik Proses of any agency."""
    if not access.agencies_where(actor, access.PEMILIK):
        raise Forbidden(*access.RULES["model.edit"][1:])
    found = lint.lint(data, filename, alur.forms)
    return {"filename": filename, "errors": len(lint.errors(found)),
            "warnings": len(found) - len(lint.errors(found)), "findings": [f.as_dict() for f in found]}
