"""What every benchmark shares: the database it may use, an Alur on it, timing and statistics.

The database: a benchmark that runs on PostgreSQL takes the URL from the environment variable
ALUR_BENCH_DATABASE_URL and nowhere else. There is no default, because most benchmarks drop
and recreate schema `public` of that database. The URL must name a PostgreSQL database
explicitly, and never `test`, the test suite's database (nor the one ALUR_TEST_DATABASE_URL
names). Otherwise the benchmark stops with exit code 2 before it connects. SQLite runs use a
fresh file in a temporary folder and need no URL.
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

DATABASE_ENV = "ALUR_BENCH_DATABASE_URL"
PROTECTED_DATABASES = frozenset({"test"})   # owned by the test suite
EXIT_REFUSED = 2
EXAMPLE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/alur_bench"


class Refused(Exception):
    """The benchmark must not run against this database (or without one)."""


def _names(url) -> set[str]:
    """Every database name a URL may connect to: its path and a `dbname` query parameter."""
    names = {url.database or ""}
    extra = url.query.get("dbname")
    names.update(extra if isinstance(extra, tuple) else [extra] if extra else [])
    return names


def check_database_url(value: str | None) -> str:
    """The URL if a benchmark may use it (and drop its schema `public`); raises Refused if not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    if not value or not value.strip():
        raise Refused(
            f"{DATABASE_ENV} is not set. This benchmark drops and recreates schema public of the "
            "PostgreSQL database it is given, so it needs a scratch database of its own, for example:\n"
            "  createdb -h 127.0.0.1 -U postgres alur_bench\n"
            f"  export {DATABASE_ENV}={EXAMPLE_URL}\n"
            "(never the test suite's database `test`)")
    try:
        url = make_url(value.strip())
    except ArgumentError as exc:
        raise Refused(f"{DATABASE_ENV} is not a database URL: {exc}") from None
    if url.get_backend_name() != "postgresql":
        raise Refused(f"{DATABASE_ENV} must name a PostgreSQL database (postgresql+psycopg://...), "
                      f"not {url.get_backend_name()}: the SQLite runs make their own file")
    names = _names(url)
    if not url.database:
        raise Refused(f"{DATABASE_ENV} must name its database explicitly, e.g. {EXAMPLE_URL}")
    protected = names & PROTECTED_DATABASES
    if protected:
        raise Refused(f"{DATABASE_ENV} names database '{sorted(protected)[0]}', which belongs to the test "
                      "suite; benchmarks refuse it. Use a scratch database of your own, e.g. "
                      f"createdb -h 127.0.0.1 -U postgres alur_bench and {EXAMPLE_URL}")
    test_url = os.environ.get("ALUR_TEST_DATABASE_URL")
    if test_url:
        try:
            other = make_url(test_url)
        except ArgumentError:
            other = None
        if other is not None and (other.host or "", other.port or 5432) == (url.host or "", url.port or 5432) \
                and _names(other) & names - {""}:
            raise Refused(f"{DATABASE_ENV} names the same database as ALUR_TEST_DATABASE_URL "
                          f"({url.database}); benchmarks refuse the test suite's database")
    return value.strip()


