"""What every benchmark shares: the database it may use, an Alur on it, timing and statistics;
and what the scale benchmarks share: a bulk-loaded data set stored for reuse, and requests
measured through the Flask app.

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
import json
import os
import platform
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
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


# --- a data set built once, stored, and reused --------------------------------------------------
# The scale benchmarks (inbox_scale, instance_list, element_stats) bulk-load a large data set of
# rows, not through the engine. On PostgreSQL it is kept, with the parameters it was built from,
# and reused while those stay the same: building it again takes minutes.

MARKER = "bench_dataset"  # a table of the benchmarks' own in the bench database: what was built
SQLITE_BATCH = 20_000     # rows per executemany, so a million rows never sit in memory twice


def load_postgres(alur, tables) -> None:
    """COPY each (table, columns, rows) in one transaction: far faster than INSERTs at a million
    rows. The rows bring their own instance ids, so the id sequence is moved past them."""
    raw = alur.db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        with conn.cursor() as cur:
            for table, columns, source in tables:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in source:
                        copy.write_row(row)
            cur.execute("SELECT setval(pg_get_serial_sequence('process_instance', 'id'), "
                        "(SELECT max(id) FROM process_instance))")
        conn.commit()
    finally:
        raw.close()


def sqlite_value(value):
    """A value as SQLAlchemy's SQLite DATETIME stores it (UtcDateTime hands it UTC), since the
    raw driver would store a datetime differently and the server's queries would not match it."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def load_sqlite(alur, tables) -> None:
    """Each (table, columns, rows) with executemany in batches, in one transaction (SQLite has
    no COPY; the rows may be a generator)."""
    raw = alur.db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        conn.execute("BEGIN")
        for table, columns, source in tables:
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            batch = []
            for row in source:
                batch.append(tuple(sqlite_value(v) for v in row))
                if len(batch) == SQLITE_BATCH:
                    conn.executemany(sql, batch)
                    batch = []
            conn.executemany(sql, batch)
        conn.execute("COMMIT")
    finally:
        raw.close()


def analyze(alur) -> None:
    """VACUUM ANALYZE (SQLite: ANALYZE), so the planner knows the bulk-loaded rows before anything is timed."""
    with alur.db.engine.connect() as conn:
        if alur.db.is_postgres:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM refuses a transaction
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.exec_driver_sql("ANALYZE")


def load_and_analyze(alur, label: str, tables, loaded: str, since: float | None = None) -> dict:
    """`load_postgres` or `load_sqlite`, then `analyze`, each logged as "[label] {loaded} in N s"
    and "[label] VACUUM ANALYZE in N s". Returns {"load_s", "analyze_s"}. The load is timed from
    `since` (default: now), so a bench whose rows are generated while loading counts that in."""
    t1 = time.perf_counter() if since is None else since
    (load_postgres if alur.db.is_postgres else load_sqlite)(alur, tables)
    t2 = time.perf_counter()
    log(f"[{label}] {loaded} in {t2 - t1:.1f} s")
    analyze(alur)
    t3 = time.perf_counter()
    log(f"[{label}] VACUUM ANALYZE in {t3 - t2:.1f} s")
    return {"load_s": t2 - t1, "analyze_s": t3 - t2}


def revision(conn) -> str | None:
    """The schema revision (alembic) the database is at."""
    from sqlalchemy import text
    return conn.scalar(text("SELECT version_num FROM alembic_version"))


def as_stored(params: dict) -> dict:
    """`params` as they come back from the database (through JSON: tuples become lists), so a
    stored data set compares equal to the one a run would build."""
    return json.loads(json.dumps(params))


