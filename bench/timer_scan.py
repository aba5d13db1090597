"""Finding the due timers among many waiting instances, and firing them.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_bench \
    python -m bench.timer_scan [--instances 100000] [--due 1000] [--runs 20] [--no-postgres]

For each database (a fresh SQLite file; PostgreSQL, the database ALUR_BENCH_DATABASE_URL names,
never `test`, whose schema public is dropped and recreated; required unless --no-postgres):

1. migrate, `demo.load(with_instances=False)`, an `Alur` on a `FixedClock`;
2. a few real instances of the timer-started `nomporejo_laporan_media_sosial` made with
   `timers.start_scheduled`: their start timer waits, their engine state is the engine's own;
3. copies of such an instance bulk-inserted (SQLAlchemy Core, executemany, chunks of 5,000) up to
   --instances rows. Each copy is the real state with fresh task ids and its timer's due time
   set to the copy's `next_due_at`, so the row and its state agree. Exactly --due rows are
   due at the scan time, the others are due later (up to a year), in shuffled order;
4. ANALYZE, then the scan that `timers.fire_due` runs to find due ids (checked to be the same
   SQL), timed --runs times in its own transaction as fire_due does, with its query plan;
5. `timers.fire_due(alur, limit=--due)` once, timed, then checked: exactly the due instances
   moved (revision bumped, `next_due_at` changed, one "timer.fired" audit event and one new task
   each), and no instance due later moved.

See bench/README.md for how to read the output.
"""
from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from bench.common import (Stats, database_options, fresh_postgres, log, machine, open_alur, plan,
                          postgres_url, statements, timed)

KEY = "nomporejo_laporan_media_sosial"
AGENCY = "nomporejo"
FIRST_TASK = "s06_laporkan_analitik"   # the user task the start timer opens
REAL = 5                               # instances made through the engine
CHUNK = 5000                           # rows per executemany
TARGET_MS = 50.0                       # one scan, on either database
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def due_query(now, limit: int):
    """The scan of `timers.fire_due`, verbatim (checked against the SQL fire_due sends)."""
    from sqlalchemy import select

    from server.models import ProcessInstance

    return (select(ProcessInstance.id).where(ProcessInstance.status == "running",
                                             ProcessInstance.next_due_at <= now)
            .order_by(ProcessInstance.next_due_at).limit(limit))


def timed_scans(alur, now, limit: int, runs: int, expect: int) -> Stats:
    def scan():
        with alur.db.transaction() as s:          # as fire_due: its own transaction
            ids = s.scalars(due_query(now, limit)).all()
        assert len(ids) == expect, (len(ids), expect)
    return timed(scan, runs, warmup=3)


def selects(seen) -> list:
    return [(sql, params) for sql, params in seen.sql if sql.lstrip().upper().startswith("SELECT")]


