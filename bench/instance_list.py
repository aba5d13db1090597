"""The supervisors' instance list at scale: 100,000 instances of one agency on PostgreSQL.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_h_list_bench \\
    python -m bench.instance_list [--rebuild] [--requests 200] [--warmup 20] [--explain]
    python -m bench.instance_list --sqlite [--instances 20000] [--requests 50]

The data set is built once on the PostgreSQL database that ALUR_BENCH_DATABASE_URL names (never
`test`) and reused by later runs (migrated to the newest schema first); `--rebuild` drops schema
public and builds it again. `--sqlite` builds it in a temporary SQLite file instead.

Building: the migrations, `demo.load(with_instances=False)`, the BSIP diagram deployed a second
time into Kemenpora (so the agency has two SOPs), then the instances and their tasks bulk-loaded
with COPY (SQLite: executemany), not through the engine: the list reads only rows, so an
instance's engine state is a short placeholder. Of the instances 60 % run, 25 % are completed,
5 % each suspended, cancelled and in error; each open one waits at one step (its open task, in
that step's lane, 30 % claimed, 70 % with a due time between 20 days ago and 20 days ahead), with
the steps before it completed. Started over the year before the clock, by the start lane's user
or a colleague; the titles draw from a few words ("sumpah" is in one in eight). VACUUM ANALYZE.

Measuring, through the real Flask app (`create_app`, `app.test_client()`) with the Pengawas's
bearer token, on a FixedClock at the build's time: GET /api/v1/instances with no filter,
status=running, overdue=true, process=X&lane=Y, q=text, sort=due and page=100; `--warmup`
untimed, then `--requests` timed each; p50 and p95 in ms. Target: p95 < 100 ms each. Also
each request's SQL statements and their time alone (replayed in one transaction); `--explain`
adds their plans. See bench/README.md.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from bench.common import (DATABASE_ENV, Stats, bearer, counts, dataset_alur, explained, load_and_analyze,
                          load_average, log, machine, make_app, replayed, selects_on, server_version, statements,
                          target_table, timed, verdict)

INSTANCES = 100_000
AGENCY = "kemenpora"
MAIN_KEY = "kemenpora_publikasi_media_sosial"
SECOND_BPMN = "001_bsip_informasi_media_sosial.bpmn"   # deployed into Kemenpora too: a second SOP
SECOND_SHARE = 0.2
STATUS_SHARES = (("running", 0.60), ("completed", 0.25), ("suspended", 0.05), ("cancelled", 0.05), ("error", 0.05))
CLAIMED = 0.30
DUE_SHARE = 0.70
TITLE_WORDS = ("Hari Olahraga Nasional", "Sumpah Pemuda", "Pekan Olahraga Pelajar", "Pemuda Pelopor",
               "Kirab Pemuda", "Festival Literasi", "Jambore Pemuda", "Liga Pelajar")
SEARCH = "sumpah"
LANE = "Ketua Tim Publikasi"
USER = "kemenpora.pengawas"
COLLEAGUE = "bench.karo2"
PASSWORD = "alur-bench-password"
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)   # the FixedClock of building and measuring
DATASET = "instance_list"
DATASET_VERSION = 1
TARGET_MS = 100.0

REQUESTS = ["/api/v1/instances", "/api/v1/instances?status=running", "/api/v1/instances?overdue=true",
            f"/api/v1/instances?process={MAIN_KEY}&lane={LANE.replace(' ', '+')}",
            f"/api/v1/instances?q={SEARCH}", "/api/v1/instances?sort=due", "/api/v1/instances?page=100"]


def params(instances: int) -> dict:
    """What the data set is made of; a stored data set is reused only if these are the same."""
    return {"version": DATASET_VERSION, "instances": instances, "agency": AGENCY, "second": SECOND_BPMN,
            "second_share": SECOND_SHARE, "statuses": STATUS_SHARES, "claimed": CLAIMED, "due_share": DUE_SHARE,
            "words": TITLE_WORDS, "now": NOW.isoformat(), "password": PASSWORD}


# --- the data set -----------------------------------------------------------------------------

@dataclass
class Sop:
    version_id: int
    steps: list            # (element_id, name, lane, role_id) of its user tasks, in SOP order
    starter_role: int


@dataclass
class World:
    agency_id: int
    sops: list             # [main, second]
    user_of_role: dict     # role id -> a user holding it
    starters: list         # user ids who start instances
    first_id: int = 1


INSTANCE_COLUMNS = ("id", "version_id", "agency_id", "title", "status", "engine_state", "revision", "error_message",
                    "started_by_id", "started_at", "ended_at")
TASK_COLUMNS = ("instance_id", "agency_id", "engine_task_id", "element_id", "name", "lane", "role_id", "state",
                "assignee_id", "created_at", "claimed_at", "completed_at", "completed_by_id", "due_at")


def prepare(alur) -> World:
    """The demo data, the second SOP in Kemenpora, a second starter; what the rows refer to."""
    from sqlalchemy import func, select

    from server import demo
    from server.kernel import accounts
    from server.kernel.versions import version_info
    from server.modeling.services import deployment
    from server.models import Agency, LaneRole, ProcessInstance, ProcessModel, ProcessVersion, User, UserRole

    demo.load(alur, with_instances=False)
    bpmn = alur.settings.bpmn_dir / SECOND_BPMN
    with alur.db.transaction() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.slug == AGENCY))
        second_there = s.scalar(select(func.count()).select_from(ProcessModel)
                                .where(ProcessModel.agency_id == agency_id)) > 1
    if not second_there:
        deployment.deploy(alur, bpmn.read_bytes(), bpmn.name, agency_slug=AGENCY)
    with alur.db.transaction() as s:
        if s.scalar(select(User.id).where(User.username == COLLEAGUE)) is None:
            user = accounts.create_user(s, alur.clock.now(), COLLEAGUE, "Kepala Biro Kedua (bench)",
                                        password_hash=accounts.hash_password(PASSWORD))
            accounts.add_member(s, user.id, agency_id, ["Kepala Biro Humas dan Umum"])
        sops = []
        for vid, key in s.execute(select(ProcessVersion.id, ProcessModel.key).join(ProcessModel)
                                  .where(ProcessModel.agency_id == agency_id)
                                  .order_by(ProcessModel.key != MAIN_KEY, ProcessVersion.id)):
            info = version_info(s, vid)
            lanes = dict(s.execute(select(LaneRole.lane, LaneRole.role_id).where(LaneRole.version_id == vid)).all())
            steps = [(eid, st.get("name") or eid, st["lane"], lanes[st["lane"]])
                     for eid, st in info.catalog["steps"].items() if st.get("lane") in lanes]
            steps.sort(key=lambda st: int("".join(c for c in info.step(st[0]).get("no", "") if c.isdigit()) or 0))
            start = info.manual_start() or info.catalog["starts"][0]
            sops.append(Sop(vid, steps, lanes.get(start.get("lane")) or steps[0][3]))
            if len(sops) == 2:
                break
        holders: dict[int, list] = {}
        for user_id, role_id in s.execute(select(UserRole.user_id, UserRole.role_id)):
            holders.setdefault(role_id, []).append(user_id)
        user_of_role = {role: sorted(users)[0] for role, users in holders.items()}
        starters = sorted(holders.get(sops[0].starter_role, []))
        first = (s.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
    return World(agency_id, sops, user_of_role, starters, first)


def rows(world: World, count: int):
    """(instances, tasks): generators of row tuples (INSTANCE_COLUMNS, TASK_COLUMNS)."""
    rng = random.Random(2026)
    statuses = [name for name, share in STATUS_SHARES for _ in range(round(share * 100))]
    plans = []
    for n in range(count):
        sop = world.sops[1] if len(world.sops) > 1 and rng.random() < SECOND_SHARE else world.sops[0]
        status = statuses[rng.randrange(len(statuses))]
        started = NOW - timedelta(days=365) * (1 - n / count) + timedelta(minutes=rng.randrange(0, 60))
        at = len(sop.steps) if status == "completed" else rng.randrange(len(sop.steps))  # the open step
        plans.append((world.first_id + n, sop, status, started, at))

    def instance_rows():
        for n, (iid, sop, status, started, at) in enumerate(plans):
            ended = started + timedelta(days=3) if status in ("completed", "cancelled") else None
            error = "NameError: name 'catatan' is not defined" if status == "error" else None
            starter = world.starters[n % len(world.starters)] if world.starters else None
            title = f"Publikasi {TITLE_WORDS[n % len(TITLE_WORDS)]} {n + 1}"
            yield (iid, sop.version_id, world.agency_id, title, status, "{}", at + 1, error, starter, started, ended)

    def task_rows():
        seq = 0
        for iid, sop, status, started, at in plans:
            for k, (element, name, lane, role) in enumerate(sop.steps[:at + 1]):
                seq += 1
                created = started + timedelta(hours=4 * k)
                if k < at:  # done before
                    who = world.user_of_role.get(role)
                    yield (iid, world.agency_id, f"bl-{seq:033d}", element, name, lane, role, "completed", who,
                           created, created, created + timedelta(hours=2), who, created + timedelta(days=1))
                elif status == "cancelled":
                    yield (iid, world.agency_id, f"bl-{seq:033d}", element, name, lane, role, "cancelled", None,
                           created, None, created + timedelta(days=3), None, None)
                elif status != "completed":
                    assignee = world.user_of_role.get(role) if rng.random() < CLAIMED else None
                    due = NOW + timedelta(hours=rng.uniform(-20 * 24, 20 * 24)) if rng.random() < DUE_SHARE else None
                    yield (iid, world.agency_id, f"bl-{seq:033d}", element, name, lane, role, "ready", assignee,
                           created, created if assignee else None, None, None, due)
    return instance_rows(), task_rows()


def build(alur, label: str, count: int) -> dict:
    t0 = time.perf_counter()
    world = prepare(alur)
    t1 = time.perf_counter()
    log(f"[{label}] demo data, second SOP and users in {t1 - t0:.1f} s")
    instances, tasks = rows(world, count)
    return load_and_analyze(alur, label, (("process_instance", INSTANCE_COLUMNS, instances),
                                          ("human_task", TASK_COLUMNS, tasks)),
                            f"{count:,} instances with their tasks loaded", since=t1)


# --- measuring --------------------------------------------------------------------------------

@dataclass
class Row:
    request: str
    total: int
    http: Stats
    sql: Stats
    statements: int
    plans: list = field(default_factory=list)


def measure(alur, app, requests: int, warmup: int, with_plans: bool) -> list:
    client, headers = app.test_client(), bearer(app.test_client(), USER, PASSWORD)

    def get(path: str):
        r = client.get(path, headers=headers)
        r.get_data()
        if r.status_code != 200:
            raise SystemExit(f"{path}: HTTP {r.status_code}: {r.get_data(as_text=True)[:300]}")
        return r
    out = []
    for path in REQUESTS:
        http = timed(lambda: get(path), requests, warmup)
        with statements(alur.db.engine) as seen:
            total = get(path).get_json()["total"]
        own = selects_on(seen.sql, "process_instance", "human_task")  # the list's own statements
        sql = replayed(alur, own, requests)
        row = Row(path, total, http, sql, len(seen.sql), explained(alur, own) if with_plans else [])
        log(f"  {path:<75} total {total:>7}  p50 {http.median_ms:7.2f}  p95 {http.p95_ms:7.2f} ms  "
            f"(list SQL p50 {sql.median_ms:.2f} ms)")
        out.append(row)
    return out


def table(rows: list) -> list:
    head = (f"{'request (GET /api/v1/instances...)':<70} | {'total':>7} | {'p50 ms':>7} | {'p95 ms':>7} | "
            f"{'< 100 ms':>8} | {'SQL':>3} | {'list SQL p50':>12} | {'p95':>6}")
    lines = []
    for r in rows:
        short = r.request.replace("/api/v1/instances", "") or "(no filter)"
        lines.append(f"{short:<70} | {r.total:>7} | {r.http.median_ms:>7.2f} | {r.http.p95_ms:>7.2f} | "
                     f"{verdict(r.http, TARGET_MS):>8} | {r.statements:>3} | {r.sql.median_ms:>12.2f} | "
                     f"{r.sql.p95_ms:>6.2f}")
    return target_table(head, lines, [r.http for r in rows], TARGET_MS)


def report(label: str, info: dict, rows: list, args) -> str:
    n = rows[0].http.n if rows else 0
    lines = [f"Alur instance list at scale, {label}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             f"{machine('SQLAlchemy', 'Flask')}, {info['server']}, load average {info['load']} before, "
             f"{load_average()} after",
             f"data: {info['instances']:,} instances, {info['tasks']:,} human_task rows ({info['open']:,} open), "
             f"one agency ({info['how']}); schema {info['revision']}",
             f"each request: {n} timed after warm-up, through create_app().test_client() as {USER} (bearer token)",
             "SQL: statements per request; list SQL: its SELECTs on process_instance/human_task replayed alone", ""]
    lines += table(rows)
    for r in rows:
        if r.plans:
            lines += ["", f"plans, GET {r.request}:"] + [f"  {p}" for p in r.plans]
    lines.append(f"command: python -m bench.instance_list {' '.join(args.argv)}".rstrip())
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.instance_list", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop schema public and build the data set again")
    parser.add_argument("--instances", type=int, default=INSTANCES, help=f"instances to build (default {INSTANCES})")
    parser.add_argument("--requests", type=int, default=200, help="timed requests each (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (default 20)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the list's statements")
    parser.add_argument("--sqlite", action="store_true",
                        help=f"a temporary SQLite file instead of PostgreSQL ({DATABASE_ENV} not needed)")
    args = parser.parse_args(argv)
    args.argv = argv
    from server.clock import FixedClock

    with dataset_alur(args, "alur-bench-list-", DATASET, params(args.instances),
                      lambda alur, label: build(alur, label, args.instances), PASSWORD, clock=FixedClock(NOW),
                      reused="reused", analyze_reused=True) as (alur, label, how):
        info = {**counts(alur), "how": how, "server": server_version(alur), "load": load_average()}
        log(f"[{label}] {info['instances']:,} instances, {info['open']:,} open tasks; measuring ...")
        rows_ = measure(alur, make_app(alur), args.requests, args.warmup, args.explain)
        print(report(label, info, rows_, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