def stored(url: str, dataset: str) -> tuple[dict | None, str | None]:
    """The parameters data set `dataset` was built with (None: there is none) and the schema
    revision, read before the migrations run, on a connection checked not to be the test suite's."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.begin() as conn:
            problem = connected_database_problem(conn)
            if problem:
                raise SystemExit(problem)
            if conn.scalar(text(f"SELECT to_regclass('public.{MARKER}')")) is None:
                return None, None
            value = conn.scalar(text(f"SELECT params FROM {MARKER} WHERE name = :n"), {"n": dataset})
            return (json.loads(value) if value else None), revision(conn)
    finally:
        engine.dispose()


def store_params(alur, dataset: str, params: dict) -> None:
    """Records that `dataset` was built with `params`, so the next run reuses it (see `stored`)."""
    with alur.db.connection() as conn:
        conn.exec_driver_sql(f"CREATE TABLE IF NOT EXISTS {MARKER} (name text PRIMARY KEY, params text NOT NULL, "
                             "built_at text NOT NULL)")
        conn.exec_driver_sql(f"DELETE FROM {MARKER} WHERE name = %(n)s", {"n": dataset})
        conn.exec_driver_sql(f"INSERT INTO {MARKER} (name, params, built_at) VALUES (%(n)s, %(p)s, %(t)s)",
                             {"n": dataset, "p": json.dumps(params, sort_keys=True),
                              "t": datetime.now(timezone.utc).isoformat(timespec="seconds")})


def reuse_or_reset(url: str, dataset: str, params: dict, rebuild: bool,
                   reused: str = "reused from an earlier run") -> str | None:
    """How the stored data set is reused ("{reused}, schema X before this run"); None when it is
    to be built, and then schema public has been dropped already."""
    built_with, schema = stored(url, dataset)
    if not rebuild and built_with == as_stored(params):
        log(f"[PostgreSQL] reusing the data set built earlier (schema {schema}; --rebuild to build it again)")
        return f"{reused}, schema {schema} before this run"
    why = "--rebuild" if rebuild else ("no data set yet" if built_with is None else "its parameters changed")
    log(f"[PostgreSQL] building the data set ({why}); schema public is dropped first")
    fresh_postgres(url)
    return None


@contextmanager
def dataset_alur(args, prefix: str, dataset: str, params: dict, build, password: str, clock=None,
                 reused: str = "reused from an earlier run", analyze_reused: bool = False):
    """`with dataset_alur(...) as (alur, label, how):` an `Alur` on the bench's data set.

    With `args.sqlite` a temporary SQLite file, built every time; else the PostgreSQL database of
    ALUR_BENCH_DATABASE_URL, its stored data set reused while `params` match (and not
    `args.rebuild`), else built and its `params` stored. `build(alur, label)` returns
    {"load_s", "analyze_s"}; `how` says in words how the data set came about. `analyze_reused`:
    ANALYZE a reused one too, since a migration may have added indexes since it was built.
    """
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        if args.sqlite:
            url, label, how = f"sqlite:///{tmp}/alur.db", "SQLite", None
        else:
            url, label = bench_database_url(), "PostgreSQL"
            how = reuse_or_reset(url, dataset, params, args.rebuild, reused)
        alur = open_alur(url, Path(tmp), password, clock=clock)  # migrates a stored data set to the newest schema
        try:
            if how is None:
                built = build(alur, label)
                how = f"built in this run: load {built['load_s']:.0f} s, ANALYZE {built['analyze_s']:.0f} s"
                if alur.db.is_postgres:
                    store_params(alur, dataset, params)
            elif analyze_reused:
                analyze(alur)
            yield alur, label, how
        finally:
            alur.close()


def counts(alur, **tables: str) -> dict:
    """Rows of the data set as it stands (a reused one may have grown): instances, tasks, open
    tasks, the schema revision, and a count for each `name=table` given."""
    from sqlalchemy import text
    with alur.db.connection() as conn:
        found = {"tasks": conn.scalar(text("SELECT count(*) FROM human_task")),
                 "open": conn.scalar(text("SELECT count(*) FROM human_task WHERE state = 'ready'")),
                 "instances": conn.scalar(text("SELECT count(*) FROM process_instance"))}
        found.update({name: conn.scalar(text(f"SELECT count(*) FROM {table}")) for name, table in tables.items()})
        found["revision"] = revision(conn)
        return found


def server_version(alur) -> str:
    """The database server and its version, for a report's heading."""
    with alur.db.connection() as conn:
        if alur.db.is_postgres:
            return "PostgreSQL " + conn.exec_driver_sql("SHOW server_version").scalar().split()[0]
    return f"SQLite {sqlite3.sqlite_version}"


def indexes(alur, table: str) -> list[str]:
    """The names of `table`'s indexes, for a report: a result depends on which ones exist."""
    from sqlalchemy import inspect
    with alur.db.engine.connect() as conn:
        return sorted(ix["name"] for ix in inspect(conn).get_indexes(table))


def load_average() -> str:
    """The 1, 5 and 15 minute load averages, for a report: a busy machine skews the timings."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


# --- measuring requests through the Flask app ---------------------------------------------------

def make_app(alur, csrf: bool = True):
    """The real Flask app on `alur`, for `test_client()`; `csrf=False` lets a bench sign in
    through /login without a form token."""
    from server.app import create_app

    app = create_app(alur=alur)
    app.config.update(TESTING=True, **({} if csrf else {"WTF_CSRF_ENABLED": False}))
    return app


def bearer(client, username: str, password: str) -> dict:
    """Headers with an API token for `username` (POST /api/v1/auth/token); stops the bench if refused."""
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
    if r.status_code != 201:
        raise SystemExit(f"{username}: no token ({r.status_code}): {r.get_data(as_text=True)[:300]}")
    return {"Authorization": f"Bearer {r.get_json()['token']}"}


def selects_on(sql: list, *tables: str) -> list:
    """The (statement, parameters) of `sql` that SELECT from any of `tables`: a request's own
    reads, without its session and access checks."""
    names = re.compile(r"\b(" + "|".join(map(re.escape, tables)) + r")\b")
    return [(text, p) for text, p in sql if text.lstrip().upper().startswith("SELECT") and names.search(text)]


def replayed(alur, sql: list, runs: int) -> Stats:
    """`sql` alone, each round in one transaction as the service sends it: the time of the
    database's part of a request."""
    def once():
        with alur.db.connection() as conn:
            for text, params in sql:
                conn.exec_driver_sql(text, params).all()
    return timed(once, runs, warmup=5)


def explained(alur, sql: list) -> list[str]:
    """Each statement of `sql` on one line, then its plan indented."""
    out = []
    for text, params in sql:
        out += ["SQL: " + " ".join(text.split())] + ["  " + line for line in plan(alur, text, params)]
    return out


def target_table(head: str, lines: list[str], stats: list[Stats], target_ms: float) -> list[str]:
    """A report's table: `head` underlined, `lines`, and how many of `stats` met p95 < `target_ms`."""
    met = sum(s.p95_ms < target_ms for s in stats)
    return [head, "-" * len(head), *lines, "",
            f"target p95 < {target_ms:.0f} ms: met by {met} of {len(stats)} requests"]


def verdict(stats: Stats, target_ms: float) -> str:
    """MET or MISSED: p95 under `target_ms` or not."""
    return "MET" if stats.p95_ms < target_ms else "MISSED"
