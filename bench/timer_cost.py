"""What the due-time timers cost the engine: Kemenpora's diagram in three forms, one completion timed.

    python -m bench.timer_cost [--instances N] [--no-postgres]

The same procedure deployed three times under other process ids:
  none      no due-time timer at all (the baseline);
  markers   each timed task's tenggat marker on its edge, leading nowhere (how diagrams are drawn
            now: Alur's deadline service enforces it, the engine runs without it);
  eskalasi  each marker leading to an "Eskalasi" end event (how the seeds were drawn before: the
            engine runs a boundary timer per task).
Each instance walks the accepting path of tests/diagrams/expected/ through `tasks.complete`; the
figure is the median time of one completion (all eight rows pooled), and its ratio to `none`.
The issue's target: markers within 1.3x of none.
"""
from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
from pathlib import Path

from lxml import etree

from bench.common import Stats, database_options, fresh_postgres, log, machine, open_alur, postgres_url
from bench.engine_vs_service import AGENCY, BPMN, EXPECTED, fill

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
DC_NS = "http://www.omg.org/spec/DD/20100524/DC"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
KEY = "kemenpora_publikasi_media_sosial"
VARIANTS = ("none", "markers", "eskalasi")
TARGET = 1.3


def _q(tag: str, ns: str = BPMN_NS) -> str:
    return f"{{{ns}}}{tag}"


def _remove_timers(root) -> None:
    """Every tenggat boundary timer, the flows out of it, the Eskalasi ends, their refs and DI."""
    process = root.find(_q("process"))
    gone = {e.get("id") for e in process.findall(_q("boundaryEvent"))}
    flows = [f for f in process.findall(_q("sequenceFlow")) if f.get("sourceRef") in gone]
    gone |= {f.get("id") for f in flows} | {f.get("targetRef") for f in flows}
    for element in list(process):
        if element.get("id") in gone:
            process.remove(element)
    for ref in list(root.iter(_q("flowNodeRef"))):
        if ref.text in gone:
            ref.getparent().remove(ref)
    for shape in list(root.iter(_q("BPMNShape", DI_NS))) + list(root.iter(_q("BPMNEdge", DI_NS))):
        if shape.get("bpmnElement") in gone:
            shape.getparent().remove(shape)


def _add_timers(root, with_eskalasi: bool) -> None:
    """A marker on every task that has a sop.waktu.kode; with `with_eskalasi`, a flow to an end."""
    process = root.find(_q("process"))
    plane = root.find(f".//{_q('BPMNPlane', DI_NS)}")
    lanes = {ref.text: ref.getparent() for ref in root.iter(_q("flowNodeRef"))}
    bounds = {s.get("bpmnElement"): s.find(_q("Bounds", DC_NS)) for s in plane.findall(_q("BPMNShape", DI_NS))}
    for task in process.findall(_q("userTask")):
        kode = task.find(f"{_q('extensionElements')}/{{{SPIFF}}}properties/{{{SPIFF}}}property[@name='sop.waktu.kode']")
        if kode is None or not kode.get("value"):
            continue
        tid = task.get("id")
        event = etree.SubElement(process, _q("boundaryEvent"), id=f"batas_{tid}", attachedToRef=tid,
                                 cancelActivity="false")
        timer = etree.SubElement(event, _q("timerEventDefinition"), id=f"timer_{tid}")
        etree.SubElement(timer, _q("timeDate"), {f"{{{XSI}}}type": "bpmn:tFormalExpression"}).text = \
            f'tenggat("{tid}")'
        etree.SubElement(lanes[tid], _q("flowNodeRef")).text = f"batas_{tid}"
        box = bounds[tid]
        x, y = float(box.get("x")) + float(box.get("width")) - 30, float(box.get("y")) + float(box.get("height")) - 18
        shape = etree.SubElement(plane, _q("BPMNShape", DI_NS), id=f"di_batas_{tid}", bpmnElement=f"batas_{tid}")
        etree.SubElement(shape, _q("Bounds", DC_NS), x=str(x), y=str(y), width="36", height="36")
        if with_eskalasi:
            event.insert(0, etree.Element(_q("outgoing")))
            event[0].text = f"f_eskalasi_{tid}"
            end = etree.SubElement(process, _q("endEvent"), id=f"eskalasi_{tid}", name="Eskalasi")
            etree.SubElement(end, _q("incoming")).text = f"f_eskalasi_{tid}"
            etree.SubElement(process, _q("sequenceFlow"), id=f"f_eskalasi_{tid}", sourceRef=f"batas_{tid}",
                             targetRef=f"eskalasi_{tid}")
            etree.SubElement(lanes[tid], _q("flowNodeRef")).text = f"eskalasi_{tid}"
            shape = etree.SubElement(plane, _q("BPMNShape", DI_NS), id=f"di_eskalasi_{tid}",
                                     bpmnElement=f"eskalasi_{tid}")
            etree.SubElement(shape, _q("Bounds", DC_NS), x=str(x), y=str(y + 60), width="36", height="36")
            edge = etree.SubElement(plane, _q("BPMNEdge", DI_NS), id=f"di_f_eskalasi_{tid}",
                                    bpmnElement=f"f_eskalasi_{tid}")
            for wy in (y + 36, y + 60):
                etree.SubElement(edge, _q("waypoint", "http://www.omg.org/spec/DD/20100524/DI"),
                                 x=str(x + 18), y=str(wy))