def run_database(label: str, url: str, workdir: Path, total: int, due: int, runs: int) -> dict:
    from sqlalchemy import func, select

    from server import demo
    from server.clock import FixedClock
    from server.deadlines import timers
    from server.models import AuditEvent, HumanTask, ProcessInstance

    out: dict = {"label": label, "rows": total, "due": due}
    t0 = time.perf_counter()
    clock = FixedClock()
    alur = open_alur(url, workdir, clock=clock)
    try:
        demo.load(alur, with_instances=False)
        started_at = clock.now()
        real = min(REAL, due)
        real_ids = [timers.start_scheduled(alur, KEY, AGENCY) for _ in range(real)]
        table = ProcessInstance.__table__
        with alur.db.transaction() as s:
            template = dict(s.execute(select(table).where(table.c.id == real_ids[0])).mappings().one())
            real_due = set(s.scalars(select(ProcessInstance.next_due_at)
                                     .where(ProcessInstance.id.in_(real_ids))).all())
        assert len(real_due) == 1 and None not in real_due, real_due
        when = real_due.pop()             # the real instances' timer: the scan happens then
        state = template["engine_state"]
        marker = f'"next":"{when.isoformat()}"'
        if marker not in state:
            raise SystemExit(f"{label}: the engine state does not hold its timer as {marker}; "
                             "the benchmark needs updating")
        task_ids = sorted(set(UUID_RE.findall(state)))
        log(f"[{label}] {real} real instances (state {len(state)} B, timer due {when:%Y-%m-%d %H:%M} UTC) "
            f"in {time.perf_counter() - t0:.1f} s")

        # Due times of the copies: `due - real` in the week before `when`, the rest after it,
        # from one hour to a year later; shuffled so due rows lie all over the table.
        due_copies, future = due - real, total - due
        times = [when - timedelta(seconds=1 + i * (7 * 86400 // max(1, due_copies))) for i in range(due_copies)]
        times += [when + timedelta(hours=1, seconds=j * (365 * 86400 // max(1, future))) for j in range(future)]
        random.Random(2026).shuffle(times)
        base = {k: v for k, v in template.items() if k not in ("id", "title", "engine_state", "next_due_at")}

        def copy_of(n: int, due_at) -> dict:
            text = state.replace(marker, f'"next":"{due_at.isoformat()}"')
            for old in task_ids:
                text = text.replace(old, str(uuid.uuid4()))
            return {**base, "title": f"{template['title']} #{n}", "engine_state": text, "next_due_at": due_at}

        t1 = time.perf_counter()
        insert = table.insert()
        for start in range(0, len(times), CHUNK):
            rows = [copy_of(real + start + i + 1, at) for i, at in enumerate(times[start:start + CHUNK])]
            with alur.db.connection() as conn:
                conn.execute(insert, rows)
        with alur.db.connection() as conn:
            conn.exec_driver_sql("ANALYZE")
        out["insert_s"] = time.perf_counter() - t1
        with alur.db.transaction() as s:
            count = s.scalar(select(func.count()).select_from(table))
            due_now = s.scalar(select(func.count()).select_from(table)
                               .where(table.c.status == "running", table.c.next_due_at <= when))
        assert (count, due_now) == (total, due), (count, due_now)
        log(f"[{label}] {len(times)} copies inserted and ANALYZEd in {out['insert_s']:.1f} s")

        # The scan fire_due sends, captured from fire_due itself while nothing is due yet.
        clock.set(started_at)
        with statements(alur.db.engine) as seen:
            assert timers.fire_due(alur, limit=due) == 0
        fire_sql = selects(seen)[0][0]
        with statements(alur.db.engine) as seen, alur.db.transaction() as s:
            s.scalars(due_query(when, due)).all()
        sql, params = selects(seen)[0]
        assert sql == fire_sql, f"the benchmark's scan is not fire_due's:\n{sql}\n{fire_sql}"

        out["idle"] = timed_scans(alur, started_at, due, runs, 0)    # a worker round with nothing due
        out["scan"] = timed_scans(alur, when, due, runs, due)        # the measured scan
        out["scan100"] = timed_scans(alur, when, 100, runs, min(100, due))  # run_once's limit
        out["plan"] = plan(alur, sql, params)
        log(f"[{label}] scan median {out['scan'].median_ms:.2f} ms")

        # Firing: the clock one second past the due ones, one call.
        with alur.db.transaction() as s:
            before = dict(s.execute(select(table.c.id, table.c.revision)).all())
            due_ids = set(s.scalars(due_query(when, total)).all())
        fire_at = when + timedelta(seconds=1)
        clock.set(fire_at)
        gc.collect()
        t2 = time.perf_counter()
        moved = timers.fire_due(alur, limit=due)
        out["fire_s"] = time.perf_counter() - t2
        out["fired"] = moved
        with alur.db.transaction() as s:
            after = {i: (rev, at) for i, rev, at in s.execute(select(table.c.id, table.c.revision,
                                                                     table.c.next_due_at)).all()}
            fired_ids = s.scalars(select(AuditEvent.instance_id).where(AuditEvent.action == "timer.fired")).all()
            opened = s.scalar(select(func.count()).select_from(HumanTask)
                              .where(HumanTask.element_id == FIRST_TASK, HumanTask.state == "ready"))
            still_due = s.scalar(select(func.count()).select_from(table)
                                 .where(table.c.status == "running", table.c.next_due_at <= fire_at))
        changed = {i for i, (rev, _) in after.items() if rev != before[i]}
        problems = []
        if moved != due:
            problems.append(f"fire_due returned {moved}, expected {due}")
        if changed != due_ids:
            problems.append(f"{len(changed - due_ids)} instances not due moved, "
                            f"{len(due_ids - changed)} due ones did not")
        if any(after[i][1] is not None and after[i][1] <= fire_at for i in due_ids):
            problems.append("a fired instance is still due")
        if sorted(fired_ids) != sorted(due_ids):
            problems.append(f"{len(fired_ids)} timer.fired events for {len(due_ids)} due instances")
        if opened != due:
            problems.append(f"{opened} '{FIRST_TASK}' tasks opened, expected {due}")
        if still_due:
            problems.append(f"{still_due} instances still due after firing")
        out["problems"] = problems
        out["next_after"] = sorted({str(after[i][1]) for i in due_ids})
        log(f"[{label}] fired {moved} in {out['fire_s']:.1f} s" + ("" if not problems else f"; {problems}"))
        return out
    finally:
        alur.close()


def report(results: list, notes: list, args: list) -> str:
    lines = [f"Alur timer scan, {KEY}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             machine("SpiffWorkflow", "SQLAlchemy"),
             "scan: fire_due's query for due ids (limit = due), in its own transaction, "
             f"{results[0]['scan'].n if results else 0} runs after 3 warm-ups",
             "fire: one timers.fire_due(alur, limit=due), one transaction per instance", ""]
    head = (f"{'database':<10} | {'rows':>7} | {'due':>5} | {'scan med ms':>11} | {'p95 ms':>7} | "
            f"{'< 50 ms':>7} | {'fired':>5} | {'seconds':>7} | {'fired/s':>7}")
    lines += [head, "-" * len(head)]
    for r in results:
        met = "MET" if r["scan"].median_ms < TARGET_MS and r["scan"].p95_ms < TARGET_MS else "MISSED"
        lines.append(f"{r['label']:<10} | {r['rows']:>7} | {r['due']:>5} | {r['scan'].median_ms:>11.2f} | "
                     f"{r['scan'].p95_ms:>7.2f} | {met:>7} | {r['fired']:>5} | {r['fire_s']:>7.2f} | "
                     f"{r['fired'] / r['fire_s']:>7.0f}")
    lines.append("")
    lines.append("(target met when median and p95 are both under 50 ms)")
    for r in results:
        lines.append("")
        lines.append(f"{r['label']}: bulk insert + ANALYZE {r['insert_s']:.1f} s; same scan with nothing due "
                     f"median {r['idle'].median_ms:.2f} ms (p95 {r['idle'].p95_ms:.2f}); with run_once's "
                     f"limit 100 median {r['scan100'].median_ms:.2f} ms (p95 {r['scan100'].p95_ms:.2f})")
        lines.append(f"  next_due_at of the fired instances afterwards: {', '.join(r['next_after'])}")
        lines.append("  checks: " + ("exactly the due instances fired (revision, next_due_at, one timer.fired "
                                     "event and one open task each), none due later"
                                     if not r["problems"] else "FAILED: " + "; ".join(r["problems"])))
        lines.append("  plan:")
        lines += [f"    {line}" for line in r["plan"]]
    for note in notes:
        lines.append(f"PostgreSQL: {note}")
    lines.append(f"command: python -m bench.timer_scan {' '.join(args)}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.timer_scan", description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=100_000, help="instances waiting on a timer (default 100000)")
    parser.add_argument("--due", type=int, default=1000, help="how many of them are due (default 1000)")
    parser.add_argument("--runs", type=int, default=20, help="timed scans per database (default 20)")
    database_options(parser)
    args = parser.parse_args(argv)
    pg_url = postgres_url(args)
    if not 1 <= args.due <= args.instances:
        parser.error("need 1 <= --due <= --instances")
    began = time.perf_counter()
    results, notes = [], []

    log("SQLite ...")
    with tempfile.TemporaryDirectory(prefix="alur-bench-timers-") as tmp:
        results.append(run_database("SQLite", f"sqlite:///{tmp}/alur.db", Path(tmp),
                                    args.instances, args.due, args.runs))

    if pg_url is not None:
        fresh_postgres(pg_url)
        log("PostgreSQL ...")
        with tempfile.TemporaryDirectory(prefix="alur-bench-timers-") as tmp:
            results.append(run_database("PostgreSQL", pg_url, Path(tmp), args.instances, args.due, args.runs))
    else:
        notes.append("skipped (--no-postgres)")

    print(report(results, notes, argv))
    log(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
