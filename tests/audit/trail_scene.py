"""What the audit-trail tests share: a few Kemenpora cases and one of BSIP moved along as their
staff would, on a clock that moves a minute per step; and what a database administrator could do
to the trail behind Alur's back (lift the append-only trigger, edit, delete or swap rows)."""
from __future__ import annotations

import re
from contextlib import contextmanager

from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlalchemy import delete, select, text, update

from server import demo
from server.app import create_app
from server.cli import main
from server.models import Agency, AuditEvent

from ..walking import do_open_task, start_kemenpora

EVENTS = AuditEvent.__table__
BSIP_KEY = "bsip_informasi_media_sosial"


def build(alur) -> dict:
    """Two Kemenpora cases (one a step further on the next day), one BSIP case. Returns their ids."""
    first = start_kemenpora(alur, "Publikasi Hari Olahraga Nasional")
    alur.clock.advance(minutes=1)
    do_open_task(alur, first)
    alur.clock.advance(days=1)
    second = start_kemenpora(alur, "Publikasi Sumpah Pemuda")
    alur.clock.advance(minutes=1)
    do_open_task(alur, second)
    alur.clock.advance(minutes=1)
    do_open_task(alur, second)
    bsip = int(re.search(r"#(\d+)", demo.drive(alur, BSIP_KEY, 1, title="Informasi BSIP")).group(1))
    return {"first": first, "second": second, "bsip": bsip}


def agency_id(alur, slug: str) -> int:
    with alur.db.transaction() as s:
        return s.scalar(select(Agency.id).where(Agency.slug == slug))


def chain_rows(alur, slug: str) -> list:
    """The agency's events in chain order: (id, seq, at, action)."""
    chain = agency_id(alur, slug)
    with alur.db.transaction() as s:
        return s.execute(select(EVENTS.c.id, EVENTS.c.seq, EVENTS.c.at, EVENTS.c.action)
                         .where(EVENTS.c.chain == chain).order_by(EVENTS.c.seq)).all()


@contextmanager
def append_only_lifted(alur):
    """What a database administrator could do: the append-only trigger (migration 0002) off for
    the block, back on after it."""
    postgres = alur.db.is_postgres
    with alur.db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update" if postgres
                          else "DROP TRIGGER audit_event_no_update"))
    try:
        yield
    finally:
        with alur.db.engine.begin() as conn:
            if postgres:
                conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update"))
            else:
                conn.execute(text("CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
                                  "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END"))


def edit(alur, event_id: int, **values) -> None:
    with append_only_lifted(alur), alur.db.engine.begin() as conn:
        conn.execute(update(EVENTS).where(EVENTS.c.id == event_id).values(**values))


def remove(alur, event_id: int) -> None:
    with alur.db.engine.begin() as conn:  # the trigger refuses updates only
        conn.execute(delete(EVENTS).where(EVENTS.c.id == event_id))


def swap_places(alur, first_id: int, second_id: int) -> None:
    """Reorders two events of a chain: each takes the other's seq (through a free one, as the
    pair (chain, seq) is unique)."""
    with append_only_lifted(alur), alur.db.engine.begin() as conn:
        seqs = dict(conn.execute(select(EVENTS.c.id, EVENTS.c.seq).where(EVENTS.c.id.in_([first_id, second_id]))).all())
        conn.execute(update(EVENTS).where(EVENTS.c.id == first_id).values(seq=-1))
        conn.execute(update(EVENTS).where(EVENTS.c.id == second_id).values(seq=seqs[first_id]))
        conn.execute(update(EVENTS).where(EVENTS.c.id == first_id).values(seq=seqs[second_id]))


def cli(alur, *args):
    """`alur ...` on the test database; the click Result."""
    app = create_app(alur=alur)
    return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app))
