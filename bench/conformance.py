"""The conformance report at scale: 10,000 Kemenpora instances against the official version.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_h_report_bench \\
    python -m bench.conformance [--rebuild] [--runs 5] [--instances 10000]
    python -m bench.conformance --sqlite [--instances 2000] [--runs 3]

The data set is built once on the PostgreSQL database that ALUR_BENCH_DATABASE_URL names (never
`test`) and reused by later runs (migrated to the newest schema first); `--rebuild` drops schema
public and builds it again. `--sqlite` builds it in a temporary SQLite file instead.

Building: the migrations, `demo.load(with_instances=False)`, then the instances of the Kemenpora
SOP bulk-loaded with COPY (SQLite: executemany), not through the engine (the report reads rows
only): 85 % completed as the diagram says (one in ten sent back from step 6 to step 5 once), 5 %
completed with a deviation drawn at random (a move back from a step to an earlier one, a move
forward past some steps, or two neighbouring steps swapped), 10 % still running at one of steps
1 to 5. Per step reached a
human_task row (created, completed, by a holder of its lane, due by its Waktu on the agency's
calendar; one in eight done late) and an element_visit row per element reached (start, each
task, the decision's gateway, the end), as the engine-step unit writes them. The moves are audit
events (instance.moved with the Pengawas and a reason), written through kernel.audit so the hash
chain holds. VACUUM ANALYZE.

Measuring, each `--runs` times after one warm-up: `report.sop_report` on the whole log (target:
under 5 s), its parts (reading the traces alone, judging them), the API's POST
/processes/{key}/conformance through the Flask app (traces=none, and the full answer with its JSON
size), one case's drill-down (`case_report`), and the replay of one instance: per variant on a
fresh net (no cached searches; target under 10 ms) and on the report's warm net, and an alignment
of a deviating trace on a fresh net. See bench/README.md.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timedelta, timezone

from bench.common import (DATABASE_ENV, Stats, bearer, counts, dataset_alur, load_and_analyze, load_average, log,
                          machine, make_app, server_version, timed)

INSTANCES = 10_000
KEY = "kemenpora_publikasi_media_sosial"
AGENCY = "kemenpora"
AUDITOR = "inspektorat"
PENGAWAS = "kemenpora.pengawas"
PASSWORD = "alur-bench-password"
NOW = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)   # the FixedClock of building and measuring
SHARES = {"conforming": 0.85, "deviating": 0.05, "running": 0.10}
REJECT_SHARE = 0.10
LATE_SHARE = 0.125
DATASET = "conformance"
DATASET_VERSION = 2
TARGET_REPORT_S = 5.0
TARGET_REPLAY_MS = 10.0

S = {n: f"s0{n}_" + rest for n, rest in enumerate(
    ["", "disposisi_pembuatan_konten", "perintahkan_pembahasan_konsep", "bahas_konsep_konten", "produksi_konten",
     "sampaikan_hasil_produksi", "putuskan_persetujuan", "perintahkan_publikasi", "publikasi_dan_laporan"])}
START, GATEWAY, END = "mulai_permohonan", "g06_disetujui", "selesai_dipublikasikan"
CONFORMING = [1, 2, 3, 4, 5, 6, 7, 8]
LOOPED = [1, 2, 3, 4, 5, 6, 5, 6, 7, 8]
REASONS = {"back": "Konsep perlu dibahas ulang", "forward": "Langkah dilakukan di luar Alur"}


def deviation(rng: random.Random) -> tuple[str, list, tuple | None]:
    """A deviating run, at random: (kind, the rows completed in order, the move or None). A move
    is (index of the first step done after it, the row left (its open task cancelled), the row
    moved to): back to an earlier step (redone), or forward past some (skipped). Or two
    neighbouring steps done the other way round, without a move."""
    kind = rng.choice(("back", "forward", "swapped"))
    if kind == "back":
        left = rng.randint(2, 8)
        to = rng.randint(1, left - 1)
        return kind, CONFORMING[:left - 1] + CONFORMING[to - 1:], (left - 1, left, to)
    if kind == "forward":
        left = rng.randint(2, 7)
        to = rng.randint(left + 1, 8)
        return kind, CONFORMING[:left - 1] + CONFORMING[to - 1:], (left - 1, left, to)
    i = rng.randint(1, 7)
    steps = list(CONFORMING)
    steps[i - 1], steps[i] = steps[i], steps[i - 1]
    return kind, steps, None


def params(instances: int) -> dict:
    """What the data set is made of; a stored data set is reused only if these are the same."""
    return {"version": DATASET_VERSION, "instances": instances, "shares": SHARES, "reject": REJECT_SHARE,
            "late": LATE_SHARE, "deviations": "random back, forward, swapped", "now": NOW.isoformat(),
            "password": PASSWORD}


INSTANCE_COLUMNS = ("id", "version_id", "agency_id", "title", "status", "engine_state", "revision",
                    "started_by_id", "started_at", "ended_at", "end_event")
TASK_COLUMNS = ("id", "instance_id", "agency_id", "engine_task_id", "element_id", "name", "lane", "role_id", "state",
                "assignee_id", "created_at", "claimed_at", "completed_at", "completed_by_id", "due_at")
VISIT_COLUMNS = ("instance_id", "version_id", "agency_id", "element_id", "flow_id", "at")


def world(alur) -> dict:
    """The demo data; the Kemenpora version with its steps, flows, roles, a holder per role, the
    agency's calendar; the next free ids."""
    from sqlalchemy import func, select

    from server import demo
    from server.engine import safe_xml
    from server.kernel.calendars import calendar_for
    from server.kernel.versions import version_info
    from server.models import Agency, HumanTask, LaneRole, ProcessInstance, ProcessModel, ProcessVersion, User, \
        UserRole

    demo.load(alur, with_instances=False)
    with alur.db.transaction() as s:
        version_id, agency_id, xml = s.execute(
            select(ProcessVersion.id, ProcessModel.agency_id, ProcessVersion.bpmn_xml)
            .join(ProcessModel, ProcessModel.id == ProcessVersion.process_model_id)
            .join(Agency, Agency.id == ProcessModel.agency_id)
            .where(ProcessModel.key == KEY, Agency.slug == AGENCY, ProcessVersion.active.is_(True))).one()
        info = version_info(s, version_id)
        roles = dict(s.execute(select(LaneRole.lane, LaneRole.role_id).where(LaneRole.version_id == version_id)).all())
        holder = dict(s.execute(select(UserRole.role_id, func.min(User.id)).join(User, User.id == UserRole.user_id)
                                .group_by(UserRole.role_id)).all())
        calendar = calendar_for(s, agency_id)
        first = (s.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
        first_task = (s.scalar(select(func.max(HumanTask.id))) or 0) + 1
    flows = {}
    for flow in safe_xml.parse_bpmn(xml.encode()).iter(f"{{{safe_xml.BPMN_NS}}}sequenceFlow"):
        flows.setdefault((flow.get("sourceRef"), flow.get("targetRef")), flow.get("id"))
    return {"version_id": version_id, "agency_id": agency_id, "info": info, "roles": roles, "holder": holder,
            "calendar": calendar, "first": first, "first_task": first_task, "flows": flows}


def plans(count: int) -> list:
    """(kind, steps (row numbers), open_at or None, move) per instance, seeded."""
    rng = random.Random(2026)
    out = []
    for _ in range(count):
        r = rng.random()
        if r < SHARES["conforming"]:
            out.append(("conforming", LOOPED if rng.random() < REJECT_SHARE else CONFORMING, None, None))
        elif r < SHARES["conforming"] + SHARES["deviating"]:
            kind, steps, move = deviation(rng)
            out.append((kind, steps, None, move))
        else:
            at = rng.randint(1, 5)
            out.append(("running", CONFORMING[:at], at - 1, None))
    return out


def rows(w: dict, count: int):
    """(instances, tasks, visits, moves): lists of row tuples, and the moves to audit
    (instance id, at, from element, to element, reason)."""
    from server.timeplan import parse_kode

    rng = random.Random(7)
    info, calendar = w["info"], w["calendar"]
    instances, tasks, visits, moves = [], [], [], []
    version_id, agency_id = w["version_id"], w["agency_id"]
    span = timedelta(days=365)
    task_id = w["first_task"]
    kodes = {n: parse_kode(info.step(S[n])["waktu_kode"]) for n in S if n}
    for n, (kind, steps, open_at, move) in enumerate(plans(count)):
        instance_id = w["first"] + n
        started = calendar.next_opening(NOW - span + span * (n / count))
        moment, previous = started, START
        visits.append((instance_id, version_id, agency_id, START, None, started))
        for k, row in enumerate(steps):
            element = S[row]
            step = info.step(element)
            role = w["roles"][step["lane"]]
            who = w["holder"].get(role)
            created = moment
            if move and k == move[0]:  # the case was moved here
                left = S[move[1]]  # the step that had opened: its task cancelled by the move
                left_step = info.step(left)
                visits.append((instance_id, version_id, agency_id, left, w["flows"].get((previous, left)), created))
                tasks.append((task_id, instance_id, agency_id, f"cf-{task_id:033d}", left, left_step["name"],
                              left_step["lane"], w["roles"][left_step["lane"]], "cancelled", None, created, None,
                              created + timedelta(hours=1), None, kodes[move[1]].due(created, {}, calendar)))
                task_id += 1
                created = created + timedelta(hours=1)
                moves.append((instance_id, created, left, element, REASONS[kind]))
                visits.append((instance_id, version_id, agency_id, element, None, created))
            elif previous == S[6]:
                visits.append((instance_id, version_id, agency_id, GATEWAY, w["flows"].get((previous, GATEWAY)), created))
                visits.append((instance_id, version_id, agency_id, element, w["flows"].get((GATEWAY, element)), created))
            else:
                visits.append((instance_id, version_id, agency_id, element, w["flows"].get((previous, element)), created))
            due = kodes[row].due(created, {}, calendar)
            engine_id = f"cf-{task_id:033d}"
            if k == open_at:
                tasks.append((task_id, instance_id, agency_id, engine_id, element, step["name"], step["lane"], role,
                              "ready", None, created, None, None, None, due))
                task_id += 1
                break
            late = rng.random() < LATE_SHARE
            done = due + timedelta(minutes=rng.randint(5, 600)) if late else \
                created + (due - created) * rng.uniform(0.1, 0.9)
            tasks.append((task_id, instance_id, agency_id, engine_id, element, step["name"], step["lane"], role,
                          "completed", who, created, created, done, who, due))
            task_id += 1
            moment, previous = done, element
        status = "running" if open_at is not None else "completed"
        if status == "completed":
            visits.append((instance_id, version_id, agency_id, END, w["flows"].get((previous, END)), moment))
        instances.append((instance_id, version_id, agency_id, f"Publikasi bench {n + 1}", status, "{}", len(steps) + 1,
                          w["holder"].get(w["roles"]["Kepala Biro Humas dan Umum"]), started,
                          moment if status == "completed" else None, END if status == "completed" else None))
    return instances, tasks, visits, moves


def build(alur, label: str, count: int) -> dict:
    from sqlalchemy import select

    from server.kernel import audit
    from server.models import User

    t0 = time.perf_counter()
    w = world(alur)
    instances, tasks, visits, moves = rows(w, count)
    t1 = time.perf_counter()
    log(f"[{label}] {len(instances):,} instances, {len(tasks):,} tasks, {len(visits):,} visits, {len(moves):,} "
        f"moves made in {t1 - t0:.1f} s; loading ...")
    built = load_and_analyze(alur, label, (("process_instance", INSTANCE_COLUMNS, instances),
                                           ("human_task", TASK_COLUMNS, tasks),
                                           ("element_visit", VISIT_COLUMNS, visits)), "loaded", since=t1)
    if alur.db.is_postgres:  # the task ids came with the rows: the sequence goes past them
        with alur.db.connection() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('human_task', 'id'), "
                                 "(SELECT max(id) FROM human_task))")
    with alur.db.transaction() as s:  # the moves, through the hash chain like every audit event
        pengawas = s.scalar(select(User.id).where(User.username == PENGAWAS))
        for instance_id, at, left, to, reason in moves:
            audit.record(s, at, "instance.moved", actor_id=pengawas, agency_id=w["agency_id"],
                         instance_id=instance_id, before={"status": "running", "at": [left]},
                         after={"to": to, "reason": reason, "opened": [to]})
    log(f"[{label}] {len(moves):,} moves audited")
    return built


