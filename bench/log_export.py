"""An SOP's event log at scale: 10,000 Kemenpora instances read as traces, written as XES and CSV,
served by the API, and read back by the import.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_h_log_bench \\
    python -m bench.log_export [--rebuild] [--instances 10000] [--runs 5]
    python -m bench.log_export --sqlite [--instances 2000]

The data set is built once on the PostgreSQL database ALUR_BENCH_DATABASE_URL names (never
`test`) and reused while its parameters stay the same; `--sqlite` builds it in a temporary file.
Building: the migrations, the demo data (bench.instance_list.prepare: the demo, a second SOP in
Kemenpora, a second starter), then the instances of the Kemenpora SOP and their task rows bulk
loaded (COPY): 30 % completed (all 8 steps done), 60 % running at a random step (the steps
before it done, its own open, half of those claimed), 10 % cancelled at a random step (that
step's task cancelled): about 5.5 task rows per instance. Started over the year before the
clock. VACUUM ANALYZE.

Measured, `--runs` times each after one untimed run (median and worst):
- read: `event_log.instance_traces` over every instance (the conformance check's input);
- XES and CSV: `log_export.download` written to a null sink (what the route streams);
- API: GET /api/v1/processes/<key>/log.xes through the Flask test client, as the Auditor;
- import: `read_log` of that XES document;
and the peak of Python memory (tracemalloc, a separate run) while reading and writing the XES,
against the size of the document. See bench/README.md.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from datetime import timedelta

from bench.common import (bearer, counts, dataset_alur, load_and_analyze, load_average, log, machine, make_app,
                          server_version)
from bench.instance_list import INSTANCE_COLUMNS, NOW, PASSWORD, TASK_COLUMNS, prepare

INSTANCES = 10_000
DATASET = "log_export"
DATASET_VERSION = 1
KEY = "kemenpora_publikasi_media_sosial"
AUDITOR = "kemenpora.auditor"
SHARES = (("completed", 0.30), ("running", 0.60), ("cancelled", 0.10))


def params(instances: int) -> dict:
    return {"version": DATASET_VERSION, "instances": instances, "shares": SHARES, "now": NOW.isoformat(),
            "password": PASSWORD}


def rows(world, count: int):
    """(instances, tasks) row generators for the main SOP (INSTANCE_COLUMNS, TASK_COLUMNS)."""
    rng = random.Random(10)
    sop = world.sops[0]
    steps = len(sop.steps)
    statuses = [name for name, share in SHARES for _ in range(round(share * 100))]
    plans = []
    for n in range(count):
        status = statuses[rng.randrange(len(statuses))]
        started = NOW - timedelta(days=365) * (1 - n / count) + timedelta(minutes=rng.randrange(60))
        at = steps if status == "completed" else rng.randrange(steps)
        plans.append((world.first_id + n, status, started, at))

    def instance_rows():
        for n, (iid, status, started, at) in enumerate(plans):
            ended = started + timedelta(days=3) if status != "running" else None
            starter = world.starters[n % len(world.starters)] if world.starters else None
            yield (iid, sop.version_id, world.agency_id, f"Publikasi {n + 1}", status, "{}", at + 1, None, starter,
                   started, ended)

    def task_rows():
        seq = 0
        for iid, status, started, at in plans:
            for k, (element, name, lane, role) in enumerate(sop.steps[:at + 1]):
                seq += 1
                created = started + timedelta(hours=4 * k)
                who = world.user_of_role.get(role)
                due = created + timedelta(days=1)
                if k < at or status == "completed":
                    yield (iid, world.agency_id, f"lx-{seq:033d}", element, name, lane, role, "completed", who,
                           created, created + timedelta(minutes=30), created + timedelta(hours=2), who, due)
                elif status == "cancelled":
                    yield (iid, world.agency_id, f"lx-{seq:033d}", element, name, lane, role, "cancelled", None,
                           created, None, created + timedelta(days=3), None, due)
                else:
                    claimed = rng.random() < 0.5
                    yield (iid, world.agency_id, f"lx-{seq:033d}", element, name, lane, role, "ready",
                           who if claimed else None, created, created if claimed else None, None, None, due)
    return instance_rows(), task_rows()


def build(alur, label: str, count: int) -> dict:
    t0 = time.perf_counter()
    world = prepare(alur)
    log(f"[{label}] demo data in {time.perf_counter() - t0:.1f} s")
    instances, tasks = rows(world, count)
    return load_and_analyze(alur, label, (("process_instance", INSTANCE_COLUMNS, instances),
                                          ("human_task", TASK_COLUMNS, tasks)),
                            f"{count:,} instances with their tasks loaded")


class Null:
    """A sink that counts bytes."""

    def __init__(self):
        self.size = 0

    def write(self, data) -> None:
        self.size += len(data)


def timed(call, runs: int) -> list[float]:
    call()  # warm: the version cache, the connection pool
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        call()
        out.append(time.perf_counter() - t0)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.log_export", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop schema public and build the data set again")
    parser.add_argument("--instances", type=int, default=INSTANCES, help=f"instances (default {INSTANCES})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each measure (default 5)")
    parser.add_argument("--sqlite", action="store_true", help="a temporary SQLite file instead of PostgreSQL")
    args = parser.parse_args(argv)
    from server.audit.services import event_log, log_export
    from server.audit.services.log_import import read_log
    from server.clock import FixedClock
    from server.kernel.actors import load_actor
    from server.models import User
    from sqlalchemy import select

    with dataset_alur(args, "alur-bench-log-", DATASET, params(args.instances),
                      lambda alur, label: build(alur, label, args.instances), PASSWORD, clock=FixedClock(NOW),
                      reused="reused", analyze_reused=True) as (alur, label, how):
        info = {**counts(alur), "how": how, "server": server_version(alur), "load": load_average()}
        with alur.db.transaction() as s:
            auditor = load_actor(s, s.scalar(select(User.id).where(User.username == AUDITOR)))
        log(f"[{label}] {info['instances']:,} instances, {info['tasks']:,} task rows; measuring ...")
        found = {}

        def read():
            traces = events = 0
            for trace in event_log.instance_traces(alur, auditor, KEY):
                traces += 1
                events += len(trace.events)
            found["read"] = (traces, events)

        def write(fmt: str):
            def run():
                sink = Null()
                for chunk in log_export.download(alur, auditor, KEY, fmt).chunks:
                    sink.write(chunk)
                found[fmt] = sink.size
            return run

        app = make_app(alur)
        client = app.test_client()
        headers = bearer(client, AUDITOR, PASSWORD)

        def api():
            r = client.get(f"/api/v1/processes/{KEY}/log.xes", headers=headers)
            found["api"] = sum(len(c) for c in r.response)
            found["status"] = r.status_code

        results = {"read traces": timed(read, args.runs), "XES written": timed(write("xes"), args.runs),
                   "CSV written": timed(write("csv"), args.runs), "XES via the API": timed(api, args.runs)}
        if found["status"] != 200:
            raise SystemExit(f"API answered {found['status']}")
        document = b"".join(log_export.download(alur, auditor, KEY, "xes").chunks)
        results["XES imported"] = timed(lambda: found.__setitem__("imported", read_log("log.xes", document)),
                                        args.runs)
        tracemalloc.start()
        write("xes")()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traces, events = found["read"]
        lines = [f"Alur event-log export at scale, {label}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
                 f"{machine('SQLAlchemy', 'lxml')}, {info['server']}, load average {info['load']} before, "
                 f"{load_average()} after",
                 f"data: {info['instances']:,} instances of one SOP, {info['tasks']:,} task rows "
                 f"({info['open']:,} open) ({how}); schema {info['revision']}",
                 f"log: {traces:,} traces, {events:,} events; XES {found['xes'] / 1e6:.1f} MB, "
                 f"CSV {found['csv'] / 1e6:.1f} MB", "",
                 f"{'measure':<18} | {'median s':>8} | {'worst s':>8} | {'events/s':>9}", "-" * 52]
        for name, samples in results.items():
            median = statistics.median(samples)
            lines.append(f"{name:<18} | {median:>8.2f} | {max(samples):>8.2f} | {events / median:>9,.0f}")
        lines += ["", f"peak Python memory (tracemalloc) writing the XES: {peak / 1e6:.1f} MB "
                      f"for a {found['xes'] / 1e6:.1f} MB document",
                  f"runs: {args.runs} timed after one untimed; command: python -m bench.log_export {' '.join(argv)}"]
        print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