def variant(kind: str) -> tuple[bytes, str]:
    """Kemenpora's diagram in form `kind`, under process id `<KEY>_<kind>`."""
    root = etree.fromstring(BPMN.read_bytes())
    _remove_timers(root)
    if kind != "none":
        _add_timers(root, with_eskalasi=kind == "eskalasi")
    key = f"{KEY}_{kind}"
    root.find(_q("process")).set("id", key)
    for participant in root.iter(_q("participant")):
        participant.set("processRef", key)
    for plane in root.iter(_q("BPMNPlane", DI_NS)):
        if plane.get("bpmnElement") == KEY:
            plane.set("bpmnElement", key)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8"), key


class Walk:
    """Alur on one database with the three variants deployed and the demo's Kemenpora users."""

    def __init__(self, url: str, workdir: Path):
        from sqlalchemy import select

        from server import demo
        from server.kernel.actors import load_actor
        from server.models import User
        from server.modeling.services import deployment

        self.alur = open_alur(url, workdir)
        demo.load(self.alur, with_instances=False)
        for kind in VARIANTS:
            data, key = variant(kind)
            deployment.deploy(self.alur, data, f"{key}.bpmn")
        self.actors = {}
        with self.alur.db.transaction() as s:
            for agency, username, lane in demo.USERS:
                if agency == AGENCY:
                    self.actors[lane] = load_actor(s, s.scalar(select(User.id).where(User.username == username)))
        expected = json.loads(EXPECTED.read_text())
        self.path = next(p for p in expected["paths"] if all(s["data"].get("keputusan", "Ya") == "Ya"
                                                            for s in p["steps"]))
        self.starter = self.actors[expected["start_lane"]]

    def once(self, key: str) -> list[float]:
        """One instance from start to end; the seconds of each completion."""
        from server.work.services import instances, tasks

        # An attachment joins one instance: every form gets fresh uploads of its own user.
        start = fill(self.path["start"], lambda kind, n: self._upload_as(self.starter, kind, n))
        started = instances.start(self.alur, self.starter, key, start)
        task, took = started["open_tasks"][0], []
        for step in self.path["steps"]:
            assert task["element_id"] == step["task"], (task["element_id"], step["task"])
            actor = self.actors[task["lane"]]
            data = fill(step["data"], lambda kind, n: self._upload_as(actor, kind, n))
            t0 = time.perf_counter()
            done = tasks.complete(self.alur, actor, task["id"], copy.deepcopy(data))
            took.append(time.perf_counter() - t0)
            opened = done["instance"]["open_tasks"]
            task = opened[0] if opened else None
        assert task is None and done["instance"]["status"] == "completed", done["instance"]["status"]
        return took

    def _upload_as(self, actor, kind: str, count: int) -> list[str]:
        from bench.engine_vs_service import KINDS
        from server.files import samples
        from server.work.services import attachments

        out = []
        for _ in range(count):
            body, name = samples.for_accept([KINDS[kind]])
            out.append(attachments.upload(self.alur, actor, body, name, agency=AGENCY)["id"])
        return out

    def close(self) -> None:
        self.alur.close()


def measure(label: str, url: str, workdir: Path, instances: int) -> dict[str, Stats]:
    walk = Walk(url, workdir)
    try:
        for kind in VARIANTS:  # warm-up: specs parsed, caches filled
            walk.once(f"{KEY}_{kind}")
        samples = {kind: [] for kind in VARIANTS}
        for _ in range(instances):  # interleaved, so drift hits every variant alike
            for kind in VARIANTS:
                samples[kind] += walk.once(f"{KEY}_{kind}")
        log(f"[{label}] {instances} instances per variant done")
        return {kind: Stats(values) for kind, values in samples.items()}
    finally:
        walk.close()


def report(results: dict) -> str:
    lines = [f"Due-time timer cost, {KEY}, {time.strftime('%Y-%m-%d %H:%M %Z')}",
             machine("SpiffWorkflow", "SQLAlchemy"),
             "ms per tasks.complete along the accepting path (8 completions per instance); ratio = median / none",
             "",
             f"{'database':<11}| {'variant':<9}| {'n':>5} | {'median':>7} | {'p95':>7} | {'ratio':>5} | target"]
    for label, stats in results.items():
        base = stats["none"].median_ms
        for kind in VARIANTS:
            s = stats[kind]
            ratio = s.median_ms / base
            verdict = "" if kind != "markers" else ("MET" if ratio <= TARGET else "MISSED")
            lines.append(f"{label:<11}| {kind:<9}| {s.n:>5} | {s.median_ms:7.2f} | {s.p95_ms:7.2f} | "
                         f"{ratio:5.2f} | {verdict}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.timer_cost", description=__doc__.split("\n\n")[0])
    parser.add_argument("--instances", type=int, default=40, help="instances per variant (default 40)")
    database_options(parser)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    pg_url = postgres_url(args)
    results = {}
    with tempfile.TemporaryDirectory(prefix="alur-bench-timers-") as tmp:
        results["SQLite"] = measure("SQLite", f"sqlite:///{tmp}/alur.db", Path(tmp), args.instances)
    if pg_url is not None:
        fresh_postgres(pg_url)
        with tempfile.TemporaryDirectory(prefix="alur-bench-timers-") as tmp:
            results["PostgreSQL"] = measure("PostgreSQL", pg_url, Path(tmp), args.instances)
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