def bench_database_url() -> str:
    """ALUR_BENCH_DATABASE_URL if usable, else a message on stderr and exit code 2."""
    try:
        return check_database_url(os.environ.get(DATABASE_ENV))
    except Refused as exc:
        print(f"refused: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_REFUSED) from None


def refuse_postgres_option(value: str | None) -> None:
    """The old `--postgres URL` option is gone: the URL comes from the environment only."""
    if value is not None:
        print(f"refused: --postgres is no longer accepted; set {DATABASE_ENV} instead "
              f"(e.g. {EXAMPLE_URL})", file=sys.stderr)
        raise SystemExit(EXIT_REFUSED)


def database_options(parser) -> None:
    """--no-postgres, and the old --postgres (hidden, refused by `postgres_url`)."""
    parser.add_argument("--postgres", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--no-postgres", action="store_true", help=f"SQLite only (then {DATABASE_ENV} is not needed)")


def postgres_url(args) -> str | None:
    """The checked URL, or None with --no-postgres; checked before anything runs, so a refusal costs nothing."""
    refuse_postgres_option(args.postgres)
    return None if args.no_postgres else bench_database_url()


def connected_database_problem(conn) -> str | None:
    """Checks, on a live connection, the database the server really gave us (a service file
    or PGDATABASE could point elsewhere than the URL says)."""
    from sqlalchemy import text

    name = conn.scalar(text("SELECT current_database()"))
    if name in PROTECTED_DATABASES:
        return f"connected to database '{name}', which belongs to the test suite; refusing"
    return None


def reset_postgres(url: str) -> str | None:
    """Drops and recreates schema public of the benchmark's database. Returns why not, if it cannot.

    `url` must have passed `check_database_url`. Refuses while other sessions are connected to
    the same database, so the benchmark never pulls the schema from under someone else.
    """
    from sqlalchemy import create_engine, text

    check_database_url(url)
    try:
        engine = create_engine(url, connect_args={"connect_timeout": 3})
        try:
            with engine.begin() as conn:
                problem = connected_database_problem(conn)
                if problem:
                    return problem
                others = conn.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                          "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
                if others:
                    return (f"{others} other session(s) connected to this database; not dropping its schema "
                            f"(set {DATABASE_ENV} to a free scratch database)")
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()
        return None
    except Exception as exc:  # unreachable, no driver, no rights
        return str(exc).strip().splitlines()[0][:200]


def fresh_postgres(url: str) -> None:
    """`reset_postgres`, or stop with why not."""
    problem = reset_postgres(url)
    if problem:
        raise SystemExit(f"PostgreSQL ({DATABASE_ENV}) not usable: {problem}")


# --- an Alur on the benchmark's database ------------------------------------------------------

def open_alur(url: str, workdir: Path, password: str | None = None, clock=None):
    """An `Alur` on `url`, migrated to the newest schema (also an existing data set), its files
    under `workdir`."""
    from server.config import Settings
    from server.kernel import versions
    from server.kernel.context import Alur
    from server.migrate import upgrade

    versions.forget()  # the version cache is per process; ids repeat across databases
    upgrade(url)
    settings = Settings.from_env(database_url=url, instance_dir=workdir, secret_key="alur-bench",
                                 demo_password=password or os.environ.get("ALUR_DEMO_PASSWORD") or "alur-bench")
    settings.upload_dir = workdir / "uploads"
    return Alur.create(settings, clock=clock)


@dataclass
class Seen:
    sql: list               # (statement, parameters), in order
    transactions: int = 0   # BEGINs


@contextmanager
def statements(engine):
    """What goes to `engine` in the block: `with statements(engine) as seen:`, then `seen.sql`."""
    from sqlalchemy import event

    seen = Seen([])

    def on_statement(_conn, _cursor, statement, parameters, _context, _many):
        seen.sql.append((statement, parameters))

    def on_begin(_conn):
        seen.transactions += 1

    event.listen(engine, "before_cursor_execute", on_statement)
    event.listen(engine, "begin", on_begin)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", on_statement)
        event.remove(engine, "begin", on_begin)


def plan(alur, sql: str, params) -> list[str]:
    """The plan of one statement: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if alur.db.is_postgres else "EXPLAIN QUERY PLAN "
    with alur.db.connection() as conn:
        return [row[-1] for row in conn.exec_driver_sql(prefix + sql, params).all()]


# --- statistics and output --------------------------------------------------------------------

@dataclass
class Stats:
    samples: list  # seconds

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))] * 1000


def timed(call, runs: int, warmup: int = 0) -> Stats:
    """`call()` `warmup` times untimed, then `runs` times timed (wall clock, after a gc.collect)."""
    for _ in range(warmup):
        call()
    gc.collect()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    return Stats(times)


def log(*parts) -> None:
    print(*parts, file=sys.stderr, flush=True)


def version_of(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def machine(*dists: str) -> str:
    """Python, the packages `dists`, CPUs and OS, for a report's heading."""
    return ", ".join([f"Python {platform.python_version()}", *(f"{d} {version_of(d)}" for d in dists),
                      f"{os.cpu_count()} CPUs, {platform.machine()} {platform.system()} {platform.release()}"])
