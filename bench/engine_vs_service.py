"""The raw engine against Alur's service layer, on the Kemenpora diagram, after k rejections.

    ALUR_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/alur_bench \
    python -m bench.engine_vs_service [--rounds N] [--raw-samples N] [--no-postgres]
                                      [--ks 0,5,20,100] [--profile]

(a) raw: plain SpiffWorkflow as a naive host uses it: SpiffBpmnParser, the standard serializer
    with SPIFF_CONFIG (the spec embedded in every state), the default script engine. One sample is
    deserialize_json + complete the ready row-5 task + do_engine_steps + serialize_json, always
    on a fresh copy of the same stored state.
(b) service: `tasks.complete(alur, actor, task_id, data)` on a real database, the whole call:
    lock, permission checks, form validation, engine (resume, complete, steps, prune), human-task
    rows, engine state, audit event, commit. One sample per prepared instance.
(c) both with row 5 (s05_sampaikan_hasil_produksi) ready after k rejections at row 6
    (s06_putuskan_persetujuan "Tidak" goes back to row 5).

SQLite runs in a fresh temporary file. PostgreSQL is the database that ALUR_BENCH_DATABASE_URL
names (required unless --no-postgres; never `test`); its schema public is dropped and recreated.

See bench/README.md for how to read the output.
"""
from __future__ import annotations

import argparse
import copy
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.common import (Stats, database_options, fresh_postgres, log, machine, open_alur, postgres_url,
                          reset_postgres, statements, timed)

REPO = Path(__file__).resolve().parent.parent
KEY = "kemenpora_publikasi_media_sosial"
AGENCY = "kemenpora"
BPMN = REPO / "bpmn" / "000_kemenpora_publikasi_media_sosial.bpmn"
EXPECTED = REPO / "tests" / "diagrams" / "expected" / "kemenpora_publikasi_media_sosial.json"
REVISE = "s05_sampaikan_hasil_produksi"   # row 5: the task that is timed
DECIDE = "s06_putuskan_persetujuan"       # row 6: "Tidak" sends the work back to row 5
TARGET_RATIO = 2.0    # b/a at k=0 on SQLite
TARGET_GROWTH = 1.5   # cost at k=20 / cost at k=0


# --- the path data ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    task: str
    lane: str
    data: dict


@dataclass(frozen=True)
class Path_:
    start: dict
    prefix: list      # the steps before row 5 is ready for the first time
    revise: Step      # row 5
    reject: Step      # row 6 with the rejecting label

    def plan(self, k: int) -> list[Step]:
        """The steps that leave row 5 ready after k rejections."""
        return list(self.prefix) + [self.revise, self.reject] * k


def load_path() -> Path_:
    """The rejecting path of tests/diagrams/expected: its prefix, its row 5, its rejecting row 6."""
    expected = json.loads(EXPECTED.read_text())
    for path in expected["paths"]:
        steps = [Step(s["task"], s["lane"], s["data"]) for s in path["steps"]]
        for i in range(1, len(steps) - 1):
            if steps[i].task == DECIDE and steps[i - 1].task == REVISE and steps[i + 1].task == REVISE:
                first = next(j for j, s in enumerate(steps) if s.task == REVISE)
                return Path_(path["start"], steps[:first], steps[i - 1], steps[i])
    raise SystemExit(f"{EXPECTED}: no path goes from {DECIDE} back to {REVISE}")


def is_placeholder(value) -> bool:
    return isinstance(value, str) and value.startswith("$") and ":" in value


def fill(data: dict, files) -> dict:
    """Replaces "$images:N" / "$videos:N" / "$files:N" with `files(kind, N)` (a list of ids)."""
    out = {}
    for key, value in data.items():
        if is_placeholder(value):
            kind, count = value[1:].split(":")
            out[key] = files(kind, int(count))
        else:
            out[key] = copy.deepcopy(value)
    return out


def fake_files(kind: str, count: int) -> list[str]:
    return [str(uuid.uuid5(uuid.NAMESPACE_URL, f"alur-bench/{kind}/{i}")) for i in range(count)]


# --- (a) the raw engine -----------------------------------------------------------------------

