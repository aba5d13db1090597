"""Per-element statistics of one SOP at scale: 1,000,000 task rows across about 200,000 instances.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_bench \\
    python -m bench.element_stats [--rebuild] [--requests 20] [--explain]
    python -m bench.element_stats --sqlite [--requests 20]

The data set is built once on the PostgreSQL database that ALUR_BENCH_DATABASE_URL names (never
`test`) and reused by later runs, migrated to the newest schema first; `--rebuild` drops schema
public and builds it again. `--sqlite` builds it in a temporary SQLite file (every time).

Building: the migrations, `demo.load(with_instances=False)`, then instances of the Kemenpora SOP
(`kemenpora_publikasi_media_sosial`) bulk-loaded with COPY (SQLite: executemany), not through
the engine: the statistics read only rows. Each instance walks the SOP's path (start, steps 1 to
8, the decision after step 6, one in ten sent back to step 5 once, the end) as far as it got:
about 45% completed, the rest waiting at one of their first steps, half of those past their due
time; a task row and an element_visit row per step reached, a visit per gateway and event.
Then VACUUM ANALYZE.

Measuring, straight after a commit each time: a small write transaction (one open task
completed, the visit of the next step added) commits, then the statistics are asked for, and the
answer must show that write (no cache can lag behind). Three ways, each `--requests` times, p50
and p95 in ms: the service `stats.element_stats` itself; `GET /api/v1/processes/{key}/stats` through
the real Flask app with a bearer token (the Pengawas); the dashboard's refresh
(`GET /pantau/sop/kemenpora/{key}/angka`, signed in), which adds weekly counts, lead and waiting
times in working days and the tables. Target: the per-element statistics under 1 s (p95).
`--explain` prints the plans of the statistics' statements. See bench/README.md.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone

from bench.common import (DATABASE_ENV, Stats, bearer, counts, dataset_alur, explained, indexes, load_and_analyze,
                          log, machine, make_app, selects_on, server_version, statements, timed)

KEY = "kemenpora_publikasi_media_sosial"
AGENCY = "kemenpora"
USER = "kemenpora.pengawas"
TOTAL_TASKS = 1_000_000
COMPLETED_SHARE = 0.45
REJECT_SHARE = 0.10
PASSWORD = "alur-bench-password"
DATASET = "element_stats"
DATASET_VERSION = 1
TARGET_MS = 1000.0

PATH = ["s01_disposisi_pembuatan_konten", "s02_perintahkan_pembahasan_konsep", "s03_bahas_konsep_konten",
        "s04_produksi_konten", "s05_sampaikan_hasil_produksi", "s06_putuskan_persetujuan"]
AFTER = ["s07_perintahkan_publikasi", "s08_publikasi_dan_laporan"]
START, GATEWAY, END = "mulai_permohonan", "g06_disetujui", "selesai_dipublikasikan"
FLOWS = {("mulai_permohonan", "s01"): "f_mulai_s01", ("s01", "s02"): "f_s01_s02", ("s02", "s03"): "f_s02_s03",
         ("s03", "s04"): "f_s03_s04", ("s04", "s05"): "f_s04_s05", ("s05", "s06"): "f_s05_s06",
         ("s06", "g06"): "f_s06_g06", ("g06", "s07"): "f_g06_s07", ("g06", "s05"): "f_g06_s05",
         ("s07", "s08"): "f_s07_s08", ("s08", "selesai"): "f_s08_selesai"}


def params() -> dict:
    """What the data set is made of; a stored data set is reused only if these are the same."""
    return {"version": DATASET_VERSION, "key": KEY, "total": TOTAL_TASKS, "completed": COMPLETED_SHARE,
            "reject": REJECT_SHARE, "password": PASSWORD}


def _short(element: str) -> str:
    return "selesai" if element == END else element.split("_")[0] if element.startswith(("s0", "g0")) else element


def _flow(source: str, target: str) -> str | None:
    """The sequence flow between two elements of the Kemenpora diagram."""
    return FLOWS.get((_short(source), _short(target)))


INSTANCE_COLUMNS = ("id", "version_id", "agency_id", "title", "status", "engine_state", "revision",
                    "started_at", "ended_at", "end_event")
TASK_COLUMNS = ("instance_id", "agency_id", "engine_task_id", "element_id", "name", "lane", "role_id", "state",
                "assignee_id", "created_at", "claimed_at", "completed_at", "completed_by_id", "due_at")
VISIT_COLUMNS = ("instance_id", "version_id", "agency_id", "element_id", "flow_id", "at")


def world(alur) -> dict:
    """The Kemenpora version, its steps' names and lanes, their roles and a user per role."""
    from sqlalchemy import func, select

    from server.models import Agency, LaneRole, ProcessInstance, ProcessModel, ProcessVersion, User, UserRole

    with alur.db.transaction() as s:
        version_id, agency_id, catalog = s.execute(
            select(ProcessVersion.id, ProcessModel.agency_id, ProcessVersion.catalog)
            .join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
            .join(Agency, Agency.id == ProcessModel.agency_id)
            .where(ProcessModel.key == KEY, Agency.slug == AGENCY, ProcessVersion.active.is_(True))).one()
        roles = dict(s.execute(select(LaneRole.lane, LaneRole.role_id).where(LaneRole.version_id == version_id)).all())
        holder = dict(s.execute(select(UserRole.role_id, func.min(User.id)).join(User, User.id == UserRole.user_id)
                                .group_by(UserRole.role_id)).all())
        first = (s.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
    steps = {eid: (step.get("name") or eid, step.get("lane")) for eid, step in catalog["steps"].items()}
    return {"version_id": version_id, "agency_id": agency_id, "steps": steps, "roles": roles, "holder": holder,
            "first": first}


def rows(w: dict, now: datetime):
    """(instances, tasks, visits): three lists of row tuples, deterministic (seeded)."""
    rng = random.Random(2026)
    instances, tasks, visits = [], [], []
    span = timedelta(days=730)
    n = 0
    version_id, agency_id = w["version_id"], w["agency_id"]
    while len(tasks) < TOTAL_TASKS:
        instance_id = w["first"] + n
        completed = rng.random() < COMPLETED_SHARE
        started = now - span + span * (n / (TOTAL_TASKS / 5.0)) * 0.98
        if completed:  # steps 1 to 6, one in ten sent back to step 5 once, then 7 and 8
            loop = ["s05_sampaikan_hasil_produksi", "s06_putuskan_persetujuan"] if rng.random() < REJECT_SHARE else []
            route, open_at = PATH + loop + AFTER, None
        else:  # waiting at one of steps 1 to 4
            route = PATH[:rng.randint(1, 4)]
            open_at = len(route) - 1
        moment = started
        visits.append((instance_id, version_id, agency_id, START, None, started))
        previous = START
        for k, element in enumerate(route):
            name, lane = w["steps"][element]
            role = w["roles"].get(lane)
            who = w["holder"].get(role)
            created = moment
            if previous == "s06_putuskan_persetujuan":
                visits.append((instance_id, version_id, agency_id, GATEWAY, _flow(previous, GATEWAY), created))
                visits.append((instance_id, version_id, agency_id, element, _flow(GATEWAY, element), created))
            else:
                visits.append((instance_id, version_id, agency_id, element, _flow(previous, element), created))
            due = created + timedelta(days=1)
            if k == open_at:
                due = now + timedelta(days=rng.uniform(-10, 10))
                tasks.append((instance_id, agency_id, f"es-{len(tasks):032d}", element, name, lane, role, "ready",
                              who if rng.random() < 0.5 else None, created, None, None, None, due))
                break
            took = timedelta(minutes=rng.choice([5, 30, 60, 120, 240, 480, 1440, 2880, 4320]))
            done = created + took
            tasks.append((instance_id, agency_id, f"es-{len(tasks):032d}", element, name, lane, role, "completed",
                          who, created, created, done, who, due))
            moment, previous = done, element
        if completed:
            visits.append((instance_id, version_id, agency_id, END, _flow(previous, END), moment))
            instances.append((instance_id, version_id, agency_id, f"Publikasi bench {n + 1}", "completed", "{}",
                              len(route) + 1, started, moment, END))
        else:
            instances.append((instance_id, version_id, agency_id, f"Publikasi bench {n + 1}", "running", "{}",
                              len(route) + 1, started, None, None))
        n += 1
    return instances, tasks, visits


# --- building ---------------------------------------------------------------------------------

def build(alur, label: str) -> dict:
    from server import demo

    t0 = time.perf_counter()
    demo.load(alur, with_instances=False)
    w = world(alur)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    instances, tasks, visits = rows(w, now)
    t1 = time.perf_counter()
    log(f"[{label}] {len(instances):,} instances, {len(tasks):,} tasks, {len(visits):,} visits made in "
        f"{t1 - t0:.1f} s; loading ...")
    tables = (("process_instance", INSTANCE_COLUMNS, instances), ("human_task", TASK_COLUMNS, tasks),
              ("element_visit", VISIT_COLUMNS, visits))
    return load_and_analyze(alur, label, tables, "loaded", since=t1)


# --- measuring --------------------------------------------------------------------------------

class Writer:
    """One small engine-like commit before each request: an open task completed, the visit of
    the next step added. Returns the element whose `passed` must have grown by one."""

    def __init__(self, alur):
        from sqlalchemy import text
        self.alur = alur
        with alur.db.connection() as conn:
            self.open = [tuple(r) for r in conn.execute(text(
                "SELECT t.id, t.instance_id, t.element_id FROM human_task t WHERE t.state = 'ready' "
                "ORDER BY t.id DESC LIMIT 500")).all()]

    def __call__(self) -> str:
        from sqlalchemy import text
        from server.models import ElementVisit
        task_id, instance_id, element_id = self.open.pop()
        now = datetime.now(timezone.utc)
        with self.alur.db.connection() as conn:
            conn.execute(text("UPDATE human_task SET state = 'completed', completed_at = :now WHERE id = :id"),
                         {"now": now.replace(tzinfo=None) if not self.alur.db.is_postgres else now, "id": task_id})
            version_id, agency_id = conn.execute(text(
                "SELECT version_id, agency_id FROM process_instance WHERE id = :id"), {"id": instance_id}).one()
            following = PATH[min(PATH.index(element_id) + 1, len(PATH) - 1)] if element_id in PATH else element_id
            conn.execute(ElementVisit.__table__.insert(), {"instance_id": instance_id, "version_id": version_id,
                                                           "agency_id": agency_id, "element_id": following,
                                                           "flow_id": None, "at": now})
        return element_id


def measure_fresh(name: str, ask, writer: Writer, passed_of, requests: int) -> Stats:
    """`requests` times: a commit, then `ask()` timed; its answer must show the commit."""
    ask()  # warm: the version cache, the ORM, the plan
    times = []
    for _ in range(requests):
        before = passed_of(ask())
        element = writer()
        t0 = time.perf_counter()
        answer = ask()
        times.append(time.perf_counter() - t0)
        if passed_of(answer).get(element, 0) != before.get(element, 0) + 1:
            raise SystemExit(f"{name}: the answer after the commit does not show it ({element})")
    return Stats(times)


def run(alur, args, how: str, label: str) -> str:
    from server.kernel.actors import load_actor
    from server.models import User
    from server.monitoring.services import stats
    from sqlalchemy import select

    info = counts(alur, visits="element_visit")
    with alur.db.transaction() as s:
        pengawas = load_actor(s, s.scalar(select(User.id).where(User.username == USER)))
    app = make_app(alur, csrf=False)  # signs in through /login without a form token
    api = app.test_client()
    headers = bearer(api, USER, PASSWORD)
    web = app.test_client()
    if web.post("/login", data={"username": USER, "password": PASSWORD}).status_code != 302:
        raise SystemExit("sign-in failed")
    writer = Writer(alur)

    def by_element(answer: dict) -> dict:
        return {k: v["passed"] for k, v in answer["elements"].items()}

    def service():
        return stats.element_stats(alur, pengawas, KEY, AGENCY)

    def through_api():
        r = api.get(f"/api/v1/processes/{KEY}/stats?agency={AGENCY}", headers=headers)
        if r.status_code != 200:
            raise SystemExit(f"API: HTTP {r.status_code} {r.get_data(as_text=True)[:300]}")
        return r.get_json()

    def refresh():
        r = web.get(f"/pantau/sop/{AGENCY}/{KEY}/angka")
        if r.status_code != 200:
            raise SystemExit(f"refresh: HTTP {r.status_code} {r.get_data(as_text=True)[:300]}")
        return r.get_json()

    log(f"[{label}] {info['tasks']:,} tasks ({info['open']:,} open), {info['instances']:,} instances, "
        f"{info['visits']:,} visits; measuring ...")
    rows = [("service stats.element_stats", measure_fresh("service", service, writer, by_element, args.requests)),
            (f"GET /api/v1/processes/{{key}}/stats", measure_fresh("API", through_api, writer, by_element,
                                                                    args.requests))]
    rows.append(("GET /pantau/sop/{agency}/{key}/angka", timed(refresh, max(5, args.requests // 2), warmup=1)))
    with statements(alur.db.engine) as seen:
        service()
    sql = selects_on(seen.sql, "human_task", "element_visit")
    lines = [f"Alur per-element statistics at scale, {label}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             f"{machine('SQLAlchemy', 'Flask')}, {server_version(alur)}",
             f"data: {info['tasks']:,} human_task rows ({info['open']:,} open), {info['instances']:,} instances of "
             f"{KEY}, {info['visits']:,} element_visit rows ({how}); schema {info['revision']}",
             f"indexes on human_task: {', '.join(indexes(alur, 'human_task'))}",
             f"indexes on element_visit: {', '.join(indexes(alur, 'element_visit'))}",
             "each timed request right after a commit (one task completed, a visit added) and checked to show it",
             "", f"{'request':<40} | {'n':>3} | {'p50 ms':>8} | {'p95 ms':>8} | {'< 1 s':>6}",
             "-" * 76]
    for n, (name, st) in enumerate(rows):
        met = "n/a" if n == 2 else "MET" if st.p95_ms < TARGET_MS else "MISSED"
        lines.append(f"{name:<40} | {st.n:>3} | {st.median_ms:>8.1f} | {st.p95_ms:>8.1f} | {met:>6}")
    lines.append("(the last row, the dashboard's refresh, has no target: it adds weekly counts, working-time medians "
                 "computed in Python, the tables and their HTML)")
    if args.explain:
        for statement in sql:
            lines += [""] + explained(alur, [statement])
    lines.append(f"command: python -m bench.element_stats {' '.join(args.argv)}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.element_stats", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop schema public and build the data set again")
    parser.add_argument("--requests", type=int, default=20, help="timed requests each (default 20)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the statistics' statements")
    parser.add_argument("--sqlite", action="store_true",
                        help=f"a temporary SQLite file instead of PostgreSQL ({DATABASE_ENV} not needed)")
    args = parser.parse_args(argv)
    args.argv = argv
    with dataset_alur(args, "alur-bench-stats-", DATASET, params(), build, PASSWORD) as (alur, label, how):
        print(run(alur, args, how, label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