# --- measuring --------------------------------------------------------------------------------

def run(alur, args, how: str, label: str) -> str:
    from sqlalchemy import select

    from server.audit.conformance.alignment import align
    from server.audit.conformance.petri import net_from_bpmn
    from server.audit.conformance.replay import replay
    from server.audit.services import event_log, official, report
    from server.kernel.actors import load_actor
    from server.models import User

    info = {**counts(alur, visits="element_visit", events="audit_event"), "server": server_version(alur),
            "load": load_average()}
    with alur.db.transaction() as s:
        auditor = load_actor(s, s.scalar(select(User.id).where(User.username == AUDITOR)))
    log(f"[{label}] {info['instances']:,} instances, {info['tasks']:,} tasks; measuring ...")

    def whole():
        return report.sop_report(alur, auditor, KEY, agency=AGENCY)

    report.forget()
    official.forget()
    t0 = time.perf_counter()
    first = whole()
    cold = time.perf_counter() - t0
    log(f"  sop_report, cold caches: {cold:.2f} s")
    warm = timed(whole, args.runs, warmup=0)
    log(f"  sop_report: p50 {warm.median_ms / 1000:.2f} s")
    chosen = event_log.scope(alur, auditor, KEY, agency=AGENCY)
    reading = timed(lambda: sum(1 for _ in event_log.traces(alur, chosen)), args.runs, warmup=0)
    log(f"  reading the traces alone: p50 {reading.median_ms / 1000:.2f} s")

    app = make_app(alur)
    client = app.test_client()
    headers = bearer(client, AUDITOR, PASSWORD)
    path = f"/api/v1/processes/{KEY}/conformance?agency={AGENCY}"

    def post(extra: str = ""):
        r = client.post(path + extra, headers=headers)
        body = r.get_data()
        if r.status_code != 200:
            raise SystemExit(f"POST {path}{extra}: HTTP {r.status_code}: {body[:300]!r}")
        return body
    api_none = timed(lambda: post("&traces=none"), args.runs, warmup=1)
    api_all = timed(lambda: post(), max(1, args.runs // 2), warmup=0)
    size = len(post())
    log(f"  API traces=none p50 {api_none.median_ms / 1000:.2f} s, full p50 {api_all.median_ms / 1000:.2f} s "
        f"({size / 1e6:.1f} MB)")

    deviating = next(t for t in first["traces"] if t["deviating"] and t["judged"])
    case = timed(lambda: report.case_report(alur, auditor, KEY, deviating["instance_id"], agency=AGENCY),
                 args.runs * 4, warmup=1)

    # one instance's replay: each variant of the log on a fresh net (no search of the net cached)
    with alur.db.transaction() as s:
        found = official.official(s, _model_id(s))
    xml, process_id = found.xml, found.info.process_id
    variants = {}
    for t in first["traces"]:
        if t["judged"]:
            labels = tuple(e["element_id"] for e in t["time"])
            variants.setdefault(labels, t["deviating"])
    fresh_times, warm_times, align_times = [], [], []
    for labels, deviates in variants.items():
        for _ in range(args.runs):
            net = net_from_bpmn(xml, process_id)
            t0 = time.perf_counter()
            replay(net, labels)
            fresh_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            replay(found.net, labels)
            warm_times.append(time.perf_counter() - t0)
            if deviates:
                net = net_from_bpmn(xml, process_id)
                t0 = time.perf_counter()
                align(net, labels)
                align_times.append(time.perf_counter() - t0)
    fresh, warm_replay, aligned = Stats(fresh_times), Stats(warm_times), Stats(align_times or [0.0])
    log(f"  replay of one instance, fresh net: p50 {fresh.median_ms:.2f} ms, p95 {fresh.p95_ms:.2f} ms")

    log_ = first["log"]
    lines = [f"Alur conformance report at scale, {label}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             f"{machine('SQLAlchemy', 'lxml')}, {info['server']}, load average {info['load']} before, "
             f"{load_average()} after",
             f"data: {info['instances']:,} instances of {KEY}, {info['tasks']:,} human_task rows "
             f"({info['open']:,} open), {info['visits']:,} element_visit rows, {info['events']:,} audit events "
             f"({how}); schema {info['revision']}",
             f"the log: {log_['traces']:,} cases, {log_['judged']:,} completed, {log_['deviating']:,} deviating, "
             f"{len(variants)} variants of completed cases; fitness {log_['fitness']:.4f}, alignment fitness "
             f"{log_['alignment_fitness']:.4f}, on time {log_['on_time_ratio']:.1%}, {log_['interventions']} "
             "interventions", "",
             f"{'what':<58} | {'n':>3} | {'p50':>10} | {'p95':>10} | target",
             "-" * 100]

    def line(name, st: Stats, unit: str, target: str = ""):
        scale = 1000 if unit == "s" else 1
        lines.append(f"{name:<58} | {st.n:>3} | {st.median_ms / scale:>8.2f} {unit} | "
                     f"{st.p95_ms / scale:>8.2f} {unit} | {target}")
    lines.append(f"{'sop_report, whole log, cold caches (first call)':<58} | {1:>3} | {cold:>8.2f} s | "
                 f"{cold:>8.2f} s | < {TARGET_REPORT_S:.0f} s: {'MET' if cold < TARGET_REPORT_S else 'MISSED'}")
    line("sop_report, whole log", warm, "s",
         f"< {TARGET_REPORT_S:.0f} s: {'MET' if warm.p95_ms / 1000 < TARGET_REPORT_S else 'MISSED'}")
    line("  of which: reading the traces (event_log.traces)", reading, "s")
    line("POST /processes/{key}/conformance?traces=none (HTTP)", api_none, "s")
    line(f"POST /processes/{{key}}/conformance, every case ({size / 1e6:.1f} MB JSON)", api_all, "s")
    line("case_report (one case's drill-down)", case, "ms")
    line("replay of one instance, fresh net (per variant)", fresh, "ms",
         f"< {TARGET_REPLAY_MS:.0f} ms: {'MET' if fresh.p95_ms < TARGET_REPLAY_MS else 'MISSED'}")
    line("replay of one instance, the report's warm net", warm_replay, "ms")
    line("alignment of a deviating instance, fresh net", aligned, "ms")
    lines.append(f"command: python -m bench.conformance {' '.join(args.argv)}".rstrip())
    return "\n".join(lines)


def _model_id(s) -> int:
    from sqlalchemy import select

    from server.models import Agency, ProcessModel
    return s.scalar(select(ProcessModel.id).join(Agency, Agency.id == ProcessModel.agency_id)
                    .where(ProcessModel.key == KEY, Agency.slug == AGENCY))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.conformance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="drop schema public and build the data set again")
    parser.add_argument("--instances", type=int, default=INSTANCES, help=f"instances to build (default {INSTANCES})")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of the whole report (default 5)")
    parser.add_argument("--sqlite", action="store_true",
                        help=f"a temporary SQLite file instead of PostgreSQL ({DATABASE_ENV} not needed)")
    args = parser.parse_args(argv)
    args.argv = argv
    from server.clock import FixedClock

    with dataset_alur(args, "alur-bench-conformance-", DATASET, params(args.instances),
                      lambda alur, label: build(alur, label, args.instances), PASSWORD, clock=FixedClock(NOW),
                      reused="reused", analyze_reused=True) as (alur, label, how):
        print(run(alur, args, how, label))
    return 0


if __name__ == "__main__":
    sys.exit(main())