class Raw:
    """SpiffWorkflow the way its documentation shows it, no Alur code involved."""

    def __init__(self, path: Path_):
        from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
        from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
        from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
        from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

        parser = SpiffBpmnParser(validator=VALIDATOR)
        parser.add_bpmn_file(str(BPMN))
        self.spec = parser.get_spec(KEY)
        self.subprocess_specs = parser.get_subprocess_specs(KEY)
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
        # The default engine, with the one function the diagrams' due-time timers call (a fixed
        # far-future answer: a naive host has no working-day calendar).
        self.script_engine = PythonScriptEngine(environment=TaskDataEnvironment(
            {"tenggat": lambda element_id: "2099-01-01T00:00:00+07:00"}))
        self.path = path
        self.revise_data = fill(path.revise.data, fake_files)

    def _ready(self, workflow):
        from SpiffWorkflow.util.task import TaskState
        return workflow.get_tasks(state=TaskState.READY, manual=True)

    def prepare(self, k: int) -> tuple[str, object]:
        """The serialized state with row 5 ready after k rejections, and that task's id."""
        from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)
        start = fill(self.path.start, fake_files)
        for task in workflow.get_tasks():
            task.data.update(start)
        workflow.do_engine_steps()
        for step in self.path.plan(k):
            [task] = self._ready(workflow)
            assert task.task_spec.bpmn_id == step.task, (task.task_spec.bpmn_id, step.task)
            task.set_data(**fill(step.data, fake_files))
            task.run()
            workflow.do_engine_steps()
        [task] = self._ready(workflow)
        assert task.task_spec.bpmn_id == REVISE
        return self.serializer.serialize_json(workflow), task.id

    def step(self, state: str, task_id) -> str:
        """One stateless request: read the state, complete row 5, run the engine, write the state."""
        workflow = self.serializer.deserialize_json(state)
        workflow.script_engine = self.script_engine
        task = workflow.get_task_from_id(task_id)
        task.set_data(**self.revise_data)
        task.run()
        workflow.do_engine_steps()
        return self.serializer.serialize_json(workflow)

    def check(self, state: str, task_id) -> None:
        workflow = self.serializer.deserialize_json(self.step(state, task_id))
        [task] = self._ready(workflow)
        assert task.task_spec.bpmn_id == DECIDE, task.task_spec.bpmn_id

    def measure(self, k: int, samples: int, warmup: int = 20) -> tuple[Stats, dict]:
        state, task_id = self.prepare(k)
        self.check(state, task_id)
        workflow = self.serializer.deserialize_json(state)
        info = {"tasks": len(workflow.tasks), "state_kb": len(state.encode()) / 1024}
        return timed(lambda: self.step(state, task_id), samples, warmup), info


# --- (b) Alur's service layer -----------------------------------------------------------------

KINDS = {"images": "image/png", "videos": "video/mp4", "files": "application/pdf"}


class Service:
    """Alur on a real database: the demo agencies, users and diagrams, then instances driven by services."""

    def __init__(self, label: str, url: str, workdir: Path, path: Path_):
        from sqlalchemy import select

        from server import demo
        from server.kernel.actors import load_actor
        from server.models import User

        self.label, self.url, self.path = label, url, path
        self.alur = open_alur(url, workdir)
        demo.load(self.alur, with_instances=False)
        self.actors = {}
        with self.alur.db.transaction() as s:
            for agency, username, lane in demo.USERS:
                if agency == AGENCY:
                    uid = s.scalar(select(User.id).where(User.username == username))
                    self.actors[lane] = load_actor(s, uid)
        self.starter = self.actors[json.loads(EXPECTED.read_text())["start_lane"]]

    def close(self) -> None:
        self.alur.close()

    def _files_for(self, pool: dict, actor):
        """Ids for a placeholder: files already tied to this instance are reused, others uploaded."""
        from server.files import samples
        from server.work.services import attachments

        def make(kind: str, count: int) -> list[str]:
            have = pool.setdefault(kind, [])
            while len(have) < count:
                body, name = samples.for_accept([KINDS[kind]])
                have.append(attachments.upload(self.alur, actor, body, name, agency=AGENCY)["id"])
            return have[:count]
        return make

    def prepare(self, k: int) -> tuple[int, dict, int]:
        """An instance with row 5 ready after k rejections: (task id, row-5 data, instance id)."""
        from server.work.services import instances, tasks

        pool: dict = {}
        started = instances.start(self.alur, self.starter, KEY,
                                  fill(self.path.start, self._files_for(pool, self.starter)))
        [task] = started["open_tasks"]
        for step in self.path.plan(k):
            assert task["element_id"] == step.task, (task["element_id"], step.task)
            actor = self.actors[task["lane"]]
            done = tasks.complete(self.alur, actor, task["id"], fill(step.data, self._files_for(pool, actor)))
            [task] = done["instance"]["open_tasks"]
        assert task["element_id"] == REVISE
        data = fill(self.path.revise.data, self._files_for(pool, self.actors[task["lane"]]))
        return task["id"], data, started["id"]

    def complete(self, prepared) -> dict:
        from server.work.services import tasks

        task_id, data, _ = prepared
        return tasks.complete(self.alur, self.actors[self.path.revise.lane], task_id, copy.deepcopy(data))

    def state_kb(self, instance_id: int) -> float:
        from server.models import ProcessInstance

        with self.alur.db.transaction() as s:
            return len(s.get(ProcessInstance, instance_id).engine_state.encode()) / 1024

    def measure(self, prepared: dict, warmup: list) -> dict:
        """One timed `tasks.complete` per prepared instance, k by k, after untimed warm-up calls."""
        for item in warmup:
            self.complete(item)
        out = {}
        for k, items in prepared.items():
            pending, results = iter(items), []
            out[k] = timed(lambda: results.append(self.complete(next(pending))), len(items))
            for result in results:
                [opened] = result["instance"]["open_tasks"]
                assert opened["element_id"] == DECIDE
        return out


