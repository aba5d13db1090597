"""The hash chain as the kernel writes it: every event a link, one chain per agency, the events
written before migration 0014 chained by it with the same recipe, and verify walking it."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa

from server.kernel import audit
from server.migrate import upgrade
from tests.walking import do_open_task, start_kemenpora

KEMENPORA = "kemenpora"


def _chain_rows(conn, chain):
    return conn.execute(sa.text("SELECT seq, hash FROM audit_event WHERE chain = :c ORDER BY seq"), {"c": chain}).all()


def test_engine_steps_write_one_unbroken_chain_per_agency(seeded):
    instance_id = start_kemenpora(seeded)
    do_open_task(seeded, instance_id)
    with seeded.db.engine.connect() as conn:
        agency_id = conn.scalar(sa.text("SELECT id FROM agency WHERE slug = :s"), {"s": KEMENPORA})
        rows = _chain_rows(conn, agency_id)
        assert [r.seq for r in rows] == list(range(1, len(rows) + 1)) and len(rows) >= 3
        result = audit.verify(conn, agency_id)
        head = conn.execute(sa.text("SELECT seq, head FROM audit_chain WHERE chain = :c"), {"c": agency_id}).one()
    assert result.ok and result.first_broken is None
    assert result.events == len(rows) == head.seq and result.head == rows[-1].hash == head.head
    # the first link hangs on the genesis hash, each next one on its predecessor
    assert len({r.hash for r in rows}) == len(rows)


def test_a_checkpoint_recorded_outside_is_checked(seeded):
    start_kemenpora(seeded)
    with seeded.db.engine.connect() as conn:
        agency_id = conn.scalar(sa.text("SELECT id FROM agency WHERE slug = :s"), {"s": KEMENPORA})
        rows = _chain_rows(conn, agency_id)
        good = audit.verify(conn, agency_id, checkpoint=(rows[0].seq, rows[0].hash))
        wrong = audit.verify(conn, agency_id, checkpoint=(rows[0].seq, "f" * 64))
        beyond = audit.verify(conn, agency_id, checkpoint=(rows[-1].seq + 5, "f" * 64))
    assert good.ok
    assert not wrong.ok and wrong.first_broken["reason"] == "checkpoint" and wrong.first_broken["seq"] == rows[0].seq
    assert not beyond.ok and beyond.first_broken["reason"] == "checkpoint"


def test_values_are_hashed_as_the_database_gives_them_back(seeded):
    at = datetime(2026, 11, 30, 8, 1, 2, 345678, tzinfo=timezone.utc)
    with seeded.db.engine.begin() as conn:
        audit.record(conn, at, "test.odd_values", after={1: (1, 2), "teks": "Ditolak – ulang", "f": 0.1})
    with seeded.db.engine.connect() as conn:
        result = audit.verify(conn, audit.SYSTEM_CHAIN)
    assert result.ok and result.events >= 1


def test_migration_0014_chains_the_events_written_before_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0013")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO agency (id, slug, name, timezone) VALUES (7, 'x', 'X', 'Asia/Jakarta')"))
        for n, agency in enumerate([7, None, 7, 7, None]):
            conn.execute(sa.text("INSERT INTO audit_event (at, action, agency_id, after) VALUES (:at, :a, :g, :after)"),
                         {"at": f"2026-11-0{n + 1} 0{n}:00:00.000000", "a": f"old.{n}", "g": agency,
                          "after": '{"n": %d}' % n})
    engine.dispose()
    upgrade(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        assert [r.seq for r in _chain_rows(conn, 7)] == [1, 2, 3]
        assert [r.seq for r in _chain_rows(conn, 0)] == [1, 2]
        assert audit.verify(conn, 7).ok and audit.verify(conn, 0).ok
        # the server appends to the migrated chains, and they still verify
        audit.record(conn, datetime(2026, 11, 30, tzinfo=timezone.utc), "new.one", agency_id=7)
    with engine.begin() as conn:
        assert audit.verify(conn, 7).events == 4 and audit.verify(conn, 7).ok
        # the append-only trigger is back after the migration
        try:
            conn.execute(sa.text("UPDATE audit_event SET action = 'x'"))
        except sa.exc.DBAPIError as error:
            assert "append-only" in str(error)
        else:
            raise AssertionError("the update went through")
    engine.dispose()


def test_a_deleted_head_row_is_named(seeded):
    start_kemenpora(seeded)
    with seeded.db.engine.begin() as conn:
        agency_id = conn.scalar(sa.text("SELECT id FROM agency WHERE slug = :s"), {"s": KEMENPORA})
        conn.execute(sa.text("DELETE FROM audit_chain WHERE chain = :c"), {"c": agency_id})
    with seeded.db.engine.connect() as conn:
        result = audit.verify(conn, agency_id)
    assert not result.ok and result.first_broken["reason"] == "head_missing"
