"""Verifying an agency's audit hash chain at scale: 200,000 events of Kemenpora on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres alur_h_trail_bench      # once
    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_h_trail_bench \\
    python -m bench.audit_verify [--rebuild] [--events 200000] [--runs 5] [--profile]
    python -m bench.audit_verify --sqlite [--events 50000]

The data set is built once on the PostgreSQL database that ALUR_BENCH_DATABASE_URL names (never
`test`) and reused by later runs (migrated to the newest schema first); `--rebuild` drops schema
public and builds it again. `--sqlite` builds it in a temporary SQLite file instead.

Building: the migrations, `demo.load(with_instances=False)`, a few real Kemenpora instances
driven through the engine (so events can name real instances and tasks), then the chain filled
to `--events` events through `kernel.audit.record`, the server's own recipe (head row locked,
canonical JSON, SHA-256), 2,000 events per transaction: every hash is a real one. The events
cycle through what a running SOP records (instance started, task claimed and completed with its
form data, timer fired, instance completed) with before/after of their usual size, spread over
the 30 days before the clock (2026-11-30 03:00 UTC); the real cases a day before those.

Measuring: `kernel.audit.verify` of the chain, once untimed, then `--runs` times timed: events
per second (median and slowest run). Target: 50,000 events/s or more. Also the auditor's path
(`audit.services.chain_check.verify`, access check included), the 30 daily checkpoints, and (once,
for information) the whole chain exported as JSON Lines through the export service.
`--profile` adds where one verify spends its time (cProfile, top functions by own time).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from datetime import datetime, timedelta, timezone

from bench.common import (DATABASE_ENV, dataset_alur, load_average, log, machine, server_version, timed)

EVENTS = 200_000
SQLITE_EVENTS = 50_000
BATCH = 2_000
AGENCY = "kemenpora"
KEY = "kemenpora_publikasi_media_sosial"
CASES = 6
PASSWORD = "alur-bench-password"
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)
SPAN = timedelta(days=30)
DATASET = "audit_verify"
DATASET_VERSION = 2
TARGET = 50_000  # events per second


def params(events: int) -> dict:
    return {"version": DATASET_VERSION, "events": events, "agency": AGENCY, "cases": CASES, "batch": BATCH,
            "now": NOW.isoformat(), "password": PASSWORD}


def _real_cases(alur) -> tuple[int, list[tuple[int, int]], list[int]]:
    """Kemenpora's id, (instance, task) pairs of real cases, and its users' ids."""
    from sqlalchemy import select

    from server import demo
    from server.models import Agency, HumanTask, Membership

    demo.load(alur, with_instances=False)
    for n in range(CASES):
        demo.drive(alur, KEY, 3, title=f"Publikasi bench {n + 1}")
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == AGENCY))
        pairs = [tuple(r) for r in s.execute(select(HumanTask.instance_id, HumanTask.id)
                                             .where(HumanTask.agency_id == agency_id).order_by(HumanTask.id))]
        users = list(s.scalars(select(Membership.user_id).where(Membership.agency_id == agency_id)))
    return agency_id, pairs, users


def _event(n: int, agency_id: int, pairs, users) -> dict:
    """The n-th synthetic event: what a running SOP records, with before/after of the usual size."""
    instance_id, task_id = pairs[n % len(pairs)]
    actor_id = users[n % len(users)]
    kind = n % 5
    if kind == 0:
        return {"action": "instance.started", "actor_id": actor_id, "instance_id": instance_id, "task_id": None,
                "before": None, "after": {"key": KEY, "version": 1, "data": {
                    "judul": f"Publikasi kegiatan nomor {n}", "asal_permohonan": "Internal",
                    "dokumen_permohonan": [f"{n:08x}-1517-4e2c-8b75-1c0104d0bae2"]},
                    "opened": ["s01_disposisi_pembuatan_konten"]}}
    if kind == 1:
        return {"action": "task.claimed", "actor_id": actor_id, "instance_id": instance_id, "task_id": task_id,
                "before": {"assignee_id": None}, "after": {"assignee_id": actor_id}}
    if kind == 2:
        return {"action": "task.completed", "actor_id": actor_id, "instance_id": instance_id, "task_id": task_id,
                "before": {"state": "ready", "revision": n % 7 + 1},
                "after": {"state": "completed", "revision": n % 7 + 2, "data": {
                    "keputusan": "Setuju", "catatan": "Konsep sudah sesuai arahan pimpinan; lanjutkan.",
                    "platform": ["Instagram", "X", "Facebook"]}, "opened": ["s03_bahas_konsep_konten"]}}
    if kind == 3:
        return {"action": "timer.fired", "actor_id": None, "instance_id": instance_id, "task_id": None,
                "before": {"status": "running"}, "after": {"status": "running", "escalated": [task_id],
                                                           "opened": []}}
    return {"action": "instance.completed", "actor_id": actor_id, "instance_id": instance_id, "task_id": None,
            "before": None, "after": {"end_event": "end_published"}}


def build(alur, label: str, events: int) -> dict:
    """The chain, through the server's own `audit.record`, BATCH events per transaction."""
    from sqlalchemy import func, select

    from server.kernel import audit
    from server.models import AuditEvent

    alur.clock.set(NOW - SPAN - timedelta(days=1))  # the real cases first: times rise with the chain
    agency_id, pairs, users = _real_cases(alur)
    alur.clock.set(NOW)
    with alur.db.connection() as conn:
        have = conn.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain == agency_id))
    t0 = time.perf_counter()
    n = have
    while n < events:
        with alur.db.connection() as conn:
            for _ in range(min(BATCH, events - n)):
                at = NOW - SPAN + SPAN * (n / events)
                audit.record(conn, at, agency_id=agency_id, **_event(n, agency_id, pairs, users))
                n += 1
        if n % 20_000 < BATCH:
            log(f"[{label}] {n:,} events written ({(n - have) / (time.perf_counter() - t0):,.0f}/s)")
    written = time.perf_counter() - t0
    log(f"[{label}] {events - have:,} events through audit.record in {written:.1f} s")
    t1 = time.perf_counter()
    from bench.common import analyze
    analyze(alur)
    return {"load_s": written, "analyze_s": time.perf_counter() - t1}