def samples_for(k: int, rounds: int) -> int:
    """Service samples (= prepared instances) for k: k=100 instances take 200+ steps to prepare."""
    budget = rounds * (2 * 20 + 5)  # the steps that k=20 costs to prepare
    return max(min(rounds, 5), min(rounds, budget // (2 * k + 5)))


def run_service(label: str, url: str, path: Path_, ks: list[int], rounds: int, warmup: int):
    with tempfile.TemporaryDirectory(prefix="alur-bench-") as tmp:
        t0 = time.perf_counter()
        service = Service(label, url, Path(tmp), path)
        try:
            log(f"[{label}] schema and demo data ready in {time.perf_counter() - t0:.1f} s")
            warm = [service.prepare(0) for _ in range(warmup)]
            prepared, sizes = {}, {}
            for k in ks:
                t1 = time.perf_counter()
                prepared[k] = [service.prepare(k) for _ in range(samples_for(k, rounds))]
                sizes[k] = service.state_kb(prepared[k][0][2])
                log(f"[{label}] prepared {len(prepared[k])} instances at k={k} "
                    f"in {time.perf_counter() - t1:.1f} s")
            stats = service.measure(prepared, warm)
            return stats, sizes
        finally:
            service.close()


class StageClock:
    """Wall-clock time per stage of `tasks.complete`, by wrapping the functions it calls.

    The wrappers only read the clock and call through; nothing is replaced. BEGIN, the read of
    task and instance and COMMIT are what is left of the total.
    """

    STAGES = [
        ("version", "version info (cached)"),
        ("validate", "form validation (JSON Schema + attachment rows)"),
        ("resume", "engine: read state (JSON -> workflow)"),
        ("engine", "engine: complete + steps + prune + write state"),
        ("dump", "  of which: write state (workflow -> JSON)"),
        ("link", "link attachments (UPDATE, only for files new to the instance)"),
        ("apply", "apply_run: ready tasks, new rows, store state"),
        ("audit", "audit.record (INSERT)"),
    ]

    def __init__(self, service: Service):
        from server.engine import runtime
        from server.kernel import audit, stepping
        from server.work.services import attachments, tasks

        self.now: dict = {}
        self.calls: list = []
        self.statements = 0
        self.first_sql: list = []
        self._undo = []
        for owner, name, label in [(tasks, "version_info", "version"), (tasks, "check_submission", "validate"),
                                   (runtime.ProcessEngine, "resume", "resume"), (runtime.Run, "complete", "engine"),
                                   (attachments.AttachmentRules, "link", "link"), (stepping, "apply_run", "apply"),
                                   (runtime.Run, "_serialize", "dump"), (audit, "record", "audit")]:
            self._wrap(owner, name, label)

    def _add(self, label: str, seconds: float) -> None:
        self.now[label] = self.now.get(label, 0.0) + seconds

    def _wrap(self, owner, name: str, label: str) -> None:
        original = owner.__dict__[name]

        def clocked(*args, **kwargs):
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self._add(label, time.perf_counter() - t0)

        setattr(owner, name, clocked)
        self._undo.append(lambda: setattr(owner, name, original))

    def measure(self, service: Service, items: list) -> None:
        for item in items:
            self.now = {}
            with statements(service.alur.db.engine) as seen:
                t0 = time.perf_counter()
                service.complete(item)
                self.now["total"] = time.perf_counter() - t0
            if not self.calls:
                self.first_sql = [" ".join(sql.split())[:110] for sql, _ in seen.sql]
            self.statements += len(seen.sql)
            self.calls.append(self.now)

    def close(self) -> None:
        for undo in reversed(self._undo):
            undo()

    def table(self, label: str) -> str:
        n = len(self.calls)
        mean = {key: sum(c.get(key, 0.0) for c in self.calls) / n * 1000 for key, _ in self.STAGES + [("total", "")]}
        top = sum(v for key, v in mean.items() if key not in ("total", "dump"))
        out = [f"where the service time goes, {label}, k=0, mean of {n} calls "
               f"({self.statements / n:.1f} SQL statements per call):"]
        for key, text in self.STAGES:
            out.append(f"  {text:<56} {mean[key]:6.3f} ms  {100 * mean[key] / mean['total']:4.0f} %")
        rest = mean["total"] - top
        out.append(f"  {'rest (BEGIN, read task and instance, COMMIT, glue)':<56} {rest:6.3f} ms  "
                   f"{100 * rest / mean['total']:4.0f} %")
        out.append(f"  {'total tasks.complete':<56} {mean['total']:6.3f} ms")
        engine = mean["resume"] + mean["engine"]
        out.append(f"  engine share (read + complete + write state): {engine:.3f} ms = "
                   f"{100 * engine / mean['total']:.0f} % of the call")
        out.append("  SQL of one call, in order:")
        out += [f"    {i:>2}. {sql}" for i, sql in enumerate(self.first_sql, 1)]
        return "\n".join(out)


def profile_service(label: str, url: str, path: Path_, count: int, cprofile: bool) -> str:
    """Stage timings (and, if asked, cProfile) of service completions of row 5 at k=0."""
    with tempfile.TemporaryDirectory(prefix="alur-bench-prof-") as tmp:
        service = Service(label, url, Path(tmp), path)
        try:
            for item in [service.prepare(0) for _ in range(5)]:
                service.complete(item)
            clocked = [service.prepare(0) for _ in range(count)]
            profiled = [service.prepare(0) for _ in range(count)] if cprofile else []
            clock = StageClock(service)
            try:
                clock.measure(service, clocked)
            finally:
                clock.close()
            out = [clock.table(label)]
            if cprofile:
                profiler = cProfile.Profile()
                profiler.enable()
                for item in profiled:
                    service.complete(item)
                profiler.disable()
        finally:
            service.close()
    if cprofile:
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        stats.strip_dirs()
        buf.write(f"cProfile of {count} service completions of row 5 at k=0 ({label}); the profiler "
                  f"inflates Python-heavy code (the ORM) about 2.5x:\n")
        stats.sort_stats("cumulative").print_stats(15)
        buf.write("top 15 by own time:\n")
        stats.sort_stats("tottime").print_stats(15)
        out.append(buf.getvalue().rstrip())
    return "\n\n".join(out)


# --- the report -------------------------------------------------------------------------------

def fmt(value, width=8, digits=2) -> str:
    return f"{value:>{width}.{digits}f}" if value is not None else f"{'n/a':>{width}}"


def report(ks, raw, raw_info, sqlite, sqlite_kb, pg, pg_kb, pg_note, args) -> str:
    lines = []
    lines.append(f"Alur engine vs service, {KEY}, {time.strftime('%Y-%m-%d %H:%M %Z')}")
    lines.append(machine("SpiffWorkflow", "SQLAlchemy"))
    lines.append("times in ms per completion of row 5; b/a = service median / raw median")
    lines.append("")
    head = (f"{'k':>4} | {'raw med':>8} {'p95':>8} | {'SQLite med':>10} {'p95':>8} {'b/a':>6} | "
            f"{'PG med':>8} {'p95':>8} {'b/a':>6} | {'n raw/SQLite/PG':>15}")
    lines.append(head)
    lines.append("-" * len(head))
    for k in ks:
        a = raw[k]
        s = sqlite.get(k)
        p = pg.get(k) if pg else None
        lines.append(
            f"{k:>4} | {fmt(a.median_ms)} {fmt(a.p95_ms)} | "
            f"{fmt(s.median_ms if s else None, 10)} {fmt(s.p95_ms if s else None)} "
            f"{fmt(s.median_ms / a.median_ms if s else None, 6)} | "
            f"{fmt(p.median_ms if p else None)} {fmt(p.p95_ms if p else None)} "
            f"{fmt(p.median_ms / a.median_ms if p else None, 6)} | "
            f"{f'{a.n}/{s.n if s else 0}/{p.n if p else 0}':>15}")
    lines.append("")
    lines.append("state per instance (KB) and tasks in the raw tree:")
    for k in ks:
        lines.append(f"  k={k:<3} raw {raw_info[k]['state_kb']:7.1f} KB ({raw_info[k]['tasks']} tasks, spec embedded)"
                     f" | Alur SQLite {sqlite_kb.get(k, 0):5.1f} KB"
                     + (f" | Alur PG {pg_kb.get(k, 0):5.1f} KB" if pg_kb else ""))
    lines.append("")
    verdicts = []
    if 0 in ks:
        ratio = sqlite[0].median_ms / raw[0].median_ms
        ok = ratio <= TARGET_RATIO
        verdicts.append(ok)
        lines.append(f"target b/a <= {TARGET_RATIO} at k=0 on SQLite: {ratio:.2f}  {'MET' if ok else 'MISSED'}")
        if pg:
            lines.append(f"  (for information: b/a at k=0 on PostgreSQL: {pg[0].median_ms / raw[0].median_ms:.2f})")
    if 0 in ks and 20 in ks:
        lines.append(f"growth, cost at k=20 / cost at k=0 (target <= {TARGET_GROWTH}):")
        rows = [("raw engine", raw), ("service SQLite", sqlite)] + ([("service PostgreSQL", pg)] if pg else [])
        for name, table in rows:
            growth = table[20].median_ms / table[0].median_ms
            ok = growth <= TARGET_GROWTH
            if name.startswith("service"):
                verdicts.append(ok)
            verdict = "(no target: the stack's own growth)" if name == "raw engine" else ("MET" if ok else "MISSED")
            lines.append(f"  {name:<20} {growth:5.2f}  {verdict}")
    if any(k > 20 for k in ks):
        lines.append(f"note: k > 20 has fewer service samples (each instance is {2 * max(ks) + 5} steps "
                     f"to prepare); its p95 is rough.")
    if pg_note:
        lines.append(f"PostgreSQL: {pg_note}")
    lines.append(f"command: python -m bench.engine_vs_service {' '.join(args)}".rstrip())
    lines.append("all targets met" if verdicts and all(verdicts) else "NOT all targets met")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.engine_vs_service", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=100,
                        help="service samples (= prepared instances) per k up to k=20; fewer above (default 100)")
    parser.add_argument("--raw-samples", type=int, default=300, help="raw engine samples per k (default 300)")
    parser.add_argument("--ks", default="0,5,20,100", help="rejection counts (default 0,5,20,100)")
    database_options(parser)
    parser.add_argument("--profile", action="store_true",
                        help="also time the stages of the service call at k=0 (SQLite and PostgreSQL) and cProfile it on SQLite")
    args = parser.parse_args(argv)
    pg_url = postgres_url(args)
    ks = sorted({int(k) for k in args.ks.split(",") if k.strip()})
    path = load_path()
    began = time.perf_counter()

    log("(a) raw engine ...")
    raw, raw_info = {}, {}
    engine = Raw(path)
    for k in ks:
        raw[k], raw_info[k] = engine.measure(k, args.raw_samples)
        log(f"[raw] k={k}: median {raw[k].median_ms:.2f} ms")

    log("(b) service on SQLite ...")
    with tempfile.TemporaryDirectory(prefix="alur-bench-sqlite-") as tmp:
        sqlite, sqlite_kb = run_service("SQLite", f"sqlite:///{tmp}/alur.db", path, ks, args.rounds, warmup=5)

    pg, pg_kb, pg_note = None, None, None
    if pg_url is not None:
        fresh_postgres(pg_url)
        log("(b) service on PostgreSQL ...")
        pg, pg_kb = run_service("PostgreSQL", pg_url, path, ks, args.rounds, warmup=5)
    else:
        pg_note = "skipped (--no-postgres)"

    print(report(ks, raw, raw_info, sqlite, sqlite_kb, pg, pg_kb, pg_note, argv))
    if args.profile:
        log("profiling ...")
        count = max(20, args.rounds)
        with tempfile.TemporaryDirectory(prefix="alur-bench-sqlite-") as tmp:
            print()
            print(profile_service("SQLite", f"sqlite:///{tmp}/alur.db", path, count, cprofile=True))
        if pg is not None and reset_postgres(pg_url) is None:
            print()
            print(profile_service("PostgreSQL", pg_url, path, count, cprofile=False))
    log(f"total {time.perf_counter() - began:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
