"""What the modeling tests share: the Kemenpora seed, actors, XML sent to the API."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from server.kernel.actors import load_actor
from server.models import User

ROOT = Path(__file__).resolve().parents[2]
KEY = "kemenpora_publikasi_media_sosial"
KEMENPORA = (ROOT / "bpmn" / f"000_{KEY}.bpmn").read_bytes()
XML = {"Content-Type": "application/xml"}

# Hostile documents: a DTD with an external entity, the billion laughs, an internal entity.
HOSTILE = {
    "external-entity": b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                       b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;'
                       b'</bpmn:definitions>',
    "billion-laughs": b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                      + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                                 for i in range(1, 10))
                      + b']><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&lol9;'
                        b'</bpmn:definitions>',
    "dtd-only": b'<!DOCTYPE bpmn:definitions><bpmn:definitions '
                b'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"/>',
    "not-xml": b"<bpmn:definitions",
}


def actor(alur, username: str):
    with alur.db.transaction() as s:
        return load_actor(s, s.scalar(select(User.id).where(User.username == username)))


def oversized(key: str = KEY) -> bytes:
    """A well-formed diagram of the SOP `key` just over the parser's 5 MB (under the route's cap)."""
    padding = b"<!--" + b"x" * (5 * 1024 * 1024) + b"-->"
    return KEMENPORA.replace(b"</bpmn:definitions>", padding + b"</bpmn:definitions>")
