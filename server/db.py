"""Database engine and transactions, without Flask.

One engine step is one transaction: services open it with `Database.transaction()`.
On SQLite every transaction starts with BEGIN IMMEDIATE, so two writers queue instead of
failing half-way; the file runs in WAL mode so readers do not block writers.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _tune_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    def __init__(self, url: str, **kwargs):
        self.url = url
        self.engine = make_engine(url, **kwargs)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work commits at the end of the block, or not at all."""
        with self._sessions() as session:
            with session.begin():
                yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A plain connection in a transaction, for the hot path (no ORM session around it)."""
        with self.engine.begin() as conn:
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()