def measure(alur, runs: int, with_profile: bool) -> dict:
    from sqlalchemy import select

    from server.audit.services import chain_check
    from server.kernel import audit
    from server.kernel.actors import load_actor
    from server.models import Agency, User

    with alur.db.transaction() as s:
        chain = s.scalar(select(Agency.id).where(Agency.slug == AGENCY))
        inspektorat = load_actor(s, s.scalar(select(User.id).where(User.username == "inspektorat")))
        zone = s.scalar(select(Agency.timezone).where(Agency.id == chain))
    found = {}

    def kernel_verify():
        with alur.db.connection() as conn:
            found["result"] = audit.verify(conn, chain)

    kernel = timed(kernel_verify, runs, warmup=1)
    result = found["result"]
    if not result.ok:
        raise SystemExit(f"the chain does not verify: {result.first_broken}")
    service = timed(lambda: chain_check.verify(alur, inspektorat, AGENCY), max(1, runs // 2), warmup=0)

    def checkpoints():
        with alur.db.transaction() as s:
            found["days"] = audit.checkpoints(s, chain, zone, 30, today=NOW.date())

    days = timed(checkpoints, runs, warmup=1)

    def export():
        from server.audit.services import trail, trail_export
        found["bytes"] = sum(len(chunk) for chunk in trail_export.jsonl_chunks(
            alur, inspektorat, trail.TrailFilters(agency=AGENCY)))
    exported = timed(export, 1)
    profile = None
    if with_profile:
        profiler = cProfile.Profile()
        profiler.enable()
        kernel_verify()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(15)
        profile = out.getvalue()
    return {"events": result.events, "kernel": kernel, "service": service, "checkpoints": days,
            "days": len(found["days"]), "export": exported, "export_mb": found["bytes"] / 1e6, "profile": profile}


def report(label: str, info: dict, m: dict, args) -> str:
    events = m["events"]

    def rate(seconds: float) -> float:
        return events / seconds if seconds else float("inf")
    kernel, service = m["kernel"], m["service"]
    head = f"{'what':<58} | {'runs':>4} | {'median s':>8} | {'slowest s':>9} | {'events/s (median)':>17} | {'slowest':>9}"
    lines = [f"Alur audit chain verification, {label}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             f"{machine('SQLAlchemy', 'psycopg')}, {info['server']}, load average {info['load']} before, "
             f"{load_average()} after",
             f"data: one chain ({AGENCY}) of {events:,} events ({info['how']})", "", head, "-" * len(head)]
    for name, stats in (("kernel.audit.verify (Core rows, yield_per)", kernel),
                        ("chain_check.verify (the API's path, access check too)", service)):
        slowest = max(stats.samples)
        lines.append(f"{name:<58} | {stats.n:>4} | {stats.median_ms / 1000:>8.2f} | {slowest:>9.2f} | "
                     f"{rate(stats.median_ms / 1000):>17,.0f} | {rate(slowest):>9,.0f}")
    days = m["checkpoints"]
    lines += [f"{'audit.checkpoints, 30 days (' + str(m['days']) + ' found)':<58} | {days.n:>4} | "
              f"{days.median_ms / 1000:>8.3f} | {max(days.samples):>9.3f} | {'':>17} | {'':>9}"]
    export = m["export"]
    lines += [f"{'JSON Lines export of the chain (' + format(m['export_mb'], '.0f') + ' MB)':<58} | {export.n:>4} | "
              f"{export.median_ms / 1000:>8.2f} | {max(export.samples):>9.2f} | "
              f"{rate(export.median_ms / 1000):>17,.0f} | {'':>9}", "",
              f"target >= {TARGET:,} events/s: {'MET' if rate(kernel.median_ms / 1000) >= TARGET else 'MISSED'} "
              f"(median run), {'MET' if rate(max(kernel.samples)) >= TARGET else 'MISSED'} (slowest run)"]
    if m["profile"]:
        lines += ["", "profile of one kernel verify (cProfile, by own time; cProfile slows it):", m["profile"]]
    lines.append(f"command: python -m bench.audit_verify {' '.join(args.argv)}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.audit_verify", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop schema public and build the data set again")
    parser.add_argument("--events", type=int, default=None,
                        help=f"events in the chain (default {EVENTS:,}; --sqlite {SQLITE_EVENTS:,})")
    parser.add_argument("--runs", type=int, default=5, help="timed verifications (default 5)")
    parser.add_argument("--profile", action="store_true", help="where one verification spends its time")
    parser.add_argument("--sqlite", action="store_true",
                        help=f"a temporary SQLite file instead of PostgreSQL ({DATABASE_ENV} not needed)")
    args = parser.parse_args(argv)
    args.argv = argv
    events = args.events or (SQLITE_EVENTS if args.sqlite else EVENTS)
    from server.clock import FixedClock

    with dataset_alur(args, "alur-bench-audit-", DATASET, params(events),
                      lambda alur, label: build(alur, label, events), PASSWORD, clock=FixedClock(NOW),
                      reused="reused") as (alur, label, how):
        info = {"how": how, "server": server_version(alur), "load": load_average()}
        log(f"[{label}] verifying ...")
        print(report(label, info, measure(alur, args.runs, args.profile), args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
