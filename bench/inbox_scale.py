"""The task inbox at scale: 1,000,000 human tasks, 100,000 of them open.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_bench \\
    python -m bench.inbox_scale [--rebuild] [--requests 200] [--warmup 20] [--explain] [--profile]
    python -m bench.inbox_scale --sqlite [--requests 200] [--explain] [--profile]

The data set is built once on the PostgreSQL database that ALUR_BENCH_DATABASE_URL names
(never `test`) and reused by later runs, migrated to the newest schema first; `--rebuild` drops
schema public and builds it again. `--sqlite` builds the same data set in a temporary SQLite
file instead (no URL needed; it is built every time).

Building: the migrations, `demo.load(with_instances=False)`, a few extra users, then the
instances and tasks bulk-loaded with COPY (SQLite: executemany), not through the engine: the
inbox reads only rows, so an instance's engine state is a short placeholder. Then VACUUM ANALYZE.

Measuring, through the real Flask app (`create_app` with an `Alur`, `app.test_client()`), for
three users: (a) one in the lane with 10,000 open tasks, (b) one with a single claimable task,
(c) one with no task at all:

* GET /api/v1/tasks?scope=mine and ?scope=claimable with a bearer token from
  POST /api/v1/auth/token;
* GET / (the inbox page) signed in through /login (CSRF off for the bench).

Each request: `--warmup` untimed, then `--requests` timed; p50 and p95 in ms. Also the SQL
statements per request, and the time of the inbox's own SQL alone: the statements on
`human_task` that the request sent, replayed in one transaction. Target: p95 < 20 ms each.

`--explain` adds the plans of those statements; `--profile` a cProfile of (a)'s inbox page, in
ms per request. See bench/README.md.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import re
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from bench.common import (DATABASE_ENV, Stats, bearer, counts, dataset_alur, explained, indexes, load_and_analyze,
                          load_average, log, machine, make_app, replayed, selects_on, server_version, statements,
                          target_table, timed, verdict)

# --- the data set -----------------------------------------------------------------------------

TOTAL_TASKS = 1_000_000
OPEN_TASKS = 100_000
TASKS_PER_INSTANCE = 5
BIG_LANE = ("kemenpora", "Ketua Tim Publikasi")    # (a)'s lane: 10,000 open tasks
BIG_OPEN, BIG_MINE, BIG_COLLEAGUE = 10_000, 100, 400  # of them: (a)'s own, a colleague's; the rest unclaimed
ONE_LANE = ("bsip", "Pelaksana/Staf")               # (b)'s lane: 2,000 open, all but one claimed by colleagues
ONE_OPEN = 2_000
EMPTY_AGENCY, EMPTY_ROLE = "ponjong", "Arsip (bench)"  # (c)'s lane: only finished work
EMPTY_DONE = 20_000                                 # finished tasks of (c) (4,000 instances)
OTHERS_CLAIMED = 0.10                                # share of the other lanes' open tasks claimed
DUE_SHARE = 0.7                                      # open tasks with a due time
PASSWORD = "alur-bench-password"                     # every user of the data set
DATASET = "inbox_scale"
DATASET_VERSION = 1
TARGET_MS = 20.0

USER_A, USER_B, USER_C = "kemenpora.ketua", "bsip.staf", "bench.arsip"
EXTRA_USERS = [  # (username, agency, role): colleagues who claim work, and (c)
    ("bench.ketua2", "kemenpora", "Ketua Tim Publikasi"),
    ("bench.staf2", "bsip", "Pelaksana/Staf"),
    ("bench.staf3", "bsip", "Pelaksana/Staf"),
    (USER_C, EMPTY_AGENCY, EMPTY_ROLE),
]
CASES = [  # (label, username, what the totals must be: mine, claimable)
    ("(a) lane with 10,000 open", USER_A, BIG_MINE, BIG_OPEN - BIG_MINE - BIG_COLLEAGUE),
    ("(b) one claimable task", USER_B, 0, 1),
    ("(c) no tasks", USER_C, 0, 0),
]


def params() -> dict:
    """What the data set is made of; a stored data set is reused only if these are the same."""
    return {"version": DATASET_VERSION, "total": TOTAL_TASKS, "open": OPEN_TASKS, "per_instance": TASKS_PER_INSTANCE,
            "big": [*BIG_LANE, BIG_OPEN, BIG_MINE, BIG_COLLEAGUE], "one": [*ONE_LANE, ONE_OPEN],
            "empty": [EMPTY_AGENCY, EMPTY_ROLE, EMPTY_DONE], "others_claimed": OTHERS_CLAIMED,
            "due_share": DUE_SHARE, "users": EXTRA_USERS, "password": PASSWORD}


@dataclass
class Version:
    id: int
    agency_id: int
    steps: list            # (element_id, name, lane) of its user tasks, in diagram order
    lane_roles: dict       # lane -> role id


@dataclass
class World:
    """What the demo data and the extra users gave: versions, and who works in which role."""
    versions: list
    user_of_role: dict     # role id -> the lane's demo user id
    users: dict            # username -> id
    roles: dict            # (agency slug, role name) -> role id
    agency_of_role: dict = field(default_factory=dict)  # role id -> agency id
    first_instance_id: int = 1


INSTANCE_COLUMNS = ("id", "version_id", "agency_id", "title", "status", "engine_state", "revision",
                    "started_at", "ended_at")
TASK_COLUMNS = ("instance_id", "agency_id", "engine_task_id", "element_id", "name", "lane", "role_id", "state",
                "assignee_id", "created_at", "claimed_at", "completed_at", "completed_by_id", "data", "due_at")


def open_plan(world: World, rng: random.Random) -> list:
    """(role id, assignee id or None) for each open task, shuffled over the table."""
    big, one = world.roles[BIG_LANE], world.roles[ONE_LANE]
    plan = [(big, world.users[USER_A])] * BIG_MINE + [(big, world.users["bench.ketua2"])] * BIG_COLLEAGUE
    plan += [(big, None)] * (BIG_OPEN - BIG_MINE - BIG_COLLEAGUE)
    colleagues = [world.users["bench.staf2"], world.users["bench.staf3"]]
    plan += [(one, None)] + [(one, colleagues[i % 2]) for i in range(ONE_OPEN - 1)]
    others = sorted({v.lane_roles.get(lane) for v in world.versions for _, _, lane in v.steps} - {big, one, None})
    rest = OPEN_TASKS - len(plan)
    for i in range(rest):
        role = others[i % len(others)]
        plan.append((role, world.user_of_role[role] if rng.random() < OTHERS_CLAIMED else None))
    rng.shuffle(plan)
    return plan


def rows(world: World, now: datetime):
    """(instances, tasks): two generators of row tuples (INSTANCE_COLUMNS, TASK_COLUMNS).

    Finished instances first (older), then running ones, each with TASKS_PER_INSTANCE tasks; a
    running instance's last task is its open one. Ids of instances start after the demo's.
    """
    rng = random.Random(2026)
    plan = open_plan(world, rng)
    done_instances = (TOTAL_TASKS - OPEN_TASKS * TASKS_PER_INSTANCE) // TASKS_PER_INSTANCE
    assert done_instances * TASKS_PER_INSTANCE + OPEN_TASKS * TASKS_PER_INSTANCE == TOTAL_TASKS
    by_role = {}
    for v in world.versions:  # the versions with a step in the role's lane
        for role in {v.lane_roles.get(lane) for _, _, lane in v.steps} - {None}:
            by_role.setdefault(role, []).append(v)
    empty_role, empty_user = world.roles[(EMPTY_AGENCY, EMPTY_ROLE)], world.users[USER_C]
    empty_version = next(v for v in world.versions if v.agency_id == world.agency_of_role[empty_role])
    data = json.dumps({"catatan": "Sudah dikerjakan sesuai SOP; bukti terlampir di berkas kegiatan."})
    total = done_instances + OPEN_TASKS
    # Instance n (0-based) gets its times from its place: older ones first.
    span_done, span_open = timedelta(days=730), timedelta(days=60)

    def started(n: int) -> datetime:
        if n < done_instances:
            return now - span_done + span_done * 0.95 * n / done_instances
        return now - span_open + span_open * (n - done_instances) / OPEN_TASKS

    def instance_rows():
        for n in range(total):
            if n < done_instances:
                version = empty_version if n < EMPTY_DONE // TASKS_PER_INSTANCE else \
                    world.versions[n % len(world.versions)]
                at = started(n)
                yield (world.first_instance_id + n, version.id, version.agency_id, f"Kegiatan bench {n + 1}",
                       "completed", "{}", TASKS_PER_INSTANCE + 1, at, at + timedelta(days=3))
            else:
                role, _ = plan[n - done_instances]
                version = by_role[role][n % len(by_role[role])]
                yield (world.first_instance_id + n, version.id, version.agency_id, f"Kegiatan bench {n + 1}",
                       "running", "{}", TASKS_PER_INSTANCE, started(n), None)

    def task_rows():
        seq = 0
        for n in range(total):
            running = n >= done_instances
            if running:
                role, assignee = plan[n - done_instances]
                version = by_role[role][n % len(by_role[role])]
            else:
                version = empty_version if n < EMPTY_DONE // TASKS_PER_INSTANCE else \
                    world.versions[n % len(world.versions)]
            at = started(n)
            steps = version.steps
            for k in range(TASKS_PER_INSTANCE):
                seq += 1
                created = at + timedelta(hours=6 * k)
                if running and k == TASKS_PER_INSTANCE - 1:
                    lane_steps = [s for s in steps if version.lane_roles.get(s[2]) == role]
                    element, name, lane = lane_steps[n % len(lane_steps)]
                    due = now + timedelta(days=rng.uniform(-30, 30)) if rng.random() < DUE_SHARE else None
                    yield (world.first_instance_id + n, version.agency_id, f"bench-{seq:030d}", element, name, lane,
                           role, "ready", assignee, created, created + timedelta(hours=1) if assignee else None,
                           None, None, None, due)
                    continue
                element, name, lane = steps[k % len(steps)]
                if not running and n < EMPTY_DONE // TASKS_PER_INSTANCE:
                    task_role, who = empty_role, empty_user
                else:
                    task_role = version.lane_roles[lane]
                    who = world.user_of_role[task_role]
                done = created + timedelta(hours=2)
                yield (world.first_instance_id + n, version.agency_id, f"bench-{seq:030d}", element, name, lane,
                       task_role, "completed", who, created, created + timedelta(hours=1), done, who, data,
                       created + timedelta(days=2))

    return instance_rows(), task_rows()


# --- building ---------------------------------------------------------------------------------

def prepare_world(alur, create: bool) -> World:
    """The demo's versions, roles and users (with the extra users made when `create`)."""
    from sqlalchemy import func, select

    from server import demo
    from server.kernel import accounts
    from server.models import Agency, LaneRole, ProcessInstance, ProcessModel, ProcessVersion, Role, User

    with alur.db.transaction() as s:
        if create:
            password_hash = accounts.hash_password(PASSWORD)
            for username, slug, role in EXTRA_USERS:
                if s.scalar(select(User.id).where(User.username == username)) is None:
                    agency = s.scalar(select(Agency).where(Agency.slug == slug))
                    user = accounts.create_user(s, alur.clock.now(), username, f"{username} (bench)",
                                                password_hash=password_hash)
                    accounts.add_member(s, user.id, agency.id, [role])
        users = dict(s.execute(select(User.username, User.id)).all())
        roles, agency_of_role = {}, {}
        for role_id, slug, name, agency_id in s.execute(select(Role.id, Agency.slug, Role.name, Agency.id)
                                                        .join(Agency, Agency.id == Role.agency_id)):
            roles[(slug, name)] = role_id
            agency_of_role[role_id] = agency_id
        versions = []
        for vid, agency_id, catalog in s.execute(select(ProcessVersion.id, ProcessModel.agency_id,
                                                        ProcessVersion.catalog)
                                                 .join(ProcessModel).order_by(ProcessVersion.id)):
            steps = [(eid, step.get("name") or eid, step["lane"]) for eid, step in catalog["steps"].items()
                     if step.get("type") == "userTask" and step.get("lane")]
            lanes = dict(s.execute(select(LaneRole.lane, LaneRole.role_id).where(LaneRole.version_id == vid)).all())
            if steps:
                versions.append(Version(vid, agency_id, steps, lanes))
        first = (s.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
    user_of_role = {roles[(slug, lane)]: users[name] for slug, name, lane in demo.USERS}
    return World(versions, user_of_role, users, roles, agency_of_role, first)


def build(alur, log_label: str) -> dict:
    """The whole data set on an empty, migrated database. Returns timings."""
    from server import demo

    t0 = time.perf_counter()
    demo.load(alur, with_instances=False)
    world = prepare_world(alur, create=True)
    t1 = time.perf_counter()
    log(f"[{log_label}] demo data and users in {t1 - t0:.1f} s")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    instances, tasks = rows(world, now)  # generators: the rows are made while loading
    return load_and_analyze(alur, log_label, (("process_instance", INSTANCE_COLUMNS, instances),
                                              ("human_task", TASK_COLUMNS, tasks)),
                            f"{TOTAL_TASKS:,} tasks loaded", since=t1)


# --- measuring --------------------------------------------------------------------------------

@dataclass
class Row:
    case: str
    username: str
    request: str
    total: str
    expected: str
    http: Stats
    sql: Stats
    statements: int
    transactions: int
    plans: list = field(default_factory=list)


class Client:
    """One user: a bearer token for the API and a signed-in browser session for the pages."""

    def __init__(self, app, username: str):
        self.username = username
        self.api = app.test_client()
        self.headers = bearer(self.api, username, PASSWORD)
        self.web = app.test_client()
        r = self.web.post("/login", data={"username": username, "password": PASSWORD})
        if r.status_code != 302:
            raise SystemExit(f"{username}: sign-in failed ({r.status_code})")

    def get(self, path: str):
        """The response, body read; stops the benchmark on anything but 200."""
        r = self.api.get(path, headers=self.headers) if path.startswith("/api/") else self.web.get(path)
        r.get_data()
        if r.status_code != 200:
            raise SystemExit(f"{self.username} {path}: HTTP {r.status_code}: {r.get_data(as_text=True)[:300]}")
        return r


TAB_TOTAL = re.compile(r'id="tab-(saya|tim)"[^>]*>[^<(]*\(([^)]*)\)')


def total_of(path: str, response) -> str:
    if path.startswith("/api/"):
        body = response.get_json()
        return f"{body['total']}{'+' if body.get('total_capped') else ''}"
    found = dict(TAB_TOTAL.findall(response.get_data(as_text=True)))
    return f"{found.get('saya', '?')}/{found.get('tim', '?')}" if found else "?"


REQUESTS = ["/api/v1/tasks?scope=mine", "/api/v1/tasks?scope=claimable", "/"]


def measure(alur, app, requests: int, warmup: int, with_plans: bool) -> list:
    out = []
    for label, username, mine, claimable in CASES:
        client = Client(app, username)
        expected = {"/api/v1/tasks?scope=mine": str(mine), "/api/v1/tasks?scope=claimable": str(claimable), "/": ""}
        for path in REQUESTS:
            http = timed(lambda: client.get(path), requests, warmup)
            with statements(alur.db.engine) as seen:  # one more, warm, for its SQL and its total
                total = total_of(path, client.get(path))
            listing = selects_on(seen.sql, "human_task")  # the inbox's own statements
            row = Row(label, username, path, total, expected[path], http, replayed(alur, listing, requests),
                      len(seen.sql), seen.transactions, explained(alur, listing) if with_plans else [])
            log(f"  {label:<27} {path:<31} total {total:>10}  p50 {http.median_ms:7.2f}  "
                f"p95 {http.p95_ms:7.2f} ms  (SQL alone p50 {row.sql.median_ms:.2f} ms)")
            out.append(row)
    return out


def check_totals(rows: list) -> list:
    """API totals that differ from what was built (a capped count, "1000+", is right when more were built)."""
    problems = []
    for r in rows:
        if not r.expected:
            continue
        got, want = r.total.rstrip("+"), int(r.expected)
        if not (got.isdigit() and (int(got) == want or (r.total.endswith("+") and want > int(got)))):
            problems.append(f"{r.username} {r.request}: total {r.total}, built {r.expected}")
    return problems


def split(alur, client, path: str, requests: int) -> str:
    """Where a request's time goes without a profiler: the SQL (cursor execute, round trip
    included), the template (Flask's render signals, its SQL excepted), and the rest."""
    from flask import before_render_template, template_rendered
    from sqlalchemy import event

    spent, began = {"sql": 0.0, "template": 0.0, "sql in template": 0.0}, {}

    def sql_start(*_):
        began["sql"] = time.perf_counter()

    def sql_end(*_):
        elapsed = time.perf_counter() - began.pop("sql")
        spent["sql"] += elapsed
        spent["sql in template"] += elapsed if "template" in began else 0.0

    def render_start(*_, **__):
        began["template"] = time.perf_counter()

    def render_end(*_, **__):
        spent["template"] += time.perf_counter() - began.pop("template")

    hooks = [(alur.db.engine, "before_cursor_execute", sql_start), (alur.db.engine, "after_cursor_execute", sql_end)]
    for target, name, fn in hooks:
        event.listen(target, name, fn)
    before_render_template.connect(render_start)
    template_rendered.connect(render_end)
    try:
        total = sum(timed(lambda: client.get(path), requests, warmup=20).samples)
    finally:
        for target, name, fn in hooks:
            event.remove(target, name, fn)
        before_render_template.disconnect(render_start)
        template_rendered.disconnect(render_end)
    sql, template = spent["sql"], spent["template"] - spent["sql in template"]
    ms = {k: v * 1000 / requests for k, v in {"total": total, "sql": sql, "template": template,
                                                "rest": total - sql - template}.items()}
    return (f"without the profiler, mean of {requests}: {ms['total']:.2f} ms a request = SQL {ms['sql']:.2f} ms "
            f"(cursor execute, round trips included) + template {ms['template']:.2f} ms + the rest "
            f"{ms['rest']:.2f} ms (ORM, services, Flask, BEGIN/COMMIT/ping)")


def profile(alur, app, username: str, path: str, requests: int, floor_ms: float = 0.3, top: int = 15) -> list:
    """`split`, then a cProfile of `requests` requests in ms per request: the call tree below
    Flask's dispatch (branches of at least `floor_ms`) and the `top` functions by own time."""
    client = Client(app, username)
    lines = [split(alur, client, path, requests)]
    profiler = cProfile.Profile()
    profiler.enable()
    t0 = time.perf_counter()
    for _ in range(requests):
        client.get(path)
    wall = (time.perf_counter() - t0) / requests * 1000
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # (file, line, function) -> (primitive calls, calls, own s, cum s, callers)
    root = str(Path(__file__).resolve().parent.parent) + os.sep
    callees: dict = {}
    for key, (*_, callers) in stats.items():
        for caller, edge in callers.items():
            callees.setdefault(caller, []).append((key, edge))

    def where(key) -> str:
        file, line, function = key
        file = re.sub(r".*/(site-packages|lib/python3\.\d+)/", "", file.replace(root, ""))
        return f"{file}:{line}:{function}" if line else function

    def per_request(seconds: float) -> float:
        return seconds * 1000 / requests

    def ours(key) -> bool:
        return where(key).startswith("server" + os.sep)

    def leads_to_ours(key, depth: int = 8, seen: frozenset = frozenset()) -> bool:
        return any(ours(c) or (depth and c not in seen and leads_to_ours(c, depth - 1, seen | {key}))
                   for c, edge in callees.get(key, []) if per_request(edge[3]) >= floor_ms)

    def tree(key, share: float, depth: int, indent: str) -> None:
        """`key`'s callees; `share`: the part of `key`'s time spent on this branch (pstats keeps
        one level of callers only, so deeper levels are apportioned). Library calls with no
        server code below them are leaves."""
        for callee, (_, calls, _, cum) in sorted(callees.get(key, []), key=lambda c: -c[1][3]):
            if per_request(cum * share) >= floor_ms and depth:
                lines.append(f"  {per_request(cum * share):8.2f} {calls / requests:7.1f}  {indent}{where(callee)}")
                if ours(callee) or leads_to_ours(callee):
                    tree(callee, share * cum / stats[callee][3], depth - 1, indent + "  ")

    lines.append(f"cProfile of {requests} requests GET {path} as {username}: {wall:.2f} ms a request under the "
                 "profiler (it inflates Python-heavy code about 2x)")
    lines.append(f"  call tree below Flask's dispatch, branches of >= {floor_ms} ms; per request: cumulative ms "
                 "(apportioned below the first level), calls (from any caller), function")
    dispatch = next(k for k in stats if k[0].endswith(os.path.join("flask", "app.py")) and k[2] == "full_dispatch_request")
    tree(dispatch, 1.0, 12, "")
    lines.append(f"  top {top} by own time; per request: own ms, cumulative ms, calls, function")
    for key, (_, calls, own, cum, _) in sorted(stats.items(), key=lambda kv: -kv[1][2])[:top]:
        lines.append(f"  {per_request(own):8.2f} {per_request(cum):8.2f} {calls / requests:7.1f}  {where(key)}")
    return lines


# --- the report -------------------------------------------------------------------------------

def table(rows: list) -> list:
    head = (f"{'user':<27} | {'request':<34} | {'total':>10} | {'p50 ms':>7} | {'p95 ms':>7} | {'< 20 ms':>7} | "
            f"{'SQL/tx':>6} | {'list SQL p50':>12} | {'p95':>6}")
    lines = [f"{r.case:<27} | {'GET ' + r.request:<34} | {r.total:>10} | {r.http.median_ms:>7.2f} | "
             f"{r.http.p95_ms:>7.2f} | {verdict(r.http, TARGET_MS):>7} | {f'{r.statements}/{r.transactions}':>6} | "
             f"{r.sql.median_ms:>12.2f} | {r.sql.p95_ms:>6.2f}" for r in rows]
    return target_table(head, lines, [r.http for r in rows], TARGET_MS)


def report(label: str, info: dict, rows: list, profiled: list, args: list) -> str:
    n = rows[0].http.n if rows else 0
    lines = [f"Alur inbox at scale, {label}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             f"{machine('SQLAlchemy', 'Flask')}, {info['server']}, "
             f"load average {info['load']} before, {load_average()} after",
             f"data: {info['tasks']:,} human_task rows, {info['open']:,} open, {info['instances']:,} instances "
             f"({info['how']}); schema {info['revision']}",
             f"indexes on human_task: {', '.join(info['indexes'])}",
             f"each request: {n} timed after warm-up, through create_app().test_client(); "
             "API with a bearer token, / signed in",
             "total: the list's total (page: my tasks/team tasks; + when capped); SQL/tx: statements/transactions "
             "per request;", "list SQL: the request's SELECTs on human_task replayed alone in one transaction", ""]
    lines += table(rows)
    problems = check_totals(rows)
    lines.append("checks: " + ("every total as built" if not problems else "MISMATCH: " + "; ".join(problems)))
    for r in rows:
        if r.plans:
            lines += ["", f"plans, {r.username}, GET {r.request}:"] + [f"  {p}" for p in r.plans]
    if profiled:
        lines += [""] + profiled
    lines.append(f"command: python -m bench.inbox_scale {' '.join(args)}".rstrip())
    return "\n".join(lines)


# --- main -------------------------------------------------------------------------------------

def run(alur, args, how: str, label: str) -> str:
    info = counts(alur)
    info.update(indexes=indexes(alur, "human_task"), how=how, server=server_version(alur), load=load_average())
    log(f"[{label}] {info['tasks']:,} tasks, {info['open']:,} open, load {info['load']}; measuring ...")
    app = make_app(alur, csrf=False)  # the bench signs in through /login without a form token
    rows = measure(alur, app, args.requests, args.warmup, args.explain)
    profiled = profile(alur, app, USER_A, "/", args.requests) if args.profile else []
    return report(label, info, rows, profiled, args.argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.inbox_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop schema public and build the data set again")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per user and request (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first (default 20)")
    parser.add_argument("--explain", action="store_true", help="print the plans of the inbox's statements")
    parser.add_argument("--profile", action="store_true", help="cProfile (a)'s inbox page, --requests requests")
    parser.add_argument("--sqlite", action="store_true",
                        help=f"a temporary SQLite file instead of PostgreSQL ({DATABASE_ENV} not needed)")
    args = parser.parse_args(argv)
    args.argv = argv

    with dataset_alur(args, "alur-bench-inbox-", DATASET, params(), build, PASSWORD) as (alur, label, how):
        print(run(alur, args, how, label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
