"""Verifying an agency's hash chain and its daily checkpoints, for its auditor (the page and the
API) and for the server's administrator (`alur audit verify`, every chain, the system chain 0 of
events without an agency too). The chain itself and its checks are the kernel's (kernel/audit.py).

Which agency an auditor means follows `process_models.model_for`: the one named (404 unknown,
403 not theirs), else their only one; 422 when they audit several and name none.
"""
from __future__ import annotations

from sqlalchemy import select

from ...errors import InvalidInput, NotFound
from ...kernel import audit
from ...kernel.actors import Actor
from ...kernel.context import Alur
from ...models import Agency, AuditEvent
from ...timeplan.local_days import DEFAULT_ZONE, local_today
from .trail import scope

CHECKPOINT_DAYS = 30
# Why a chain broke at an event (kernel/audit.Verification's reasons), in Indonesian and English.
REASONS = {
    "edited": ("isinya diubah setelah dicatat", "its content was changed after it was recorded"),
    "deleted": ("kejadian sebelumnya dihapus", "events before it were deleted"),
    "reordered": ("urutannya ditukar", "its order was changed"),
    "inserted": ("kejadian lain disisipkan di tempatnya", "another event was inserted in its place"),
    "missing_tail": ("kejadian terakhir rantai dihapus", "the chain's last events were deleted"),
    "head_changed": ("kepala rantai tidak cocok dengan kejadian terakhirnya",
                     "the chain's head does not match its last event"),
    "head_missing": ("baris kepala rantai dihapus", "the chain's head row was deleted"),
    "checkpoint": ("tidak cocok dengan titik periksa yang dicatat", "it does not match the recorded checkpoint"),
}


def chosen_agency(s, actor: Actor, agency: str | None):
    """The agency row (id, slug, name, timezone) the auditor means: trail.scope's one, 422 when
    they audit several and name none."""
    rows = scope(s, actor, agency)
    if len(rows) > 1:
        slugs = ", ".join(sorted(r.slug for r in rows))
        raise InvalidInput(f"Anda mengaudit beberapa instansi ({slugs}); sebutkan instansinya (?agency=...).",
                           f"You audit several agencies ({slugs}); name the agency (?agency=...).",
                           fields={"agency": [{"id": "Sebutkan instansinya.", "en": "Name the agency."}]})
    return rows[0]


def parse_checkpoint(value: str | None) -> tuple[int, str] | None:
    """A checkpoint recorded outside Alur, "SEQ:HASH" (e.g. 1520:9f86d0...), or None."""
    if value is None:
        return None
    seq, _, digest = str(value).strip().partition(":")
    digest = digest.strip().lower()
    if not seq.strip().isdigit() or len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise InvalidInput("Titik periksa harus NOMOR:HASH, mis. 1520:9f86d0... (hash SHA-256, 64 karakter heksa).",
                           "A checkpoint must be SEQ:HASH, e.g. 1520:9f86d0... (a SHA-256 hash, 64 hex characters).",
                           fields={"checkpoint": [{"id": "Harus NOMOR:HASH.", "en": "Must be SEQ:HASH."}]})
    return int(seq), digest


def verify(alur: Alur, actor: Actor, agency: str | None = None, checkpoint: str | None = None) -> dict:
    """{"ok", "events", "head", "first_broken"} of the agency's chain (first_broken: None, or
    {"id", "seq", "at", "reason"}, the id and time null where no event is left to name)."""
    mark = parse_checkpoint(checkpoint)
    with alur.db.connection() as conn:  # Core rows: verifying reads every event of the chain
        row = chosen_agency(conn, actor, agency)
        return audit.verify(conn, audit.chain_of(row.id), checkpoint=mark).as_dict()


def reason_text(reason: str | None, locale: str = "id") -> str:
    """Why the chain broke, in the reader's language (the code itself when unknown)."""
    found = REASONS.get(reason or "")
    return (found[1] if locale == "en" else found[0]) if found else (reason or "")


def _days(found: list[dict]) -> list[dict]:
    return [{"day": c["day"].isoformat(), "events": c["events"], "head": c["head"]} for c in found]


def checkpoint_table(alur: Alur, actor: Actor, agency: str | None = None, days: int = CHECKPOINT_DAYS) -> dict:
    """The agency's chain head at the end of each of the last `days` local days, newest first
    (today's: so far): {"agency", "timezone", "items": [{"day", "events", "head"}]}."""
    with alur.db.transaction() as s:
        row = chosen_agency(s, actor, agency)
        zone = row.timezone or DEFAULT_ZONE
        found = audit.checkpoints(s, audit.chain_of(row.id), zone, days, today=local_today(alur.clock.now(), zone))
    return {"agency": row.slug, "timezone": zone, "items": _days(found)}


def panels(alur: Alur, actor: Actor, agency: str | None = None, days: int = CHECKPOINT_DAYS) -> list[dict]:
    """Per agency the actor audits (or the one named): its slug, name, time zone and checkpoints;
    the auditor's home shows one panel each."""
    with alur.db.transaction() as s:
        out = []
        for row in scope(s, actor, agency):
            zone = row.timezone or DEFAULT_ZONE
            out.append({"slug": row.slug, "name": row.name, "timezone": zone, "chain": audit.chain_of(row.id),
                        "checkpoints": _days(audit.checkpoints(s, audit.chain_of(row.id), zone, days,
                                                               today=local_today(alur.clock.now(), zone)))})
    return out


# --- the administrator's (CLI): no actor, every chain ----------------------------------------------

def _chains(s, agency: str | None) -> list[tuple[int, str | None, str | None]]:
    """(chain, agency slug or None, time zone) of the agency named, or of every chain: those with a
    head, those with events (a head row someone deleted hides nothing) and every agency."""
    agencies = {r.id: r for r in s.execute(select(Agency.id, Agency.slug, Agency.timezone))}
    if agency:
        found = next((a for a in agencies.values() if a.slug == agency), None)
        if found is None:
            raise NotFound(f"Instansi '{agency}' tidak ditemukan.", f"Agency '{agency}' not found.")
        return [(audit.chain_of(found.id), found.slug, found.timezone)]
    numbers = set(audit.chains(s)) | set(s.scalars(select(AuditEvent.chain).distinct())) | set(agencies) \
        | {audit.SYSTEM_CHAIN}
    return [(n, agencies[n].slug if n in agencies else None, agencies[n].timezone if n in agencies else None)
            for n in sorted(numbers)]


def verify_chains(alur: Alur, agency: str | None = None, checkpoint: str | None = None) -> list[dict]:
    """Each chain's verification: {"chain", "agency", "ok", "events", "head", "first_broken"}."""
    mark = parse_checkpoint(checkpoint)
    out = []
    with alur.db.transaction() as s:
        found = _chains(s, agency)
    for chain, slug, _ in found:
        with alur.db.connection() as conn:
            out.append({"chain": chain, "agency": slug, **audit.verify(conn, chain, checkpoint=mark).as_dict()})
    return out


def heads_today(alur: Alur, agency: str | None = None) -> list[dict]:
    """Each chain's head now, to record outside Alur: {"chain", "agency", "day" (the local day),
    "at" (now, UTC), "events", "head"}."""
    out = []
    with alur.db.transaction() as s:
        for chain, slug, zone in _chains(s, agency):
            row = s.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.chain == chain)
                            .order_by(AuditEvent.seq.desc()).limit(1)).first()
            out.append({"chain": chain, "agency": slug, "day": local_today(alur.clock.now(), zone).isoformat(),
                        "at": alur.clock.now().isoformat(), "events": row.seq if row else 0,
                        "head": row.hash if row else None})
    return out
